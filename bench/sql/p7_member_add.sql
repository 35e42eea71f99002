-- P7, the psql side of `dwctl member add ws user --role dev` on a PostgreSQL catalog: the
-- same transaction (REPEATABLE READ, the catalog's write lock first), the insert and its
-- audit row (the next seq, and a 64-character hash standing in for the SHA-256 dwctl
-- computes). Run with the catalog's schema as search_path and -v ws=... -v user=...
BEGIN ISOLATION LEVEL REPEATABLE READ;
LOCK TABLE dwctl_lock IN EXCLUSIVE MODE;
INSERT INTO member (workspace_id, principal_pk, roles, added_at, added_by)
VALUES ((SELECT id FROM workspace WHERE lower(name) = lower(:'ws')),
        (SELECT pk FROM principal WHERE lower(name) = lower(:'user')),
        'role_project_dev', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'root');
INSERT INTO audit (seq, at, actor, actor_id, action, workspace, target, outcome, details, hash)
SELECT coalesce(max(seq), 0) + 1, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
       'root', (SELECT account_id FROM tenant), 'member.add', :'ws', :'user', 'ok',
       json_build_object('after', json_build_object('user', :'user', 'roles', json_build_array('role_project_dev')))::text,
       md5(random()::text) || md5(random()::text)
FROM audit;
COMMIT;
