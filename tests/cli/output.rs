//! Output: every verb in every format, the JSON envelope, JSON errors and warnings on
//! stderr, empty lists, status lines, colour, and a closed pipe (cli.md 3-4).
//!
//! The JSON form is the truth; the other formats are checked to render exactly it.

use crate::harness::*;
use serde_json::{json, Value};
use std::io::Read;
use std::process::Stdio;

const FORMATS: [&str; 4] = ["table", "json", "jsonl", "csv"];

/// How a JSON value reads in a table cell.
fn cell(v: &Value) -> String {
    match v {
        Value::Null => "-".into(),
        Value::Bool(true) => "yes".into(),
        Value::Bool(false) => "no".into(),
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Array(items) if items.is_empty() => "-".into(),
        Value::Array(items) => {
            let objects = items.iter().any(Value::is_object);
            let parts: Vec<String> = items
                .iter()
                .map(|i| match i {
                    Value::Object(m) => m.values().map(cell).collect::<Vec<_>>().join(": "),
                    other => cell(other),
                })
                .collect();
            parts.join(if objects { "; " } else { ", " })
        }
        Value::Object(m) if m.is_empty() => "-".into(),
        Value::Object(m) => m
            .iter()
            .map(|(k, v)| format!("{k}={}", cell(v)))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// How a JSON value reads in a CSV cell (before quoting): nested values as compact JSON,
/// text that a spreadsheet would take for a formula after a `'`.
fn csv_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) if s.starts_with(['=', '+', '-', '@', '\t', '\r']) => format!("'{s}"),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A small RFC 4180 reader: quoted fields, doubled quotes, commas and newlines in quotes.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                _ => field.push(c),
            }
        } else {
            match c {
                '"' => quoted = true,
                ',' => row.push(std::mem::take(&mut field)),
                '\n' => {
                    row.push(std::mem::take(&mut field));
                    rows.push(std::mem::take(&mut row));
                }
                _ => field.push(c),
            }
        }
    }
    assert!(
        field.is_empty() && row.is_empty(),
        "CSV does not end with a newline: {text:?}"
    );
    rows
}

/// The table text of rows under `header` (comfy-table, no borders, one space of padding,
/// trailing blanks trimmed), built independently of dwctl.
fn table_text(header: &[String], rows: &[Vec<String>]) -> String {
    let width = |i: usize| {
        rows.iter()
            .map(|r| r[i].chars().count())
            .chain([header[i].chars().count()])
            .max()
            .unwrap()
    };
    let widths: Vec<usize> = (0..header.len()).map(width).collect();
    let line = |cells: &[String]| {
        cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!(" {c:<w$} "))
            .collect::<String>()
            .trim_end()
            .to_string()
    };
    let mut out = vec![line(header)];
    out.extend(rows.iter().map(|r| line(r)));
    out.join("\n") + "\n"
}

fn keys(v: &Value) -> Vec<String> {
    v.as_object().unwrap().keys().cloned().collect()
}

/// One object as a FIELD / VALUE table.
fn fields_table(v: &Value) -> String {
    let rows: Vec<Vec<String>> = v
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| vec![k.clone(), cell(v)])
        .collect();
    table_text(&["FIELD".into(), "VALUE".into()], &rows)
}

/// A list as a table with the view's columns.
fn rows_table(columns: &[&str], items: &[Value]) -> String {
    let header: Vec<String> = columns
        .iter()
        .map(|c| c.to_ascii_uppercase().replace('_', " "))
        .collect();
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|i| columns.iter().map(|c| cell(&i[*c])).collect())
        .collect();
    table_text(&header, &rows)
}

/// CSV of objects: a header of the first one's keys, one row per object.
fn check_csv(out: &str, items: &[Value], what: &str) {
    let rows = parse_csv(out);
    let header = keys(&items[0]);
    assert_eq!(rows[0], header, "{what}: CSV header");
    assert_eq!(rows.len(), items.len() + 1, "{what}: CSV rows\n{out}");
    for (row, item) in rows[1..].iter().zip(items) {
        let want: Vec<String> = header.iter().map(|k| csv_text(&item[k])).collect();
        assert_eq!(row, &want, "{what}");
    }
}

fn compact(v: &Value) -> String {
    serde_json::to_string(v).unwrap()
}

/// A read verb and, for lists, its table columns.
struct ReadVerb {
    args: &'static [&'static str],
    columns: Option<&'static [&'static str]>,
}

fn reads() -> Vec<ReadVerb> {
    let ws: &'static [&'static str] = &[
        "id",
        "name",
        "display_name",
        "mode",
        "status",
        "is_default",
        "tags",
        "created_at",
    ];
    vec![
        ReadVerb {
            args: &["workspace", "list"],
            columns: Some(ws),
        },
        ReadVerb {
            args: &["workspace", "list", "--all", "--mode", "standard"],
            columns: Some(ws),
        },
        ReadVerb {
            args: &["workspace", "show", "fin_ws"],
            columns: None,
        },
        ReadVerb {
            args: &["user", "list"],
            columns: Some(&[
                "id",
                "name",
                "kind",
                "display_name",
                "full_access",
                "db_role",
                "created_at",
            ]),
        },
        ReadVerb {
            args: &["user", "show", "alice"],
            columns: None,
        },
        ReadVerb {
            args: &["member", "list", "fin_ws"],
            columns: Some(&[
                "user",
                "user_id",
                "kind",
                "roles",
                "status",
                "expires_at",
                "added_at",
                "added_by",
            ]),
        },
        ReadVerb {
            args: &["member", "show", "fin_ws", "alice"],
            columns: None,
        },
        ReadVerb {
            args: &["role", "list"],
            columns: Some(&["code", "alias", "name", "description"]),
        },
        ReadVerb {
            args: &["role", "show", "ops"],
            columns: None,
        },
        ReadVerb {
            args: &["resourcegroup", "list"],
            columns: Some(&[
                "id",
                "name",
                "type",
                "spec",
                "payment",
                "status",
                "workspaces",
            ]),
        },
        ReadVerb {
            args: &["resourcegroup", "show", "rg_etl"],
            columns: None,
        },
        ReadVerb {
            args: &["audit", "list"],
            columns: Some(&[
                "seq",
                "at",
                "actor",
                "action",
                "workspace",
                "target",
                "outcome",
            ]),
        },
        ReadVerb {
            args: &["audit", "verify"],
            columns: None,
        },
        ReadVerb {
            args: &["whoami"],
            columns: None,
        },
    ]
}

