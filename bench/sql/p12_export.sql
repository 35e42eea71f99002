-- P12, the sqlite3 side of `dwctl export @ws` (and of plan/apply of that export, which read
-- the same rows): the workspace, its tags, bound groups, members with their principals,
-- compute resources and data sources.
SELECT * FROM tenant;
SELECT * FROM principal WHERE kind = 'account';
SELECT * FROM workspace WHERE name = @ws;
SELECT t.key, t.value FROM workspace_tag t
WHERE t.workspace_id = (SELECT id FROM workspace WHERE name = @ws) ORDER BY t.key;
SELECT g.* FROM binding b JOIN resource_group g ON g.pk = b.group_pk
WHERE b.workspace_id = (SELECT id FROM workspace WHERE name = @ws) ORDER BY g.name;
SELECT p.*, m.roles FROM member m JOIN principal p ON p.pk = m.principal_pk
WHERE m.workspace_id = (SELECT id FROM workspace WHERE name = @ws) ORDER BY p.name;
SELECT * FROM compute WHERE workspace_id = (SELECT id FROM workspace WHERE name = @ws) ORDER BY env, name;
SELECT * FROM datasource WHERE workspace_id = (SELECT id FROM workspace WHERE name = @ws) ORDER BY env, name;
