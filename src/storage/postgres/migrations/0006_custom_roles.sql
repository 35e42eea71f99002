-- dwctl catalog on PostgreSQL: SQLite's 0006_custom_roles.sql, custom workspace roles
-- (issue 16). Ids come from dwctl_meta's custom_role_seq (never reused, as SQLite's
-- AUTOINCREMENT); the code is `base_role_ID`. Names are unique per workspace, compared
-- in lower case (names are ASCII). Never edit or reorder an applied migration: add a new
-- file.

CREATE TABLE custom_role (
    id           BIGINT PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
    name         TEXT COLLATE "C" NOT NULL,
    description  TEXT COLLATE "C",
    rights       TEXT COLLATE "C" NOT NULL,
    capabilities TEXT COLLATE "C" NOT NULL,
    created_at   TEXT COLLATE "C" NOT NULL,
    created_by   TEXT COLLATE "C" NOT NULL,
    updated_at   TEXT COLLATE "C" NOT NULL
);
CREATE UNIQUE INDEX custom_role_name ON custom_role (workspace_id, lower(name));
INSERT INTO dwctl_meta (key, value) VALUES ('custom_role_seq', 0);
