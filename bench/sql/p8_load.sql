-- P8, the psql side of `dwctl apply` of the large manifest into an empty catalog (made by
-- dwctl init; the catalog's schema as search_path): the same rows (written by
-- p8_copy_out.sql) loaded with COPY in one transaction that holds the write lock, as
-- apply does, and the workspace id counter moved on.
BEGIN ISOLATION LEVEL REPEATABLE READ;
LOCK TABLE dwctl_lock IN EXCLUSIVE MODE;
\copy principal FROM 'p8_principal.copy'
\copy resource_group FROM 'p8_resource_group.copy'
\copy workspace FROM 'p8_workspace.copy'
\copy workspace_tag FROM 'p8_workspace_tag.copy'
\copy member FROM 'p8_member.copy'
\copy binding FROM 'p8_binding.copy'
\copy compute FROM 'p8_compute.copy'
\copy datasource FROM 'p8_datasource.copy'
\copy audit FROM 'p8_audit.copy'
CREATE TEMP TABLE p8_seq (value BIGINT);
\copy p8_seq FROM 'p8_workspace_seq.copy'
UPDATE dwctl_meta SET value = (SELECT value FROM p8_seq) WHERE key = 'workspace_seq';
COMMIT;
