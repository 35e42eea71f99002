//! The permission table (permissions.md 2 and 4), tested as a table: every mutating
//! command, run by the account (the owner), a full-access RAM user, a member holding each
//! other role, and a non-member, is allowed or denied exactly as the spec says. A denied
//! run changes nothing but its `denied` audit event; a non-member does not even see the
//! workspace (exit 3, no event).
//!
//! Adding a command is one row in `cases()`. `every_mutating_command_has_a_row` fails when
//! a command exists without one.

use crate::harness::*;
use clap::CommandFactory;

/// Who may run a command.
#[derive(Clone, Copy, Debug)]
enum Rule {
    /// Tenant-level: the account and full-access users; everyone else 5.
    Tenant,
    /// A tenant right on a workspace (lifecycle): the account and full-access users;
    /// members 5; non-members 3.
    Lifecycle,
    /// The account alone; anyone else who sees the workspace 5; non-members 3.
    AccountOnly,
    /// A workspace right: these roles (aliases), the account and full-access users;
    /// other members 5; non-members 3.
    Roles(&'static [&'static str]),
}

const TENANT: &str =
    "this needs the account or a RAM user with full access (dwctl user update NAME --full-access true)";
const ACCOUNT_ONLY: &str = "only the account (root) may do this";
const OWNER_ADMIN: &str =
    "this needs role_project_owner or role_project_admin in team_ws, or tenant full access";
const OWNER_ADMIN_OPS: &str =
    "this needs role_project_owner, role_project_admin or role_project_pe in team_ws, or tenant full access";
const TESTERS_HINT: &str = "this needs role_project_owner, role_project_admin, role_project_dev, role_project_pe or role_project_deploy in team_ws, or tenant full access";
const MANAGERS: &[&str] = &["admin"];
const TESTERS: &[&str] = &["admin", "ops", "dev", "deploy"];
const OPERATORS: &[&str] = &["admin", "ops"];

struct Case {
    args: &'static [&'static str],
    /// The audited action, workspace and target.
    event: (&'static str, Option<&'static str>, Option<&'static str>),
    rule: Rule,
    /// Run by the account first, so that the command has something to act on.
    prep: &'static [&'static [&'static str]],
    /// What a denied actor is told: (role alias or "*", after "<actor> may not ", hint).
    denied: &'static [(&'static str, &'static str, &'static str)],
}

const WS: Option<&str> = Some("team_ws");

