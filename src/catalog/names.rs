//! Names for shell completion. A TAB must never change anything: this reads a catalog that
//! exists and is of this dwctl's schema, and otherwise answers with no names. It never
//! creates, migrates or waits long for the catalog.

use rusqlite::{params, Connection, OpenFlags};
use std::path::Path;
use std::time::Duration;

use super::{check_header, SCHEMA_VERSION};
use crate::domain::error::Result;

/// What kind of names to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameKind {
    Workspace,
    Principal,
    ResourceGroup,
    /// Compute resources of one workspace.
    Compute,
    /// Data sources of one workspace.
    DataSource,
}

/// A name and a few words about it (zsh, fish and PowerShell show them beside the name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    pub name: String,
    pub about: String,
}

/// How long a TAB may wait for a writer holding the catalog.
const BUSY_TIMEOUT: Duration = Duration::from_millis(200);

/// The names of one kind, sorted. `workspace` scopes compute resources and data sources
/// (without it they have no names). A missing catalog has no names.
pub fn names(path: &Path, kind: NameKind, workspace: Option<&str>) -> Result<Vec<Named>> {
    // Only a regular file, never a FIFO (opening one blocks); a TAB ignores the file's
    // mode (it prints nothing but names, and must stay silent).
    if let super::Probe::Missing = super::probe(path, super::ModeCheck::Off)? {
        return Ok(Vec::new());
    }
    check_header(path)?;
    // Read-write without CREATE, so that SQLite tidies its WAL files on close; `query_only`
    // makes sure nothing is written. A write-protected file is opened read-only.
    let read_only = std::fs::metadata(path)
        .map(|m| m.permissions().readonly())
        .unwrap_or(true);
    let flags = if read_only {
        OpenFlags::SQLITE_OPEN_READ_ONLY
    } else {
        OpenFlags::SQLITE_OPEN_READ_WRITE
    } | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "query_only", "ON")?;
    let version: i32 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if version != SCHEMA_VERSION {
        // Older catalogs need a migration (a write); newer ones are not ours to read.
        return Ok(Vec::new());
    }
    let (sql, scoped) = match kind {
        NameKind::Workspace => (
            "SELECT name, display_name || CASE status WHEN 'available' THEN '' ELSE ' (' || status || ')' END \
             FROM workspace ORDER BY name COLLATE NOCASE",
            false,
        ),
        NameKind::Principal => (
            "SELECT name, kind || COALESCE(': ' || NULLIF(display_name, ''), '') \
             FROM principal ORDER BY name COLLATE NOCASE",
            false,
        ),
        NameKind::ResourceGroup => (
            "SELECT name, type || ' ' || spec || ' CU, ' || id \
             FROM resource_group ORDER BY name COLLATE NOCASE",
            false,
        ),
        NameKind::Compute => (
            "SELECT c.name, c.type || ' (' || group_concat(c.env, ', ') || ')' \
             FROM compute c JOIN workspace w ON w.id = c.workspace_id WHERE w.name = ?1 \
             GROUP BY c.name COLLATE NOCASE ORDER BY c.name COLLATE NOCASE",
            true,
        ),
        NameKind::DataSource => (
            "SELECT d.name, d.type || ' (' || group_concat(d.env, ', ') || ')' \
             FROM datasource d JOIN workspace w ON w.id = d.workspace_id WHERE w.name = ?1 \
             GROUP BY d.name COLLATE NOCASE ORDER BY d.name COLLATE NOCASE",
            true,
        ),
    };
    let mut st = conn.prepare(sql)?;
    let row = |r: &rusqlite::Row| {
        Ok(Named {
            name: r.get(0)?,
            about: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
        })
    };
    let rows = if scoped {
        let Some(ws) = workspace else {
            return Ok(Vec::new());
        };
        st.query_map(params![ws], row)?
            .collect::<rusqlite::Result<Vec<_>>>()?
    } else {
        st.query_map([], row)?
            .collect::<rusqlite::Result<Vec<_>>>()?
    };
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_catalog_has_no_names_and_stays_missing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nope.db");
        assert!(names(&path, NameKind::Workspace, None).unwrap().is_empty());
        assert!(!path.exists());
    }

    /// A catalog made by init, with a second workspace holding compute resources and data
    /// sources in two environments.
    fn catalog_with_resources(dir: &Path) -> std::path::PathBuf {
        let path = dir.join("catalog.db");
        let mut new = super::super::NewCatalog::create(&path).unwrap();
        {
            let mut tx = new.write().unwrap();
            let now = crate::domain::clock::Timestamp::parse("2026-11-28T10:00:00Z").unwrap();
            crate::domain::tenant::init(&mut tx, "1234567890123456", "cn-hangzhou", now).unwrap();
            tx.commit().unwrap();
        }
        new.place().unwrap();
        let conn = Connection::open(&path).unwrap();
        let t = "'2026-11-28T10:00:00.000Z'";
        conn.execute_batch(&format!(
            "INSERT INTO workspace (name, display_name, mode, status, owner, created_at, created_by, updated_at)
               VALUES ('sales_ws', 'Sales', 'standard', 'disabled', '1', {t}, 'root', {t});
             INSERT INTO compute (workspace_id, env, name, type, mode, properties, created_at, created_by, updated_at, updated_by)
               SELECT id, e.env, 'mc', 'maxcompute', 'url', '{{}}', {t}, 'root', {t}, 'root'
               FROM workspace, (SELECT 'prod' AS env UNION ALL SELECT 'dev') e WHERE name = 'sales_ws';
             INSERT INTO datasource (workspace_id, env, name, type, mode, properties, created_at, created_by, updated_at, updated_by)
               SELECT id, 'prod', n, 'mysql', 'url', '{{}}', {t}, 'root', {t}, 'root'
               FROM workspace, (SELECT 'orders' AS n UNION ALL SELECT 'Customers') WHERE name = 'sales_ws';"
        ))
        .unwrap();
        path
    }

    fn just_names(v: Vec<Named>) -> Vec<String> {
        v.into_iter().map(|n| n.name).collect()
    }

    #[test]
    fn names_of_each_kind_with_a_few_words() {
        let dir = tempfile::tempdir().unwrap();
        let path = catalog_with_resources(dir.path());
        let ws = names(&path, NameKind::Workspace, None).unwrap();
        assert_eq!(
            ws,
            [
                Named {
                    name: "default_workspace_3456".into(),
                    about: "Default Workspace".into()
                },
                Named {
                    name: "sales_ws".into(),
                    about: "Sales (disabled)".into()
                }
            ]
        );
        assert_eq!(
            names(&path, NameKind::Principal, None).unwrap()[0].about,
            "account: Alibaba Cloud account"
        );
        let groups = names(&path, NameKind::ResourceGroup, None).unwrap();
        assert_eq!(just_names(groups.clone()), ["default_serverless_group"]);
        assert!(groups[0]
            .about
            .starts_with("serverless 2 CU, Serverless_res_group_"));

        // Compute resources and data sources: of the workspace typed, each name once.
        let compute = names(&path, NameKind::Compute, Some("SALES_WS")).unwrap();
        assert_eq!(compute.len(), 1);
        assert_eq!(compute[0].name, "mc");
        assert!(compute[0].about.starts_with("maxcompute ("), "{compute:?}");
        assert_eq!(
            just_names(names(&path, NameKind::DataSource, Some("sales_ws")).unwrap()),
            ["Customers", "orders"]
        );
        assert!(names(&path, NameKind::DataSource, None).unwrap().is_empty());
        assert!(
            names(&path, NameKind::Compute, Some("default_workspace_3456"))
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn a_file_that_is_not_a_catalog_is_an_error_and_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notes.txt");
        std::fs::write(&path, "not a catalog").unwrap();
        assert!(names(&path, NameKind::Principal, None).is_err());
        assert_eq!(std::fs::read(&path).unwrap(), b"not a catalog");
    }
}
