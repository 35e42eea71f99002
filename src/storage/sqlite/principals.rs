//! Tenant and principals.

use rusqlite::params;

use super::stored::first;
use super::Tx;
use crate::domain::store::PrincipalStore;
use crate::model::error::Result;
use crate::model::{Principal, Tenant};
use crate::storage::rows::{principal_row, tenant_row, PRINCIPAL_COLS};

impl PrincipalStore for Tx<'_> {
    fn tenant(&self) -> Result<Tenant> {
        // Cached: every transaction reads it first (a server's, on every request).
        let row = self
            .conn
            .prepare_cached("SELECT account_id, region, created_at FROM tenant WHERE singleton = 1")
            .and_then(|mut st| {
                let mut rows = st.query([])?;
                Ok(rows.next()?.map(tenant_row))
            });
        match row {
            Ok(Some(t)) => t,
            Ok(None) => Err(self.damaged("it has no tenant row")),
            Err(rusqlite::Error::SqliteFailure(f, Some(msg)))
                if f.code == rusqlite::ErrorCode::Unknown && msg.starts_with("no such") =>
            {
                Err(self.damaged(&msg))
            }
            Err(e) => Err(e.into()),
        }
    }

    fn insert_tenant(&self, t: &Tenant) -> Result<()> {
        self.conn.execute(
            "INSERT INTO tenant (singleton, account_id, region, created_at) VALUES (1, ?1, ?2, ?3)",
            params![t.account_id, t.region, t.created_at.to_string()],
        )?;
        Ok(())
    }

    fn principal(&self, name_or_id: &str) -> Result<Option<Principal>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {PRINCIPAL_COLS} FROM principal WHERE name = ?1 OR id = ?1"
        ))?;
        first(&mut st, [name_or_id], |r| principal_row(r))
    }

    fn account(&self) -> Result<Principal> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {PRINCIPAL_COLS} FROM principal WHERE kind = 'account'"
        ))?;
        first(&mut st, [], |r| principal_row(r))?
            .ok_or_else(|| self.damaged("it has no account principal"))
    }

    fn principal_by_pk(&self, pk: i64) -> Result<Option<Principal>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {PRINCIPAL_COLS} FROM principal WHERE pk = ?1"
        ))?;
        first(&mut st, [pk], |r| principal_row(r))
    }

    fn principal_by_db_role(&self, login: &str) -> Result<Option<Principal>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {PRINCIPAL_COLS} FROM principal WHERE db_role = ?1"
        ))?;
        first(&mut st, [login], |r| principal_row(r))
    }

    fn principal_id_taken(&self, id: &str) -> Result<bool> {
        let mut st = self
            .conn
            .prepare_cached("SELECT 1 FROM principal WHERE id = ?1")?;
        Ok(st.exists([id])?)
    }

    fn for_each_principal(&self, visit: &mut dyn FnMut(Principal) -> Result<()>) -> Result<()> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {PRINCIPAL_COLS} FROM principal ORDER BY kind = 'account' DESC, name COLLATE NOCASE, pk"
        ))?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            visit(principal_row(r)?)?;
        }
        Ok(())
    }

    fn principals_from(&self, prefix: &str) -> Result<Vec<Principal>> {
        let (low, high) = super::names::nocase_range(prefix);
        let upper = if high.is_some() { " AND name < ?2" } else { "" };
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {PRINCIPAL_COLS} FROM principal WHERE name >= ?1{upper} \
             ORDER BY kind = 'account' DESC, name COLLATE NOCASE, pk"
        ))?;
        let mut args = vec![low];
        args.extend(high);
        let rows = st.query_and_then(rusqlite::params_from_iter(args), |r| principal_row(r))?;
        rows.collect()
    }

    fn member_principals(&self, workspace_id: i64) -> Result<Vec<Principal>> {
        let cols = PRINCIPAL_COLS
            .split(", ")
            .map(|c| format!("p.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {cols} FROM member m JOIN principal p ON p.pk = m.principal_pk \
             WHERE m.workspace_id = ?1"
        ))?;
        let rows = st.query_and_then([workspace_id], |r| principal_row(r))?;
        rows.collect()
    }

    fn insert_principal(&self, p: &Principal) -> Result<i64> {
        let mut st = self.conn.prepare_cached(
            "INSERT INTO principal (id, name, kind, display_name, full_access, created_at, db_role) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        st.execute(params![
            p.id,
            p.name.as_str(),
            p.kind.as_str(),
            p.display_name,
            p.full_access,
            p.created_at.to_string(),
            p.db_role
        ])?;
        Ok(self.conn.last_insert_rowid())
    }

    fn update_principal(&self, p: &Principal) -> Result<()> {
        self.conn.execute(
            "UPDATE principal SET display_name = ?2, full_access = ?3, db_role = ?4 WHERE pk = ?1",
            params![p.pk, p.display_name, p.full_access, p.db_role],
        )?;
        Ok(())
    }

    fn delete_principal(&self, pk: i64) -> Result<()> {
        self.conn
            .execute("DELETE FROM principal WHERE pk = ?1", [pk])?;
        Ok(())
    }
}

impl Tx<'_> {
    fn damaged(&self, why: &str) -> crate::model::error::Error {
        let path = self.conn.path().unwrap_or("");
        super::corrupt(std::path::Path::new(path), why)
    }
}