fn setup() -> Env {
    let env = Env::new();
    for args in [
        &[
            "user",
            "add",
            "alice",
            "--display-name",
            "Alice, \"Ali\" Li",
        ][..],
        &[
            "workspace",
            "create",
            "fin_ws",
            "--tag",
            "team=fin",
            "--tag",
            "cost=1,2",
            "--description",
            "Tax, monthly",
        ],
        &["member", "add", "fin_ws", "alice", "--role", "dev,analyst"],
        &[
            "resourcegroup",
            "create",
            "rg_etl",
            "--spec",
            "4",
            "--remark",
            "nightly",
        ],
        &["resourcegroup", "bind", "rg_etl", "fin_ws"],
    ] {
        env.run(args).ok();
    }
    env
}

#[test]
fn every_read_verb_renders_the_same_data_in_every_format() {
    let env = setup();
    for read in reads() {
        // Reads print no status lines (audit verify's summary is the exception, and
        // not under JSON).
        let stderr = if read.args == ["audit", "verify"] {
            "the audit chain of 6 events verifies\n"
        } else {
            ""
        };
        check_read(&env, read.args, read.columns, stderr);
    }
}

/// A read verb renders the same data in every format: its JSON is the truth, and the
/// other formats are checked to render exactly it. `stderr` is what the non-JSON formats
/// print there (JSON formats print nothing).
pub fn check_read(env: &Env, args: &[&str], columns: Option<&[&str]>, stderr: &str) {
    let what = args.join(" ");
    let with = |fmt: &str| {
        let mut a = args.to_vec();
        a.extend(["-o", fmt]);
        let r = env.run(&a);
        assert_eq!(r.code, 0, "{what} -o {fmt}: {}", r.stderr);
        r
    };
    let json_run = with("json");
    let truth = json_run.json();
    for fmt in FORMATS {
        let r = with(fmt);
        let want_err = if fmt.starts_with("json") { "" } else { stderr };
        assert_eq!(r.stderr, want_err, "{what} -o {fmt}");
        match (fmt, columns) {
            ("json", Some(_)) => {
                let items = truth.as_array().unwrap();
                assert!(!items.is_empty(), "{what}");
                let body: Vec<String> = items.iter().map(compact).collect();
                assert_eq!(r.stdout, format!("[\n{}\n]\n", body.join(",\n")), "{what}");
            }
            ("json", None) => {
                assert!(truth.is_object(), "{what}");
                assert_eq!(
                    r.stdout,
                    serde_json::to_string_pretty(&truth).unwrap() + "\n",
                    "{what}"
                );
            }
            ("jsonl", Some(_)) => {
                let body: String = truth
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| compact(v) + "\n")
                    .collect();
                assert_eq!(r.stdout, body, "{what}");
            }
            ("jsonl", None) => assert_eq!(r.stdout, compact(&truth) + "\n", "{what}"),
            ("csv", Some(_)) => check_csv(&r.stdout, truth.as_array().unwrap(), &what),
            ("csv", None) => check_csv(&r.stdout, std::slice::from_ref(&truth), &what),
            ("table", Some(cols)) => {
                assert_eq!(
                    r.stdout,
                    rows_table(cols, truth.as_array().unwrap()),
                    "{what}"
                )
            }
            ("table", None) => assert_eq!(r.stdout, fields_table(&truth), "{what}"),
            _ => unreachable!(),
        }
    }
}

/// Every mutating verb, in order, so that each finds what it needs.
fn mutations() -> Vec<(&'static str, Vec<&'static str>)> {
    vec![
        (
            "user.add",
            vec![
                "user",
                "add",
                "bob",
                "--id",
                "1000000000000001",
                "--display-name",
                "Bob, \"B\"",
            ],
        ),
        (
            "user.update",
            vec!["user", "update", "bob", "--full-access", "true"],
        ),
        (
            "workspace.create",
            vec![
                "workspace",
                "create",
                "ops_ws",
                "--tag",
                "team=ops",
                "--description",
                "a, b",
            ],
        ),
        (
            "workspace.update",
            vec![
                "workspace",
                "update",
                "ops_ws",
                "--tag",
                "env=prod",
                "--pai-tasks",
                "on",
            ],
        ),
        (
            "member.add",
            vec!["member", "add", "ops_ws", "bob", "--role", "dev"],
        ),
        (
            "member.role",
            vec!["member", "role", "ops_ws", "bob", "--grant", "ops"],
        ),
        (
            "resourcegroup.create",
            vec!["resourcegroup", "create", "rg_ops", "--spec", "8"],
        ),
        (
            "resourcegroup.update",
            vec!["resourcegroup", "update", "rg_ops", "--remark", "x, y"],
        ),
        (
            "resourcegroup.bind",
            vec!["resourcegroup", "bind", "rg_ops", "ops_ws", "--default"],
        ),
        (
            "resourcegroup.unbind",
            vec!["resourcegroup", "unbind", "rg_ops", "ops_ws"],
        ),
        ("workspace.disable", vec!["workspace", "disable", "ops_ws"]),
        ("workspace.enable", vec!["workspace", "enable", "ops_ws"]),
        (
            "member.remove",
            vec!["member", "remove", "ops_ws", "bob", "--yes"],
        ),
        (
            "resourcegroup.delete",
            vec!["resourcegroup", "delete", "rg_ops", "--yes"],
        ),
        (
            "workspace.delete",
            vec!["workspace", "delete", "ops_ws", "--yes"],
        ),
        ("workspace.restore", vec!["workspace", "restore", "ops_ws"]),
        (
            "workspace.delete",
            vec!["workspace", "delete", "fin_ws", "--yes"],
        ),
        (
            "workspace.purge",
            vec!["workspace", "purge", "fin_ws", "--yes"],
        ),
        (
            "workspace.create",
            vec!["workspace", "create", "basic_ws", "--mode", "basic"],
        ),
        (
            "workspace.upgrade",
            vec!["workspace", "upgrade", "basic_ws", "--yes"],
        ),
        ("user.remove", vec!["user", "remove", "bob", "--yes"]),
        ("catalog.init", vec!["init", "--if-not-exists"]),
    ]
}