fn cases() -> Vec<Case> {
    vec![
        Case {
            args: &[
                "compute",
                "attach",
                "team_ws",
                "mc_new",
                "--type",
                "maxcompute",
                "--prop",
                "project=pn",
            ],
            event: ("compute.attach", WS, Some("mc_new")),
            rule: Rule::Roles(OPERATORS),
            prep: &[],
            denied: &[("*", "attach compute resources to team_ws", OWNER_ADMIN_OPS)],
        },
        Case {
            args: &[
                "compute",
                "update",
                "team_ws",
                "mc_a",
                "--prop",
                "project=pz",
            ],
            event: ("compute.update", WS, Some("mc_a")),
            rule: Rule::Roles(OPERATORS),
            prep: &[],
            denied: &[("*", "change compute resources in team_ws", OWNER_ADMIN_OPS)],
        },
        Case {
            args: &["compute", "detach", "team_ws", "mc_a", "--yes"],
            event: ("compute.detach", WS, Some("mc_a")),
            rule: Rule::Roles(OPERATORS),
            prep: &[],
            denied: &[(
                "*",
                "detach compute resources from team_ws",
                OWNER_ADMIN_OPS,
            )],
        },
        Case {
            args: &["compute", "set-default", "team_ws", "mc_b"],
            event: ("compute.set-default", WS, Some("mc_b")),
            rule: Rule::Roles(OPERATORS),
            prep: &[],
            denied: &[(
                "*",
                "change the default compute resource of team_ws",
                OWNER_ADMIN_OPS,
            )],
        },
        Case {
            args: &[
                "datasource",
                "add",
                "team_ws",
                "ds_new",
                "--type",
                "hologres",
                "--mode",
                "instance",
                "--prop",
                "instanceId=h2",
                "--prop",
                "database=d",
            ],
            event: ("datasource.add", WS, Some("ds_new")),
            rule: Rule::Roles(OPERATORS),
            prep: &[],
            denied: &[("*", "add data sources to team_ws", OWNER_ADMIN_OPS)],
        },
        Case {
            args: &[
                "datasource",
                "update",
                "team_ws",
                "src_x",
                "--prop",
                "database=d2",
            ],
            event: ("datasource.update", WS, Some("src_x")),
            rule: Rule::Roles(OPERATORS),
            prep: &[],
            denied: &[("*", "change data sources in team_ws", OWNER_ADMIN_OPS)],
        },
        Case {
            args: &["datasource", "remove", "team_ws", "src_x", "--yes"],
            event: ("datasource.remove", WS, Some("src_x")),
            rule: Rule::Roles(OPERATORS),
            prep: &[],
            denied: &[("*", "remove data sources from team_ws", OWNER_ADMIN_OPS)],
        },
        Case {
            // Instance mode answers `unsupported` (exit 0) without a network.
            args: &["datasource", "test", "team_ws", "src_x"],
            event: ("datasource.test", WS, Some("src_x")),
            rule: Rule::Roles(TESTERS),
            prep: &[],
            denied: &[("*", "test data sources in team_ws", TESTERS_HINT)],
        },
        Case {
            // Into peer_ws, which every actor of the table sees.
            args: &["datasource", "share", "team_ws", "src_x", "--to", "peer_ws"],
            event: ("datasource.share", WS, Some("src_x")),
            rule: Rule::Roles(OPERATORS),
            prep: &[],
            denied: &[("*", "share data sources of team_ws", OWNER_ADMIN_OPS)],
        },
        Case {
            args: &[
                "datasource",
                "unshare",
                "team_ws",
                "src_x",
                "--to",
                "peer_ws",
            ],
            event: ("datasource.unshare", WS, Some("src_x")),
            rule: Rule::Roles(OPERATORS),
            prep: &[&["datasource", "share", "team_ws", "src_x", "--to", "peer_ws"]],
            denied: &[("*", "unshare data sources of team_ws", OWNER_ADMIN_OPS)],
        },
        Case {
            args: &["workspace", "create", "new_ws"],
            event: ("workspace.create", Some("new_ws"), Some("new_ws")),
            rule: Rule::Tenant,
            prep: &[],
            denied: &[("*", "create workspaces", TENANT)],
        },
        Case {
            args: &["workspace", "update", "team_ws", "--description", "changed"],
            event: ("workspace.update", WS, WS),
            rule: Rule::Roles(MANAGERS),
            prep: &[],
            denied: &[("*", "change the settings of team_ws", OWNER_ADMIN)],
        },
        Case {
            args: &["workspace", "disable", "team_ws"],
            event: ("workspace.disable", WS, WS),
            rule: Rule::Lifecycle,
            prep: &[],
            denied: &[("*", "disable workspaces", TENANT)],
        },
        Case {
            args: &["workspace", "enable", "team_ws"],
            event: ("workspace.enable", WS, WS),
            rule: Rule::Lifecycle,
            prep: &[&["workspace", "disable", "team_ws"]],
            denied: &[("*", "enable workspaces", TENANT)],
        },
        Case {
            args: &["workspace", "delete", "team_ws", "--yes"],
            event: ("workspace.delete", WS, WS),
            rule: Rule::Lifecycle,
            prep: &[],
            denied: &[("*", "delete workspaces", TENANT)],
        },
        Case {
            args: &["workspace", "restore", "team_ws"],
            event: ("workspace.restore", WS, WS),
            rule: Rule::Lifecycle,
            prep: &[&["workspace", "delete", "team_ws", "--yes"]],
            denied: &[("*", "restore workspaces", TENANT)],
        },
        Case {
            args: &["workspace", "purge", "team_ws", "--yes"],
            event: ("workspace.purge", WS, WS),
            rule: Rule::Lifecycle,
            prep: &[&["workspace", "delete", "team_ws", "--yes"]],
            denied: &[("*", "purge workspaces", TENANT)],
        },
        Case {
            args: &["workspace", "upgrade", "team_ws", "--yes"],
            event: ("workspace.upgrade", WS, WS),
            rule: Rule::AccountOnly,
            prep: &[],
            denied: &[("*", "upgrade workspaces", ACCOUNT_ONLY)],
        },
        Case {
            args: &["user", "add", "newcomer"],
            event: ("user.add", None, Some("newcomer")),
            rule: Rule::Tenant,
            prep: &[],
            denied: &[("*", "manage principals", TENANT)],
        },
        Case {
            args: &["user", "update", "spare", "--display-name", "Spare"],
            event: ("user.update", None, Some("spare")),
            rule: Rule::Tenant,
            prep: &[],
            denied: &[("*", "manage principals", TENANT)],
        },
        Case {
            args: &["user", "remove", "spare", "--yes"],
            event: ("user.remove", None, Some("spare")),
            rule: Rule::Tenant,
            prep: &[],
            denied: &[("*", "manage principals", TENANT)],
        },
        // One row covers every `user accesskey` change: the same rule (a principal's own
        // keys are its own business: tests/cli/serve.rs).
        Case {
            args: &["user", "accesskey", "create", "spare"],
            event: ("user.accesskey.create", None, Some("spare")),
            rule: Rule::Tenant,
            prep: &[],
            denied: &[("*", "manage the AccessKeys of other principals", TENANT)],
        },
        Case {
            args: &["member", "add", "team_ws", "newbie", "--role", "guest"],
            event: ("member.add", WS, Some("newbie")),
            rule: Rule::Roles(MANAGERS),
            prep: &[],
            denied: &[("*", "add members to team_ws", OWNER_ADMIN)],
        },
        Case {
            args: &["member", "role", "team_ws", "victim", "--grant", "analyst"],
            event: ("member.role", WS, Some("victim")),
            rule: Rule::Roles(MANAGERS),
            prep: &[],
            denied: &[("*", "change member roles in team_ws", OWNER_ADMIN)],
        },
        Case {
            args: &["member", "remove", "team_ws", "victim", "--yes"],
            event: ("member.remove", WS, Some("victim")),
            rule: Rule::Roles(MANAGERS),
            prep: &[],
            denied: &[("*", "remove members from team_ws", OWNER_ADMIN)],
        },
        Case {
            args: &["member", "update", "team_ws", "victim", "--expires", "30d"],
            event: ("member.update", WS, Some("victim")),
            rule: Rule::Roles(MANAGERS),
            prep: &[],
            denied: &[("*", "change the expiry of members of team_ws", OWNER_ADMIN)],
        },
        Case {
            args: &["member", "suspend", "team_ws", "victim"],
            event: ("member.suspend", WS, Some("victim")),
            rule: Rule::Roles(MANAGERS),
            prep: &[],
            denied: &[("*", "suspend members of team_ws", OWNER_ADMIN)],
        },
        Case {
            args: &["member", "resume", "team_ws", "victim"],
            event: ("member.resume", WS, Some("victim")),
            rule: Rule::Roles(MANAGERS),
            prep: &[&["member", "suspend", "team_ws", "victim"]],
            denied: &[("*", "resume members of team_ws", OWNER_ADMIN)],
        },
        Case {
            // Denied, the attempt names the workspace; allowed, each pruned member is its
            // own event (`lapsed`, expired in the template: see `check`).
            args: &["member", "prune", "--expired", "team_ws", "--yes"],
            event: ("member.prune", WS, Some("team_ws")),
            rule: Rule::Roles(MANAGERS),
            prep: &[],
            denied: &[("*", "prune expired members of team_ws", OWNER_ADMIN)],
        },
        Case {
            args: &[
                "role",
                "create",
                "team_ws",
                "r_new",
                "--right",
                "objects.list",
            ],
            event: ("role.create", WS, Some("r_new")),
            rule: Rule::Roles(MANAGERS),
            prep: &[],
            denied: &[("*", "create roles in team_ws", OWNER_ADMIN)],
        },
        Case {
            args: &[
                "role",
                "update",
                "team_ws",
                "r_x",
                "--add-right",
                "datasource.test",
            ],
            event: ("role.update", WS, Some("r_x")),
            rule: Rule::Roles(MANAGERS),
            prep: &[&[
                "role",
                "create",
                "team_ws",
                "r_x",
                "--right",
                "objects.list",
            ]],
            denied: &[("*", "change roles in team_ws", OWNER_ADMIN)],
        },
        Case {
            args: &["role", "delete", "team_ws", "r_x", "--yes"],
            event: ("role.delete", WS, Some("r_x")),
            rule: Rule::Roles(MANAGERS),
            prep: &[&[
                "role",
                "create",
                "team_ws",
                "r_x",
                "--right",
                "objects.list",
            ]],
            denied: &[("*", "delete roles in team_ws", OWNER_ADMIN)],
        },
        Case {
            args: &["resourcegroup", "create", "rg_new"],
            event: ("resourcegroup.create", None, Some("rg_new")),
            rule: Rule::Tenant,
            prep: &[],
            denied: &[("*", "create resource groups", TENANT)],
        },
        Case {
            args: &[
                "resourcegroup",
                "update",
                "rg_spare",
                "--remark",
                "resized",
                "--spec",
                "6",
            ],
            event: ("resourcegroup.update", None, Some("rg_spare")),
            rule: Rule::Tenant,
            prep: &[],
            denied: &[("*", "update resource groups", TENANT)],
        },
        Case {
            args: &["resourcegroup", "delete", "rg_spare", "--yes"],
            event: ("resourcegroup.delete", None, Some("rg_spare")),
            rule: Rule::Tenant,
            prep: &[],
            denied: &[("*", "delete resource groups", TENANT)],
        },
        Case {
            args: &["resourcegroup", "bind", "rg_spare", "team_ws"],
            event: ("resourcegroup.bind", WS, Some("rg_spare")),
            rule: Rule::Roles(OPERATORS),
            prep: &[],
            denied: &[("*", "bind resource groups to team_ws", OWNER_ADMIN_OPS)],
        },
        Case {
            // --default also needs workspace.update (permissions.md 4).
            args: &["resourcegroup", "bind", "rg_spare", "team_ws", "--default"],
            event: ("resourcegroup.bind", WS, Some("rg_spare")),
            rule: Rule::Roles(MANAGERS),
            prep: &[],
            denied: &[
                (
                    "ops",
                    "set the default resource group of team_ws",
                    OWNER_ADMIN,
                ),
                ("*", "bind resource groups to team_ws", OWNER_ADMIN_OPS),
            ],
        },
        Case {
            args: &["resourcegroup", "unbind", "rg_bound", "team_ws"],
            event: ("resourcegroup.unbind", WS, Some("rg_bound")),
            rule: Rule::Roles(OPERATORS),
            prep: &[],
            denied: &[("*", "unbind resource groups from team_ws", OWNER_ADMIN_OPS)],
        },
    ]
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Who {
    Account,
    FullAccess,
    /// A member of team_ws holding one role (by alias).
    Member(&'static str),
    NonMember,
}

/// The actors: the account (team_ws's owner), a full-access user, a member for each of
/// the nine other roles, and a non-member.
fn actors() -> Vec<(&'static str, Who)> {
    let mut v = vec![("root", Who::Account), ("fa", Who::FullAccess)];
    for (name, role) in MEMBERS {
        v.push((name, Who::Member(role)));
    }
    v.push(("outsider", Who::NonMember));
    v
}

const MEMBERS: [(&str, &str); 9] = [
    ("m_admin", "admin"),
    ("m_dev", "dev"),
    ("m_ops", "ops"),
    ("m_deploy", "deploy"),
    ("m_guest", "guest"),
    ("m_security", "security"),
    ("m_analyst", "analyst"),
    ("m_modeler", "modeler"),
    ("m_governance", "governance"),
];

#[derive(Debug, PartialEq)]
enum Expect {
    Allowed,
    Denied,
    Hidden,
}

fn expect(rule: Rule, who: Who) -> Expect {
    use Expect::*;
    match (rule, who) {
        (_, Who::Account) => Allowed,
        (Rule::AccountOnly, Who::FullAccess) => Denied,
        (_, Who::FullAccess) => Allowed,
        (Rule::Tenant, _) => Denied,
        (_, Who::NonMember) => Hidden,
        (Rule::Roles(roles), Who::Member(r)) if roles.contains(&r) => Allowed,
        (_, Who::Member(_)) => Denied,
    }
}

/// The catalog every case starts from.
fn template() -> Env {
    let env = Env::new();
    let mut setup: Vec<Vec<&str>> = vec![
        vec!["user", "add", "fa", "--full-access"],
        vec!["user", "add", "outsider"],
        vec!["user", "add", "newbie"],
        vec!["user", "add", "spare"],
        vec!["user", "add", "victim"],
        // Basic, so that it can be upgraded.
        vec!["workspace", "create", "team_ws", "--mode", "basic"],
        vec!["member", "add", "team_ws", "victim", "--role", "guest"],
        // Where team_ws's data sources are shared to: every member sees it.
        vec!["workspace", "create", "peer_ws", "--mode", "basic"],
        vec!["resourcegroup", "create", "rg_spare"],
        vec!["resourcegroup", "create", "rg_bound"],
        vec!["resourcegroup", "bind", "rg_bound", "team_ws"],
        vec![
            "compute",
            "attach",
            "team_ws",
            "mc_a",
            "--type",
            "maxcompute",
            "--prop",
            "project=pa",
        ],
        vec![
            "compute",
            "attach",
            "team_ws",
            "mc_b",
            "--type",
            "maxcompute",
            "--prop",
            "project=pb",
        ],
        vec![
            "datasource",
            "add",
            "team_ws",
            "src_x",
            "--type",
            "hologres",
            "--mode",
            "instance",
            "--prop",
            "instanceId=h1",
            "--prop",
            "database=d",
        ],
    ];
    for (name, role) in MEMBERS {
        setup.push(vec!["user", "add", name]);
        setup.push(vec!["member", "add", "team_ws", name, "--role", role]);
        setup.push(vec!["member", "add", "peer_ws", name, "--role", "guest"]);
    }
    for args in setup {
        env.run(&args).ok();
    }
    // A membership already expired (no command makes one: a time must be in the future).
    env.run(&["user", "add", "lapsed"]).ok();
    env.run(&[
        "member",
        "add",
        "team_ws",
        "lapsed",
        "--role",
        "guest",
        "--expires",
        "1d",
    ])
    .ok();
    env.sql(
        "UPDATE member SET expires_at = '2026-01-01T00:00:00.000Z' \
         WHERE principal_pk = (SELECT pk FROM principal WHERE name = 'lapsed')",
    );
    env
}

/// Run one case as one actor on a fresh copy of the template; describe any deviation.
fn check(template: &Env, case: &Case, actor: &str, who: Who) -> Result<(), String> {
    let env = template.fork();
    for p in case.prep {
        let r = env.run(p);
        if r.code != 0 {
            return Err(format!("prep {p:?} failed: {}", r.stderr));
        }
    }
    let mut args = Vec::new();
    if who != Who::Account {
        args.extend(["--as", actor]);
    }
    args.extend(case.args);
    let want = expect(case.rule, who);
    // What must not change (read only when it is checked: each read costs a few ms).
    let rows = (want != Expect::Allowed).then(|| env.rows());
    let events = env.events();
    let r = env.run(&args);
    let what = format!("{args:?} (expected {want:?})");
    let fail = |why: String| {
        Err(format!(
            "{what}: {why}\nexit {}\nstderr: {}",
            r.code, r.stderr
        ))
    };
    let after = env.events();
    let (action, ws, target) = case.event;
    match want {
        Expect::Allowed => {
            if r.code != 0 {
                return fail("not allowed".into());
            }
            if after.len() != events.len() + 1 {
                return fail(format!("{} events", after.len() - events.len()));
            }
            let got = after.last().unwrap().key();
            // `member prune` writes one event per member it removes.
            let target = if action == "member.prune" {
                Some("lapsed")
            } else {
                target
            };
            if got != (actor, action, ws, target, "ok") {
                return fail(format!("event {got:?}"));
            }
        }
        Expect::Denied => {
            let role = match who {
                Who::Member(r) => r,
                _ => "",
            };
            let (_, msg, hint) = case
                .denied
                .iter()
                .find(|(w, _, _)| *w == role || *w == "*")
                .unwrap();
            let want_err = format!("error: {actor} may not {msg}\nhint: {hint}\n");
            if r.code != 5 || r.stderr != want_err {
                return fail(format!("want exit 5 and:\n{want_err}"));
            }
            if Some(env.rows()) != rows {
                return fail("the catalog changed".into());
            }
            if after.len() != events.len() + 1 {
                return fail(format!("{} events", after.len() - events.len()));
            }
            let got = after.last().unwrap().key();
            if got != (actor, action, ws, target, "denied") {
                return fail(format!("event {got:?}"));
            }
        }
        Expect::Hidden => {
            let want_err = "error: workspace team_ws not found\n";
            if r.code != 3 || !r.stderr.starts_with(want_err) {
                return fail(format!("want exit 3 and {want_err}"));
            }
            if Some(env.rows()) != rows || after != events {
                return fail("the catalog or the audit log changed".into());
            }
        }
    }
    Ok(())
}

#[test]
fn every_mutating_command_by_every_kind_of_actor() {
    let cases = cases();
    let actors = actors();
    assert_eq!(actors.len(), 12);
    let template = &template();
    let jobs: Vec<(&Case, &str, Who)> = cases
        .iter()
        .flat_map(|c| actors.iter().map(move |(a, w)| (c, *a, *w)))
        .collect();
    // Two workers: the machine has two cores.
    let failures: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = jobs
            .chunks(jobs.len().div_ceil(2))
            .map(|chunk| {
                s.spawn(move || {
                    chunk
                        .iter()
                        .filter_map(|(c, a, w)| check(template, c, a, *w).err())
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    assert!(
        failures.is_empty(),
        "{} of {} runs deviate from permissions.md:\n\n{}",
        failures.len(),
        jobs.len(),
        failures.join("\n\n")
    );
}

/// The expectations themselves follow permissions.md's tables (a guard against a
/// mistake in `expect`).
#[test]
fn the_expectations_match_the_spec_tables() {
    use Expect::*;
    let row = |rule: Rule| -> Vec<Expect> {
        actors().into_iter().map(|(_, w)| expect(rule, w)).collect()
    };
    // account, fa, admin, dev, ops, deploy, guest, security, analyst, modeler, governance, non-member
    assert_eq!(
        row(Rule::Tenant),
        [
            Allowed, Allowed, Denied, Denied, Denied, Denied, Denied, Denied, Denied, Denied,
            Denied, Denied
        ]
    );
    assert_eq!(
        row(Rule::Lifecycle),
        [
            Allowed, Allowed, Denied, Denied, Denied, Denied, Denied, Denied, Denied, Denied,
            Denied, Hidden
        ]
    );
    assert_eq!(
        row(Rule::AccountOnly),
        [
            Allowed, Denied, Denied, Denied, Denied, Denied, Denied, Denied, Denied, Denied,
            Denied, Hidden
        ]
    );
    assert_eq!(
        row(Rule::Roles(MANAGERS)),
        [
            Allowed, Allowed, Allowed, Denied, Denied, Denied, Denied, Denied, Denied, Denied,
            Denied, Hidden
        ]
    );
    assert_eq!(
        row(Rule::Roles(OPERATORS)),
        [
            Allowed, Allowed, Allowed, Denied, Allowed, Denied, Denied, Denied, Denied, Denied,
            Denied, Hidden
        ]
    );
}

/// Commands that change nothing, or need no actor's right (`catalog backup` and `catalog
/// copy` change nothing in the catalog; their rights are tested in tests/cli/backup.rs and
/// tests/cli/copy.rs).
fn is_read_only(path: &[&str]) -> bool {
    matches!(
        path.last(),
        Some(
            &("list"
                | "show"
                | "verify"
                | "head"
                | "types"
                | "backup"
                | "copy"
                | "shares"
                | "who-can"
                | "matrix")
        )
    ) || matches!(
        path.first(),
        Some(&("whoami" | "init" | "completions" | "export" | "plan" | "check"))
    )
}

#[test]
fn every_mutating_command_has_a_row() {
    fn leaves(c: &clap::Command, path: Vec<String>, out: &mut Vec<Vec<String>>) {
        let subs: Vec<&clap::Command> = c
            .get_subcommands()
            .filter(|s| s.get_name() != "help")
            .collect();
        if subs.is_empty() {
            out.push(path);
            return;
        }
        for s in subs {
            let mut p = path.clone();
            p.push(s.get_name().to_string());
            leaves(s, p, out);
        }
    }
    let mut all = Vec::new();
    leaves(&dwctl::cli::Cli::command(), Vec::new(), &mut all);
    let covered: Vec<Vec<&str>> = cases().iter().map(|c| c.args[..2].to_vec()).collect();
    let missing: Vec<String> = all
        .iter()
        .filter(|p| {
            let p: Vec<&str> = p.iter().map(String::as_str).collect();
            // apply's rights are those of each change it makes: tests/cli/manifest.rs
            // checks that a change the actor may not make refuses the whole apply (and
            // `import --apply` is an apply). `serve` changes nothing itself: each request
            // is one of these rows' actions (tests/cli/serve.rs). catalog migrate changes
            // the schema, not the tenant: the login's database rights decide on
            // PostgreSQL, and on a file every command migrates (README).
            !is_read_only(&p)
                && !matches!(
                    p.as_slice(),
                    ["apply"] | ["import"] | ["serve"] | ["catalog", "migrate"]
                )
                && !covered.iter().any(|c| p.starts_with(c))
        })
        .map(|p| p.join(" "))
        .collect();
    assert!(
        missing.is_empty(),
        "mutating commands without a row in tests/cli/permissions.rs cases(): {missing:?}"
    );
}

/// secret_ws, which `outsider` (no member anywhere) and `insider` (admin of open_ws only)
/// cannot see: alice is a member, rg_etl is bound (its default), it has compute, and the
/// audit log has its events.
fn hidden() -> Env {
    let env = Env::new();
    for args in [
        &["user", "add", "outsider"][..],
        &["user", "add", "insider"],
        &["user", "add", "alice"],
        &["workspace", "create", "secret_ws"],
        &["workspace", "create", "open_ws"],
        &["member", "add", "open_ws", "insider", "--role", "admin"],
        &["member", "add", "secret_ws", "alice", "--role", "dev"],
        &["member", "add", "open_ws", "alice", "--role", "dev"],
        &["resourcegroup", "create", "rg_etl"],
        &["resourcegroup", "bind", "rg_etl", "secret_ws", "--default"],
        &["resourcegroup", "bind", "rg_etl", "open_ws"],
        &[
            "compute",
            "attach",
            "secret_ws",
            "mc_secret",
            "--type",
            "maxcompute",
            "--prop",
            "project=secret",
        ],
        &[
            "compute",
            "attach",
            "open_ws",
            "mc_open",
            "--type",
            "maxcompute",
            "--prop",
            "project=open",
        ],
    ] {
        env.run(args).ok();
    }
    env
}

/// Nothing an actor can run names a workspace it cannot see: not the resource groups'
/// bindings, not the audit log, not `check` or `export`, in any output format.
#[test]
fn no_output_names_a_workspace_the_actor_cannot_see() {
    let env = hidden();
    let reads: &[&[&str]] = &[
        &["workspace", "list", "--all"],
        &["user", "list"],
        &["user", "show", "alice"],
        &["user", "show", "insider"],
        &["role", "list"],
        &["resourcegroup", "list"],
        &["resourcegroup", "show", "rg_etl"],
        &["audit", "list"],
        &["whoami"],
        &["check"],
        &["export", "--all"],
    ];
    // The insider's own changes answer with the group as the insider sees it.
    let changes: &[&[&str]] = &[
        &["resourcegroup", "unbind", "rg_etl", "open_ws"],
        &["resourcegroup", "bind", "rg_etl", "open_ws"],
    ];
    for actor in ["outsider", "insider"] {
        for fmt in ["table", "json", "csv"] {
            let runs = reads
                .iter()
                .chain(if actor == "insider" { changes } else { &[] });
            for args in runs {
                let mut a = vec!["--as", actor];
                a.extend_from_slice(args);
                if args[0] != "export" {
                    a.extend(["-o", fmt]);
                }
                let r = env.run(&a);
                assert!(
                    !format!("{}{}", r.stdout, r.stderr).contains("secret_ws"),
                    "{a:?} names secret_ws (exit {}):\n{}{}",
                    r.code,
                    r.stdout,
                    r.stderr
                );
            }
        }
    }
    // What the insider sees of the group: the bindings it can see, no others.
    let bound = |actor: &str| {
        env.json(&[
            "--as",
            actor,
            "resourcegroup",
            "show",
            "rg_etl",
            "-o",
            "json",
        ])["workspaces"]
            .clone()
    };
    assert_eq!(bound("insider"), serde_json::json!(["open_ws"]));
    assert_eq!(bound("outsider"), serde_json::json!([]));
    assert_eq!(bound("root"), serde_json::json!(["open_ws", "secret_ws"]));
    let listed = env.json(&["--as", "insider", "resourcegroup", "list", "-o", "json"]);
    let rg = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == "rg_etl")
        .unwrap();
    assert_eq!(rg["workspaces"], serde_json::json!(["open_ws"]));
}

/// A workspace the actor cannot see is treated exactly as one that does not exist: the
/// same exit code, the same message (the name substituted), the same audit events, for
/// reads, changes, `export`, `check`, `plan` and `apply`.
#[test]
fn an_invisible_workspace_is_a_missing_one() {
    const MANIFEST: &str = "version = 1\n\n[[workspace]]\nname = \"WS\"\n";
    const MEMBERS: &str = "version = 1\n\n[[workspace]]\nname = \"WS\"\n\n[[workspace.member]]\nuser = \"alice\"\nroles = [\"dev\"]\n";
    let cases: &[(&[&str], Option<&str>)] = &[
        (&["workspace", "show", "WS"], None),
        (&["member", "list", "WS"], None),
        (&["member", "show", "WS", "alice"], None),
        (&["compute", "list", "WS"], None),
        (&["compute", "show", "WS", "mc_secret"], None),
        (&["datasource", "list", "WS"], None),
        (&["datasource", "show", "WS", "mc_secret"], None),
        (&["audit", "list", "--workspace", "WS"], None),
        (&["export", "WS"], None),
        (&["check", "WS"], None),
        (
            &["member", "remove", "WS", "alice", "--yes", "--if-exists"],
            None,
        ),
        (
            &["resourcegroup", "unbind", "rg_etl", "WS", "--if-exists"],
            None,
        ),
        (&["member", "add", "WS", "outsider", "--role", "dev"], None),
        (&["member", "role", "WS", "alice", "--grant", "guest"], None),
        (&["member", "remove", "WS", "alice", "--yes"], None),
        (
            &[
                "compute",
                "attach",
                "WS",
                "mc_new",
                "--type",
                "maxcompute",
                "--prop",
                "project=n",
            ],
            None,
        ),
        (
            &["compute", "update", "WS", "mc_secret", "--description", "x"],
            None,
        ),
        (&["compute", "set-default", "WS", "mc_secret"], None),
        (&["compute", "detach", "WS", "mc_secret", "--yes"], None),
        (&["datasource", "test", "WS", "mc_secret"], None),
        (&["datasource", "remove", "WS", "mc_secret", "--yes"], None),
        (&["workspace", "update", "WS", "--description", "x"], None),
        (&["workspace", "disable", "WS"], None),
        (&["workspace", "delete", "WS", "--yes"], None),
        (&["workspace", "restore", "WS"], None),
        (&["workspace", "purge", "WS", "--yes"], None),
        (&["workspace", "upgrade", "WS", "--yes"], None),
        (&["resourcegroup", "bind", "rg_etl", "WS"], None),
        (&["resourcegroup", "unbind", "rg_etl", "WS"], None),
        (&["plan", "-f", "-"], Some(MANIFEST)),
        (&["plan", "-f", "-"], Some(MEMBERS)),
        (&["plan", "-f", "-", "--exit-code"], Some(MANIFEST)),
        (&["apply", "-f", "-"], Some(MANIFEST)),
        (&["apply", "-f", "-"], Some(MEMBERS)),
        (&["apply", "-f", "-", "--prune"], Some(MEMBERS)),
    ];
    let template = hidden();
    for actor in ["outsider", "insider"] {
        for fmt in ["table", "json"] {
            for (args, stdin) in cases {
                let outcome = |ws: &str| {
                    let env = template.fork();
                    let mut a = vec!["--as", actor, "-o", fmt];
                    a.extend(args.iter().map(|x| if *x == "WS" { ws } else { x }));
                    let before = env.events().len();
                    let r = match stdin {
                        Some(m) => env.run_stdin(&a, &m.replace("WS", ws)),
                        None => env.run(&a),
                    };
                    let events: Vec<String> = env.events()[before..]
                        .iter()
                        .map(|e| format!("{:?} {}", e.key(), e.details))
                        .collect();
                    let text = format!("{}\n{}\n{}\n{events:?}", r.code, r.stdout, r.stderr);
                    text.replace(ws, "WS")
                };
                let (hidden, missing) = (outcome("secret_ws"), outcome("no_such_ws"));
                assert_eq!(hidden, missing, "--as {actor} -o {fmt} {args:?}");
                // ...and both are the refusal a missing workspace gets, not a bad input.
                let code = if args[0] == "audit" {
                    "0"
                } else if stdin.is_some() {
                    "5"
                } else {
                    "3"
                };
                assert!(
                    missing.starts_with(&format!("{code}\n")),
                    "--as {actor} {args:?}: {missing}"
                );
            }
        }
    }
}
