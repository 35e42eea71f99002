-- dwctl catalog on PostgreSQL, schema version 2: SQLite's 0002_indexes.sql, the indexes
-- that serve the commands about one object, so that their cost follows the work and not
-- the tenant (issue 17). Never edit or reorder an applied migration: add a new file.

-- audit list --actor NAME / --actor ID / --action X, newest first with --limit.
CREATE INDEX audit_by_actor ON audit (lower(actor), seq);
CREATE INDEX audit_by_actor_id ON audit (actor_id, seq);
CREATE INDEX audit_by_action ON audit (lower(action), seq);

-- workspace list --tag KEY=VALUE.
CREATE INDEX workspace_tag_by_value ON workspace_tag (key, value);

-- The account: one row, found without reading the principal table.
CREATE INDEX principal_account ON principal (kind) WHERE kind = 'account';
