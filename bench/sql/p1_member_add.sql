-- P1 (and P12), the sqlite3 side of `dwctl member add @ws @user --role dev`: the same
-- pragmas, one IMMEDIATE transaction holding the insert and its audit row (the next seq,
-- and a 64-character hash standing in for the SHA-256 dwctl computes).
-- Parameters: .parameter set @ws 'ws_0500' and .parameter set @user 'p1_user_NNN'.
PRAGMA busy_timeout = 10000;
PRAGMA foreign_keys = ON;
PRAGMA synchronous = NORMAL;
BEGIN IMMEDIATE;
INSERT INTO member (workspace_id, principal_pk, roles, added_at, added_by)
VALUES ((SELECT id FROM workspace WHERE name = @ws),
        (SELECT pk FROM principal WHERE name = @user),
        'role_project_dev', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'root');
INSERT INTO audit (seq, at, actor, actor_id, action, workspace, target, outcome, details, hash)
SELECT coalesce(max(seq), 0) + 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'root',
       (SELECT account_id FROM tenant), 'member.add', @ws, @user, 'ok',
       json_object('after', json_object('user', @user, 'roles', json_array('role_project_dev'))),
       lower(hex(randomblob(32)))
FROM audit;
COMMIT;
