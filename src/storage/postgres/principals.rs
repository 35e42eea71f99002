//! Tenant and principals, as `sqlite::principals` reads and writes them (same results,
//! same orders).

use super::{damaged, Tx};
use crate::domain::store::PrincipalStore;
use crate::model::error::Result;
use crate::model::{Principal, Tenant};
use crate::storage::rows::{principal_row, tenant_row, PRINCIPAL_COLS};

/// The order of every list of principals: the account first, then by name as SQLite's
/// NOCASE sorts it (lower(name) under "C": ASCII folded, then bytes).
const PRINCIPAL_ORDER: &str = "ORDER BY kind = 'account' DESC, lower(name), pk";

/// The bounds of `lower(name)` for names that start with `prefix` case-insensitively.
pub(super) fn prefix_range(prefix: &str) -> (String, Option<String>) {
    let low = prefix.to_ascii_lowercase();
    let high = crate::storage::sqlite::names::successor(&low);
    (low, high)
}

impl PrincipalStore for Tx<'_> {
    fn tenant(&self) -> Result<Tenant> {
        if let Some(t) = self.tenant_read_ahead() {
            return Ok(t);
        }
        match self.query_opt(
            "SELECT account_id, region, created_at FROM tenant WHERE singleton = 1",
            &[],
        )? {
            Some(r) => tenant_row(&r),
            None => Err(damaged("it has no tenant row")),
        }
    }

    fn insert_tenant(&self, t: &Tenant) -> Result<()> {
        self.execute(
            "INSERT INTO tenant (singleton, account_id, region, created_at) VALUES (1, $1, $2, $3)",
            &[&t.account_id, &t.region, &t.created_at.to_string()],
        )?;
        Ok(())
    }

    fn principal(&self, name_or_id: &str) -> Result<Option<Principal>> {
        if self.principal_absent(name_or_id)? {
            return Ok(None);
        }
        self.query_opt(
            &format!(
                "SELECT {PRINCIPAL_COLS} FROM principal WHERE lower(name) = lower($1) OR id = $1"
            ),
            &[&name_or_id],
        )?
        .map(|r| principal_row(&r))
        .transpose()
    }

    fn account(&self) -> Result<Principal> {
        if let Some(a) = self.cached_account() {
            return Ok(a);
        }
        let r = self.query_opt(
            &format!("SELECT {PRINCIPAL_COLS} FROM principal WHERE kind = 'account'"),
            &[],
        )?;
        let account = match r {
            Some(r) => principal_row(&r)?,
            None => return Err(damaged("it has no account principal")),
        };
        self.cache_account(&account);
        Ok(account)
    }

    fn principal_by_pk(&self, pk: i64) -> Result<Option<Principal>> {
        self.query_opt(
            &format!("SELECT {PRINCIPAL_COLS} FROM principal WHERE pk = $1"),
            &[&pk],
        )?
        .map(|r| principal_row(&r))
        .transpose()
    }

    fn principal_by_db_role(&self, login: &str) -> Result<Option<Principal>> {
        if let Some(p) = self.by_role_read_ahead(login) {
            return Ok(p);
        }
        self.query_opt(
            &format!("SELECT {PRINCIPAL_COLS} FROM principal WHERE db_role = $1"),
            &[&login],
        )?
        .map(|r| principal_row(&r))
        .transpose()
    }

    fn principal_id_taken(&self, id: &str) -> Result<bool> {
        if let Some(taken) = self.principal_id_known(id) {
            return Ok(taken);
        }
        Ok(self
            .query_opt("SELECT 1 FROM principal WHERE id = $1", &[&id])?
            .is_some())
    }

    fn for_each_principal(&self, visit: &mut dyn FnMut(Principal) -> Result<()>) -> Result<()> {
        self.for_each_row(
            &format!("SELECT {PRINCIPAL_COLS} FROM principal {PRINCIPAL_ORDER}"),
            &[],
            &mut |r| visit(principal_row(r)?),
        )
    }

    fn principals_from(&self, prefix: &str) -> Result<Vec<Principal>> {
        let (low, high) = prefix_range(prefix);
        let rows = match &high {
            Some(high) => self.query(
                &format!(
                    "SELECT {PRINCIPAL_COLS} FROM principal WHERE lower(name) >= $1 AND lower(name) < $2 {PRINCIPAL_ORDER}"
                ),
                &[&low, high],
            )?,
            None => self.query(
                &format!(
                    "SELECT {PRINCIPAL_COLS} FROM principal WHERE lower(name) >= $1 {PRINCIPAL_ORDER}"
                ),
                &[&low],
            )?,
        };
        rows.iter().map(principal_row).collect()
    }

    fn member_principals(&self, workspace_id: i64) -> Result<Vec<Principal>> {
        let cols = PRINCIPAL_COLS
            .split(", ")
            .map(|c| format!("p.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let rows = self.query(
            &format!(
                "SELECT {cols} FROM member m JOIN principal p ON p.pk = m.principal_pk \
                 WHERE m.workspace_id = $1"
            ),
            &[&workspace_id],
        )?;
        rows.iter().map(principal_row).collect()
    }

    fn insert_principal(&self, p: &Principal) -> Result<i64> {
        // Keys as SQLite's rowids: one past the largest (changes are serialised by the
        // catalog's write lock). The row is appended by the next COPY (bulk.rs).
        let pk = self.next_principal_pk()?;
        let row = Principal { pk, ..p.clone() };
        self.bulk_insert(super::pending::Row::Principal(&row))?;
        Ok(pk)
    }

    fn update_principal(&self, p: &Principal) -> Result<()> {
        self.execute(
            "UPDATE principal SET display_name = $2, full_access = $3, db_role = $4 WHERE pk = $1",
            &[&p.pk, &p.display_name, &p.full_access, &p.db_role],
        )?;
        Ok(())
    }

    fn delete_principal(&self, pk: i64) -> Result<()> {
        self.execute("DELETE FROM principal WHERE pk = $1", &[&pk])?;
        Ok(())
    }
}
