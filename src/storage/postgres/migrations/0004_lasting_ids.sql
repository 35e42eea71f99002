-- dwctl catalog on PostgreSQL: ids that last (issue 14), SQLite's 0004_lasting_ids. A
-- compute resource's and a data source's `pk` is its id (the API's Id) and must never be
-- handed out twice. 0001 assigns them as max(pk) + 1, which gives a deleted newest row's
-- id to the next one: like workspace ids (workspace_seq), they now come from a counter in
-- dwctl_meta, started past every id there is. An insert without an id takes
--   UPDATE dwctl_meta SET value = value + 1 WHERE key = 'compute_seq' RETURNING value
-- and one that keeps an id (import; the domain checked it is free) moves the counter past
-- it: SET value = GREATEST(value, $id), as SQLite's AUTOINCREMENT does.
-- Never edit or reorder an applied migration: add a new file.
INSERT INTO dwctl_meta (key, value)
SELECT 'compute_seq', COALESCE(max(pk), 0) FROM compute;
INSERT INTO dwctl_meta (key, value)
SELECT 'datasource_seq', COALESCE(max(pk), 0) FROM datasource;
