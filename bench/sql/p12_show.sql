-- P12, the sqlite3 side of `dwctl workspace show @ws -o json`: the tenant and the acting
-- account, the workspace by name, its default group, bound groups and tags.
SELECT * FROM tenant;
SELECT * FROM principal WHERE kind = 'account';
SELECT w.*, (SELECT g.name FROM resource_group g WHERE g.pk = w.default_resource_group) AS default_group,
       (SELECT json_group_array(g.name) FROM binding b JOIN resource_group g ON g.pk = b.group_pk
         WHERE b.workspace_id = w.id) AS resource_groups,
       (SELECT json_group_object(t.key, t.value) FROM workspace_tag t WHERE t.workspace_id = w.id) AS tags
FROM workspace w WHERE w.name = @ws;
