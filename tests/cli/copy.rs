//! `catalog copy`: every row verbatim into a new catalog, appending nothing (issue 13).
//! These run file -> file; the PostgreSQL directions are in `copy::pg` (they need
//! `DWCTL_TEST_PG_URL`).

use crate::harness::*;
use std::collections::BTreeMap;
use std::path::Path;

/// Every row of every table, the audit log and SQLite's id high-water marks included.
fn everything(path: &Path) -> BTreeMap<String, Vec<String>> {
    table_rows(path, &[])
}

/// `catalog copy --from FROM --to TO`.
fn copy_between(env: &Env, from: &Path, to: &Path) -> Run {
    env.run(&[
        "catalog",
        "copy",
        "--from",
        from.to_str().unwrap(),
        "--to",
        to.to_str().unwrap(),
    ])
}

/// A catalog with something of every kind, a purged workspace (its id is never reused),
/// a login mapped, and denied and refused events in the log.
fn source() -> Env {
    let env = crate::manifest::varied();
    env.run(&["user", "update", "alice", "--db-role", "alice"])
        .ok();
    env.run(&["user", "accesskey", "create", "alice"]).ok();
    env.run(&["workspace", "create", "purged_ws"]).ok();
    env.run(&["workspace", "delete", "purged_ws", "--yes"]).ok();
    env.run(&["workspace", "purge", "purged_ws", "--yes"]).ok();
    env.run(&["--as", "bob", "workspace", "create", "nope_ws"])
        .fails(5, "may not");
    env
}

#[test]
fn a_copy_holds_every_row_verbatim_and_appends_nothing() {
    if file_only() {
        return;
    }
    let env = source();
    let before = everything(&env.catalog);
    let export = env.run(&["export", "--all"]).ok().to_string();
    let to = env.path().join("sub/copy.db");
    let r = env.run(&[
        "catalog",
        "copy",
        "--to",
        to.to_str().unwrap(),
        "-o",
        "json",
    ]);
    let v = r.json();
    assert_eq!(v["to"], to.to_str().unwrap());
    let events = env.audit().len() as u64;
    assert_eq!(v["tables"]["audit"], events);
    assert_eq!(v["tables"]["tenant"], 1);
    // Nothing appended to the source, nothing more in the copy: every table the same,
    // keys, ids, hashes and the workspace ids' high-water mark.
    assert_eq!(everything(&env.catalog), before);
    assert_eq!(everything(&to), before);
    // The copy is a catalog like any other: 0600, its chain verifies, it exports the
    // same bytes, and its next workspace gets the id the source's would.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&to).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    let copy = Env {
        dir: tempfile::tempdir().unwrap(),
        catalog: to.clone(),
        vars: env.vars.clone(),
        pg: None,
    };
    copy.run(&["audit", "verify"]).ok();
    assert_eq!(copy.run(&["export", "--all"]).ok(), export);
    let a = env.json(&["workspace", "create", "next_ws", "-o", "json"]);
    let b = copy.json(&["workspace", "create", "next_ws", "-o", "json"]);
    assert_eq!(a["result"]["id"], b["result"]["id"]);
    // ...and back: a copy of the copy, named explicitly.
    let back = env.path().join("back.db");
    copy_between(&env, &to, &back).ok();
    assert_eq!(everything(&back), everything(&to));
}

#[test]
fn a_target_that_is_not_empty_is_refused() {
    if file_only() {
        return;
    }
    let env = Env::new();
    let other = Env::new();
    // Another catalog, an empty file, a folder: exit 4, untouched.
    let empty = env.path().join("empty.db");
    std::fs::write(&empty, b"").unwrap();
    for to in [other.catalog.as_path(), empty.as_path(), env.path()] {
        let bytes = std::fs::read(to).ok();
        env.refused(
            &["catalog", "copy", "--to", to.to_str().unwrap()],
            4,
            "is not empty",
        );
        assert_eq!(std::fs::read(to).ok(), bytes);
    }
    // Onto itself, too.
    env.refused(
        &["catalog", "copy", "--to", env.catalog.to_str().unwrap()],
        4,
        "is not empty",
    );
    let names: Vec<String> = std::fs::read_dir(env.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.contains(".tmp")), "{names:?}");
}