/// Generated resource-group ids differ between catalogs.
fn normalize(s: &str) -> String {
    let mut out = s.to_string();
    for prefix in ["Serverless_res_group_", "S_res_group_"] {
        while let Some(i) = out.find(prefix) {
            let tail = &out[i + prefix.len()..];
            let len = tail
                .find(|c: char| !c.is_ascii_digit() && c != '_')
                .unwrap_or(tail.len());
            out.replace_range(i..i + prefix.len() + len, "<rg-id>");
        }
    }
    out
}

#[test]
fn every_mutating_verb_renders_its_result_in_every_format() {
    let truths = check_mutations(&setup(), &mutations());
    for ((action, _), truth) in mutations().iter().zip(truths) {
        assert_eq!(truth["changed"], *action != "catalog.init", "{action}");
    }
}

/// Run `mutations` in order in four copies of `base`, one output format each, and check
/// that every format renders exactly the JSON envelope (which is returned, one per
/// mutation): the result, the warnings on stderr, and one status line under table.
pub fn check_mutations(base: &Env, mutations: &[(&str, Vec<&str>)]) -> Vec<Value> {
    // The same changes in four copies of one catalog, one format each.
    let forks: Vec<(&str, Env)> = FORMATS.iter().map(|f| (*f, base.fork())).collect();
    let mut truths = Vec::new();
    for (action, args) in mutations {
        let mut truth = None;
        let mut runs = Vec::new();
        for (fmt, env) in &forks {
            let mut a = args.clone();
            a.extend(["-o", *fmt]);
            let r = env.run(&a);
            assert_eq!(r.code, 0, "{a:?}: {}", r.stderr);
            if *fmt == "json" {
                truth = Some(r.json());
            }
            runs.push((*fmt, r));
        }
        let truth = truth.unwrap();
        let what = args.join(" ");
        assert_eq!(
            keys(&truth),
            ["action", "changed", "dry_run", "result", "warnings"],
            "{what}"
        );
        assert_eq!(truth["action"], *action, "{what}");
        assert_eq!(truth["dry_run"], false, "{what}");
        let result = &truth["result"];
        let warnings = truth["warnings"].as_array().unwrap();
        for (fmt, r) in runs {
            let out = normalize(&r.stdout);
            match fmt {
                "json" => {
                    let text = serde_json::to_string_pretty(&truth).unwrap() + "\n";
                    assert_eq!(out, normalize(&text), "{what}");
                    // Under JSON, stderr holds the warnings as JSON lines, nothing else.
                    let lines: Vec<Value> = r
                        .stderr
                        .lines()
                        .map(|l| serde_json::from_str(l).unwrap())
                        .collect();
                    let want: Vec<Value> =
                        warnings.iter().map(|w| json!({ "warning": w })).collect();
                    assert_eq!(lines, want, "{what}");
                }
                "jsonl" => {
                    assert_eq!(out, normalize(&(compact(&truth) + "\n")), "{what}");
                }
                "csv" => {
                    let rows = parse_csv(&out);
                    let header = keys(result);
                    assert_eq!(rows[0], header, "{what}");
                    let want: Vec<String> = header
                        .iter()
                        .map(|k| normalize(&csv_text(&result[k])))
                        .collect();
                    assert_eq!(rows[1..], [want], "{what}");
                }
                "table" => {
                    assert_eq!(out, normalize(&fields_table(result)), "{what}");
                    // stderr: the warnings, then one status line.
                    let lines: Vec<&str> = r.stderr.lines().collect();
                    assert_eq!(lines.len(), warnings.len() + 1, "{what}: {}", r.stderr);
                    for (l, w) in lines.iter().zip(warnings) {
                        assert_eq!(*l, format!("warning: {}", w["message"].as_str().unwrap()));
                    }
                    assert!(!lines.last().unwrap().starts_with("warning"), "{what}");
                }
                _ => unreachable!(),
            }
        }
        truths.push(truth);
    }
    // The four catalogs went through the same changes.
    let rows: Vec<_> = forks.iter().map(|(_, e)| e.audit()).collect();
    assert!(rows.windows(2).all(|w| w[0] == w[1]));
    truths
}

/// `--if-not-exists` on an object that exists changes nothing, and its status line says
/// so: never "Created ..." or "Added ..." for what was already there.
#[test]
fn a_no_op_on_an_existing_object_says_it_exists() {
    let env = setup();
    env.run(&[
        "compute",
        "attach",
        "fin_ws",
        "mc",
        "--type",
        "maxcompute",
        "--prop",
        "project=p",
    ])
    .ok();
    env.run(&[
        "datasource",
        "add",
        "fin_ws",
        "orders",
        "--type",
        "maxcompute",
        "--prop",
        "project=o",
    ])
    .ok();
    for (args, line) in [
        (
            &["workspace", "create", "fin_ws"][..],
            "Workspace fin_ws already exists.",
        ),
        (&["user", "add", "alice"], "Principal alice already exists."),
        (
            &["member", "add", "fin_ws", "alice", "--role", "dev"],
            "alice is already a member of fin_ws, as role_project_dev, role_project_data_analyst.",
        ),
        (
            &["resourcegroup", "create", "rg_etl"],
            "Resource group rg_etl already exists.",
        ),
        (
            &["resourcegroup", "bind", "rg_etl", "fin_ws"],
            "Resource group rg_etl is already bound to fin_ws.",
        ),
        (
            &[
                "compute",
                "attach",
                "fin_ws",
                "mc",
                "--type",
                "maxcompute",
                "--prop",
                "project=p",
            ],
            "Compute resource mc already exists in fin_ws (prod).",
        ),
        (
            &[
                "datasource",
                "add",
                "fin_ws",
                "orders",
                "--type",
                "maxcompute",
                "--prop",
                "project=o",
            ],
            "Data source orders already exists in fin_ws (prod).",
        ),
    ] {
        let (rows, events) = (env.rows(), env.events().len());
        for dry in [false, true] {
            let mut a = args.to_vec();
            a.push("--if-not-exists");
            if dry {
                a.push("--dry-run");
            }
            let r = env.run(&a);
            assert_eq!(r.code, 0, "{a:?}: {}", r.stderr);
            let want = if dry {
                format!("Dry run (nothing written): {line} (no change)\n")
            } else {
                format!("{line} (no change)\n")
            };
            assert_eq!(
                r.stderr.lines().last().map(|l| format!("{l}\n")),
                Some(want),
                "{a:?}"
            );
        }
        assert_eq!((env.rows(), env.events().len()), (rows, events), "{args:?}");
    }
}

