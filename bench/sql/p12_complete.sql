-- P12, the sqlite3 side of completing `dwctl member add @ws @prefix`: the principals whose
-- name starts with @prefix (an index range; @next is the prefix's successor) that are not
-- members of the workspace yet.
SELECT p.name, p.kind, p.display_name FROM principal p
WHERE p.name >= @prefix AND p.name < @next
  AND p.pk NOT IN (SELECT principal_pk FROM member
                   WHERE workspace_id = (SELECT id FROM workspace WHERE name = @ws))
ORDER BY p.name;