#[test]
fn copying_needs_a_tenant_administrator() {
    if file_only() {
        return;
    }
    let env = Env::new();
    env.run(&["user", "add", "alice"]).ok();
    let to = env.path().join("stolen.db");
    let audit = env.audit();
    let as_alice = [
        "--as",
        "alice",
        "catalog",
        "copy",
        "--to",
        to.to_str().unwrap(),
    ];
    let r = env.run(&as_alice);
    r.fails(5, "alice may not copy the catalog");
    assert!(r.stdout.is_empty());
    assert!(!to.exists());
    assert_eq!(env.audit(), audit);
    env.run(&["user", "update", "alice", "--full-access", "true"])
        .ok();
    env.run(&as_alice).ok();
    assert!(to.exists());
}

#[test]
fn a_source_that_is_missing_or_damaged_is_exit_7_and_writes_nothing() {
    if file_only() {
        return;
    }
    let env = Env::new();
    let to = env.path().join("copy.db");
    let missing = env.path().join("missing.db");
    copy_between(&env, &missing, &to).fails(7, "no catalog at");
    assert!(!to.exists());
    // A stored value dwctl never writes: named, and no copy appears.
    let conn = rusqlite::Connection::open(&env.catalog).unwrap();
    conn.execute("UPDATE workspace SET is_default = 7", [])
        .unwrap();
    drop(conn);
    let r = env.run(&["catalog", "copy", "--to", to.to_str().unwrap()]);
    r.fails(7, "table workspace, row id=1, column is_default");
    assert!(!to.exists());
}

/// The PostgreSQL directions and the login binding (README "Who is acting"). Each test
/// has its own schemas and roles on `DWCTL_TEST_PG_URL`'s server, dropped at the end;
/// without the variable they are skipped with a note.
mod pg {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    /// Schemas and roles of one test, dropped when it ends.
    struct Server {
        base: String,
        client: postgres::Client,
        tag: String,
        schemas: Vec<String>,
        roles: Vec<String>,
    }

    impl Server {
        fn new(base: String) -> Server {
            static N: AtomicU32 = AtomicU32::new(0);
            let client = postgres::Client::connect(&base, postgres::NoTls).expect("connect");
            Server {
                base,
                client,
                tag: format!(
                    "{}_{}",
                    std::process::id(),
                    N.fetch_add(1, Ordering::Relaxed)
                ),
                schemas: Vec::new(),
                roles: Vec::new(),
            }
        }

        /// A catalog URL in a new schema (not created: dwctl makes it).
        fn schema(&mut self, name: &str) -> String {
            let schema = format!("cp_{name}_{}", self.tag);
            self.schemas.push(schema.clone());
            let sep = if self.base.contains('?') { '&' } else { '?' };
            format!("{}{sep}schema={schema}", self.base)
        }

        /// The login the tests connect as.
        fn login(&mut self) -> String {
            self.client
                .query_one("SELECT current_user::text", &[])
                .unwrap()
                .get(0)
        }

        /// A new login with the rights a team member's needs on `schema_url`'s schema, and
        /// the catalog URL that connects as it.
        fn member_login(&mut self, name: &str, schema_url: &str) -> (String, String) {
            let role = format!("{name}_{}", self.tag);
            let schema = schema_url.rsplit("schema=").next().unwrap().to_string();
            self.client
                .batch_execute(&format!(
                    "CREATE ROLE {role} LOGIN PASSWORD 'pw'; \
                     GRANT USAGE ON SCHEMA {schema} TO {role}; \
                     GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role};"
                ))
                .unwrap();
            self.roles.push(role.clone());
            let (scheme, rest) = schema_url.split_once("://").unwrap();
            let host = rest.split_once('@').map_or(rest, |(_, h)| h);
            (role.clone(), format!("{scheme}://{role}:pw@{host}"))
        }
    }