#[test]
fn a_no_op_on_a_missing_object_prints_no_result() {
    let env = setup();
    // A principal that is no member: `--if-exists` excuses a missing member, not a
    // missing principal.
    env.run(&["user", "add", "root2"]).ok();
    for args in [
        &["workspace", "delete", "nope_ws", "--if-exists"][..],
        &["workspace", "purge", "nope_ws", "--if-exists", "--yes"],
        &["user", "remove", "ghost", "--if-exists", "--yes"],
        &[
            "member",
            "remove",
            "fin_ws",
            "root2",
            "--if-exists",
            "--yes",
        ],
        &["resourcegroup", "delete", "rg_nope", "--if-exists", "--yes"],
        &[
            "resourcegroup",
            "unbind",
            "default_serverless_group",
            "fin_ws",
            "--if-exists",
        ],
    ] {
        for fmt in ["table", "csv"] {
            let mut a = args.to_vec();
            a.extend(["-o", fmt]);
            let r = env.run(&a);
            assert_eq!((r.code, r.stdout.as_str()), (0, ""), "{a:?}");
            assert!(r.stderr.ends_with(" (no change)\n"), "{a:?}: {}", r.stderr);
        }
        let mut a = args.to_vec();
        a.extend(["-o", "json"]);
        let v = env.json(&a);
        assert_eq!(
            (v["changed"].clone(), v["result"].clone()),
            (json!(false), Value::Null),
            "{a:?}"
        );
    }
}

