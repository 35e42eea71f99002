-- dwctl catalog: data sources shared across workspaces (issue 16, part 2). A rule shares
-- one data source (one env's row) of its workspace into another workspace, optionally to
-- one member of it. Removing the data source, purging either workspace or removing the
-- principal removes its rules (the domain records each first; the cascade is the floor).
-- Never edit or reorder an applied migration: add a new file.
CREATE TABLE datasource_share (
    id            INTEGER PRIMARY KEY,
    datasource_pk INTEGER NOT NULL REFERENCES datasource(pk) ON DELETE CASCADE,
    target_id     INTEGER NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
    user_pk       INTEGER REFERENCES principal(pk) ON DELETE CASCADE,
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    UNIQUE (datasource_pk, target_id)
);
CREATE INDEX datasource_share_by_target ON datasource_share(target_id);
CREATE INDEX datasource_share_by_user ON datasource_share(user_pk);
