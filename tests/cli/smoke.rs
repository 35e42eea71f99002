use crate::harness::*;

#[test]
fn init_then_list_as_json() {
    let env = Env::new();
    let v = env.run(&["workspace", "list", "-o", "json"]).json();
    assert_eq!(v[0]["name"], DEFAULT_WS);
    assert_eq!(v[0]["mode"], "basic");
    assert_eq!(v[0]["is_default"], true);
}

#[test]
fn a_denied_command_changes_nothing_but_its_audit_event() {
    let env = Env::new();
    env.run(&["user", "add", "alice"]).ok();
    env.refused(
        &["--as", "alice", "workspace", "create", "alice_ws"],
        5,
        "alice may not create workspaces",
    );
}
