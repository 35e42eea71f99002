-- dwctl catalog on PostgreSQL, schema version 7:
-- SQLite's 0007_signature_nonces.sql, the signature nonces `dwctl serve` has accepted,
-- each until its date window has passed (issue 15). Every server on the catalog remembers
-- them here, so that a nonce used at one replica is refused at another, and after a
-- restart. Rows are written outside any command's transaction (never under the catalog's
-- write lock) and purged as they expire.
-- Not copied by `catalog copy`. Never edit or reorder an applied migration: add a new file.
CREATE TABLE signature_nonce (
    access_key_id TEXT COLLATE "C" NOT NULL,
    nonce         TEXT COLLATE "C" NOT NULL,
    expires_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (access_key_id, nonce)
);
CREATE INDEX signature_nonce_by_expiry ON signature_nonce (expires_at);
