-- dwctl catalog, schema version 1. Never edit or reorder an applied migration: add a new file.

CREATE TABLE tenant (
    singleton   INTEGER PRIMARY KEY CHECK (singleton = 1),
    account_id  TEXT NOT NULL,
    region      TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE principal (
    pk           INTEGER PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL COLLATE NOCASE UNIQUE,
    kind         TEXT NOT NULL CHECK (kind IN ('account', 'ram-user', 'ram-role')),
    display_name TEXT,
    full_access  INTEGER NOT NULL DEFAULT 0,
    created_at   TEXT NOT NULL
);

-- AUTOINCREMENT: workspace ids are never reused, even after purge.
CREATE TABLE workspace (
    id                     INTEGER PRIMARY KEY AUTOINCREMENT,
    name                   TEXT NOT NULL COLLATE NOCASE UNIQUE,
    display_name           TEXT NOT NULL,
    description            TEXT NOT NULL DEFAULT '',
    mode                   TEXT NOT NULL,
    status                 TEXT NOT NULL,
    status_before_delete   TEXT,
    owner                  TEXT NOT NULL,
    is_default             INTEGER NOT NULL DEFAULT 0,
    dev_role_disabled      INTEGER NOT NULL DEFAULT 0,
    pai_tasks_enabled      INTEGER NOT NULL DEFAULT 0,
    sod_policy             TEXT NOT NULL DEFAULT 'warn',
    default_resource_group INTEGER REFERENCES resource_group(pk),
    created_at             TEXT NOT NULL,
    created_by             TEXT NOT NULL,
    updated_at             TEXT NOT NULL,
    deleted_at             TEXT,
    deleted_by             TEXT
);

CREATE TABLE workspace_tag (
    workspace_id INTEGER NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
    key          TEXT NOT NULL,
    value        TEXT NOT NULL,
    PRIMARY KEY (workspace_id, key)
) WITHOUT ROWID;

-- roles: comma-separated role codes in canonical order (domain::roles::RoleSet).
CREATE TABLE member (
    workspace_id INTEGER NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
    principal_pk INTEGER NOT NULL REFERENCES principal(pk),
    roles        TEXT NOT NULL,
    added_at     TEXT NOT NULL,
    added_by     TEXT NOT NULL,
    PRIMARY KEY (workspace_id, principal_pk)
) WITHOUT ROWID;
CREATE INDEX member_by_principal ON member(principal_pk);

CREATE TABLE resource_group (
    pk            INTEGER PRIMARY KEY,
    id            TEXT NOT NULL COLLATE NOCASE UNIQUE,
    name          TEXT NOT NULL COLLATE NOCASE UNIQUE,
    type          TEXT NOT NULL,
    spec          INTEGER NOT NULL,
    payment       TEXT NOT NULL,
    duration      INTEGER,
    duration_unit TEXT,
    vpc           TEXT,
    vswitch       TEXT,
    remark        TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL DEFAULT 'normal',
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL
);

CREATE TABLE binding (
    group_pk     INTEGER NOT NULL REFERENCES resource_group(pk),
    workspace_id INTEGER NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
    bound_at     TEXT NOT NULL,
    bound_by     TEXT NOT NULL,
    PRIMARY KEY (group_pk, workspace_id)
) WITHOUT ROWID;
CREATE INDEX binding_by_workspace ON binding(workspace_id);

-- properties: a JSON object of string values, secrets included (the file is 0600).
CREATE TABLE compute (
    pk           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
    env          TEXT NOT NULL,
    name         TEXT NOT NULL COLLATE NOCASE,
    type         TEXT NOT NULL,
    mode         TEXT NOT NULL,
    properties   TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    is_default   INTEGER NOT NULL DEFAULT 0,
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    updated_by   TEXT NOT NULL,
    UNIQUE (workspace_id, env, name)
);

CREATE TABLE datasource (
    pk              INTEGER PRIMARY KEY,
    workspace_id    INTEGER NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
    env             TEXT NOT NULL,
    name            TEXT NOT NULL COLLATE NOCASE,
    type            TEXT NOT NULL,
    mode            TEXT NOT NULL,
    properties      TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    origin          TEXT NOT NULL DEFAULT 'manual',
    test_state      TEXT,
    test_at         TEXT,
    test_latency_ms INTEGER,
    test_message    TEXT,
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    updated_by      TEXT NOT NULL,
    UNIQUE (workspace_id, env, name)
);

-- The audit log is append-only: nothing updates or deletes its rows, and purge keeps them
-- (workspace and actor are stored by name, not by reference).
CREATE TABLE audit (
    seq       INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    actor_id  TEXT NOT NULL,
    action    TEXT NOT NULL,
    workspace TEXT,
    target    TEXT,
    outcome   TEXT NOT NULL,
    details   TEXT NOT NULL,
    hash      TEXT NOT NULL
);
CREATE INDEX audit_by_workspace ON audit(workspace COLLATE NOCASE, seq);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