#[test]
fn status_lines_and_warnings_go_to_stderr_and_quiet_silences_them() {
    let env = setup();
    let r = env.run(&["workspace", "create", "tmp_ws"]);
    assert_eq!(r.stderr, "Created workspace tmp_ws.\n");
    let r = env.run(&["workspace", "disable", "tmp_ws"]);
    assert_eq!(r.stderr, "Disabled workspace tmp_ws.\n");
    let r = env.run(&["workspace", "disable", "tmp_ws"]);
    assert_eq!(r.stderr, "Disabled workspace tmp_ws. (no change)\n");
    let r = env.run(&["workspace", "enable", "tmp_ws", "--dry-run"]);
    assert_eq!(
        r.stderr,
        "Dry run (nothing written): Enabled workspace tmp_ws.\n"
    );
    // A warning, then the status line; stdout is only the result.
    let r = env.run(&["member", "role", "fin_ws", "alice", "--grant", "ops"]);
    assert_eq!(
        r.stderr,
        "warning: alice now holds both role_project_dev and role_project_pe in fin_ws: one person \
         should not both develop and operate production\n\
         alice now holds role_project_dev, role_project_pe, role_project_data_analyst in fin_ws.\n"
    );
    assert!(!r.stdout.contains("warning"), "{}", r.stdout);
    // --quiet: no status lines, no warnings; the result and errors still.
    env.run(&["member", "role", "fin_ws", "alice", "--revoke", "ops"])
        .ok();
    let r = env.run(&["-q", "member", "role", "fin_ws", "alice", "--grant", "ops"]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    assert!(r.stdout.starts_with(" FIELD"), "{}", r.stdout);
    let r = env.run(&["--quiet", "workspace", "show", "nope_ws"]);
    assert_eq!(
        r.stderr,
        "error: workspace nope_ws not found\nhint: list the workspaces you can see with dwctl workspace list --all\n"
    );
    let r = env.run(&[
        "-q", "member", "role", "fin_ws", "alice", "--revoke", "ops", "-o", "json",
    ]);
    assert_eq!(r.stderr, "");
    assert_eq!(r.json()["warnings"], json!([]));
}

#[test]
fn errors_under_json_are_one_object_on_stderr_and_nothing_on_stdout() {
    if file_only() {
        return;
    }
    let env = setup();
    env.run(&["user", "add", "guest1"]).ok();
    env.run(&["member", "add", "fin_ws", "guest1", "--role", "guest"])
        .ok();
    type Case<'a> = (Vec<&'a str>, i32, &'a str, &'a str, Option<&'a str>);
    let cases: Vec<Case> = vec![
        (
            vec!["workspace", "create", "1bad"],
            2,
            "invalid_input",
            "invalid workspace name '1bad'",
            Some("a workspace name is 3-28 characters of A-Z, a-z, 0-9 and _, starting with a letter, e.g. finance_tax_report"),
        ),
        (
            vec!["workspace", "create", "--bogus"],
            2,
            "invalid_input",
            "unexpected argument '--bogus' found",
            Some("to pass '--bogus' as a value, use '-- --bogus'"),
        ),
        (
            vec!["member", "role", "fin_ws", "alice"],
            2,
            "invalid_input",
            "the following required arguments were not provided: --set <ROLE,ROLE>",
            Some("Usage: dwctl member role --output <FORMAT> --set <ROLE,ROLE> <WORKSPACE> <USER>"),
        ),
        (
            vec!["workspace", "show", "nope_ws"],
            3,
            "not_found",
            "workspace nope_ws not found",
            Some("list the workspaces you can see with dwctl workspace list --all"),
        ),
        (
            vec!["workspace", "create", "fin_ws"],
            4,
            "conflict",
            "workspace fin_ws already exists",
            Some("choose another name, or pass --if-not-exists"),
        ),
        (
            vec!["--as", "guest1", "member", "add", "fin_ws", "guest1", "--role", "dev"],
            5,
            "permission_denied",
            "guest1 may not add members to fin_ws",
            Some("this needs role_project_owner or role_project_admin in fin_ws, or tenant full access"),
        ),
        (
            vec!["member", "remove", "fin_ws", "root", "--yes"],
            6,
            "rule_violation",
            "root is the owner of fin_ws and cannot be removed",
            None,
        ),
        (
            vec!["workspace", "delete", "fin_ws"],
            8,
            "confirmation_required",
            "confirmation needed: Delete workspace fin_ws? It stays in the recycle bin for 14 days.",
            Some("pass --yes to confirm without a prompt"),
        ),
    ];
    for fmt in ["json", "jsonl"] {
        for (args, code, name, message, hint) in &cases {
            let mut a = args.clone();
            a.extend(["-o", fmt]);
            let r = env.run(&a);
            assert_eq!(r.code, *code, "{a:?}: {}", r.stderr);
            assert_eq!(r.stdout, "", "{a:?}");
            assert_eq!(r.stderr.lines().count(), 1, "{a:?}: {}", r.stderr);
            let v: Value = serde_json::from_str(&r.stderr).unwrap();
            assert_eq!(
                v,
                json!({"error": {"code": name, "exit_code": code, "message": message, "hint": hint}}),
                "{a:?}"
            );
        }
    }
    // DWCTL_OUTPUT=json counts too, for usage errors as well.
    let r = Env::output({
        let mut c = env.cmd(&["workspace", "frobnicate"]);
        c.env("DWCTL_OUTPUT", "json");
        c
    });
    assert_eq!(r.code, 2);
    assert_eq!(
        r.json_error()["message"],
        "unrecognized subcommand 'frobnicate'"
    );
    // The same errors in table form: `error:` and `hint:` lines.
    let r = env.run(&["workspace", "show", "nope_ws"]);
    assert_eq!(
        r.stderr,
        "error: workspace nope_ws not found\nhint: list the workspaces you can see with dwctl workspace list --all\n"
    );
    // A catalog error carries its cause.
    std::fs::write(&env.catalog, &env.bytes()[..8192]).unwrap();
    let r = env.run(&["workspace", "list", "-o", "json"]);
    let hint = "restore it from a backup (see dwctl catalog backup), or create a new one with dwctl init --catalog PATH";
    let message = format!("the catalog file {} is corrupt", env.catalog.display());
    assert_eq!(
        r.json_error(),
        json!({"code": "catalog_unavailable", "exit_code": 7, "message": message,
               "hint": hint, "causes": ["database disk image is malformed"]})
    );
    let r = env.run(&["workspace", "list"]);
    assert_eq!(
        r.stderr,
        format!("error: {message}\ncaused by: database disk image is malformed\nhint: {hint}\n")
    );
}

#[test]
fn warnings_are_json_lines_on_stderr_and_in_the_envelope_never_loose_on_stdout() {
    let env = Env::new();
    env.run(&["user", "add", "alice"]).ok();
    // The default workspace is in basic mode: deploy has no effect there.
    let warning = json!({"code": "deploy_in_basic_mode",
        "message": format!("{DEFAULT_WS} is in basic mode, where role_project_deploy has no effect (there is no deploy step)")});
    let r = env.run(&[
        "member",
        "add",
        DEFAULT_WS,
        "alice",
        "--role",
        "deploy",
        "-o",
        "json",
        "--dry-run",
    ]);
    assert_eq!(r.code, 0);
    let v = r.json();
    assert_eq!(v["dry_run"], true);
    assert_eq!(v["warnings"], json!([warning.clone()]));
    assert_eq!(
        r.stderr,
        format!("{}\n", json!({ "warning": warning.clone() }))
    );
    let r = env.run(&[
        "member", "add", DEFAULT_WS, "alice", "--role", "deploy", "-o", "jsonl",
    ]);
    assert_eq!(r.stdout.lines().count(), 1);
    assert_eq!(r.json()["warnings"], json!([warning.clone()]));
    assert_eq!(r.stderr, format!("{}\n", json!({ "warning": warning })));
    // csv: the result row only; the warning on stderr.
    env.run(&["user", "add", "bob"]).ok();
    let r = env.run(&[
        "member", "add", DEFAULT_WS, "bob", "--role", "deploy", "-o", "csv",
    ]);
    assert_eq!(parse_csv(&r.stdout).len(), 2);
    assert!(
        r.stderr
            .starts_with("warning: default_workspace_3456 is in basic mode"),
        "{}",
        r.stderr
    );
}

#[test]
fn empty_lists_in_every_format() {
    let env = Env::new();
    let list = |fmt: &str| env.run(&["workspace", "list", "--tag", "team=nobody", "-o", fmt]);
    let r = list("json");
    assert_eq!(
        (r.code, r.stdout.as_str(), r.stderr.as_str()),
        (0, "[]\n", "")
    );
    let r = list("jsonl");
    assert_eq!((r.code, r.stdout.as_str(), r.stderr.as_str()), (0, "", ""));
    // The same header as a list with rows: every field, not the table's columns.
    let r = list("csv");
    let full = env.run(&["workspace", "list", "-o", "csv"]);
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (
            0,
            format!("{}\n", full.stdout.lines().next().unwrap()).as_str()
        )
    );
    assert!(
        r.stdout
            .starts_with("id,name,display_name,description,mode,status,owner,"),
        "{}",
        r.stdout
    );
    let r = list("table");
    assert_eq!(
        (r.code, r.stdout.as_str(), r.stderr.as_str()),
        (0, "", "(none)\n")
    );
    // A list is an array even with one element, and filters narrow it.
    env.run(&["workspace", "create", "std_ws"]).ok();
    let v = env.json(&["workspace", "list", "--mode", "standard", "-o", "json"]);
    assert_eq!(v.as_array().unwrap().len(), 1);
    assert_eq!(v[0]["name"], "std_ws");
    assert_eq!(
        env.json(&["workspace", "list", "--status", "deleted", "-o", "json"]),
        json!([])
    );
}