    impl Drop for Server {
        fn drop(&mut self) {
            for s in &self.schemas {
                let _ = self
                    .client
                    .batch_execute(&format!("DROP SCHEMA IF EXISTS {s} CASCADE"));
            }
            for r in &self.roles {
                let _ = self
                    .client
                    .batch_execute(&format!("DROP ROLE IF EXISTS {r}"));
            }
        }
    }

    #[test]
    fn file_to_postgresql_and_back_is_verbatim() {
        // Starts from SQLite files and names its own PostgreSQL schemas: runs in the first pass.
        if file_only() {
            return;
        }
        let Some(base) = needs_pg() else {
            return;
        };
        let mut server = Server::new(base);
        let env = source();
        // The copy maps the login running it to the account: map it in the source too, so
        // that the round trip must be identical row for row.
        let me = server.login();
        env.run(&["user", "update", "root", "--db-role", &me]).ok();
        let rows = everything(&env.catalog);
        let export = env.run(&["export", "--all"]).ok().to_string();
        let events = env.audit().len();
        let pg = server.schema("there");
        let v = env.json(&["catalog", "copy", "--to", &pg, "-o", "json"]);
        assert_eq!(v["tables"]["audit"], events as u64);
        assert_eq!(everything(&env.catalog), rows, "the source changed");
        env.run(&["--catalog", &pg, "audit", "verify"]).ok();
        assert_eq!(env.run(&["--catalog", &pg, "export", "--all"]).ok(), export);
        let who = env.json(&["--catalog", &pg, "whoami", "-o", "json"]);
        assert_eq!(
            (who["actor"].as_str(), who["source"].as_str()),
            (Some("root"), Some("login"))
        );
        // Not empty now: refused, nothing appended.
        let r = env.run(&["catalog", "copy", "--to", &pg]);
        r.fails(4, "is not empty");
        // Back to a file: every row as it was.
        let back = env.path().join("back.db");
        let r = env.run(&[
            "catalog",
            "copy",
            "--from",
            &pg,
            "--to",
            back.to_str().unwrap(),
        ]);
        r.ok();
        assert_eq!(everything(&back), rows);
        // PostgreSQL to PostgreSQL, too.
        let again = server.schema("again");
        env.run(&["catalog", "copy", "--from", &pg, "--to", &again])
            .ok();
        env.run(&["--catalog", &again, "audit", "verify"]).ok();
        assert_eq!(
            env.run(&["--catalog", &again, "export", "--all"]).ok(),
            export
        );
        // The next workspace id is the source's on every copy.
        let a = env.json(&["workspace", "create", "next_ws", "-o", "json"]);
        let b = env.json(&[
            "--catalog",
            &pg,
            "workspace",
            "create",
            "next_ws",
            "-o",
            "json",
        ]);
        assert_eq!(a["result"]["id"], b["result"]["id"]);
    }

