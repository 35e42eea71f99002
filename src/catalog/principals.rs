//! Tenant and principals.

use rusqlite::{params, OptionalExtension, Row};

use super::Tx;
use crate::domain::clock::Timestamp;
use crate::domain::error::Result;
use crate::domain::model::{Principal, PrincipalKind, PrincipalName};

pub struct Tenant {
    pub account_id: String,
    pub region: String,
    pub created_at: Timestamp,
}

const PRINCIPAL_COLS: &str = "pk, id, name, kind, display_name, full_access, created_at";

fn principal_row(r: &Row) -> rusqlite::Result<Principal> {
    Ok(Principal {
        pk: r.get(0)?,
        id: r.get(1)?,
        name: PrincipalName::from_stored(r.get(2)?),
        kind: PrincipalKind::from_stored(&r.get::<_, String>(3)?),
        display_name: r.get(4)?,
        full_access: r.get(5)?,
        created_at: Timestamp::from_stored(&r.get::<_, String>(6)?),
    })
}

impl Tx<'_> {
    /// The tenant. Every command reads it first, so a file whose schema or tenant row is
    /// missing is reported here as a damaged catalog (exit 7), not as a bug.
    pub fn tenant(&self) -> Result<Tenant> {
        let row = self.conn.query_row(
            "SELECT account_id, region, created_at FROM tenant WHERE singleton = 1",
            [],
            |r| {
                Ok(Tenant {
                    account_id: r.get(0)?,
                    region: r.get(1)?,
                    created_at: Timestamp::from_stored(&r.get::<_, String>(2)?),
                })
            },
        );
        match row {
            Ok(t) => Ok(t),
            Err(rusqlite::Error::QueryReturnedNoRows) => Err(self.damaged("it has no tenant row")),
            Err(rusqlite::Error::SqliteFailure(f, Some(msg)))
                if f.code == rusqlite::ErrorCode::Unknown && msg.starts_with("no such") =>
            {
                Err(self.damaged(&msg))
            }
            Err(e) => Err(e.into()),
        }
    }

    fn damaged(&self, why: &str) -> crate::domain::error::Error {
        let path = self.conn.path().unwrap_or("");
        super::corrupt(std::path::Path::new(path), why)
    }

    pub fn insert_tenant(&self, t: &Tenant) -> Result<()> {
        self.conn.execute(
            "INSERT INTO tenant (singleton, account_id, region, created_at) VALUES (1, ?1, ?2, ?3)",
            params![t.account_id, t.region, t.created_at.to_string()],
        )?;
        Ok(())
    }

    /// A principal by name (case-insensitively) or id. Names are never all digits and ids
    /// always are, so one lookup cannot match two principals.
    pub fn principal(&self, name_or_id: &str) -> Result<Option<Principal>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {PRINCIPAL_COLS} FROM principal WHERE name = ?1 OR id = ?1"
        ))?;
        Ok(st.query_row([name_or_id], principal_row).optional()?)
    }

    pub fn account(&self) -> Result<Principal> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {PRINCIPAL_COLS} FROM principal WHERE kind = 'account'"
        ))?;
        Ok(st.query_row([], principal_row)?)
    }

    pub fn principal_by_pk(&self, pk: i64) -> Result<Option<Principal>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {PRINCIPAL_COLS} FROM principal WHERE pk = ?1"
        ))?;
        Ok(st.query_row([pk], principal_row).optional()?)
    }

    pub fn principal_id_taken(&self, id: &str) -> Result<bool> {
        let mut st = self
            .conn
            .prepare_cached("SELECT 1 FROM principal WHERE id = ?1")?;
        Ok(st.exists([id])?)
    }

    pub fn principals(&self) -> Result<Vec<Principal>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {PRINCIPAL_COLS} FROM principal ORDER BY kind = 'account' DESC, name COLLATE NOCASE, pk"
        ))?;
        let rows = st.query_map([], principal_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn insert_principal(&self, p: &Principal) -> Result<i64> {
        let mut st = self.conn.prepare_cached(
            "INSERT INTO principal (id, name, kind, display_name, full_access, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        st.execute(params![
            p.id,
            p.name.as_str(),
            p.kind.as_str(),
            p.display_name,
            p.full_access,
            p.created_at.to_string()
        ])?;
        Ok(self.conn.last_insert_rowid())
    }

    pub fn update_principal(&self, p: &Principal) -> Result<()> {
        self.conn.execute(
            "UPDATE principal SET display_name = ?2, full_access = ?3 WHERE pk = ?1",
            params![p.pk, p.display_name, p.full_access],
        )?;
        Ok(())
    }

    pub fn delete_principal(&self, pk: i64) -> Result<()> {
        self.conn
            .execute("DELETE FROM principal WHERE pk = ?1", [pk])?;
        Ok(())
    }
}