#[test]
fn colour_only_when_asked_into_a_pipe() {
    let env = Env::new();
    let has_escape = |r: &Run| r.stdout.contains('\x1b') || r.stderr.contains('\x1b');
    assert!(!has_escape(&env.run(&["workspace", "list"])));
    assert!(!has_escape(&env.run(&["workspace", "show", "nope_ws"])));
    let r = env.run(&["--color", "always", "workspace", "list"]);
    assert!(r.stdout.contains("\x1b["), "{:?}", r.stdout);
    let r = env.run(&["--color", "always", "workspace", "show", "nope_ws"]);
    assert!(
        r.stderr
            .starts_with("\x1b[1;31merror:\x1b[0m workspace nope_ws not found"),
        "{:?}",
        r.stderr
    );
    let mut c = env.cmd(&["workspace", "list"]);
    c.env("CLICOLOR_FORCE", "1");
    assert!(Env::output(c).stdout.contains("\x1b["));
    // NO_COLOR wins over CLICOLOR_FORCE; the flag wins over both.
    let mut c = env.cmd(&["workspace", "list"]);
    c.env("CLICOLOR_FORCE", "1").env("NO_COLOR", "1");
    assert!(!has_escape(&Env::output(c)));
    let mut c = env.cmd(&["--color", "always", "workspace", "list"]);
    c.env("NO_COLOR", "1");
    assert!(Env::output(c).stdout.contains("\x1b["));
    // JSON never carries colour.
    let r = env.run(&["--color", "always", "workspace", "list", "-o", "json"]);
    assert!(!has_escape(&r));
}

