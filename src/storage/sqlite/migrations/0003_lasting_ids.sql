-- dwctl catalog: ids that last (issue 14). A compute resource's and a data source's `pk` is
-- its id, shown as `id` (the API's DataSource/ComputeResource `Id`); as a plain INTEGER
-- PRIMARY KEY, the id of the newest row came back after its delete. AUTOINCREMENT needs
-- the tables rebuilt: each is copied with its rows' ids kept, so ids only increase from
-- the largest one there is. Never edit or reorder an applied migration: add a new file.

CREATE TABLE compute_lasting (
    pk           INTEGER PRIMARY KEY AUTOINCREMENT,
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
INSERT INTO compute_lasting (pk, workspace_id, env, name, type, mode, properties, description,
    is_default, created_at, created_by, updated_at, updated_by)
SELECT pk, workspace_id, env, name, type, mode, properties, description,
    is_default, created_at, created_by, updated_at, updated_by FROM compute;
DROP TABLE compute;
ALTER TABLE compute_lasting RENAME TO compute;

CREATE TABLE datasource_lasting (
    pk              INTEGER PRIMARY KEY AUTOINCREMENT,
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
INSERT INTO datasource_lasting (pk, workspace_id, env, name, type, mode, properties,
    description, origin, test_state, test_at, test_latency_ms, test_message, created_at,
    created_by, updated_at, updated_by)
SELECT pk, workspace_id, env, name, type, mode, properties,
    description, origin, test_state, test_at, test_latency_ms, test_message, created_at,
    created_by, updated_at, updated_by FROM datasource;
DROP TABLE datasource;
ALTER TABLE datasource_lasting RENAME TO datasource;
