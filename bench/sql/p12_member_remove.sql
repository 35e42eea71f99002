-- P12, the sqlite3 side of `dwctl member remove @ws @user --yes`: the delete and its audit
-- row in one IMMEDIATE transaction.
PRAGMA busy_timeout = 10000;
PRAGMA foreign_keys = ON;
PRAGMA synchronous = NORMAL;
BEGIN IMMEDIATE;
DELETE FROM member
WHERE workspace_id = (SELECT id FROM workspace WHERE name = @ws)
  AND principal_pk = (SELECT pk FROM principal WHERE name = @user);
INSERT INTO audit (seq, at, actor, actor_id, action, workspace, target, outcome, details, hash)
SELECT coalesce(max(seq), 0) + 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'root',
       (SELECT account_id FROM tenant), 'member.remove', @ws, @user, 'ok',
       json_object('before', json_object('user', @user, 'roles', json_array('role_project_dev'))),
       lower(hex(randomblob(32)))
FROM audit;
COMMIT;