#[test]
fn tables_on_a_terminal_of_unknown_width_are_not_wrapped() {
    let env = Env::new();
    let r = env.pty(&["--color", "never", "workspace", "list"], &[]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    let lines: Vec<&str> = r.stdout.lines().map(|l| l.trim_end_matches('\r')).collect();
    assert_eq!(lines.len(), 2, "{}", r.stdout);
    assert!(lines[0].starts_with(" ID  NAME "), "{}", r.stdout);
    assert!(
        lines[1].contains(" default_workspace_3456  Default Workspace  basic "),
        "{}",
        r.stdout
    );
}

/// Long work (apply, purge --expired, export) draws a progress bar on stderr when it is a
/// terminal, and nothing when it is not (cli.md 4).
#[test]
fn long_work_shows_a_progress_bar_on_a_terminal_only() {
    // A terminal without TERM is a dumb one, where no bar is drawn (nor can be redrawn).
    let env = Env::new().with_var("TERM", "xterm");
    for n in ["ws_one", "ws_two", "ws_three"] {
        env.run(&["workspace", "create", n]).ok();
    }
    let file = env.path().join("m.toml");
    let file = file.to_str().unwrap();
    let bar = |r: &Run, of: &str| {
        r.stdout.contains(&format!("/{of} ")) || r.stdout.contains(&format!("/{of}\u{1b}"))
    };
    // Four workspaces (with the default one) to export.
    let r = env.pty(&["export", "--all", "--file", file], &[]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(bar(&r, "4"), "no progress bar: {:?}", r.stdout);
    let r = env.run(&["export", "--all", "--file", file]);
    assert_eq!(
        r.stderr,
        format!("Wrote {file}: 4 workspaces, 0 principals, 1 resource group.\n")
    );
    // apply walks the principals, groups and workspaces of the manifest: five steps.
    let r = env.pty(&["apply", "--file", file], &[]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(bar(&r, "5"), "no progress bar: {:?}", r.stdout);
    assert_eq!(env.run(&["apply", "--file", file]).stderr, "No changes.\n");
    // Under -o json, or --quiet, there is no bar on a terminal either.
    let r = env.pty(&["export", "--all", "--file", file, "--quiet"], &[]);
    assert!(!bar(&r, "4"), "{:?}", r.stdout);
    // purge --expired: two workspaces long past their retention.
    for n in ["ws_one", "ws_two"] {
        env.run(&["workspace", "delete", n, "--yes"]).ok();
    }
    let env = env.with_var("DWCTL_NOW", "2030-01-01T00:00:00Z");
    let r = env.pty(&["workspace", "purge", "--expired", "--yes"], &[]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(bar(&r, "2"), "no progress bar: {:?}", r.stdout);
    assert!(
        r.stdout.contains("Purged 2 expired workspaces."),
        "{:?}",
        r.stdout
    );
}

/// A catalog with a list far larger than a pipe's buffer (64 KiB), made directly in SQL.
fn big_catalog() -> Env {
    let env = Env::new();
    let conn = rusqlite::Connection::open(&env.catalog).unwrap();
    conn.execute_batch(&format!(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000) \
         INSERT INTO workspace (name, display_name, description, mode, status, owner, created_at, created_by, updated_at) \
         SELECT 'bulk_' || i, 'Bulk ' || i, printf('%.200c', 'x'), 'standard', 'available', '{ACCOUNT}', \
         '2026-11-28T10:00:00.000Z', 'root', '2026-11-28T10:00:00.000Z' FROM n;"
    ))
    .unwrap();
    env
}

#[test]
fn a_closed_pipe_ends_the_command_quietly_with_exit_0() {
    if file_only() {
        return;
    }
    let env = big_catalog();
    for fmt in FORMATS {
        for read_first in [0usize, 100] {
            let mut c = env.cmd(&["workspace", "list", "-o", fmt]);
            c.stdout(Stdio::piped()).stderr(Stdio::piped());
            let mut child = c.spawn().unwrap();
            let mut out = child.stdout.take().unwrap();
            // `| head -c N`: read a little (or nothing), then close the pipe.
            let mut buf = vec![0u8; read_first];
            out.read_exact(&mut buf).unwrap();
            drop(out);
            let o = child.wait_with_output().unwrap();
            assert_eq!(
                o.status.code(),
                Some(0),
                "-o {fmt}: {}",
                String::from_utf8_lossy(&o.stderr)
            );
            assert_eq!(String::from_utf8_lossy(&o.stderr), "", "-o {fmt}");
        }
    }
    // The whole list does arrive when someone reads it.
    let v = env.json(&["workspace", "list", "-o", "json"]);
    assert_eq!(v.as_array().unwrap().len(), 3001);
}

/// The CSV header is the view's fields, the same whether or not the list has rows, for
/// every list (issue 11: it used to be the table's columns when a list was empty).
#[test]
fn csv_headers_are_the_same_with_and_without_rows() {
    let env = setup();
    let file = env.path().join("m.toml");
    let file = file.to_str().unwrap();
    for args in [
        &["workspace", "create", "lab_ws"][..],
        &[
            "compute",
            "attach",
            "fin_ws",
            "mc",
            "--type",
            "maxcompute",
            "--prop",
            "project=p",
        ],
        &[
            "datasource",
            "add",
            "fin_ws",
            "cache",
            "--type",
            "redis",
            "--prop",
            "address=r:6379",
        ],
        &["export", "fin_ws", "--file", file],
    ] {
        env.run(args).ok();
    }
    let csv = |args: &[&str]| {
        let mut a = args.to_vec();
        a.extend(["-o", "csv"]);
        let r = env.run(&a);
        assert!(r.code == 0 || r.code == 9, "{args:?}: {}", r.stderr);
        r.stdout
    };
    let json = |args: &[&str]| {
        let mut a = args.to_vec();
        a.extend(["-o", "json"]);
        let r = env.run(&a);
        assert!(r.code == 0 || r.code == 9, "{args:?}: {}", r.stderr);
        r.json()
    };
    // (a list with rows, the same list empty)
    let with_and_without: [(&[&str], &[&str]); 8] = [
        (
            &["workspace", "list"],
            &["workspace", "list", "--tag", "team=nobody"],
        ),
        (
            &["member", "list", "fin_ws"],
            &["member", "list", "fin_ws", "--role", "deploy"],
        ),
        (
            &["compute", "list", "fin_ws"],
            &["compute", "list", "lab_ws"],
        ),
        (
            &["datasource", "list", "fin_ws"],
            &["datasource", "list", "lab_ws"],
        ),
        (
            &["audit", "list"],
            &["audit", "list", "--action", "datasource.test"],
        ),
        (&["check"], &["check", "lab_ws"]),
        (
            &["plan", "--file", file, "--prune"],
            &["plan", "--file", file],
        ),
        (
            &["apply", "--file", file, "--prune", "--dry-run", "--yes"],
            &["apply", "--file", file],
        ),
    ];
    // lab_ws with a RAM administrator has no findings.
    env.run(&["member", "add", "lab_ws", "alice", "--role", "admin"])
        .ok();
    // A member the manifest does not have, for `--prune` to remove.
    env.run(&["user", "add", "planned_user"]).ok();
    env.run(&["member", "add", "fin_ws", "planned_user", "--role", "dev"])
        .ok();
    for (full, empty) in with_and_without {
        let rows = csv(full);
        let header = rows.lines().next().unwrap_or("");
        assert!(rows.lines().count() > 1, "{full:?} has no rows:\n{rows}");
        // The header is the JSON fields of a row (of the envelope's result for apply).
        let v = json(full);
        let items = v.as_array().or_else(|| v["result"].as_array()).unwrap();
        let keys: Vec<&str> = items[0]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(header, keys.join(","), "{full:?}");
        assert_eq!(csv(empty), format!("{header}\n"), "{empty:?}");
    }
    // A mutation whose result is a list: `purge --expired` with nothing expired has the
    // header of `workspace list`.
    let ws_header = csv(&["workspace", "list"])
        .lines()
        .next()
        .unwrap()
        .to_string();
    assert_eq!(
        csv(&["workspace", "purge", "--expired", "--yes"]),
        format!("{ws_header}\n")
    );
    // Lists that are never empty still have every field in their header.
    for args in [
        &["user", "list"][..],
        &["role", "list"],
        &["resourcegroup", "list"],
        &["datasource", "types"],
    ] {
        let keys: Vec<String> = json(args)[0].as_object().unwrap().keys().cloned().collect();
        assert_eq!(
            csv(args).lines().next().unwrap(),
            keys.join(","),
            "{args:?}"
        );
    }
}

/// Text with control characters, as another tool (or a dwctl before issue 11) could have
/// stored it: OSC retitling the terminal, CSI clearing the screen, a carriage return, a
/// bell, an 8-bit CSI, DEL, a bidi override.
const HOSTILE: &str = "T\u{1b}]0;pwned\u{7}\u{1b}[2J\rover\u{9b}31m\u{7f}\u{202e}end";

/// What a terminal must never receive from the catalog.
fn raw_controls(s: &str) -> Vec<char> {
    s.chars()
        .filter(|c| {
            matches!(
                c,
                '\u{1b}' | '\u{7}' | '\r' | '\u{9b}' | '\u{7f}' | '\u{202e}'
            )
        })
        .collect()
}

#[test]
fn control_characters_from_the_catalog_never_reach_the_terminal() {
    let env = setup();
    env.run(&[
        "datasource",
        "add",
        "fin_ws",
        "cache",
        "--type",
        "redis",
        "--prop",
        "address=r:6379",
    ])
    .ok();
    let multi = format!("{HOSTILE}\nsecond\tline");
    let (multi_sql, hostile) = (sql_text(&multi), sql_text(HOSTILE));
    env.sql(&format!(
        "UPDATE workspace SET description = {multi_sql}, display_name = {hostile}, created_by = {hostile} WHERE name = 'fin_ws'; \
         UPDATE datasource SET description = {multi_sql}; \
         UPDATE workspace_tag SET value = {hostile}; \
         UPDATE principal SET display_name = {hostile} WHERE name = 'alice'; \
         UPDATE resource_group SET remark = {hostile} WHERE name = 'rg_etl';"
    ));
    let rg_id = env
        .json(&["resourcegroup", "list", "-o", "json"])
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["remark"] == HOSTILE)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    // JSON stays exact: the values are what is stored (DEL, C1 and format characters
    // written as \u escapes, as C0 always were).
    let ws = env.json(&["workspace", "show", "fin_ws", "-o", "json"]);
    assert_eq!(ws["description"], multi.as_str());
    assert_eq!(ws["display_name"], HOSTILE);

    let reads: [&[&str]; 11] = [
        &["workspace", "show", "fin_ws"],
        &["workspace", "list"],
        &["user", "show", "alice"],
        &["user", "list"],
        &["member", "list", "fin_ws"],
        &["resourcegroup", "list"],
        &["resourcegroup", "show", &rg_id],
        &["datasource", "show", "fin_ws", "cache", "--env", "prod"],
        &["datasource", "list", "fin_ws"],
        &["whoami"],
        &["export", "fin_ws"],
    ];
    for args in reads {
        for fmt in FORMATS {
            let mut a = args.to_vec();
            a.extend(["-o", fmt]);
            let r = env.run(&a);
            assert_eq!(r.code, 0, "{a:?}: {}", r.stderr);
            assert_eq!(raw_controls(&r.stdout), [], "{a:?}:\n{}", r.stdout);
            assert_eq!(raw_controls(&r.stderr), [], "{a:?}:\n{}", r.stderr);
            // ...and JSON is still JSON.
            match fmt {
                "json" => drop(r.json()),
                "jsonl" => {
                    for v in serde_json::Deserializer::from_str(&r.stdout).into_iter::<Value>() {
                        v.unwrap();
                    }
                }
                _ => {}
            }
        }
    }
    // A table shows them as JSON writes them; a `show` value keeps its line break and
    // turns its tab into spaces.
    let out = env.run(&["workspace", "show", "fin_ws"]).stdout;
    assert!(
        out.contains(" T\\u001b]0;pwned\\u0007\\u001b[2J\\rover\\u009b31m\\u007f\\u202eend\n"),
        "{out}"
    );
    assert!(
        out.contains("\n                         second  line\n"),
        "{out}"
    );
    // A list row stays one line.
    let out = env.run(&["datasource", "list", "fin_ws"]).stdout;
    assert_eq!(out.lines().count(), 2, "{out}");
    // CSV keeps line breaks and tabs (quoted), and nothing else.
    let out = env
        .run(&["workspace", "show", "fin_ws", "-o", "csv"])
        .stdout;
    assert!(
        out.contains(
            "\\u001b]0;pwned\\u0007\\u001b[2J\\rover\\u009b31m\\u007f\\u202eend\nsecond\tline"
        ),
        "{out}"
    );
    // A status line about an object with hostile free text prints none of it raw. (A name
    // holding control characters is a damaged row, exit 7: tests/cli/reliability/stored.rs.)
    let r = env.run(&["resourcegroup", "update", &rg_id, "--spec", "4"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.starts_with("Updated resource group rg_etl."),
        "{}",
        r.stderr
    );
    assert_eq!(raw_controls(&r.stderr), [], "{}", r.stderr);
    assert_eq!(raw_controls(&r.stdout), [], "{}", r.stdout);
}

/// CSV cells that a spreadsheet would evaluate as a formula start with `'` (OWASP's rule);
/// numbers stay numbers, and JSON output is exact.
#[test]
fn csv_cells_never_start_a_formula() {
    let env = Env::new();
    for args in [
        &[
            "workspace",
            "create",
            "calc_ws",
            "--display-name",
            "=1+2",
            "--description",
            "@SUM(A1:A9)",
            "--tag",
            "neg=-1",
            "--tag",
            "plus=+1",
        ][..],
        &[
            "user",
            "add",
            "mallory",
            "--display-name",
            "=cmd|' /C calc'!A0",
        ],
        &["resourcegroup", "create", "rg_calc", "--remark=-2+3"],
    ] {
        env.run(args).ok();
    }
    let ws = env.run(&["workspace", "show", "calc_ws", "-o", "csv"]);
    let rows = parse_csv(&ws.stdout);
    let cell = |row: &[String], header: &[String], k: &str| {
        row[header.iter().position(|h| h == k).unwrap()].clone()
    };
    assert_eq!(cell(&rows[1], &rows[0], "display_name"), "'=1+2");
    assert_eq!(cell(&rows[1], &rows[0], "description"), "'@SUM(A1:A9)");
    assert_eq!(cell(&rows[1], &rows[0], "id"), "2");
    // A nested value is compact JSON: it starts with `{` and is left alone.
    assert_eq!(
        cell(&rows[1], &rows[0], "tags"),
        r#"{"neg":"-1","plus":"+1"}"#
    );
    let users = parse_csv(&env.run(&["user", "list", "-o", "csv"]).stdout);
    let mallory = users
        .iter()
        .find(|r| r.contains(&"mallory".to_string()))
        .unwrap();
    assert_eq!(
        cell(mallory, &users[0], "display_name"),
        "'=cmd|' /C calc'!A0"
    );
    let groups = parse_csv(&env.run(&["resourcegroup", "list", "-o", "csv"]).stdout);
    let g = groups
        .iter()
        .find(|r| r.contains(&"rg_calc".to_string()))
        .unwrap();
    assert_eq!(cell(g, &groups[0], "remark"), "'-2+3");
    assert_eq!(cell(g, &groups[0], "spec"), "2");
    // The same cells in a list, and in a mutation's result row.
    let list = parse_csv(&env.run(&["workspace", "list", "-o", "csv"]).stdout);
    assert!(
        list.iter().any(|r| r.contains(&"'=1+2".to_string())),
        "{list:?}"
    );
    let r = env.run(&[
        "workspace",
        "update",
        "calc_ws",
        "--description",
        "+SUM(1)",
        "-o",
        "csv",
    ]);
    let rows = parse_csv(&r.stdout);
    assert_eq!(cell(&rows[1], &rows[0], "description"), "'+SUM(1)");
    let r = env.run(&[
        "workspace",
        "update",
        "calc_ws",
        "--description",
        "\tindented",
        "-o",
        "csv",
    ]);
    let rows = parse_csv(&r.stdout);
    assert_eq!(cell(&rows[1], &rows[0], "description"), "'\tindented");
    // JSON is exact.
    let v = env.json(&["workspace", "show", "calc_ws", "-o", "json"]);
    assert_eq!(v["display_name"], "=1+2");
    assert_eq!(v["tags"]["neg"], "-1");
}
