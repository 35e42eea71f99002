-- dwctl catalog, schema version 7: the signature
-- nonces `dwctl serve` has accepted, each until its date window has passed (issue 15: a
-- reused x-acs-signature-nonce is refused).
-- PostgreSQL's servers remember them here, so that replicas and restarts agree; a server on
-- a catalog file keeps them in memory (README "Serving the DataWorks API"), so on SQLite
-- the table is there for the schemas to stay alike and stays empty. Not copied by `catalog
-- copy` (a nonce is about the wire, not the tenant). Times are milliseconds since the
-- epoch. Never edit or reorder an applied migration: add a new file.
CREATE TABLE signature_nonce (
    access_key_id TEXT NOT NULL,
    nonce         TEXT NOT NULL,
    expires_at    INTEGER NOT NULL,
    PRIMARY KEY (access_key_id, nonce)
) WITHOUT ROWID;
CREATE INDEX signature_nonce_by_expiry ON signature_nonce(expires_at);
