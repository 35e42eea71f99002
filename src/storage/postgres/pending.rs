//! What a PostgreSQL transaction buffers for batched writes (bulk.rs sends it): the rows
//! to append, encoded in COPY's text format, and what the transaction knows of the rows
//! it wrote. Kept apart from bulk.rs, which adds `Tx`'s methods, so that `Tx` (mod.rs)
//! can hold it without the two files naming each other.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use crate::model::audit::AuditEvent;
use crate::model::{Principal, Workspace};

/// A row to append.
pub(super) enum Row<'e> {
    Audit(&'e AuditEvent),
    Principal(&'e Principal),
    Member {
        workspace_id: i64,
        principal_pk: i64,
        roles: String,
        at: String,
        by: String,
        status: &'static str,
        expires_at: Option<String>,
    },
    Binding {
        group_pk: i64,
        workspace_id: i64,
        at: String,
        by: String,
    },
}

/// The buffered tables, in the order they are flushed (a row's references first: a
/// table's buffer is sent after those of every table before it).
pub(super) const TABLES: [(&str, &str); 4] = [
    (
        "principal",
        "COPY principal (pk, id, name, kind, display_name, full_access, created_at, db_role) FROM STDIN",
    ),
    (
        "binding",
        "COPY binding (group_pk, workspace_id, bound_at, bound_by) FROM STDIN",
    ),
    (
        "member",
        "COPY member (workspace_id, principal_pk, roles, added_at, added_by, status, expires_at) FROM STDIN",
    ),
    (
        "audit",
        "COPY audit (seq, at, actor, actor_id, action, workspace, target, outcome, details, hash) FROM STDIN",
    ),
];
pub(super) const PRINCIPAL: usize = 0;
pub(super) const BINDING: usize = 1;
pub(super) const MEMBER: usize = 2;
pub(super) const AUDIT: usize = 3;

/// The tables no row refers to (no foreign key names them): deleting from one deletes
/// nothing elsewhere.
pub(super) const LEAVES: [&str; 6] = [
    "workspace_tag",
    "member",
    "binding",
    "compute",
    "datasource",
    "audit",
];

/// A buffer is sent once it holds this many bytes, whatever reads next.
pub(super) const FLUSH_AT: usize = 8 << 20;

/// The rows buffered in one transaction, and what the transaction knows of the rows it
/// wrote (see [`Known`]).
#[derive(Default)]
pub(super) struct Pending {
    pub(super) data: [Vec<u8>; 4],
    /// The (workspace_id, principal_pk) of the buffered members: a lookup of one member
    /// flushes only when it is among them.
    pub(super) members: HashSet<(i64, i64)>,
    pub(super) known: Known,
}

/// What a transaction knows without asking the server, so that `apply`'s lookups of the
/// objects it is about to create (each one absent) cost no round trip. Every answer taken
/// from here is one the server would give: the catalog's write lock serialises changes
/// and a transaction reads one snapshot, so the only rows that change under it are its
/// own, and it notes each one it adds. The sets may hold more than the catalog (a row
/// deleted, a change rolled back to the savepoint): then the server is asked, as without
/// them; an absence is only ever answered from a set that holds every row.
#[derive(Default)]
pub(super) struct Known {
    /// The next principal key (max + 1 as SQLite's rowids), once read.
    pub(super) next_principal: Option<i64>,
    /// Principal lookups so far; past [`LOAD_NAMES_AFTER`] the names and ids are loaded.
    pub(super) lookups: usize,
    /// Every principal's lower-cased name and id, once loaded.
    pub(super) principals: Option<(HashSet<String>, HashSet<String>)>,
    /// Workspaces created in this transaction: their members, compute resources and
    /// data sources are exactly those noted below.
    pub(super) fresh: HashSet<i64>,
    /// Members added in this transaction.
    pub(super) members: HashSet<(i64, i64)>,
    /// Compute resources and data sources added: (table, workspace, env, lower-cased name).
    pub(super) objects: HashSet<(&'static str, i64, String, String)>,
    /// Workspaces as read, by lower-cased name (`None`: there is none), until a statement
    /// that may change one runs (apply reads a workspace again after each change, and a
    /// member or data source added changes none of its fields).
    pub(super) workspaces: HashMap<String, Option<Workspace>>,
}

/// How many principal lookups one transaction makes before it reads every principal's
/// name and id once (apply names thousands; a command names a few).
pub(super) const LOAD_NAMES_AFTER: usize = 256;

impl Pending {
    pub(super) fn new() -> RefCell<Pending> {
        RefCell::new(Pending::default())
    }

    pub(super) fn is_empty(&self) -> bool {
        self.data.iter().all(Vec::is_empty)
    }

    pub(super) fn has_fresh(&self, ws: i64) -> bool {
        self.known.fresh.contains(&ws)
    }
}

/// One field in COPY's text format: `\N` for NULL; backslash, tab, newline and carriage
/// return escaped.
pub(super) fn field(out: &mut Vec<u8>, v: Option<&str>) {
    let Some(s) = v else {
        out.extend_from_slice(b"\\N");
        return;
    };
    for &b in s.as_bytes() {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            _ => out.push(b),
        }
    }
}

/// One line of fields.
pub(super) fn line(out: &mut Vec<u8>, fields: &[Option<&str>]) {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(b'\t');
        }
        field(out, *f);
    }
    out.push(b'\n');
}
