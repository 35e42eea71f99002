-- dwctl catalog, schema version 9: memberships that expire and suspended members
-- (issue 16, parts 3 and 5). expires_at: NULL (never) or a timestamp as dwctl writes
-- them (2026-12-31T23:59:59.999Z), from which the membership grants nothing; status:
-- 'normal' or 'suspended' (the API's Forbidden). Never edit or reorder an applied
-- migration: add a new file.

ALTER TABLE member ADD COLUMN status TEXT NOT NULL DEFAULT 'normal';
ALTER TABLE member ADD COLUMN expires_at TEXT;
