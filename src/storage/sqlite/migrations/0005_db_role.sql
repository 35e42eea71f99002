-- dwctl catalog, schema version 5: the database login each principal acts as on a shared
-- (PostgreSQL) catalog (issue 13). A login maps to one principal at most; NULL, the
-- default, maps none. Never edit or reorder an applied migration: add a new file.

ALTER TABLE principal ADD COLUMN db_role TEXT;
CREATE UNIQUE INDEX principal_db_role ON principal(db_role);
