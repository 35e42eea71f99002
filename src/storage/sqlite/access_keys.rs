//! AccessKey pairs.

use rusqlite::params;

use super::stored::first;
use super::Tx;
use crate::domain::store::AccessKeyStore;
use crate::model::access_key::{AccessKey, AccessKeyStatus};
use crate::model::error::Result;
use crate::storage::rows::{access_key_row, ACCESS_KEY_SELECT};

impl AccessKeyStore for Tx<'_> {
    fn access_key(&self, id: &str) -> Result<Option<(AccessKey, String)>> {
        let mut st = self
            .conn
            .prepare_cached(&format!("{ACCESS_KEY_SELECT} WHERE k.id = ?1"))?;
        first(&mut st, [id], |r| access_key_row(r))
    }

    fn access_keys_of(&self, principal_pk: i64) -> Result<Vec<AccessKey>> {
        let mut st = self.conn.prepare_cached(&format!(
            "{ACCESS_KEY_SELECT} WHERE k.principal_pk = ?1 ORDER BY k.created_at, k.id"
        ))?;
        let rows = st.query_and_then([principal_pk], |r| access_key_row(r).map(|(k, _)| k))?;
        rows.collect()
    }

    fn access_keys_from(&self, prefix: &str) -> Result<Vec<AccessKey>> {
        // Ids are ASCII: the range [prefix, prefix + U+007F) holds exactly those starting with it.
        let mut st = self.conn.prepare_cached(&format!(
            "{ACCESS_KEY_SELECT} WHERE k.id >= ?1 AND k.id < ?1 || char(127) ORDER BY k.id"
        ))?;
        let rows = st.query_and_then([prefix], |r| access_key_row(r).map(|(k, _)| k))?;
        rows.collect()
    }

    fn insert_access_key(&self, k: &AccessKey, secret: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO access_key (id, principal_pk, secret, enabled, created_at, created_by) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                k.access_key_id,
                k.principal_pk,
                secret,
                k.status == AccessKeyStatus::Enabled,
                k.created_at.to_string(),
                k.created_by
            ],
        )?;
        Ok(())
    }

    fn set_access_key_enabled(&self, id: &str, enabled: bool) -> Result<()> {
        self.conn.execute(
            "UPDATE access_key SET enabled = ?2 WHERE id = ?1",
            params![id, enabled],
        )?;
        Ok(())
    }

    fn delete_access_key(&self, id: &str) -> Result<()> {
        self.conn
            .execute("DELETE FROM access_key WHERE id = ?1", [id])?;
        Ok(())
    }
}

impl super::Catalog {
    /// `store::Catalog::remember_nonce`, in a transaction of its own by the machine's clock.
    pub(super) fn remember_nonce(
        &mut self,
        key_id: &str,
        nonce: &str,
        ttl: std::time::Duration,
    ) -> Result<bool> {
        let now = crate::model::clock::Timestamp::now_system()?.millis();
        let expires = now.saturating_add(ttl.as_millis().try_into().unwrap_or(i64::MAX));
        let tx = self.write()?;
        tx.conn
            .prepare_cached(
                "DELETE FROM signature_nonce WHERE expires_at < ?1 \
                 AND NOT (access_key_id = ?2 AND nonce = ?3)",
            )?
            .execute(params![now, key_id, nonce])?;
        // A row back: new, or the expired one taken over; none: seen and not expired.
        let fresh = tx
            .conn
            .prepare_cached(
                "INSERT INTO signature_nonce (access_key_id, nonce, expires_at) \
                 VALUES (?1, ?2, ?3) \
                 ON CONFLICT (access_key_id, nonce) DO UPDATE SET expires_at = excluded.expires_at \
                 WHERE signature_nonce.expires_at < ?4 \
                 RETURNING 1",
            )?
            .exists(params![key_id, nonce, expires, now])?;
        tx.commit()?;
        Ok(fresh)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    const HOUR: Duration = Duration::from_secs(3600);

    #[test]
    fn a_nonce_is_good_once_until_it_expires() {
        let mut cat = super::super::in_memory();
        assert!(cat.remember_nonce("LTAIa", "n1", HOUR).unwrap());
        assert!(
            !cat.remember_nonce("LTAIa", "n1", HOUR).unwrap(),
            "a replay"
        );
        assert!(
            cat.remember_nonce("LTAIb", "n1", HOUR).unwrap(),
            "another key's"
        );
        // Expired rows: this nonce's is taken over, another's is purged.
        cat.conn()
            .execute_batch(
                "INSERT INTO signature_nonce VALUES ('LTAIa', 'old', 0), ('LTAIa', 'gone', 0)",
            )
            .unwrap();
        assert!(cat.remember_nonce("LTAIa", "old", HOUR).unwrap());
        let left: Vec<String> = cat
            .conn()
            .prepare("SELECT access_key_id || ' ' || nonce FROM signature_nonce ORDER BY 1")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(left, ["LTAIa n1", "LTAIa old", "LTAIb n1"]);
        assert!(!cat.remember_nonce("LTAIa", "old", HOUR).unwrap());
    }
}
