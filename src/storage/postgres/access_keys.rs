//! AccessKey pairs, as `sqlite::access_keys` reads and writes them.

use super::Tx;
use crate::domain::store::AccessKeyStore;
use crate::model::access_key::{AccessKey, AccessKeyStatus};
use crate::model::error::Result;
use crate::storage::rows::{access_key_row, ACCESS_KEY_SELECT};

impl AccessKeyStore for Tx<'_> {
    fn access_key(&self, id: &str) -> Result<Option<(AccessKey, String)>> {
        self.query_opt(&format!("{ACCESS_KEY_SELECT} WHERE k.id = $1"), &[&id])?
            .map(|r| access_key_row(&r))
            .transpose()
    }

    fn access_keys_of(&self, principal_pk: i64) -> Result<Vec<AccessKey>> {
        let rows = self.query(
            &format!("{ACCESS_KEY_SELECT} WHERE k.principal_pk = $1 ORDER BY k.created_at, k.id"),
            &[&principal_pk],
        )?;
        rows.iter()
            .map(|r| access_key_row(r).map(|(k, _)| k))
            .collect()
    }

    fn access_keys_from(&self, prefix: &str) -> Result<Vec<AccessKey>> {
        // Ids are ASCII: the range [prefix, prefix + U+007F) holds exactly those starting with it.
        let rows = self.query(
            &format!(
                "{ACCESS_KEY_SELECT} WHERE k.id >= $1 AND k.id < $1 || chr(127) ORDER BY k.id"
            ),
            &[&prefix],
        )?;
        rows.iter()
            .map(|r| access_key_row(r).map(|(k, _)| k))
            .collect()
    }

    fn insert_access_key(&self, k: &AccessKey, secret: &str) -> Result<()> {
        self.execute(
            "INSERT INTO access_key (id, principal_pk, secret, enabled, created_at, created_by) \
             VALUES ($1, $2, $3, $4, $5, $6)",
            &[
                &k.access_key_id,
                &k.principal_pk,
                &secret,
                &(k.status == AccessKeyStatus::Enabled),
                &k.created_at.to_string(),
                &k.created_by,
            ],
        )?;
        Ok(())
    }

    fn set_access_key_enabled(&self, id: &str, enabled: bool) -> Result<()> {
        self.execute(
            "UPDATE access_key SET enabled = $2 WHERE id = $1",
            &[&id, &enabled],
        )?;
        Ok(())
    }

    fn delete_access_key(&self, id: &str) -> Result<()> {
        self.execute("DELETE FROM access_key WHERE id = $1", &[&id])?;
        Ok(())
    }
}

/// `store::Catalog::remember_nonce` in one statement, its own transaction (the connection
/// is between transactions here): purge a few expired nonces (skipping those another
/// server is purging, so that two never wait for each other), then insert this one, or take
/// over its expired row; a row back says it was new. Of two servers inserting one nonce at
/// once, the second waits for the first's commit and then finds it: a replay. The
/// server's clock decides, as it does for every time on this catalog. The commit does not
/// wait for the disk (`synchronous_commit` off, for this transaction only): a crash of the
/// server may forget the last fraction of a second's nonces, where a request would
/// otherwise pay a WAL flush.
const REMEMBER_NONCE: &str =
    "WITH quick AS (SELECT set_config('synchronous_commit', 'off', true)), \
     purged AS (DELETE FROM signature_nonce WHERE ctid = ANY (ARRAY( \
         SELECT ctid FROM signature_nonce WHERE expires_at < now() \
         AND NOT (access_key_id = $1 AND nonce = $2) \
         ORDER BY expires_at LIMIT 16 FOR UPDATE SKIP LOCKED))) \
     INSERT INTO signature_nonce AS n (access_key_id, nonce, expires_at) \
     SELECT $1, $2, now() + $3::bigint * interval '1 millisecond' FROM quick \
     ON CONFLICT (access_key_id, nonce) DO UPDATE SET expires_at = EXCLUDED.expires_at \
     WHERE n.expires_at < now() \
     RETURNING 1";

impl super::Catalog {
    pub(super) fn remember_nonce(
        &mut self,
        key_id: &str,
        nonce: &str,
        ttl: std::time::Duration,
    ) -> Result<bool> {
        let ms: i64 = ttl.as_millis().try_into().unwrap_or(i64::MAX);
        // Prepared once per connection: a server remembers a nonce per request.
        let st = match self.statements.get(REMEMBER_NONCE) {
            Some(st) => st.clone(),
            None => {
                let st = self.client.prepare(REMEMBER_NONCE).map_err(super::pg_err)?;
                self.statements
                    .insert(REMEMBER_NONCE.to_string(), st.clone());
                st
            }
        };
        let mut retried = false;
        loop {
            match self.client.query(&st, &[&key_id, &nonce, &ms]) {
                Ok(rows) => return Ok(!rows.is_empty()),
                // Two servers each purging the row the other inserts, in the same instant:
                // the server ends one statement, which has changed nothing; once more.
                Err(e)
                    if !retried
                        && e.code() == Some(&postgres::error::SqlState::T_R_DEADLOCK_DETECTED) =>
                {
                    retried = true;
                }
                Err(e) => return Err(super::pg_err(e)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::super::{testing, Catalog};

    const HOUR: Duration = Duration::from_secs(3600);

    /// Two connections are two servers on one catalog.
    #[test]
    fn a_nonce_is_good_once_across_servers_until_it_expires() {
        let Some(mut s) = testing::schema("a_nonce_is_good_once_across_servers") else {
            return;
        };
        let mut other = Catalog::open(&s.target, Duration::from_secs(5)).unwrap();
        let one = s.catalog.as_mut().unwrap();
        assert!(one.remember_nonce("LTAIa", "n1", HOUR).unwrap());
        assert!(
            !other.remember_nonce("LTAIa", "n1", HOUR).unwrap(),
            "a replay"
        );
        assert!(
            other.remember_nonce("LTAIb", "n1", HOUR).unwrap(),
            "another key's"
        );
        // Expired rows: this nonce's is taken over, another's is purged.
        one.client
            .batch_execute(
                "INSERT INTO signature_nonce VALUES ('LTAIa', 'old', now() - interval '1 s'), \
                 ('LTAIa', 'gone', now() - interval '1 s')",
            )
            .unwrap();
        assert!(other.remember_nonce("LTAIa", "old", HOUR).unwrap());
        let left: Vec<String> = one
            .client
            .query(
                "SELECT access_key_id || ' ' || nonce FROM signature_nonce ORDER BY 1",
                &[],
            )
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
        assert_eq!(left, ["LTAIa n1", "LTAIa old", "LTAIb n1"]);
        assert!(!one.remember_nonce("LTAIa", "old", HOUR).unwrap());
    }
}
