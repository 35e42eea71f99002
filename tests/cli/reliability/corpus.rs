//! R3: invalid invocations, kept as data in tests/cli/corpus/invalid.txt (one case a line:
//! the exit code, the argv as a JSON array, optionally `~ TEXT` that stderr must contain).
//! Each must exit with its code and a message, never panic, and leave the catalog file
//! byte-identical.

use std::path::{Path, PathBuf};

use crate::harness::*;

/// A variable that `KEY=env:VAR` cases may name when the value itself is not the point.
const SECRET_VAR: &str = "DWCTL_CORPUS_SECRET";

/// The longest error output a case may print (the longest hints list every type).
const MAX_STDERR: usize = 4096;

#[derive(Debug)]
struct Case {
    line: usize,
    code: i32,
    argv: Vec<String>,
    needle: Option<String>,
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli/corpus")
}

/// `{corpus}`, `{tmp}` and `{rep:N:TEXT}` in an argument.
fn expand(arg: &str, tmp: &Path) -> String {
    let mut s = arg
        .replace("{corpus}", corpus_dir().to_str().unwrap())
        .replace("{tmp}", tmp.to_str().unwrap());
    while let Some(start) = s.find("{rep:") {
        let end = start + s[start..].find('}').expect("unclosed {rep:");
        let spec = &s[start + 5..end];
        let (n, text) = spec.split_once(':').expect("{rep:N:TEXT}");
        let n: usize = n.parse().expect("{rep:N:TEXT}: N");
        s = format!("{}{}{}", &s[..start], text.repeat(n), &s[end + 1..]);
    }
    s
}

fn bad<T>(line: usize, raw: &str, why: &str) -> T {
    panic!("corpus line {line}: {why}: {raw}")
}

fn parse_corpus(text: &str, tmp: &Path) -> Vec<Case> {
    let mut cases = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (code, rest) = line
            .split_once(' ')
            .unwrap_or_else(|| bad(i + 1, raw, "no argv"));
        let code: i32 = code
            .parse()
            .unwrap_or_else(|_| bad(i + 1, raw, "the code is not a number"));
        let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<Vec<String>>();
        let argv = match stream.next() {
            Some(Ok(v)) => v,
            _ => bad(i + 1, raw, "the argv is not a JSON array of strings"),
        };
        let tail = rest[stream.byte_offset()..].trim();
        let needle = match tail.strip_prefix('~') {
            Some(t) => Some(t.trim().to_string()),
            None if tail.is_empty() => None,
            None => bad(i + 1, raw, "after the argv, only `~ TEXT`"),
        };
        cases.push(Case {
            line: i + 1,
            code,
            argv: argv.iter().map(|a| expand(a, tmp)).collect(),
            needle,
        });
    }
    cases
}

/// The catalog the corpus runs against (described at the top of invalid.txt).
fn corpus_catalog() -> Env {
    let env = Env::new().with_var(SECRET_VAR, "corpus-secret-value");
    for args in [
        &["user", "add", "alice"][..],
        &["user", "add", "bob"],
        &["workspace", "create", "fin_ws"],
        &["workspace", "create", "basic_ws", "--mode", "basic"],
        &["member", "add", "fin_ws", "alice", "--role", "dev"],
        &["rg", "create", "rg_etl"],
        &[
            "compute",
            "attach",
            "fin_ws",
            "mc",
            "--type",
            "maxcompute",
            "--prop",
            "project=fin",
        ],
        &[
            "ds",
            "add",
            "fin_ws",
            "orders",
            "--type",
            "mysql",
            "--prop",
            "address=10.0.0.5:3306",
            "--prop",
            "database=orders",
            "--prop",
            "username=etl",
            "--prop",
            "password=env:DWCTL_CORPUS_SECRET",
        ],
    ] {
        env.run(args).ok();
    }
    env
}

/// The catalog file and its WAL, if any: what "byte-identical" compares.
fn catalog_bytes(env: &Env) -> (Vec<u8>, Option<Vec<u8>>) {
    let wal = PathBuf::from(format!("{}-wal", env.catalog.display()));
    (env.bytes(), std::fs::read(wal).ok())
}

/// Run every case; return one line per failure.
fn run_corpus(env: &Env, cases: &[Case]) -> Vec<String> {
    let mut failures = Vec::new();
    let mut before = catalog_bytes(env);
    for case in cases {
        let args: Vec<&str> = case.argv.iter().map(String::as_str).collect();
        let r = env.run(&args);
        let mut why = Vec::new();
        if r.code != case.code {
            why.push(format!("exit {} (expected {})", r.code, case.code));
        }
        if r.stderr.trim().is_empty() {
            why.push("no message on stderr".to_string());
        }
        if r.stderr.contains("panicked") || r.code == 101 {
            why.push("panicked".to_string());
        }
        // Hostile input is quoted, escaped and cut short in messages: it must neither
        // flood the terminal nor reach it as control sequences.
        if r.stderr.len() > MAX_STDERR {
            why.push(format!("{} bytes on stderr", r.stderr.len()));
        }
        if r.stderr.chars().any(|c| c.is_control() && c != '\n') {
            why.push("a raw control character on stderr".to_string());
        }
        if let Some(n) = &case.needle {
            if !r.stderr.contains(n.as_str()) {
                why.push(format!("stderr lacks {n:?}"));
            }
        }
        if !r.stdout.is_empty() {
            why.push("a refusal printed on stdout".to_string());
        }
        // A value starting with `-` given as its own argument is read by clap as a flag,
        // refused before dwctl's own rule for the value runs: such a case tests clap, and
        // must say so, or pass the value as `--flag=-1` / after `--`.
        let clap_flag = r.stderr.contains("unexpected argument '-");
        if clap_flag
            && !case
                .needle
                .as_deref()
                .is_some_and(|n| n.contains("unexpected argument"))
        {
            why.push(
                "clap took a value for a flag (pass it as --flag=VALUE or after --, or \
                 expect `~ unexpected argument`)"
                    .to_string(),
            );
        }
        let after = catalog_bytes(env);
        if after != before {
            why.push("the catalog changed".to_string());
            before = after; // report the next cases against the new state
        }
        if !why.is_empty() {
            let shown: String = format!("{:?}", case.argv).chars().take(200).collect();
            let stderr: String = r.stderr.chars().take(300).collect();
            failures.push(format!(
                "line {}: {}\n    argv: {shown}\n    stderr: {stderr}",
                case.line,
                why.join(", ")
            ));
        }
    }
    failures
}

#[test]
fn r3_invalid_invocations_exit_2_or_3_and_change_nothing() {
    let env = corpus_catalog();
    let text = std::fs::read_to_string(corpus_dir().join("invalid.txt")).unwrap();
    let cases = parse_corpus(&text, env.path());
    assert!(cases.len() >= 150, "the corpus has {} cases", cases.len());
    assert!(cases.iter().all(|c| c.code == 2 || c.code == 3));
    let failures = run_corpus(&env, &cases);
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    assert!(
        !env.path().join("fresh.db").exists(),
        "an invalid init created a catalog"
    );
}
