-- P8: writes the psql side of `dwctl apply` of the large manifest: every row the apply
-- added (schema `large`, applied by dwctl, minus schema `p8_empty`, made by the same init),
-- table by table in foreign-key order, into p8_TABLE.copy files in the current folder,
-- which p8_load.sql loads with COPY. Also the workspace id counter the apply advanced.
\copy (SELECT * FROM large.principal EXCEPT SELECT * FROM p8_empty.principal) TO 'p8_principal.copy'
\copy (SELECT * FROM large.resource_group EXCEPT SELECT * FROM p8_empty.resource_group) TO 'p8_resource_group.copy'
\copy (SELECT * FROM large.workspace EXCEPT SELECT * FROM p8_empty.workspace) TO 'p8_workspace.copy'
\copy (SELECT * FROM large.workspace_tag EXCEPT SELECT * FROM p8_empty.workspace_tag) TO 'p8_workspace_tag.copy'
\copy (SELECT * FROM large.member EXCEPT SELECT * FROM p8_empty.member) TO 'p8_member.copy'
\copy (SELECT * FROM large.binding EXCEPT SELECT * FROM p8_empty.binding) TO 'p8_binding.copy'
\copy (SELECT * FROM large.compute EXCEPT SELECT * FROM p8_empty.compute) TO 'p8_compute.copy'
\copy (SELECT * FROM large.datasource EXCEPT SELECT * FROM p8_empty.datasource) TO 'p8_datasource.copy'
\copy (SELECT * FROM large.audit EXCEPT SELECT * FROM p8_empty.audit) TO 'p8_audit.copy'
\copy (SELECT value FROM large.dwctl_meta WHERE key = 'workspace_seq') TO 'p8_workspace_seq.copy'
