-- dwctl catalog (PostgreSQL), schema version 4: ids that last (issue 14). Nothing to do
-- here, on purpose: it keeps the count of migrations equal to SQLite's. SQLite's 0004
-- rebuilds `compute` and `datasource` with AUTOINCREMENT so that a deleted row's id never
-- comes back; here their ids are identity/BIGSERIAL columns (0001), whose sequences never
-- hand out a number twice. Never edit or reorder an applied migration: add a new file.
SELECT 1;
