-- P3: writes the sqlite3 side of `dwctl apply` of the large manifest: every row the apply
-- added (the applied catalog `main` minus the empty catalog `empty`, attached by run.sh),
-- as literal INSERT statements inside one IMMEDIATE transaction, in foreign-key order.
-- run.sh then times `sqlite3 EMPTY_COPY < p3_inserts.sql`.
.headers off
.print PRAGMA foreign_keys = ON;
.print PRAGMA synchronous = NORMAL;
.print BEGIN IMMEDIATE;
.mode insert principal
SELECT * FROM main.principal EXCEPT SELECT * FROM empty.principal;
.mode insert resource_group
SELECT * FROM main.resource_group EXCEPT SELECT * FROM empty.resource_group;
.mode insert workspace
SELECT * FROM main.workspace EXCEPT SELECT * FROM empty.workspace;
.mode insert workspace_tag
SELECT * FROM main.workspace_tag EXCEPT SELECT * FROM empty.workspace_tag;
.mode insert member
SELECT * FROM main.member EXCEPT SELECT * FROM empty.member;
.mode insert binding
SELECT * FROM main.binding EXCEPT SELECT * FROM empty.binding;
.mode insert compute
SELECT * FROM main.compute EXCEPT SELECT * FROM empty.compute;
.mode insert datasource
SELECT * FROM main.datasource EXCEPT SELECT * FROM empty.datasource;
.mode insert audit
SELECT * FROM main.audit EXCEPT SELECT * FROM empty.audit;
.print COMMIT;
