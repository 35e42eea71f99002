//! `catalog copy`: the neutral form in which every backend streams its rows and loads
//! them. A source reads one snapshot, table by table in [`TABLES`]' order (references
//! first) and each table in its key's order, handing each row to a [`Sink`] as it is read;
//! a target's loader writes them in one transaction, in batches; then the high-water mark
//! of every table whose keys are never reused. Nothing is held but a
//! batch, so a catalog of a million memberships copies in constant memory.
//!
//! Every row of every table (but [`NOT_COPIED`]) is copied verbatim: keys and ids, the
//! audit chain with its hashes. A copy appends nothing (it is not a change to the tenant).

use super::checked::{Cells, StoredRow};
use crate::domain::store;
use crate::model::error::Result;

/// One stored value. Booleans travel as `Int` 0/1 (see [`Ty::Bool`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Null,
    Int(i64),
    Text(String),
}

/// What a column holds, whatever the backend's own type for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    Int,
    /// 0 or 1 in the neutral form.
    Bool,
    Text,
}

#[derive(Debug)]
pub struct Column {
    pub name: &'static str,
    pub ty: Ty,
}

/// One table of the schema, as every backend has it.
#[derive(Debug)]
pub struct Table {
    pub name: &'static str,
    /// The columns that order its rows (its primary key).
    pub key: &'static [&'static str],
    pub columns: &'static [Column],
}

