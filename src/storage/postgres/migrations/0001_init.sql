-- dwctl catalog on PostgreSQL, schema version 1: the tables of SQLite's 0001_init.sql in
-- PostgreSQL's types. Never edit or reorder an applied migration: add a new file (and
-- SQLite's of the same number).
--
-- As in SQLite: timestamps and JSON are TEXT (so that an audit event hashes to the same
-- bytes on both backends); every text column is COLLATE "C" (bytes, as SQLite's BINARY);
-- names that SQLite compares under NOCASE are unique on lower(name), which under "C"
-- folds ASCII only, as NOCASE does, and are sorted by lower(name). Keys are assigned by
-- dwctl under the catalog's write lock (max + 1, as SQLite's rowids), workspace ids from
-- dwctl_meta's workspace_seq (never reused, as SQLite's AUTOINCREMENT).

-- The schema version and the workspace id counter.
CREATE TABLE dwctl_meta (
    key   TEXT COLLATE "C" PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO dwctl_meta (key, value) VALUES ('schema_version', 0), ('workspace_seq', 0);

-- Never holds a row: a change takes LOCK TABLE dwctl_lock IN EXCLUSIVE MODE first, so that
-- changes (and their audit events) are serialised while reads never wait.
CREATE TABLE dwctl_lock (
    singleton INTEGER PRIMARY KEY
);

CREATE TABLE tenant (
    singleton   INTEGER PRIMARY KEY CHECK (singleton = 1),
    account_id  TEXT COLLATE "C" NOT NULL,
    region      TEXT COLLATE "C" NOT NULL,
    created_at  TEXT COLLATE "C" NOT NULL
);

CREATE TABLE principal (
    pk           BIGINT PRIMARY KEY,
    id           TEXT COLLATE "C" NOT NULL UNIQUE,
    name         TEXT COLLATE "C" NOT NULL,
    kind         TEXT COLLATE "C" NOT NULL CHECK (kind IN ('account', 'ram-user', 'ram-role')),
    display_name TEXT COLLATE "C",
    full_access  BOOLEAN NOT NULL DEFAULT false,
    created_at   TEXT COLLATE "C" NOT NULL
);
CREATE UNIQUE INDEX principal_name ON principal (lower(name));

CREATE TABLE resource_group (
    pk            BIGINT PRIMARY KEY,
    id            TEXT COLLATE "C" NOT NULL,
    name          TEXT COLLATE "C" NOT NULL,
    type          TEXT COLLATE "C" NOT NULL,
    spec          BIGINT NOT NULL,
    payment       TEXT COLLATE "C" NOT NULL,
    duration      BIGINT,
    duration_unit TEXT COLLATE "C",
    vpc           TEXT COLLATE "C",
    vswitch       TEXT COLLATE "C",
    remark        TEXT COLLATE "C" NOT NULL DEFAULT '',
    status        TEXT COLLATE "C" NOT NULL DEFAULT 'normal',
    created_at    TEXT COLLATE "C" NOT NULL,
    created_by    TEXT COLLATE "C" NOT NULL
);
CREATE UNIQUE INDEX resource_group_id ON resource_group (lower(id));
CREATE UNIQUE INDEX resource_group_name ON resource_group (lower(name));

CREATE TABLE workspace (
    id                     BIGINT PRIMARY KEY,
    name                   TEXT COLLATE "C" NOT NULL,
    display_name           TEXT COLLATE "C" NOT NULL,
    description            TEXT COLLATE "C" NOT NULL DEFAULT '',
    mode                   TEXT COLLATE "C" NOT NULL,
    status                 TEXT COLLATE "C" NOT NULL,
    status_before_delete   TEXT COLLATE "C",
    owner                  TEXT COLLATE "C" NOT NULL,
    is_default             BOOLEAN NOT NULL DEFAULT false,
    dev_role_disabled      BOOLEAN NOT NULL DEFAULT false,
    pai_tasks_enabled      BOOLEAN NOT NULL DEFAULT false,
    sod_policy             TEXT COLLATE "C" NOT NULL DEFAULT 'warn',
    default_resource_group BIGINT REFERENCES resource_group(pk),
    created_at             TEXT COLLATE "C" NOT NULL,
    created_by             TEXT COLLATE "C" NOT NULL,
    updated_at             TEXT COLLATE "C" NOT NULL,
    deleted_at             TEXT COLLATE "C",
    deleted_by             TEXT COLLATE "C"
);
CREATE UNIQUE INDEX workspace_name ON workspace (lower(name));

CREATE TABLE workspace_tag (
    workspace_id BIGINT NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
    key          TEXT COLLATE "C" NOT NULL,
    value        TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (workspace_id, key)
);

-- roles: comma-separated role codes in canonical order (domain::roles::RoleSet).
CREATE TABLE member (
    workspace_id BIGINT NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
    principal_pk BIGINT NOT NULL REFERENCES principal(pk),
    roles        TEXT COLLATE "C" NOT NULL,
    added_at     TEXT COLLATE "C" NOT NULL,
    added_by     TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (workspace_id, principal_pk)
);
CREATE INDEX member_by_principal ON member(principal_pk);

CREATE TABLE binding (
    group_pk     BIGINT NOT NULL REFERENCES resource_group(pk),
    workspace_id BIGINT NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
    bound_at     TEXT COLLATE "C" NOT NULL,
    bound_by     TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (group_pk, workspace_id)
);
CREATE INDEX binding_by_workspace ON binding(workspace_id);

-- properties: a JSON object of string values, secrets included (grant the schema to the
-- team's logins only).
CREATE TABLE compute (
    pk           BIGINT PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
    env          TEXT COLLATE "C" NOT NULL,
    name         TEXT COLLATE "C" NOT NULL,
    type         TEXT COLLATE "C" NOT NULL,
    mode         TEXT COLLATE "C" NOT NULL,
    properties   TEXT COLLATE "C" NOT NULL,
    description  TEXT COLLATE "C" NOT NULL DEFAULT '',
    is_default   BOOLEAN NOT NULL DEFAULT false,
    created_at   TEXT COLLATE "C" NOT NULL,
    created_by   TEXT COLLATE "C" NOT NULL,
    updated_at   TEXT COLLATE "C" NOT NULL,
    updated_by   TEXT COLLATE "C" NOT NULL
);
CREATE UNIQUE INDEX compute_name ON compute (workspace_id, env, lower(name));

CREATE TABLE datasource (
    pk              BIGINT PRIMARY KEY,
    workspace_id    BIGINT NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
    env             TEXT COLLATE "C" NOT NULL,
    name            TEXT COLLATE "C" NOT NULL,
    type            TEXT COLLATE "C" NOT NULL,
    mode            TEXT COLLATE "C" NOT NULL,
    properties      TEXT COLLATE "C" NOT NULL,
    description     TEXT COLLATE "C" NOT NULL DEFAULT '',
    origin          TEXT COLLATE "C" NOT NULL DEFAULT 'manual',
    test_state      TEXT COLLATE "C",
    test_at         TEXT COLLATE "C",
    test_latency_ms BIGINT,
    test_message    TEXT COLLATE "C",
    created_at      TEXT COLLATE "C" NOT NULL,
    created_by      TEXT COLLATE "C" NOT NULL,
    updated_at      TEXT COLLATE "C" NOT NULL,
    updated_by      TEXT COLLATE "C" NOT NULL
);
CREATE UNIQUE INDEX datasource_name ON datasource (workspace_id, env, lower(name));

-- The audit log is append-only: nothing updates or deletes its rows, and purge keeps them
-- (workspace and actor are stored by name, not by reference).
CREATE TABLE audit (
    seq       BIGINT PRIMARY KEY,
    at        TEXT COLLATE "C" NOT NULL,
    actor     TEXT COLLATE "C" NOT NULL,
    actor_id  TEXT COLLATE "C" NOT NULL,
    action    TEXT COLLATE "C" NOT NULL,
    workspace TEXT COLLATE "C",
    target    TEXT COLLATE "C",
    outcome   TEXT COLLATE "C" NOT NULL,
    details   TEXT COLLATE "C" NOT NULL,
    hash      TEXT COLLATE "C" NOT NULL
);
CREATE INDEX audit_by_workspace ON audit (lower(workspace), seq);
CREATE FUNCTION dwctl_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only';
END
$$;
CREATE TRIGGER audit_no_update BEFORE UPDATE OR DELETE ON audit
    FOR EACH ROW EXECUTE FUNCTION dwctl_audit_append_only();
