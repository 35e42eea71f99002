//! What a PostgreSQL transaction buffers for batched writes (bulk.rs sends it): the rows
//! to append, encoded in COPY's text format, and what the transaction knows of the rows
//! it wrote. Kept apart from bulk.rs, which adds `Tx`'s methods, so that `Tx` (mod.rs)
//! can hold it without the two files naming each other.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use crate::model::audit::AuditEvent;
use crate::model::resource_group::ResourceGroup;
use crate::model::Membership;
use crate::model::{Principal, Tenant, Workspace};

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
    /// A compute resource or a data source: its table's index in [`TABLES`] and the
    /// fields of that table's COPY.
    Connection(usize, Vec<Option<String>>),
}

/// The buffered tables, in the order they are flushed (a row's references first: a
/// table's buffer is sent after those of every table before it).
pub(super) const TABLES: [(&str, &str); 6] = [
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
        "compute",
        "COPY compute (pk, workspace_id, env, name, type, mode, properties, description, created_at, created_by, updated_at, updated_by, is_default) FROM STDIN",
    ),
    (
        "datasource",
        "COPY datasource (pk, workspace_id, env, name, type, mode, properties, description, created_at, created_by, updated_at, updated_by, origin) FROM STDIN",
    ),
    (
        "audit",
        "COPY audit (seq, at, actor, actor_id, action, workspace, target, outcome, details, hash) FROM STDIN",
    ),
];
pub(super) const PRINCIPAL: usize = 0;
pub(super) const BINDING: usize = 1;
pub(super) const MEMBER: usize = 2;
pub(super) const AUDIT: usize = 5;

/// The tables no row refers to (no foreign key names them): deleting from one deletes
/// nothing elsewhere.
pub(super) const LEAVES: [&str; 5] = ["workspace_tag", "member", "binding", "compute", "audit"];

/// A table's rows are sent as one INSERT up to this many bytes (in the round trip of the
/// statement they go ahead of), and as a COPY (two round trips) past it.
pub(super) const INSERT_UP_TO: usize = 64 << 10;

/// The savepoint commands the domain asked for and not sent yet.
#[derive(Clone, Copy, Default)]
pub(super) struct Deferred {
    /// `SAVEPOINT change`.
    pub(super) savepoint: bool,
    /// `RELEASE SAVEPOINT change` (of a savepoint sent earlier).
    pub(super) release: bool,
}

impl Deferred {
    pub(super) fn any(self) -> bool {
        self.savepoint || self.release
    }
}

/// A buffer is sent once it holds this many bytes, whatever reads next.
pub(super) const FLUSH_AT: usize = 8 << 20;