    #[test]
    fn the_actor_is_the_principal_mapped_to_the_login() {
        // Starts from SQLite files and names its own PostgreSQL schemas: runs in the first pass.
        if file_only() {
            return;
        }
        let Some(base) = needs_pg() else {
            return;
        };
        let mut server = Server::new(base);
        let env = Env::new();
        env.run(&["user", "add", "alice"]).ok();
        env.run(&["user", "add", "bob", "--full-access"]).ok();
        env.run(&["workspace", "create", "team_ws"]).ok();
        let pg = server.schema("who");
        env.run(&["catalog", "copy", "--to", &pg]).ok();
        let (alice_login, as_alice) = server.member_login("alice", &pg);
        let (bob_login, as_bob) = server.member_login("bob", &pg);
        let (_, as_carol) = server.member_login("carol", &pg);
        // Unmapped: exit 5 naming the login and the fix.
        let r = env.run(&["--catalog", &as_alice, "whoami"]);
        r.fails(
            5,
            &format!("database login '{alice_login}' is mapped to no principal"),
        );
        assert!(
            r.stderr
                .contains(&format!("dwctl user update NAME --db-role {alice_login}")),
            "{}",
            r.stderr
        );
        // The account (the copying login) maps them.
        env.run(&[
            "--catalog",
            &pg,
            "user",
            "update",
            "alice",
            "--db-role",
            &alice_login,
        ])
        .ok();
        env.run(&[
            "--catalog",
            &pg,
            "user",
            "update",
            "bob",
            "--db-role",
            &bob_login,
        ])
        .ok();
        let who = env.json(&["--catalog", &as_alice, "whoami", "-o", "json"]);
        assert_eq!(who["actor"], "alice");
        assert_eq!(who["source"], "login");
        // --as, DWCTL_ACTOR and the config's actor are refused for a login that is not
        // the account's: exit 5, nothing changed.
        let r = env.run(&[
            "--catalog",
            &as_alice,
            "--as",
            "root",
            "workspace",
            "create",
            "x_ws",
        ]);
        r.fails(5, &format!("database login '{alice_login}' acts as alice"));
        let r = Env::output({
            let mut c = env.cmd(&["--catalog", &as_alice, "whoami"]);
            c.env("DWCTL_ACTOR", "bob");
            c
        });
        r.fails(5, "may not choose another actor");
        assert_eq!(
            env.json(&["--catalog", &pg, "workspace", "list", "-o", "json"])
                .as_array()
                .unwrap()
                .len(),
            2
        );
        // ...but naming yourself is not acting as someone else.
        env.run(&["--catalog", &as_alice, "--as", "alice", "whoami"])
            .ok();
        // The account's login chooses as --as does on a file.
        let who = env.json(&["--catalog", &pg, "--as", "alice", "whoami", "-o", "json"]);
        assert_eq!(
            (who["actor"].as_str(), who["source"].as_str()),
            (Some("alice"), Some("flag"))
        );
        // Only the account maps logins: bob (full access) is denied, audited as his.
        let r = env.run(&[
            "--catalog",
            &as_bob,
            "user",
            "update",
            "alice",
            "--no-db-role",
        ]);
        r.fails(5, "bob may not map principals to database logins");
        let last = env.json(&["--catalog", &pg, "audit", "list", "-o", "json"]);
        let last = last.as_array().unwrap().last().unwrap().clone();
        assert_eq!(
            (
                last["actor"].as_str(),
                last["action"].as_str(),
                last["outcome"].as_str()
            ),
            (Some("bob"), Some("user.update"), Some("denied"))
        );
        // A login maps to one principal.
        env.run(&[
            "--catalog",
            &pg,
            "user",
            "update",
            "bob",
            "--db-role",
            &alice_login,
        ])
        .fails(4, "is already mapped to principal alice");
        // The account's own login cannot be cleared on PostgreSQL (exit 6).
        env.run(&["--catalog", &pg, "user", "update", "root", "--no-db-role"])
            .fails(6, "cannot be cleared");
        // Carol's login maps to no one: a change is refused before anything is read.
        env.run(&["--catalog", &as_carol, "workspace", "create", "c_ws"])
            .fails(5, "is mapped to no principal");
        // A copy into PostgreSQL by a login the source maps to another principal: exit 4,
        // and nothing is made.
        let me = server.login();
        let other = Env::new();
        other.run(&["user", "add", "eve", "--db-role", &me]).ok();
        let taken = server.schema("taken");
        other
            .run(&["catalog", "copy", "--to", &taken])
            .fails(4, "is mapped to principal eve in the source");
        other
            .run(&["--catalog", &taken, "whoami"])
            .fails(7, "no dwctl catalog in schema");
    }
}

