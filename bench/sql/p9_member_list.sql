-- P9, the psql side of `dwctl member list ws -o json` on a PostgreSQL catalog (run with
-- -At, the catalog's schema as search_path, -v ws=...): the same join, fields, order
-- (the account first, then names as dwctl sorts them) and roles, as one JSON array.
SELECT coalesce(json_agg(json_build_object(
           'workspace', w.name, 'user', p.name, 'user_id', p.id, 'kind', p.kind,
           'roles', string_to_array(m.roles, ','), 'added_at', m.added_at, 'added_by', m.added_by)
         ORDER BY p.kind <> 'account', lower(p.name) COLLATE "C"), '[]')
FROM member m
JOIN principal p ON p.pk = m.principal_pk
JOIN workspace w ON w.id = m.workspace_id
WHERE m.workspace_id = (SELECT id FROM workspace WHERE lower(name) = lower(:'ws'));
