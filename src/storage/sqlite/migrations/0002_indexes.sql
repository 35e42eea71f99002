-- dwctl catalog, schema version 2: indexes that serve the commands about one object, so
-- that their cost follows the work and not the tenant (issue 17). Never edit or reorder an
-- applied migration: add a new file.

-- audit list --actor NAME / --actor ID / --action X, newest first with --limit
-- (audit_by_workspace, in 0001, serves --workspace).
CREATE INDEX audit_by_actor ON audit(actor COLLATE NOCASE, seq);
CREATE INDEX audit_by_actor_id ON audit(actor_id, seq);
CREATE INDEX audit_by_action ON audit(action COLLATE NOCASE, seq);

-- workspace list --tag KEY=VALUE (the key of a WITHOUT ROWID table carries workspace_id).
CREATE INDEX workspace_tag_by_value ON workspace_tag(key, value);

-- The account: one row, found without reading the principal table.
CREATE INDEX principal_account ON principal(kind) WHERE kind = 'account';
