//! R1: eight processes writing the same catalog at once. SQLite serialises the writers
//! (IMMEDIATE transactions, `busy_timeout` = `--lock-timeout`); nothing may fail, nothing
//! may be lost, and the audit chain must stay unbroken.

use std::collections::BTreeSet;
use std::sync::Mutex;

use super::integrity;
use crate::harness::*;

const WORKSPACE: &str = "crowd_ws";

fn user(worker: usize, i: usize) -> String {
    format!("w{worker}_u{i:03}")
}

/// `workers` threads each run `per_worker` `member add` processes (the principals are
/// made first, by the same number of concurrent processes), reading lists between the
/// writes. Every failure is collected, so that one report names them all.
fn concurrent_member_adds(workers: usize, per_worker: usize) {
    let env = Env::new();
    env.run(&["workspace", "create", WORKSPACE]).ok();
    let failures = Mutex::new(Vec::<String>::new());
    let fail = |what: String| failures.lock().unwrap().push(what);

    std::thread::scope(|s| {
        for w in 0..workers {
            let (env, fail) = (&env, &fail);
            s.spawn(move || {
                for i in 0..per_worker {
                    let r = env.run(&["-q", "user", "add", &user(w, i)]);
                    if r.code != 0 {
                        fail(format!(
                            "user add {}: exit {} {}",
                            user(w, i),
                            r.code,
                            r.stderr
                        ));
                    }
                }
            });
        }
    });
    assert_eq!(failures.lock().unwrap().as_slice(), &[] as &[String]);

    std::thread::scope(|s| {
        for w in 0..workers {
            let (env, fail) = (&env, &fail);
            s.spawn(move || {
                for i in 0..per_worker {
                    let name = user(w, i);
                    let r = env.run(&["-q", "member", "add", WORKSPACE, &name, "--role", "dev"]);
                    if r.code != 0 {
                        fail(format!("member add {name}: exit {} {}", r.code, r.stderr));
                    }
                    // A reader sees a consistent snapshot: at least its own writes, and
                    // well-formed JSON however busy the writers are.
                    if i % 5 == 4 {
                        let r = env.run(&["member", "list", WORKSPACE, "-o", "json"]);
                        match serde_json::from_str::<serde_json::Value>(&r.stdout) {
                            Ok(v) if r.code == 0 => {
                                let mine = v
                                    .as_array()
                                    .unwrap()
                                    .iter()
                                    .filter(|m| {
                                        m["user"]
                                            .as_str()
                                            .unwrap_or("")
                                            .starts_with(&format!("w{w}_"))
                                    })
                                    .count();
                                if mine != i + 1 {
                                    fail(format!("worker {w} saw {mine} of its {} members", i + 1));
                                }
                            }
                            _ => fail(format!("member list: exit {} {}", r.code, r.stderr)),
                        }
                    }
                    if i % 10 == 9 {
                        for args in [
                            &["workspace", "list", "-o", "json"][..],
                            &["audit", "list", "--limit", "20", "-o", "jsonl"][..],
                        ] {
                            let r = env.run(args);
                            if r.code != 0 {
                                fail(format!("{args:?}: exit {} {}", r.code, r.stderr));
                            }
                        }
                    }
                }
            });
        }
    });
    assert_eq!(failures.lock().unwrap().as_slice(), &[] as &[String]);

    let listed = env.run(&["member", "list", WORKSPACE, "-o", "json"]).json();
    let names: BTreeSet<String> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["user"].as_str().unwrap().to_string())
        .collect();
    let mut want: BTreeSet<String> = (0..workers)
        .flat_map(|w| (0..per_worker).map(move |i| user(w, i)))
        .collect();
    want.insert("root".to_string()); // the owner
    assert_eq!(names, want);

    assert_eq!(integrity(&env.catalog), "ok");
    let adds = env
        .audit()
        .iter()
        .filter(|(_, action, outcome)| action == "member.add" && outcome == "ok")
        .count();
    assert_eq!(adds, workers * per_worker, "one audit event per member add");
    let verify = env.run(&["audit", "verify", "-o", "json"]).json();
    assert_eq!(verify["ok"], true, "{verify}");
}

#[test]
fn r1_eight_writers_at_once_lose_nothing() {
    concurrent_member_adds(8, 50);
}

#[test]
#[ignore = "stress size (8 x 250): run by bench/stress.sh"]
fn r1_stress_eight_writers_250_each() {
    concurrent_member_adds(8, 250);
}
