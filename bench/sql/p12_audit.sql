-- P12, the sqlite3 side of `dwctl audit list --workspace @ws --limit 100 -o json` (run with
-- sqlite3 -json): the newest 100 events of the workspace, oldest first.
SELECT * FROM (SELECT * FROM audit WHERE workspace = @ws COLLATE NOCASE ORDER BY seq DESC LIMIT 100)
ORDER BY seq;