impl Table {
    /// `a, b, c`: the column list of a statement.
    pub fn column_list(&self) -> String {
        self.columns
            .iter()
            .map(|c| c.name)
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// `a, b`: the key's column list.
    pub fn key_list(&self) -> String {
        self.key.join(", ")
    }

    /// The key's columns as (index, name), naming a row in messages.
    pub fn key_columns(&self) -> Vec<(usize, &'static str)> {
        self.key
            .iter()
            .filter_map(|k| {
                self.columns
                    .iter()
                    .position(|c| c.name == *k)
                    .map(|i| (i, *k))
            })
            .collect()
    }

    /// One row read by a backend (this table's columns, in order) in the neutral form,
    /// into `out`. A value dwctl never writes in such a column (a real, a blob, text in an
    /// integer column, a boolean other than 0 or 1) is exit 7 naming the table, the row's
    /// key and the column, as every read of the catalog says it.
    pub fn neutral<R: StoredRow + ?Sized>(
        &self,
        row: &R,
        key: &[(usize, &str)],
        out: &mut Vec<Value>,
    ) -> Result<()> {
        let c = Cells::new(row, self.name, key);
        out.clear();
        for (i, col) in self.columns.iter().enumerate() {
            out.push(match col.ty {
                Ty::Int => c.opt_int(i)?.map_or(Value::Null, Value::Int),
                Ty::Bool => match c.opt_int(i)? {
                    None => Value::Null,
                    Some(_) => Value::Int(c.bool(i)? as i64),
                },
                Ty::Text => c.opt_text(i)?.map_or(Value::Null, Value::Text),
            });
        }
        Ok(())
    }
}

const fn col(name: &'static str, ty: Ty) -> Column {
    Column { name, ty }
}

use Ty::{Bool, Int, Text};

/// The tables a copy leaves out: the signature nonces `serve` has seen are about the wire
/// (replays), not the tenant; a copy starts with none.
pub const NOT_COPIED: &[&str] = &["signature_nonce"];

/// Every table of the schema but [`NOT_COPIED`], in load order: a row's references are
/// loaded before it. A test checks each backend's schema has exactly these columns.
pub const TABLES: &[Table] = &[
    Table {
        name: "tenant",
        key: &["singleton"],
        columns: &[
            col("singleton", Int),
            col("account_id", Text),
            col("region", Text),
            col("created_at", Text),
        ],
    },
    Table {
        name: "principal",
        key: &["pk"],
        columns: &[
            col("pk", Int),
            col("id", Text),
            col("name", Text),
            col("kind", Text),
            col("display_name", Text),
            col("full_access", Bool),
            col("created_at", Text),
            col("db_role", Text),
        ],
    },
    Table {
        name: "access_key",
        key: &["id"],
        columns: &[
            col("id", Text),
            col("principal_pk", Int),
            col("secret", Text),
            col("enabled", Bool),
            col("created_at", Text),
            col("created_by", Text),
        ],
    },
    Table {
        name: "resource_group",
        key: &["pk"],
        columns: &[
            col("pk", Int),
            col("id", Text),
            col("name", Text),
            col("type", Text),
            col("spec", Int),
            col("payment", Text),
            col("duration", Int),
            col("duration_unit", Text),
            col("vpc", Text),
            col("vswitch", Text),
            col("remark", Text),
            col("status", Text),
            col("created_at", Text),
            col("created_by", Text),
        ],
    },
    Table {
        name: "workspace",
        key: &["id"],
        columns: &[
            col("id", Int),
            col("name", Text),
            col("display_name", Text),
            col("description", Text),
            col("mode", Text),
            col("status", Text),
            col("status_before_delete", Text),
            col("owner", Text),
            col("is_default", Bool),
            col("dev_role_disabled", Bool),
            col("pai_tasks_enabled", Bool),
            col("sod_policy", Text),
            col("default_resource_group", Int),
            col("created_at", Text),
            col("created_by", Text),
            col("updated_at", Text),
            col("deleted_at", Text),
            col("deleted_by", Text),
        ],
    },
    Table {
        name: "workspace_tag",
        key: &["workspace_id", "key"],
        columns: &[
            col("workspace_id", Int),
            col("key", Text),
            col("value", Text),
        ],
    },
    Table {
        name: "member",
        key: &["workspace_id", "principal_pk"],
        columns: &[
            col("workspace_id", Int),
            col("principal_pk", Int),
            col("roles", Text),
            col("added_at", Text),
            col("added_by", Text),
            col("status", Text),
            col("expires_at", Text),
        ],
    },
    Table {
        name: "custom_role",
        key: &["id"],
        columns: &[
            col("id", Int),
            col("workspace_id", Int),
            col("name", Text),
            col("description", Text),
            col("rights", Text),
            col("capabilities", Text),
            col("created_at", Text),
            col("created_by", Text),
            col("updated_at", Text),
        ],
    },
    Table {
        name: "binding",
        key: &["group_pk", "workspace_id"],
        columns: &[
            col("group_pk", Int),
            col("workspace_id", Int),
            col("bound_at", Text),
            col("bound_by", Text),
        ],
    },
    Table {
        name: "compute",
        key: &["pk"],
        columns: &[
            col("pk", Int),
            col("workspace_id", Int),
            col("env", Text),
            col("name", Text),
            col("type", Text),
            col("mode", Text),
            col("properties", Text),
            col("description", Text),
            col("is_default", Bool),
            col("created_at", Text),
            col("created_by", Text),
            col("updated_at", Text),
            col("updated_by", Text),
        ],
    },
    Table {
        name: "datasource",
        key: &["pk"],
        columns: &[
            col("pk", Int),
            col("workspace_id", Int),
            col("env", Text),
            col("name", Text),
            col("type", Text),
            col("mode", Text),
            col("properties", Text),
            col("description", Text),
            col("origin", Text),
            col("test_state", Text),
            col("test_at", Text),
            col("test_latency_ms", Int),
            col("test_message", Text),
            col("created_at", Text),
            col("created_by", Text),
            col("updated_at", Text),
            col("updated_by", Text),
        ],
    },
    Table {
        name: "datasource_share",
        key: &["id"],
        columns: &[
            col("id", Int),
            col("datasource_pk", Int),
            col("target_id", Int),
            col("user_pk", Int),
            col("created_at", Text),
            col("created_by", Text),
        ],
    },
    Table {
        name: "audit",
        key: &["seq"],
        columns: &[
            col("seq", Int),
            col("at", Text),
            col("actor", Text),
            col("actor_id", Text),
            col("action", Text),
            col("workspace", Text),
            col("target", Text),
            col("outcome", Text),
            col("details", Text),
            col("hash", Text),
        ],
    },
];

/// Where a source's rows go.
pub trait Sink {
    /// The rows that follow are `table`'s (each table comes once, in [`TABLES`]' order).
    fn table(&mut self, table: &'static Table) -> Result<()>;

    /// One row: one cell per column of the current table, in its order.
    fn row(&mut self, cells: &[Value]) -> Result<()>;

    /// The current table is complete (write what is batched).
    fn end_table(&mut self) -> Result<()>;

    /// The highest key `table` ever handed out, for each table whose keys are never
    /// reused (workspaces: even after purge), after every table: the copy's next key is
    /// the source's.
    fn ids_used(&mut self, table: &str, last: i64) -> Result<()>;
}

/// A target's loader: a [`Sink`] in the target's one transaction, which the caller may
/// also use (to map the copying login) before it commits.
pub trait Loader: Sink {
    fn tx(&mut self) -> &mut dyn store::Tx;
}

/// How many rows of each table a copy wrote, in [`TABLES`]' order.
pub struct Counted<'s> {
    pub inner: &'s mut dyn Sink,
    pub rows: Vec<(&'static str, u64)>,
}

impl Sink for Counted<'_> {
    fn table(&mut self, table: &'static Table) -> Result<()> {
        self.rows.push((table.name, 0));
        self.inner.table(table)
    }

    fn row(&mut self, cells: &[Value]) -> Result<()> {
        if let Some(last) = self.rows.last_mut() {
            last.1 += 1;
        }
        self.inner.row(cells)
    }

    fn end_table(&mut self) -> Result<()> {
        self.inner.end_table()
    }

    fn ids_used(&mut self, table: &str, last: i64) -> Result<()> {
        self.inner.ids_used(table, last)
    }
}
