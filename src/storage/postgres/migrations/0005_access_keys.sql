-- dwctl catalog on PostgreSQL: AccessKey pairs of principals, for `dwctl serve` (issue 15),
-- SQLite's 0005_access_keys. The secret is kept as data-source secrets are (the server
-- needs it to check signatures). A principal's keys go with it. Never edit or reorder an
-- applied migration: add a new file.
CREATE TABLE access_key (
    id           TEXT COLLATE "C" PRIMARY KEY,
    principal_pk BIGINT NOT NULL REFERENCES principal(pk) ON DELETE CASCADE,
    secret       TEXT COLLATE "C" NOT NULL,
    enabled      BOOLEAN NOT NULL DEFAULT true,
    created_at   TEXT COLLATE "C" NOT NULL,
    created_by   TEXT COLLATE "C" NOT NULL
);
CREATE INDEX access_key_by_principal ON access_key (principal_pk);
