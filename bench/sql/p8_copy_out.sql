-- P8: writes the psql side of `dwctl apply` of the large manifest: every row the apply
-- added (schema `large`, applied by dwctl, minus the rows whose key schema `p8_empty`, made
-- by the same init, also has), table by table in foreign-key order, into p8_TABLE.copy
-- files in the current folder, which p8_load.sql loads with COPY. Also the workspace id
-- counter the apply advanced.
\copy (SELECT * FROM large.principal x WHERE NOT EXISTS (SELECT 1 FROM p8_empty.principal y WHERE y.pk = x.pk)) TO 'p8_principal.copy'
\copy (SELECT * FROM large.resource_group x WHERE NOT EXISTS (SELECT 1 FROM p8_empty.resource_group y WHERE y.pk = x.pk)) TO 'p8_resource_group.copy'
\copy (SELECT * FROM large.workspace x WHERE NOT EXISTS (SELECT 1 FROM p8_empty.workspace y WHERE y.id = x.id)) TO 'p8_workspace.copy'
\copy (SELECT * FROM large.workspace_tag x WHERE NOT EXISTS (SELECT 1 FROM p8_empty.workspace_tag y WHERE y.workspace_id = x.workspace_id AND y.key = x.key)) TO 'p8_workspace_tag.copy'
\copy (SELECT * FROM large.member x WHERE NOT EXISTS (SELECT 1 FROM p8_empty.member y WHERE y.workspace_id = x.workspace_id AND y.principal_pk = x.principal_pk)) TO 'p8_member.copy'
\copy (SELECT * FROM large.binding x WHERE NOT EXISTS (SELECT 1 FROM p8_empty.binding y WHERE y.group_pk = x.group_pk AND y.workspace_id = x.workspace_id)) TO 'p8_binding.copy'
\copy (SELECT * FROM large.compute x WHERE NOT EXISTS (SELECT 1 FROM p8_empty.compute y WHERE y.pk = x.pk)) TO 'p8_compute.copy'
\copy (SELECT * FROM large.datasource x WHERE NOT EXISTS (SELECT 1 FROM p8_empty.datasource y WHERE y.pk = x.pk)) TO 'p8_datasource.copy'
\copy (SELECT * FROM large.audit x WHERE NOT EXISTS (SELECT 1 FROM p8_empty.audit y WHERE y.seq = x.seq)) TO 'p8_audit.copy'
\copy (SELECT value FROM large.dwctl_meta WHERE key = 'workspace_seq') TO 'p8_workspace_seq.copy'
