-- dwctl catalog on PostgreSQL, schema version 5: SQLite's 0005_db_role.sql, the database
-- login each principal acts as (issue 13: the acting principal is the one whose db_role
-- is current_user). A login maps to one principal at most; NULL maps none. Compared
-- exactly, as PostgreSQL compares role names. Never edit or reorder an applied migration:
-- add a new file.

ALTER TABLE principal ADD COLUMN db_role TEXT COLLATE "C";
CREATE UNIQUE INDEX principal_db_role ON principal (db_role);
