-- dwctl catalog on PostgreSQL: data sources shared across workspaces (issue 16, part 2),
-- SQLite's 0008_datasource_share. Never edit or reorder an applied migration: add a new
-- file.
CREATE TABLE datasource_share (
    id            BIGINT PRIMARY KEY,
    datasource_pk BIGINT NOT NULL REFERENCES datasource(pk) ON DELETE CASCADE,
    target_id     BIGINT NOT NULL REFERENCES workspace(id) ON DELETE CASCADE,
    user_pk       BIGINT REFERENCES principal(pk) ON DELETE CASCADE,
    created_at    TEXT COLLATE "C" NOT NULL,
    created_by    TEXT COLLATE "C" NOT NULL,
    UNIQUE (datasource_pk, target_id)
);
CREATE INDEX datasource_share_by_target ON datasource_share (target_id);
CREATE INDEX datasource_share_by_user ON datasource_share (user_pk);
