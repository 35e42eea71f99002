-- P12, the sqlite3 side of `dwctl workspace list --tag serial=@value -o json` (run with
-- sqlite3 -json): the workspaces carrying the tag, with their groups and tags.
SELECT w.*,
       (SELECT json_group_array(g.name) FROM binding b JOIN resource_group g ON g.pk = b.group_pk
         WHERE b.workspace_id = w.id) AS resource_groups,
       (SELECT json_group_object(t2.key, t2.value) FROM workspace_tag t2 WHERE t2.workspace_id = w.id) AS tags
FROM workspace_tag t JOIN workspace w ON w.id = t.workspace_id
WHERE t.key = 'serial' AND t.value = @value
ORDER BY w.name;
