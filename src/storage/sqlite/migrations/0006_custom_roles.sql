-- dwctl catalog, custom workspace roles (issue 16): a workspace's own roles, each a set of
-- enforced workspace rights and informational capabilities. The code is `base_role_ID`;
-- ids are never reused (AUTOINCREMENT). A member holds one by its code in member.roles
-- (after the built-in codes, by id). Names are unique per workspace, case-insensitively.
-- Never edit or reorder an applied migration: add a new file.

CREATE TABLE custom_role (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id INTEGER NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    description  TEXT,
    rights       TEXT NOT NULL,
    capabilities TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE UNIQUE INDEX custom_role_name ON custom_role(workspace_id, name COLLATE NOCASE);
