-- P2 (and P12), the sqlite3 side of `dwctl member list @ws -o json` (run with sqlite3
-- -json): the same join, fields, order and roles as a JSON array.
-- Parameter: .parameter set @ws 'ws_0000'.
SELECT w.name AS workspace, p.name AS user, p.id AS user_id, p.kind AS kind,
       json('["' || replace(m.roles, ',', '","') || '"]') AS roles,
       m.added_at AS added_at, m.added_by AS added_by
FROM member m
JOIN principal p ON p.pk = m.principal_pk
JOIN workspace w ON w.id = m.workspace_id
WHERE m.workspace_id = (SELECT id FROM workspace WHERE name = @ws)
ORDER BY p.kind <> 'account', p.name COLLATE NOCASE;