/// `apply` on PostgreSQL keeps what it read in memory and batches its writes (bulk.rs,
/// pending.rs): the same manifests applied on both backends, with the same clock and ids,
/// give the same catalog, down to every audit event. The manifest names more workspaces
/// than PostgreSQL's transaction looks up before loading every name, binds groups shared
/// by several workspaces (one named in another case), and its second version rebinds,
/// retags, changes default groups and prunes members.
#[test]
fn an_apply_makes_the_same_catalog_on_both_backends() {
    if file_only() {
        return;
    }
    let Some(base) = needs_pg() else {
        return;
    };
    let manifest = |second: bool| {
        let mut m = String::from("version = 1\n");
        for g in 0..7 {
            let name = if g == 6 {
                "RG_Mixed".to_string()
            } else {
                format!("rg_{g}")
            };
            m += &format!(
                "\n[[resource_group]]\nname = \"{name}\"\nspec = {}\n",
                2 + g
            );
        }
        for u in 0..20 {
            m += &format!("\n[[principal]]\nname = \"u_{u:02}\"\n");
        }
        let roles = ["role_project_dev", "role_project_pe", "role_project_guest"];
        for i in 0..300usize {
            let group = |n: usize| match n % 7 {
                6 => "rg_mixed".to_string(),
                g => format!("rg_{g}"),
            };
            let mut groups = vec![group(i)];
            if i % 3 == 0 && !(second && i % 6 == 0) {
                groups.push(group(i + 3));
            }
            if second && i % 5 == 0 {
                groups.push(group(i + 1));
            }
            let default = if second && i % 10 == 0 {
                groups.last().unwrap().clone()
            } else {
                groups[0].clone()
            };
            let team = if second && i % 4 == 0 { i % 3 } else { i % 5 };
            let list = groups
                .iter()
                .map(|g| format!("\"{g}\""))
                .collect::<Vec<_>>()
                .join(", ");
            m += &format!(
                "\n[[workspace]]\nname = \"w_{i:03}\"\nresource_groups = [{list}]\n\
                 default_resource_group = \"{default}\"\ntags = {{ team = \"t{team}\" }}\n"
            );
            for (k, step) in [0usize, 7, 13].iter().enumerate() {
                if second && k == 2 && i % 2 == 0 {
                    continue;
                }
                let role = roles[(i + k + usize::from(second && i % 7 == 0)) % 3];
                m += &format!(
                    "\n[[workspace.member]]\nuser = \"u_{:02}\"\nroles = [\"{role}\"]\n",
                    (i + step) % 20
                );
            }
            if i % 25 == 0 {
                m += &format!(
                    "\n[[workspace.datasource]]\nname = \"ds_{i}\"\nenv = \"prod\"\ntype = \"mysql\"\n\
                     properties = {{ address = \"10.0.0.1:3306\", database = \"db\", username = \"etl\", \
                     password = {{ env = \"TEST_DS_PASSWORD\" }} }}\n"
                );
            }
        }
        m
    };
    let envs = [Env::empty_in(None), Env::empty_in(Some(base))].map(|e| {
        let e = e
            .with_var("DWCTL_SEED", "1613")
            .with_var("TEST_DS_PASSWORD", "s3cret");
        e.run(&["init", "--account-id", ACCOUNT]).ok();
        std::fs::write(e.path().join("one.toml"), manifest(false)).unwrap();
        std::fs::write(e.path().join("two.toml"), manifest(true)).unwrap();
        e
    });
    let look = |e: &Env| {
        [
            e.run(&["export", "--all"]).ok().to_string(),
            e.run(&["workspace", "list", "-o", "json"]).ok().to_string(),
            e.run(&["resourcegroup", "list", "-o", "json"])
                .ok()
                .to_string(),
            e.run(&["member", "list", "w_000", "-o", "json"])
                .ok()
                .to_string(),
            e.run(&["audit", "head"]).ok().to_string(),
        ]
    };
    for file in ["one.toml", "two.toml"] {
        for e in &envs {
            e.run(&["apply", "--file", file, "--yes", "--prune"]).ok();
            e.run(&["audit", "verify"]).ok();
        }
        let [sqlite, pg] = [look(&envs[0]), look(&envs[1])];
        for (a, b) in sqlite.iter().zip(&pg) {
            assert_eq!(a, b, "after {file}, the backends differ");
        }
        for e in &envs {
            let r = e.run(&["plan", "--file", file, "--prune", "--exit-code"]);
            assert_eq!(r.code, 0, "{file} left changes to make: {}", r.stdout);
        }
    }
}