/// The rows buffered in one transaction, and what the transaction knows of the rows it
/// wrote (see [`Known`]).
#[derive(Default)]
pub(super) struct Pending {
    pub(super) data: [Vec<u8>; 6],
    /// The (workspace_id, principal_pk) of the buffered members: a lookup of one member
    /// flushes only when it is among them.
    pub(super) members: HashSet<(i64, i64)>,
    /// The workspaces of the buffered members: a read of one workspace's members flushes
    /// only when it has some.
    pub(super) member_workspaces: HashSet<i64>,
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
    /// Every principal's name and id, loaded past [`LOAD_NAMES_AFTER`] lookups.
    pub(super) principals: Names,
    /// Workspaces created in this transaction: their members, compute resources and
    /// data sources are exactly those noted below.
    pub(super) fresh: HashSet<i64>,
    /// Members added in this transaction.
    pub(super) members: HashSet<(i64, i64)>,
    /// Compute resources and data sources added: (table, workspace, env, lower-cased name).
    /// By (table, workspace): (env, lower-cased name).
    pub(super) objects: HashMap<(&'static str, i64), HashSet<(String, String)>>,
    /// The id counters of the buffered tables' rows (`compute`, `datasource`: dwctl_meta's
    /// `TABLE_seq` or the largest key, whichever is larger, then each id assigned), once
    /// read; sent with the table's rows.
    pub(super) seqs: HashMap<&'static str, i64>,
    /// Memberships as read (workspace_id, principal_pk; `None`: not a member), until a
    /// statement that may change one: the actor's are checked for every object of a manifest.
    pub(super) roles: HashMap<(i64, i64), Option<Membership>>,
    /// Resource groups with their bound workspaces as read, by the lower-cased name or id
    /// asked for (`None`: there is none), until a statement or binding that may change one.
    pub(super) groups: HashMap<String, Option<ResourceGroup>>,
    /// The account principal, once read, until a statement that may change a principal.
    pub(super) account: Option<Principal>,
    /// Workspaces as read, by lower-cased name (`None`: there is none), until a statement
    /// that may change one runs (apply reads a workspace again after each change, and a
    /// member or data source added changes none of its fields).
    pub(super) workspaces: HashMap<String, Option<Workspace>>,
    /// Whether any share rule exists, once read, until a statement that may add one: a
    /// catalog without shares (most) answers every lookup of them without a round trip,
    /// and without sending the buffered data sources a share refers to.
    pub(super) any_share: Option<bool>,
    /// The memberships of the workspaces created in this transaction, as added, while
    /// `fresh_memberships_lost` is false (a statement that may change a membership sets
    /// it: from then on the server is asked).
    pub(super) fresh_memberships: HashMap<i64, Vec<(i64, Membership)>>,
    pub(super) fresh_memberships_lost: bool,
    /// Every workspace's name, loaded past [`LOAD_NAMES_AFTER`] lookups (apply looks up
    /// each workspace of a manifest, most of them new).
    pub(super) workspaces_named: Names,
}

/// The names (lower-cased) and ids of every row of a table, read once a transaction has
/// looked up more than [`LOAD_NAMES_AFTER`] of them, then kept with each row it adds: an
/// absent name or id then costs no round trip.
#[derive(Default)]
pub(super) struct Names {
    /// Lookups so far.
    pub(super) lookups: usize,
    /// Lower-cased names, and ids (none for a table whose rows are found by name only),
    /// once loaded.
    pub(super) loaded: Option<(HashSet<String>, HashSet<String>)>,
}

impl Names {
    /// A row named `name` (with id `id`) was added.
    pub(super) fn add(&mut self, name: &str, id: Option<&str>) {
        if let Some((names, ids)) = &mut self.loaded {
            names.insert(name.to_ascii_lowercase());
            ids.extend(id.map(str::to_string));
        }
    }
}

impl Known {
    /// A binding of group `group_pk` to workspace `workspace_id` was added: the groups and
    /// workspaces as read take it in (each list in the order the server reads it, by
    /// lower-cased name), or are forgotten when the other side's name is not known here,
    /// or not ASCII (the server lower-cases ASCII letters only).
    pub(super) fn bound(&mut self, group_pk: i64, workspace_id: i64) {
        let ws_name = self
            .workspaces
            .values()
            .flatten()
            .find(|w| w.id == workspace_id)
            .map(|w| w.name.as_str().to_string());
        let group_name = self
            .groups
            .values()
            .flatten()
            .find(|g| g.pk == group_pk)
            .map(|g| g.name.clone());
        match ws_name.filter(|n| n.is_ascii()) {
            Some(ws) => {
                for g in self.groups.values_mut().flatten() {
                    if g.pk == group_pk {
                        insert_sorted(&mut g.workspaces, &ws);
                    }
                }
            }
            None => self.groups.clear(),
        }
        match group_name.filter(|n| n.is_ascii()) {
            Some(group) => {
                for w in self.workspaces.values_mut().flatten() {
                    if w.id == workspace_id {
                        insert_sorted(&mut w.resource_groups, &group);
                    }
                }
            }
            None => self.workspaces.clear(),
        }
    }
}

/// Insert `name` into `list`, sorted as the server sorts `lower(name)` of a `COLLATE "C"`
/// column: ASCII letters lower-cased, then bytes (names are unique in that form).
fn insert_sorted(list: &mut Vec<String>, name: &str) {
    let key = name.to_ascii_lowercase();
    let at = list.partition_point(|n| n.to_ascii_lowercase() < key);
    list.insert(at, name.to_string());
}

/// What was read by the lower-cased name `name` (`Some(None)`: there is none).
pub(super) fn kept<T: Clone>(map: &HashMap<String, Option<T>>, name: &str) -> Option<Option<T>> {
    map.get(&name.to_ascii_lowercase()).cloned()
}

/// Keep what was read by `name` (an ASCII name only: others fold differently on the
/// server, and are asked again).
pub(super) fn keep<T: Clone>(map: &mut HashMap<String, Option<T>>, name: &str, v: &Option<T>) {
    if name.is_ascii() {
        map.insert(name.to_ascii_lowercase(), v.clone());
    }
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
    if !s
        .bytes()
        .any(|b| matches!(b, b'\\' | b'\t' | b'\n' | b'\r'))
    {
        out.extend_from_slice(s.as_bytes());
        return;
    }
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

/// A field in COPY's text format, read back (`None`: NULL).
pub(super) fn unescape(f: &[u8]) -> Option<String> {
    if f == b"\\N" {
        return None;
    }
    let mut out = Vec::with_capacity(f.len());
    let mut bytes = f.iter();
    while let Some(&b) = bytes.next() {
        if b != b'\\' {
            out.push(b);
            continue;
        }
        match bytes.next() {
            Some(b't') => out.push(b'\t'),
            Some(b'n') => out.push(b'\n'),
            Some(b'r') => out.push(b'\r'),
            Some(&other) => out.push(other),
            None => out.push(b'\\'),
        }
    }
    Some(String::from_utf8_lossy(&out).into_owned())
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

/// What the batch that begins a transaction read beside the clock (mod.rs), served
/// without a round trip until a statement that writes runs.
#[derive(Default)]
pub(super) struct ReadAhead {
    pub(super) tenant: Option<Tenant>,
    /// The login, and the principal mapped to it (`None`: none is).
    pub(super) by_role: Option<(String, Option<Principal>)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_goes_where_the_servers_order_by_lower_name_puts_it() {
        // The server's order of `lower(name)` under COLLATE "C" (checked with psql): ASCII
        // letters folded, then bytes, so `rg_b` < `RG_Mixed` < `rga`.
        let mut list: Vec<String> = Vec::new();
        for name in ["rga", "RG_Mixed", "rg_b", "Rg0", "zeta", "rg_a"] {
            insert_sorted(&mut list, name);
        }
        assert_eq!(list, ["Rg0", "rg_a", "rg_b", "RG_Mixed", "rga", "zeta"]);
        let mut sorted = list.clone();
        sorted.sort_by_key(|n| n.to_ascii_lowercase());
        assert_eq!(list, sorted);
    }
}
