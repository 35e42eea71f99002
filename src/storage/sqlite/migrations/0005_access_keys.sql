-- dwctl catalog: AccessKey pairs of principals, for `dwctl serve` (issue 15). The secret is
-- kept as data-source secrets are (in the catalog file, mode 0600): the server needs it to
-- check signatures. A principal's keys go with it. Never edit or reorder an applied
-- migration: add a new file.
CREATE TABLE access_key (
    id           TEXT PRIMARY KEY,
    principal_pk INTEGER NOT NULL REFERENCES principal(pk) ON DELETE CASCADE,
    secret       TEXT NOT NULL,
    enabled      INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL
);
CREATE INDEX access_key_by_principal ON access_key(principal_pk);
