//! The manifest format end to end: parsing, positions, duplicates, writing, secrets.

use std::collections::BTreeMap;

use super::model::*;
use super::position::*;
use super::write::*;
use super::*;
use crate::model::error::Kind;

const T: Format = Format::Toml;
const J: Format = Format::Json;

fn ok(text: &str, format: Format) -> Manifest {
    match parse(text, "m", format) {
        Ok(m) => m,
        Err(e) => panic!("expected to parse, got: {}\n{text}", e.message),
    }
}

/// The message of the error `text` gives, read as `manifest.toml` or `m.json`.
fn err(text: &str, format: Format) -> String {
    let source = match format {
        T => "manifest.toml",
        J => "m.json",
    };
    match parse(text, source, format) {
        Ok(m) => panic!("expected an error, parsed: {m:?}\n{text}"),
        Err(e) => {
            assert_eq!(e.kind, Kind::Invalid, "{}", e.message);
            assert!(!e.message.contains('\n'), "one line: {}", e.message);
            e.message
        }
    }
}

/// `L:C` of the `nth` (0-based) occurrence of `needle`, counted independently of the
/// code under test.
fn pos(text: &str, needle: &str, nth: usize) -> String {
    let offset = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("`{needle}` #{nth} not in text"))
        .0;
    let lines: Vec<&str> = text[..offset].split('\n').collect();
    format!(
        "{}:{}",
        lines.len(),
        lines.last().unwrap().chars().count() + 1
    )
}

/// `L:C` of the first `needle` at or after byte `from`.
fn pos_from(text: &str, from: usize, needle: &str) -> String {
    let offset = from
        + text[from..]
            .find(needle)
            .unwrap_or_else(|| panic!("`{needle}` not in text"));
    let lines: Vec<&str> = text[..offset].split('\n').collect();
    format!(
        "{}:{}",
        lines.len(),
        lines.last().unwrap().chars().count() + 1
    )
}

fn assert_starts(msg: &str, prefix: &str) {
    assert!(
        msg.starts_with(prefix),
        "message\n  {msg}\ndoes not start with\n  {prefix}"
    );
}

const V1: &str = "version = 1\n";

// ---- example and the spec ------------------------------------------------------

#[test]
fn example_parses_and_uses_every_kind_of_value() {
    let m = ok(EXAMPLE, T);
    assert_eq!(m.version, 1);
    assert_eq!(m.principal.len(), 2);
    assert_eq!(m.resource_group.len(), 2);
    assert_eq!(m.resource_group[1].duration, Some(1));
    let ws = &m.workspace[0];
    assert_eq!(ws.member.len(), 2);
    assert_eq!(ws.compute.len(), 2);
    assert_eq!(ws.datasource.len(), 2);
    assert_eq!(ws.tags.as_ref().unwrap()["cost.center"], "cc-042");
    let prod = ws.datasource[0].properties.as_ref().unwrap();
    assert_eq!(
        prod["password"],
        PropValue::Env(secret_env_name(
            "finance_tax_report",
            "orders",
            "prod",
            "password"
        ))
    );
    let dev = ws.datasource[1].properties.as_ref().unwrap();
    assert!(matches!(dev["password"], PropValue::File(_)));
    assert_eq!(dev["extra.connectTimeout"], PropValue::Plain("5000".into()));
}

#[test]
fn example_round_trips() {
    let m = ok(EXAMPLE, T);
    assert_eq!(ok(&to_toml(&m), T), m);
    assert_eq!(ok(&to_json(&m), J), m);
}

/// The example of cli.md section 8 with its comments; exporting it gives it back
/// without the comments (properties sorted).
const CLI_MD_EXAMPLE: &str = r#"version = 1

[[principal]]
name = "alice"
kind = "ram-user"                  # ram-user | ram-role
full_access = false
display_name = "Alice"

[[resource_group]]
name = "rg_etl"
type = "serverless"
spec = 4
payment = "postpaid"
vpc = "vpc-abc123"
vswitch = "vsw-def456"

[[workspace]]
name = "finance_tax_report"
display_name = "Finance tax report"
mode = "standard"
status = "available"               # available | disabled
sod_policy = "warn"
resource_groups = ["rg_etl"]
default_resource_group = "rg_etl"
tags = { team = "fin" }

[[workspace.member]]
user = "alice"
roles = ["role_project_admin"]     # codes or aliases

[[workspace.compute]]              # brings its data source; not listed again below
name = "mc"
type = "maxcompute"
env = "prod"
properties = { project = "fin" }

[[workspace.datasource]]
name = "orders"
type = "mysql"
env = "prod"
mode = "url"
properties = { address = "10.0.0.5:3306", database = "orders", username = "etl", password = { env = "ORDERS_PROD_PASSWORD" } }
"#;

const CLI_MD_EXPORTED: &str = r#"version = 1

[[principal]]
name = "alice"
kind = "ram-user"
full_access = false
display_name = "Alice"

[[resource_group]]
name = "rg_etl"
type = "serverless"
spec = 4
payment = "postpaid"
vpc = "vpc-abc123"
vswitch = "vsw-def456"

[[workspace]]
name = "finance_tax_report"
display_name = "Finance tax report"
mode = "standard"
status = "available"
sod_policy = "warn"
resource_groups = ["rg_etl"]
default_resource_group = "rg_etl"
tags = { team = "fin" }

[[workspace.member]]
user = "alice"
roles = ["role_project_admin"]

[[workspace.compute]]
name = "mc"
type = "maxcompute"
env = "prod"
properties = { project = "fin" }

[[workspace.datasource]]
name = "orders"
type = "mysql"
env = "prod"
mode = "url"
properties = { address = "10.0.0.5:3306", database = "orders", password = { env = "ORDERS_PROD_PASSWORD" }, username = "etl" }
"#;

#[test]
fn cli_md_example_emits_in_the_same_style() {
    let m = ok(CLI_MD_EXAMPLE, T);
    assert_eq!(to_toml(&m), CLI_MD_EXPORTED);
    assert_eq!(ok(CLI_MD_EXPORTED, T), m);
}

#[test]
fn json_has_the_same_structure() {
    let m = ok(CLI_MD_EXAMPLE, T);
    let json = to_json(&m);
    assert!(json.ends_with("}\n"));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["version"], 1);
    assert_eq!(v["resource_group"][0]["type"], "serverless");
    assert!(v["resource_group"][0].get("type_").is_none());
    assert!(
        v["resource_group"][0].get("remark").is_none(),
        "absent keys left out"
    );
    assert_eq!(
        v["workspace"][0]["datasource"][0]["properties"]["password"],
        serde_json::json!({"env": "ORDERS_PROD_PASSWORD"})
    );
    assert_eq!(v["workspace"][0]["tags"]["team"], "fin");
    // Key order is the TOML emitter's.
    let keys = |s: &str| -> Vec<usize> {
        [
            "\"name\"",
            "\"display_name\"",
            "\"mode\"",
            "\"tags\"",
            "\"member\"",
        ]
        .iter()
        .map(|k| s.find(k).unwrap())
        .collect()
    };
    let ws_text = &json[json.find("\"workspace\"").unwrap()..];
    let k = keys(ws_text);
    assert!(k.windows(2).all(|w| w[0] < w[1]), "{k:?}");
    assert_eq!(ok(&json, J), m);
}

#[test]
fn empty_lists_are_written_in_json_and_left_out_in_toml() {
    let m = Manifest {
        workspace: vec![WorkspaceDecl {
            name: "w1".into(),
            ..Default::default()
        }],
        ..Default::default()
    };
    assert_eq!(to_toml(&m), "version = 1\n\n[[workspace]]\nname = \"w1\"\n");
    assert_eq!(
            to_json(&m),
            "{\n  \"version\": 1,\n  \"principal\": [],\n  \"resource_group\": [],\n  \"workspace\": [\n    {\n      \"name\": \"w1\",\n      \"member\": [],\n      \"compute\": [],\n      \"datasource\": []\n    }\n  ]\n}\n"
        );
    assert_eq!(to_toml(&Manifest::default()), "version = 1\n");
    assert_eq!(ok("version = 1", T), Manifest::default());
    assert_eq!(ok("{\"version\": 1}", J), Manifest::default());
}

#[test]
fn format_follows_the_extension() {
    assert_eq!(format_for_path("m.json"), J);
    assert_eq!(format_for_path("dir.x/M.JSON"), J);
    assert_eq!(format_for_path("m.toml"), T);
    assert_eq!(format_for_path("m"), T);
    assert_eq!(format_for_path("-"), T);
    assert_eq!(format_for_path("m.json.toml"), T);
    assert_eq!(format_for_path(".json"), T, "a dot file, no extension");
    assert_eq!(emit(&Manifest::default(), J), to_json(&Manifest::default()));
    assert_eq!(emit(&Manifest::default(), T), to_toml(&Manifest::default()));
}

// ---- version --------------------------------------------------------------------

#[test]
fn version_missing() {
    for text in ["", "# nothing\n", "[[principal]]\nname = \"a\"\n"] {
        let e = parse(text, "manifest.toml", T).unwrap_err();
        assert_eq!(
                e.message,
                "manifest.toml:1:1: missing `version`, expected `version = 1` (the only version this dwctl reads)"
            );
        assert_eq!(
            e.hint.as_deref(),
            Some("add `version = 1` at the top of the manifest")
        );
    }
    let e = parse("{\"principal\": []}", "<stdin>", J).unwrap_err();
    assert_eq!(
            e.message,
            "<stdin>:1:1: missing `version`, expected `\"version\": 1` (the only version this dwctl reads)"
        );
    assert_eq!(
        e.hint.as_deref(),
        Some("add `\"version\": 1` at the top of the manifest")
    );
}

#[test]
fn version_other_than_1() {
    assert_eq!(
            err("version = 2\n", T),
            "manifest.toml:1:11: unsupported manifest version 2, expected 1 (the only version this dwctl reads)"
        );
    assert_eq!(
            err("# hello\nversion   =   0\n", T),
            "manifest.toml:2:15: unsupported manifest version 0, expected 1 (the only version this dwctl reads)"
        );
    assert_starts(
        &err("version = -1\n", T),
        "manifest.toml:1:11: unsupported manifest version -1, expected 1",
    );
    assert_eq!(
            err("version = \"1\"\n", T),
            "manifest.toml:1:11: invalid type: string \"1\", expected the manifest version, the integer 1"
        );
    assert_eq!(
            err("version = 1.0\n", T),
            "manifest.toml:1:11: invalid type: floating point `1.0`, expected the manifest version, the integer 1"
        );
    assert_eq!(
            err("{\n  \"version\": 3\n}", J),
            "m.json:2:14: unsupported manifest version 3, expected 1 (the only version this dwctl reads)"
        );
    assert_starts(&err("{\"version\": 18446744073709551615}", J), "m.json:1:");
    assert_starts(
        &err("{\"version\": null}", J),
        "m.json:1:13: invalid type: null, expected the manifest version, the integer 1",
    );
}

// ---- unknown keys ---------------------------------------------------------------

#[test]
fn unknown_key_at_every_level_toml() {
    let cases = [
            (
                "version = 1\ncolour = 1\n",
                "2:1: unknown field `colour`, expected one of `version`, `region`, `principal`, `resource_group`, `workspace`",
            ),
            (
                "version = 1\n\n[[principal]]\nname = \"a\"\n  colour = 1\n",
                "5:3: unknown field `colour`, expected one of `name`, `id`, `kind`, `full_access`, `display_name`, `db_role`",
            ),
            (
                "version = 1\n[[resource_group]]\nname = \"g\"\nsize = 4\n",
                "4:1: unknown field `size`, expected one of `name`, `id`, `type`, `spec`, `payment`, `duration`, `duration_unit`, `vpc`, `vswitch`, `remark`",
            ),
            (
                "version = 1\n[[workspace]]\nname = \"w\"\nowner = \"x\"\n",
                "4:1: unknown field `owner`, expected one of `name`, `id`, `display_name`, `description`, `mode`, `status`, `sod_policy`, `dev_role_disabled`, `pai_tasks_enabled`, `resource_groups`, `default_resource_group`, `tags`, `custom_roles`, `shares`, `member`, `compute`, `datasource`",
            ),
            (
                "version = 1\n[[workspace]]\nname = \"w\"\n[[workspace.member]]\nuser = \"u\"\nroles = [\"dev\"]\nrole = \"x\"\n",
                "7:1: unknown field `role`, expected one of `user`, `roles`, `expires`, `status`",
            ),
            (
                "version = 1\n[[workspace]]\nname = \"w\"\n[[workspace.compute]]\nname = \"c\"\ntype = \"emr\"\nenv = \"prod\"\nprops = {}\n",
                "8:1: unknown field `props`, expected one of `name`, `id`, `datasource_id`, `type`, `env`, `mode`, `properties`, `default`, `description`",
            ),
            (
                "version = 1\n[[workspace]]\nname = \"w\"\n[[workspace.datasource]]\nname = \"d\"\ntype = \"mysql\"\nenv = \"prod\"\norigin = \"manual\"\n",
                "8:1: unknown field `origin`, expected one of `name`, `id`, `type`, `env`, `mode`, `properties`, `description`",
            ),
            (
                "version = 1\n[[workspace]]\nname = \"w\"\n[[workspace.typo]]\nname = \"d\"\n",
                "4:13: unknown field `typo`, expected one of",
            ),
            (
                "version = 1\n[[workspace]]\nname = \"w\"\ntype_ = \"x\"\n",
                "4:1: unknown field `type_`",
            ),
        ];
    for (text, expected) in cases {
        assert_starts(&err(text, T), &format!("manifest.toml:{expected}"));
    }
}

#[test]
fn unknown_key_at_every_level_json() {
    let text = r#"{
  "version": 1,
  "colour": 2
}"#;
    assert_starts(
        &err(text, J),
        "m.json:3:3: unknown field `colour`, expected one of `version`",
    );
    let text = r#"{
  "version": 1,
  "workspace": [
    {
      "name": "w",
      "member": [
        { "user": "u", "roles": ["dev"], "colour": 1 }
      ]
    }
  ]
}"#;
    assert_eq!(
        err(text, J),
        "m.json:7:42: unknown field `colour`, expected one of `user`, `roles`, `expires`, `status`"
    );
    for (level, body) in [
        ("principal", r#""principal": [{"name": "a", "xx": 1}]"#),
        (
            "resource_group",
            r#""resource_group": [{"name": "a", "xx": 1}]"#,
        ),
        ("workspace", r#""workspace": [{"name": "a", "xx": 1}]"#),
        (
            "compute",
            r#""workspace": [{"name": "a", "compute": [{"name": "c", "type": "emr", "env": "prod", "xx": 1}]}]"#,
        ),
        (
            "datasource",
            r#""workspace": [{"name": "a", "datasource": [{"name": "c", "type": "emr", "env": "prod", "xx": 1}]}]"#,
        ),
    ] {
        let text = format!("{{\"version\": 1, {body}}}");
        let e = err(&text, J);
        assert_starts(
            &e,
            &format!("m.json:{}: unknown field `xx`", pos(&text, "\"xx\"", 0)),
        );
        assert!(e.contains("expected"), "{level}: {e}");
    }
}

// ---- wrong types and missing keys ------------------------------------------------

#[test]
fn wrong_value_types_toml() {
    let cases: &[(&str, &str, &str)] = &[
            ("[[principal]]\nname = 5\n", "5", "invalid type: integer `5`, expected a string"),
            (
                "[[principal]]\nname = \"a\"\nfull_access = \"yes\"\n",
                "\"yes\"",
                "invalid type: string \"yes\", expected a boolean",
            ),
            (
                "[[resource_group]]\nname = \"g\"\nspec = -4\n",
                "-4",
                "invalid value: integer `-4`, expected a whole number from 0 to 4294967295",
            ),
            (
                "[[resource_group]]\nname = \"g\"\nspec = \"4\"\n",
                "\"4\"",
                "invalid type: string \"4\", expected a whole number from 0 to 4294967295",
            ),
            (
                "[[resource_group]]\nname = \"g\"\nduration = 4294967296\n",
                "4294967296",
                "invalid value: integer `4294967296`, expected a whole number from 0 to 4294967295",
            ),
            (
                "[[resource_group]]\nname = \"g\"\nspec = 2.5\n",
                "2.5",
                "invalid type: floating point `2.5`, expected a whole number",
            ),
            (
                "[[workspace]]\nname = \"w\"\nresource_groups = \"rg\"\n",
                "\"rg\"",
                "invalid type: string \"rg\", expected a sequence",
            ),
            (
                "[[workspace]]\nname = \"w\"\ntags = \"team=fin\"\n",
                "\"team=fin\"",
                "invalid type: string \"team=fin\", expected a table of keys and values",
            ),
            (
                "[[workspace]]\nname = \"w\"\ntags = { team = 1 }\n",
                "1 }",
                "invalid type: integer `1`, expected a string",
            ),
            (
                "[[workspace]]\nname = \"w\"\ndev_role_disabled = 1\n",
                "1\n",
                "invalid type: integer `1`, expected a boolean",
            ),
            (
                "[[workspace]]\nname = \"w\"\n[[workspace.member]]\nuser = \"u\"\nroles = \"dev\"\n",
                "\"dev\"",
                "invalid type: string \"dev\", expected a sequence",
            ),
            (
                "[[workspace]]\nname = \"w\"\n[[workspace.member]]\nuser = \"u\"\nroles = [\"dev\", 2]\n",
                "2]",
                "invalid type: integer `2`, expected a string",
            ),
            (
                "[[workspace]]\nname = \"w\"\n[[workspace.compute]]\nname = \"c\"\ntype = \"emr\"\nenv = \"prod\"\nproperties = [\"a\"]\n",
                "[\"a\"]",
                "invalid type: sequence, expected a table of keys and values",
            ),
            ("principal = 3\n", "3", "invalid type: integer `3`, expected a sequence"),
            (
                "principal = [3]\n",
                "3]",
                "invalid type: integer `3`, expected a principal table",
            ),
            (
                "resource_group = [\"g\"]\n",
                "\"g\"",
                "invalid type: string \"g\", expected a resource group table",
            ),
            (
                "workspace = [true]\n",
                "true",
                "invalid type: boolean `true`, expected a workspace table",
            ),
            (
                "[[workspace]]\nname = \"w\"\nmember = [1]\n",
                "1]",
                "invalid type: integer `1`, expected a member table",
            ),
            (
                "[[workspace]]\nname = \"w\"\ncompute = [1]\n",
                "1]",
                "invalid type: integer `1`, expected a compute table",
            ),
            (
                "[[workspace]]\nname = \"w\"\ndatasource = [1]\n",
                "1]",
                "invalid type: integer `1`, expected a datasource table",
            ),
            (
                "[principal]\nname = \"a\"\n",
                "[principal]",
                "invalid type: map, expected a sequence",
            ),
        ];
    for (body, at, message) in cases {
        let text = format!("{V1}{body}");
        assert_starts(
            &err(&text, T),
            &format!("manifest.toml:{}: {message}", pos_from(&text, V1.len(), at)),
        );
    }
}

#[test]
fn wrong_value_types_json() {
    let cases: &[(&str, &str, &str)] = &[
        (
            r#""principal": [{"name": 5}]"#,
            "5",
            "invalid type: integer `5`, expected a string",
        ),
        (
            r#""principal": [{"name": "a", "full_access": "yes"}]"#,
            "\"yes\"",
            "invalid type: string \"yes\", expected a boolean",
        ),
        (
            r#""resource_group": [{"name": "g", "spec": "4"}]"#,
            "\"4\"",
            "invalid type: string \"4\", expected a whole number from 0 to 4294967295",
        ),
        (
            r#""workspace": [{"name": "w", "tags": {"a": 1}}]"#,
            "1",
            "invalid type: integer `1`, expected a string",
        ),
        (
            r#""principal": {}"#,
            "{}",
            "invalid type: map, expected a sequence",
        ),
        (
            "\"principal\":\n   {}",
            "{}",
            "invalid type: map, expected a sequence",
        ),
        (
            r#""workspace": [{"name": "w", "dev_role_disabled": -12.5e3}]"#,
            "-12",
            "invalid type: floating point `-12500.0`, expected a boolean",
        ),
        (
            r#""workspace": [{"name": "w", "resource_groups": [true]}]"#,
            "true",
            "invalid type: boolean `true`, expected a string",
        ),
    ];
    for (body, at, message) in cases {
        let text = format!("{{\"version\": 1, {body}}}");
        assert_starts(
            &err(&text, J),
            &format!("m.json:{}: {message}", pos_from(&text, 15, at)),
        );
    }
}

#[test]
fn json_lists_where_tables_belong_are_refused() {
    let cases: &[(&str, &str, &str)] = &[
        ("[1, [], [], []]", "[1", EXPECT_MANIFEST),
        (
            r#"{"version": 1, "principal": [{"name": "a"}, ["b"]]}"#,
            r#"["b"]"#,
            EXPECT_PRINCIPAL,
        ),
        (
            r#"{"version": 1, "resource_group": [["g"]]}"#,
            r#"["g"]"#,
            EXPECT_RESOURCE_GROUP,
        ),
        (
            r#"{"version": 1, "workspace": [["w"]]}"#,
            r#"["w"]"#,
            EXPECT_WORKSPACE,
        ),
        (
            r#"{"version": 1, "workspace": [{"name": "w", "member": [["u", ["dev"]]]}]}"#,
            r#"["u""#,
            EXPECT_MEMBER,
        ),
        (
            r#"{"version": 1, "workspace": [{"name": "w", "compute": [["c", "emr", "prod"]]}]}"#,
            r#"["c""#,
            EXPECT_COMPUTE,
        ),
        (
            r#"{"version": 1, "workspace": [{"name": "w", "datasource": [["d", "mysql", "prod"]]}]}"#,
            r#"["d""#,
            EXPECT_DATASOURCE,
        ),
    ];
    for (text, at, expected) in cases {
        assert_eq!(
            err(text, J),
            format!(
                "m.json:{}: invalid type: sequence, expected {expected}",
                pos(text, at, 0)
            )
        );
    }
    // Two principals, the second a list: pointed at, not at the first.
    let text = "{\"version\": 1,\n \"principal\": [\n  {\"name\": \"a\"},\n  [\"b\"]\n ]\n}";
    assert_starts(&err(text, J), "m.json:4:3: invalid type: sequence");
}

#[test]
fn expect_constants_match_the_serde_attributes() {
    for (text, expected) in [
        ("principal = [1]", EXPECT_PRINCIPAL),
        ("resource_group = [1]", EXPECT_RESOURCE_GROUP),
        ("workspace = [1]", EXPECT_WORKSPACE),
        (
            "workspace = [{ name = \"w\", member = [1] }]",
            EXPECT_MEMBER,
        ),
        (
            "workspace = [{ name = \"w\", compute = [1] }]",
            EXPECT_COMPUTE,
        ),
        (
            "workspace = [{ name = \"w\", datasource = [1] }]",
            EXPECT_DATASOURCE,
        ),
    ] {
        let e = err(&format!("{V1}{text}"), T);
        assert!(e.ends_with(&format!("expected {expected}")), "{e}");
    }
    assert!(err("7", J).ends_with(&format!("expected {EXPECT_MANIFEST}")));
}

#[test]
fn missing_required_keys() {
    let cases: &[(&str, &str, &str)] = &[
            ("[[principal]]\nkind = \"ram-user\"\n", "[[principal]]", "missing field `name`"),
            ("[[resource_group]]\nspec = 2\n", "[[resource_group]]", "missing field `name`"),
            ("[[workspace]]\nmode = \"basic\"\n", "[[workspace]]", "missing field `name`"),
            (
                "[[workspace]]\nname = \"w\"\n[[workspace.member]]\nroles = [\"dev\"]\n",
                "[[workspace.member]]",
                "missing field `user`",
            ),
            (
                "[[workspace]]\nname = \"w\"\n[[workspace.member]]\nuser = \"u\"\n",
                "[[workspace.member]]",
                "missing field `roles`",
            ),
            (
                "[[workspace]]\nname = \"w\"\n[[workspace.compute]]\nname = \"c\"\nenv = \"prod\"\n",
                "[[workspace.compute]]",
                "missing field `type`",
            ),
            (
                "[[workspace]]\nname = \"w\"\n[[workspace.datasource]]\nname = \"d\"\ntype = \"mysql\"\n",
                "[[workspace.datasource]]",
                "missing field `env`",
            ),
        ];
    for (body, at, message) in cases {
        let text = format!("{V1}{body}");
        assert_eq!(
            err(&text, T),
            format!("manifest.toml:{}: {message}", pos(&text, at, 0))
        );
    }
    let text = "{\"version\": 1,\n \"principal\": [{\"kind\": \"ram-role\"}]}";
    assert_eq!(err(text, J), "m.json:2:35: missing field `name`");
}

#[test]
fn json_null_means_left_out() {
    let text = r#"{"version": 1, "resource_group": [{"name": "g", "type": null, "spec": null}],
            "workspace": [{"name": "w", "tags": null, "resource_groups": null,
              "datasource": [{"name": "d", "type": "mysql", "env": "prod", "properties": null}]}]}"#;
    let m = ok(text, J);
    assert_eq!(
        m.resource_group[0],
        ResourceGroupDecl {
            name: "g".into(),
            ..Default::default()
        }
    );
    assert_eq!(m.workspace[0].tags, None);
    assert_eq!(m.workspace[0].datasource[0].properties, None);
    // A list of objects is not optional.
    assert_starts(
        &err(
            r#"{"version": 1, "workspace": [{"name": "w", "member": null}]}"#,
            J,
        ),
        "m.json:1:54: invalid type: null, expected a sequence",
    );
}

// ---- syntax errors and positions -------------------------------------------------

#[test]
fn syntax_errors_toml() {
    assert_starts(&err("version = 1\nx = = 3\n", T), "manifest.toml:2:5: ");
    assert_starts(
        &err("version = 1\n[[principal]]\nname = \"unterminated\n", T),
        "manifest.toml:3:21: ",
    );
    assert_eq!(
        err("version = 1\nversion = 1\n", T),
        "manifest.toml:2:1: duplicate key"
    );
    assert_starts(
        &err(
            "version = 1\n[[workspace]]\nname = \"w\"\ntags = { a = \"1\", a = \"2\" }\n",
            T,
        ),
        "manifest.toml:4:19: duplicate key",
    );
}

#[test]
fn syntax_errors_json() {
    assert_eq!(err("", J), "m.json:1:1: EOF while parsing a value");
    assert_eq!(
        err("{\n  \"version\": 1,\n}", J),
        "m.json:3:1: trailing comma"
    );
    assert_eq!(
        err("{\"version\": 1} x", J),
        "m.json:1:16: trailing characters"
    );
    assert_eq!(err("{\"version\" 1}", J), "m.json:1:12: expected `:`");
}

#[test]
fn columns_count_characters_not_bytes() {
    // "é" and "日本" are 2 and 6 bytes; the column counts characters.
    let text = "version = 1\n[[principal]]\nname = \"é日本\" ; x\n";
    assert_starts(&err(text, T), "manifest.toml:3:14: ");
    let text = "version = 1\n[[principal]]\ndisplay_name = \"日本\"\ncolour = 1\nname = \"a\"\n";
    assert_starts(&err(text, T), "manifest.toml:4:1: unknown field `colour`");
    let text = "{\"version\": 1, \"principal\": [{\"name\": \"日本\", \"kind\": 5}]}";
    assert_starts(
        &err(text, J),
        &format!("m.json:{}: invalid type: integer", pos(text, "5", 0)),
    );
    let text = "{\"version\": 1, \"principal\": [{\"name\": \"日本\", \"kïnd\": 5}]}";
    assert_starts(
        &err(text, J),
        &format!("m.json:{}: unknown field `kïnd`", pos(text, "\"kïnd\"", 0)),
    );
}

#[test]
fn bom_and_crlf() {
    let text = "\u{feff}version = 1\r\n[[principal]]\r\nname = \"a\"\r\ncolour = 1\r\n";
    assert_starts(&err(text, T), "manifest.toml:4:1: unknown field `colour`");
    assert_eq!(ok("\u{feff}version = 1\r\n", T), Manifest::default());
    let text = "\u{feff}{\r\n  \"version\": 1,\r\n  \"colour\": 1\r\n}";
    assert_starts(&err(text, J), "m.json:3:3: unknown field `colour`");
    assert_eq!(ok("\u{feff}{\"version\": 1}", J), Manifest::default());
    let text = "version = 1\r\n[[principal]]\r\nname = \"a\"\r\n[[principal]]\r\nname = \"A\"\r\n";
    assert_starts(
        &err(text, T),
        "manifest.toml:5:8: duplicate principal `A` (first at 3:8)",
    );
}

// ---- property values ---------------------------------------------------------------

fn props_toml(inline: &str) -> String {
    format!(
            "{V1}[[workspace]]\nname = \"w\"\n[[workspace.datasource]]\nname = \"d\"\ntype = \"mysql\"\nenv = \"prod\"\nproperties = {inline}\n"
        )
}

fn props_of(m: &Manifest) -> &BTreeMap<String, PropValue> {
    m.workspace[0].datasource[0].properties.as_ref().unwrap()
}

#[test]
fn address_lists_in_the_apis_shape_become_host_port_lists() {
    let m = ok(
        &props_toml(
            r#"{ address = [{ host = "127.0.0.1", port = "3306" }], loadAddress = [{ host = "fe1", port = 8030 }, { host = "::1", port = 8031 }, { host = "fe3", port = 8030 }] }"#,
        ),
        T,
    );
    let p = props_of(&m);
    assert_eq!(p["address"], PropValue::Plain("127.0.0.1:3306".into()));
    assert_eq!(
        p["loadAddress"],
        PropValue::Plain("fe1:8030,[::1]:8031,fe3:8030".into())
    );
    let json = r#"{"version": 1, "workspace": [{"name": "w", "datasource": [{"name": "d", "type": "mysql", "env": "prod",
            "properties": {"address": [{"host": "127.0.0.1", "port": 3306}], "loadAddress": [{"host": "fe1", "port": "8030"}, {"host": "::1", "port": 8031}, {"host": "fe3", "port": 8030}]}}]}]}"#;
    assert_eq!(ok(json, J), m);
    err(&props_toml("{ address = [] }"), T);
    err(&props_toml("{ address = [{ port = 1 }] }"), T);
}

#[test]
fn prop_value_forms() {
    let m = ok(
        &props_toml(
            r#"{ a = "1", b = { env = "B_VAR" }, c = { file = "/run/c" }, "extra.db.password" = { env = "X" }, e = "" }"#,
        ),
        T,
    );
    let p = props_of(&m);
    assert_eq!(p["a"], PropValue::Plain("1".into()));
    assert_eq!(p["b"], PropValue::Env("B_VAR".into()));
    assert_eq!(p["c"], PropValue::File("/run/c".into()));
    assert_eq!(p["extra.db.password"], PropValue::Env("X".into()));
    assert_eq!(p["e"], PropValue::Plain(String::new()));
    let json = r#"{"version": 1, "workspace": [{"name": "w", "datasource": [{"name": "d", "type": "mysql", "env": "prod",
            "properties": {"a": "1", "b": {"env": "B_VAR"}, "c": {"file": "/run/c"}, "extra.db.password": {"env": "X"}, "e": ""}}]}]}"#;
    assert_eq!(ok(json, J), m);
    assert_eq!(
        ok(&props_toml("{}"), T).workspace[0].datasource[0].properties,
        Some(BTreeMap::new())
    );
}

#[test]
fn prop_value_errors() {
    const WHAT: &str = "expected a string, { env = \"VAR\" } or { file = \"PATH\" }";
    let cases: &[(&str, &str, String)] = &[
        (
            r#"{ password = { env = "X", file = "y" } }"#,
            "{ env",
            format!("a property value takes exactly one of `env` and `file`, {WHAT}"),
        ),
        (
            r#"{ password = { vault = "X" } }"#,
            "{ vault",
            format!("unknown key `vault` in a property value, {WHAT}"),
        ),
        (
            r#"{ password = {} }"#,
            "{} }",
            format!("empty table as a property value, {WHAT}"),
        ),
        (
            r#"{ port = 3306 }"#,
            "3306",
            format!("invalid type: integer `3306`, {WHAT}"),
        ),
        (
            r#"{ ssl = true }"#,
            "true",
            format!("invalid type: boolean `true`, {WHAT}"),
        ),
        (
            r#"{ a = ["x"] }"#,
            "[\"x\"]",
            format!("a list as a property value is an address list of {{ host = \"...\", port = N }} tables; otherwise {WHAT}"),
        ),
        (
            r#"{ password = { env = 5 } }"#,
            "5",
            "invalid type: integer `5`, expected a string".to_owned(),
        ),
        (
            r#"{ password = { env = "" } }"#,
            "{ env",
            "`env` is empty, expected the name of an environment variable".to_owned(),
        ),
        (
            r#"{ password = { file = "" } }"#,
            "{ file",
            "`file` is empty, expected a file path".to_owned(),
        ),
    ];
    // A table refused as a whole is pointed at where it starts; a value inside it
    // that has the wrong type, at that value.
    for (inline, at, message) in cases {
        let text = props_toml(inline);
        assert_eq!(
            err(&text, T),
            format!("manifest.toml:{}: {message}", pos(&text, at, 0))
        );
    }
    let json = r#"{"version": 1, "workspace": [{"name": "w", "compute": [{"name": "c", "type": "emr", "env": "prod",
            "properties": {"password": {"env": "X", "file": "y"}}}]}]}"#;
    assert_eq!(
        err(json, J),
        format!(
            "m.json:{}: a property value takes exactly one of `env` and `file`, {WHAT}",
            pos(json, "\"file\"", 0)
        )
    );
    let json = r#"{"version": 1, "workspace": [{"name": "w", "compute": [{"name": "c", "type": "emr", "env": "prod",
            "properties": {"a": "1", "a": "2"}}]}]}"#;
    assert_starts(
        &err(json, J),
        &format!("m.json:{}: duplicate key `a`", pos(json, "\"a\"", 1)),
    );
}

// ---- duplicates ------------------------------------------------------------------------

#[test]
fn duplicate_names_toml() {
    let cases: &[(&str, &str, &str, &str)] = &[
            (
                "[[principal]]\nname = \"alice\"\n[[principal]]\nname = \"Alice\"\n",
                "\"alice\"",
                "\"Alice\"",
                "duplicate principal `Alice`",
            ),
            (
                "[[resource_group]]\nname = \"rg\"\n[[resource_group]]\nname = \"RG\"\n",
                "\"rg\"",
                "\"RG\"",
                "duplicate resource group `RG`",
            ),
            (
                "[[workspace]]\nname = \"fin\"\n[[workspace]]\nname = \"other\"\n[[workspace]]\nname = \"FIN\"\n",
                "\"fin\"",
                "\"FIN\"",
                "duplicate workspace `FIN`",
            ),
            (
                "[[workspace]]\nname = \"w\"\nresource_groups = [\"rg\", \"x\", \"Rg\"]\n",
                "\"rg\"",
                "\"Rg\"",
                "resource group `Rg` is listed twice in `resource_groups` of workspace `w`",
            ),
            (
                "[[workspace]]\nname = \"w\"\n[[workspace.member]]\nuser = \"bob\"\nroles = [\"dev\"]\n[[workspace.member]]\nuser = \"BOB\"\nroles = [\"ops\"]\n",
                "\"bob\"",
                "\"BOB\"",
                "duplicate member `BOB` in workspace `w`",
            ),
            (
                "[[workspace]]\nname = \"w\"\n[[workspace.member]]\nuser = \"bob\"\nroles = [\"dev\", \"ops\", \"DEV\"]\n",
                "\"dev\"",
                "\"DEV\"",
                "role `DEV` is listed twice for member `bob` of workspace `w`",
            ),
            (
                "[[workspace]]\nname = \"w\"\n[[workspace.compute]]\nname = \"mc\"\ntype = \"emr\"\nenv = \"prod\"\n[[workspace.compute]]\nname = \"MC\"\ntype = \"flink\"\nenv = \"PROD\"\n",
                "\"mc\"",
                "\"MC\"",
                "duplicate compute resource `MC` (env `PROD`) in workspace `w`",
            ),
            (
                "[[workspace]]\nname = \"w\"\n[[workspace.datasource]]\nname = \"orders\"\ntype = \"mysql\"\nenv = \"prod\"\n[[workspace.datasource]]\nname = \"orders\"\ntype = \"mysql\"\nenv = \"dev\"\n[[workspace.datasource]]\nname = \"Orders\"\ntype = \"mysql\"\nenv = \"prod\"\n",
                "\"orders\"",
                "\"Orders\"",
                "duplicate data source `Orders` (env `prod`) in workspace `w`",
            ),
            (
                "[[workspace]]\nname = \"w\"\n[[workspace.compute]]\nname = \"mc\"\ntype = \"maxcompute\"\nenv = \"prod\"\n[[workspace.datasource]]\nname = \"mc\"\ntype = \"maxcompute\"\nenv = \"prod\"\n",
                "\"mc\"",
                "\"mc\"",
                "data source `mc` (env `prod`) in workspace `w` is the one compute resource `mc` brings",
            ),
        ];
    for (body, first, second, message) in cases {
        let text = format!("{V1}{body}");
        let second_pos = pos(&text, second, if first == second { 1 } else { 0 });
        let first_pos = pos(&text, first, 0);
        let e = parse(&text, "manifest.toml", T).unwrap_err();
        assert_eq!(
            e.message,
            format!("manifest.toml:{second_pos}: {message} (first at {first_pos})")
        );
        assert!(e.hint.is_some());
    }
}

#[test]
fn same_names_in_other_scopes_are_fine() {
    let text = format!(
        "{V1}[[principal]]\nname = \"x\"\n[[resource_group]]\nname = \"x\"\n\
             [[workspace]]\nname = \"w1\"\n\
             [[workspace.member]]\nuser = \"x\"\nroles = [\"dev\"]\n\
             [[workspace.compute]]\nname = \"x\"\ntype = \"emr\"\nenv = \"prod\"\n\
             [[workspace.compute]]\nname = \"x\"\ntype = \"emr\"\nenv = \"dev\"\n\
             [[workspace.datasource]]\nname = \"y\"\ntype = \"mysql\"\nenv = \"prod\"\n\
             [[workspace.datasource]]\nname = \"y\"\ntype = \"mysql\"\nenv = \"dev\"\n\
             [[workspace]]\nname = \"w2\"\n\
             [[workspace.member]]\nuser = \"x\"\nroles = [\"dev\"]\n\
             [[workspace.datasource]]\nname = \"x\"\ntype = \"mysql\"\nenv = \"prod\"\n"
    );
    let m = ok(&text, T);
    assert_eq!(m.workspace.len(), 2);
}

#[test]
fn member_without_roles() {
    let text = format!(
        "{V1}[[workspace]]\nname = \"w\"\n[[workspace.member]]\nuser = \"u\"\nroles = []\n"
    );
    let e = parse(&text, "manifest.toml", T).unwrap_err();
    assert_eq!(
        e.message,
        "manifest.toml:6:9: member `u` of workspace `w` has no roles, expected at least one role"
    );
    assert!(e.hint.unwrap().contains("--prune"));
    let json = "{\"version\": 1, \"workspace\": [{\"name\": \"w\",\n \"member\": [{\"user\": \"u\", \"roles\": [ ]}]}]}";
    assert_eq!(
        err(json, J),
        "m.json:2:36: member `u` of workspace `w` has no roles, expected at least one role"
    );
}

#[test]
fn duplicate_names_json() {
    let text = r#"{
  "version": 1,
  "workspace": [
    {
      "name": "w",
      "datasource": [
        {"name": "orders", "type": "mysql", "env": "prod"},
        {"name": "a\"b{[", "type": "mysql", "env": "dev"},
        {"name": "ORDERS", "type": "mysql", "env": "Prod"}
      ]
    }
  ]
}"#;
    assert_eq!(
        err(text, J),
        "m.json:9:18: duplicate data source `ORDERS` (env `Prod`) in workspace `w` (first at 7:18)"
    );
    let text =
        r#"{"version": 1, "principal": [{"name": "a\\"}, {"kind": "ram-role", "name": "A\\"}]}"#;
    assert_eq!(
        err(text, J),
        format!(
            "m.json:{}: duplicate principal `A\\` (first at {})",
            pos(text, "\"A\\\\\"", 0),
            pos(text, "\"a\\\\\"", 0)
        )
    );
}

// ---- locate and error_at -------------------------------------------------------------

#[test]
fn locate_finds_values_in_both_formats() {
    use Step::{Index, Key};
    let m = ok(EXAMPLE, T);
    let json = to_json(&m);
    let toml = to_toml(&m);
    let path = [
        Key("workspace"),
        Index(0),
        Key("member"),
        Index(1),
        Key("roles"),
        Index(1),
    ];
    assert_eq!(
        locate(&toml, T, &path).unwrap().to_string(),
        pos(&toml, "\"role_project_deploy\"", 0)
    );
    assert_eq!(
        locate(&json, J, &path).unwrap().to_string(),
        pos(&json, "\"role_project_deploy\"", 0)
    );
    let path = [
        Key("workspace"),
        Index(0),
        Key("datasource"),
        Index(1),
        Key("properties"),
    ];
    let fourth = json.match_indices("\"properties\": {").nth(3).unwrap().0;
    assert_eq!(
        locate(&json, J, &path).unwrap().to_string(),
        pos_from(&json, fourth, "{")
    );
    let path = [Key("workspace"), Index(0), Key("tags")];
    assert_eq!(
        locate(&toml, T, &path).unwrap().to_string(),
        pos(&toml, "{ \"cost.center\"", 0)
    );
    let p = [Key("workspace"), Index(0), Key("compute"), Index(1)];
    assert_eq!(
        locate(&toml, T, &p).unwrap().to_string(),
        pos(&toml, "[[workspace.compute]]", 1)
    );
    // Pretty JSON: the compute's `{` is on the line above its name, indented 8.
    let name_line: usize = pos(&json, "\"name\": \"mc\"", 1)
        .split(':')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(
        locate(&json, J, &p).unwrap(),
        Position {
            line: name_line - 1,
            column: 9
        }
    );
    assert_eq!(locate(&toml, T, &[Key("workspace"), Index(5)]), None);
    assert_eq!(locate(&json, J, &[Key("workspace"), Index(5)]), None);
    assert_eq!(locate(&json, J, &[Key("nope")]), None);
    assert_eq!(locate(&toml, T, &[Key("version"), Key("x")]), None);
    assert_eq!(locate(&json, J, &[]), Some(Position { line: 1, column: 1 }));
    // Keys with escapes, strings holding brackets.
    let text = r#"{"a\"b": ["}]", {"x": 1}], "k\u0065y": [0, {"deep": [true, null, "v"]}]}"#;
    let p = [Key("key"), Index(1), Key("deep"), Index(2)];
    assert_eq!(
        locate(text, J, &p).unwrap().to_string(),
        pos(text, "\"v\"", 0)
    );
    let p = [Key("a\"b"), Index(1), Key("x")];
    assert_eq!(locate(text, J, &p).unwrap().to_string(), pos(text, "1}", 0));
}

#[test]
fn error_at_formats_like_parse() {
    let e = error_at(
        "m.toml",
        Some(Position { line: 3, column: 9 }),
        "unknown role `dvv`",
    );
    assert_eq!(e.message, "m.toml:3:9: unknown role `dvv`");
    assert_eq!(e.kind, Kind::Invalid);
    assert_eq!(error_at("<stdin>", None, "x").message, "<stdin>: x");
}

// ---- emitter -----------------------------------------------------------------------------

fn lit(s: &str) -> String {
    let mut out = String::new();
    push_str_lit(&mut out, s);
    out
}

fn key(s: &str) -> String {
    let mut out = String::new();
    push_key(&mut out, s);
    out
}

#[test]
fn strings_are_escaped() {
    assert_eq!(lit("plain"), r#""plain""#);
    assert_eq!(lit(""), r#""""#);
    assert_eq!(lit("a\"b"), r#""a\"b""#);
    assert_eq!(lit("C:\\dir\\"), r#""C:\\dir\\""#);
    assert_eq!(lit("l1\nl2\r\n\tx\u{8}\u{c}"), r#""l1\nl2\r\n\tx\b\f""#);
    assert_eq!(
        lit("\u{0}\u{1b}[0m\u{7f}\u{85}"),
        r#""\u0000\u001B[0m\u007F\u0085""#
    );
    assert_eq!(lit("é 日本 🎉 e\u{301}"), "\"é 日本 🎉 e\u{301}\"");
    assert_eq!(
        lit("a\u{202e}b\u{200b}c\u{feff}\u{2028}"),
        r#""a\u202Eb\u200Bc\uFEFF\u2028""#
    );
    assert_eq!(lit("'''\"\"\""), r#""'''\"\"\"""#);
    // The table of messages (model::needs_escape), stricter than the one this writer
    // had: Arabic number signs, the Egyptian, shorthand and musical format characters and
    // language tags are escaped too, beyond the BMP with TOML's `\U`.
    assert_eq!(
        lit("n\u{600}1\u{e0001}t\u{1d173}"),
        r#""n\u06001\U000E0001t\U0001D173""#
    );
    assert_eq!(lit("\\u0041"), r#""\\u0041""#);
}

#[test]
fn keys_are_quoted_when_needed() {
    assert_eq!(key("team"), "team");
    assert_eq!(key("a-b_C9"), "a-b_C9");
    assert_eq!(key("123"), "123");
    assert_eq!(key("extra.db.password"), "\"extra.db.password\"");
    assert_eq!(key("a b"), "\"a b\"");
    assert_eq!(key(""), "\"\"");
    assert_eq!(key("k\"q"), "\"k\\\"q\"");
    assert_eq!(key("é"), "\"é\"");
    assert_eq!(key("cost:center/x"), "\"cost:center/x\"");
}

#[test]
fn emits_every_key_in_a_fixed_order() {
    let m = Manifest {
        version: 1,
        region: Some("cn-shanghai".into()),
        principal: vec![PrincipalDecl {
            name: "bob".into(),
            id: Some("2000000000000001".into()),
            kind: Some("ram-role".into()),
            full_access: Some(true),
            display_name: Some(String::new()),
            db_role: Some("bob".into()),
        }],
        resource_group: vec![ResourceGroupDecl {
            name: "g".into(),
            id: Some("S_res_group_1_2".into()),
            type_: Some("scheduler".into()),
            spec: Some(8),
            payment: Some("prepaid".into()),
            duration: Some(2),
            duration_unit: Some("month".into()),
            vpc: Some("vpc-a".into()),
            vswitch: Some("vsw-b".into()),
            remark: Some("r".into()),
        }],
        workspace: vec![WorkspaceDecl {
            name: "w".into(),
            id: Some(42),
            display_name: Some("W".into()),
            description: Some("d\n2".into()),
            mode: Some("basic".into()),
            status: Some("disabled".into()),
            sod_policy: Some("enforce".into()),
            dev_role_disabled: Some(true),
            pai_tasks_enabled: Some(false),
            resource_groups: Some(vec![]),
            default_resource_group: Some(NO_DEFAULT_RESOURCE_GROUP.into()),
            tags: Some(BTreeMap::from([
                ("z".to_owned(), "1".to_owned()),
                ("a b".to_owned(), String::new()),
            ])),
            custom_roles: Some(vec![
                RoleDecl {
                    name: "auditor".into(),
                    code: Some("base_role_3".into()),
                    rights: vec!["datasource.test".into(), "properties.read".into()],
                    capabilities: vec!["develop".into()],
                    description: Some("reads \"all\"\nof it".into()),
                },
                RoleDecl {
                    name: "bare".into(),
                    ..Default::default()
                },
            ]),
            shares: vec![
                ShareDecl {
                    datasource: "d".into(),
                    env: "prod".into(),
                    to: "v \"x\"".into(),
                    user: Some("bob".into()),
                },
                ShareDecl {
                    datasource: "c".into(),
                    env: "prod".into(),
                    to: "v".into(),
                    user: None,
                },
            ],
            member: vec![MemberDecl::new(
                "bob".into(),
                vec!["ops".to_string(), "dev".to_string()].into(),
            )],
            compute: vec![ComputeDecl {
                name: "c".into(),
                id: Some(7),
                datasource_id: Some(8),
                type_: "hologres".into(),
                env: "prod".into(),
                mode: Some("url".into()),
                properties: Some(BTreeMap::from([
                    ("password".to_owned(), PropValue::File("/p".into())),
                    ("address".to_owned(), PropValue::Plain("h:80".into())),
                ])),
                default: Some(true),
                description: Some(String::new()),
            }],
            datasource: vec![DataSourceDecl {
                name: "d".into(),
                id: None,
                type_: "redis".into(),
                env: "prod".into(),
                mode: None,
                properties: Some(BTreeMap::new()),
                description: None,
            }],
        }],
    };
    let expected = r#"version = 1
region = "cn-shanghai"

[[principal]]
name = "bob"
id = "2000000000000001"
kind = "ram-role"
full_access = true
display_name = ""
db_role = "bob"

[[resource_group]]
name = "g"
id = "S_res_group_1_2"
type = "scheduler"
spec = 8
payment = "prepaid"
duration = 2
duration_unit = "month"
vpc = "vpc-a"
vswitch = "vsw-b"
remark = "r"

[[workspace]]
name = "w"
id = 42
display_name = "W"
description = "d\n2"
mode = "basic"
status = "disabled"
sod_policy = "enforce"
dev_role_disabled = true
pai_tasks_enabled = false
resource_groups = []
default_resource_group = ""
tags = { "a b" = "", z = "1" }
custom_roles = [
  { name = "auditor", code = "base_role_3", rights = ["datasource.test", "properties.read"], capabilities = ["develop"], description = "reads \"all\"\nof it" },
  { name = "bare", rights = [], capabilities = [] },
]
shares = [
  { datasource = "d", env = "prod", to = "v \"x\"", user = "bob" },
  { datasource = "c", env = "prod", to = "v" },
]

[[workspace.member]]
user = "bob"
roles = ["ops", "dev"]

[[workspace.compute]]
name = "c"
id = 7
type = "hologres"
env = "prod"
mode = "url"
properties = { address = "h:80", password = { file = "/p" } }
datasource_id = 8
default = true
description = ""

[[workspace.datasource]]
name = "d"
type = "redis"
env = "prod"
properties = {}
"#;
    assert_eq!(to_toml(&m), expected);
    assert_eq!(ok(expected, T), m);
    assert_eq!(ok(&to_json(&m), J), m);
    assert_eq!(
        ok(expected, T).workspace[0]
            .default_resource_group
            .as_deref(),
        Some(NO_DEFAULT_RESOURCE_GROUP)
    );
}

#[test]
fn equal_manifests_emit_equal_bytes() {
    let a = ok(EXAMPLE, T);
    // Same content, maps built in another order.
    let mut b = a.clone();
    let ws = &mut b.workspace[0];
    let tags: Vec<_> = ws.tags.take().unwrap().into_iter().rev().collect();
    ws.tags = Some(tags.into_iter().collect());
    assert_eq!(to_toml(&a), to_toml(&b));
    assert_eq!(to_json(&a), to_json(&b));
    // Emitting what was parsed from an emission changes nothing.
    let once = to_toml(&a);
    assert_eq!(to_toml(&ok(&once, T)), once);
    let once = to_json(&a);
    assert_eq!(to_json(&ok(&once, J)), once);
}

// ---- round trips over generated manifests ---------------------------------------------

/// Strings that have broken emitters before: escapes, TOML syntax, invisible and
/// non-BMP characters.
const AWKWARD: &[&str] = &[
    "",
    "plain",
    "with space",
    "quote\"inside",
    "back\\slash",
    "C:\\path\\",
    "new\nline",
    "tab\there",
    "crlf\r\n",
    "\u{0}nul",
    "\u{1b}[31mred\u{1b}[0m",
    "del\u{7f}",
    "c1\u{80}\u{9f}",
    "é",
    "日本語",
    "emoji 🎉👩‍👩‍👧",
    "e\u{301}",
    "rtl \u{202e}cba",
    "zw\u{200b}sp",
    "bom\u{feff}",
    "ls\u{2028}ps\u{2029}",
    "tag\u{e0001}\u{e0041} n\u{600}1 m\u{1d173}",
    "'''",
    "\"\"\"",
    "a = 1\n[x]",
    "[[workspace]]",
    "# not a comment",
    "{ env = \"X\" }",
    "\\u0041",
    "\\",
    "\u{10ffff}",
    "\u{fffd}\u{ffff}",
    "${HOME}",
    "  leading",
    "trailing  ",
    "extra.db.password",
    "a.b",
    "-",
    "_",
    "123",
    "true",
    "=",
    "\"",
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*: deterministic, good enough to vary test data.
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn coin(&mut self) -> bool {
        self.next() & 1 == 1
    }
    fn s(&mut self) -> String {
        let a = AWKWARD[self.below(AWKWARD.len())];
        if self.below(4) == 0 {
            format!("{a}{}", AWKWARD[self.below(AWKWARD.len())])
        } else {
            a.to_owned()
        }
    }
    fn opt_s(&mut self) -> Option<String> {
        self.coin().then(|| self.s())
    }
    fn opt_b(&mut self) -> Option<bool> {
        self.coin().then(|| self.coin())
    }
    fn opt_i(&mut self) -> Option<i64> {
        self.coin().then(|| match self.below(3) {
            0 => 0,
            1 => i64::MAX,
            _ => self.next() as i64,
        })
    }
    fn opt_u(&mut self) -> Option<u32> {
        self.coin().then(|| match self.below(3) {
            0 => 0,
            1 => u32::MAX,
            _ => self.next() as u32,
        })
    }
    /// Unique in its list (case-insensitively): an index prefix, then anything.
    fn name(&mut self, i: usize) -> String {
        format!("{i}-{}", self.s())
    }
    fn list(&mut self, max: usize) -> Vec<String> {
        (0..self.below(max + 1)).map(|i| self.name(i)).collect()
    }
    fn map<V>(&mut self, mut value: impl FnMut(&mut Self) -> V) -> Option<BTreeMap<String, V>> {
        self.coin().then(|| {
            (0..self.below(5))
                .map(|_| (self.s(), value(self)))
                .collect()
        })
    }
    fn prop(&mut self) -> PropValue {
        match self.below(3) {
            0 => PropValue::Plain(self.s()),
            1 => PropValue::Env(format!("V{}", self.s())),
            _ => PropValue::File(format!("/{}", self.s())),
        }
    }
    fn manifest(&mut self) -> Manifest {
        let principal = (0..self.below(3))
            .map(|i| PrincipalDecl {
                name: self.name(i),
                id: self.opt_s(),
                kind: self.opt_s(),
                full_access: self.opt_b(),
                display_name: self.opt_s(),
                db_role: self.opt_s(),
            })
            .collect();
        let resource_group = (0..self.below(3))
            .map(|i| ResourceGroupDecl {
                name: self.name(i),
                id: self.opt_s(),
                type_: self.opt_s(),
                spec: self.opt_u(),
                payment: self.opt_s(),
                duration: self.opt_u(),
                duration_unit: self.opt_s(),
                vpc: self.opt_s(),
                vswitch: self.opt_s(),
                remark: self.opt_s(),
            })
            .collect();
        let workspace = (0..self.below(3))
            .map(|i| WorkspaceDecl {
                name: self.name(i),
                id: self.opt_i(),
                display_name: self.opt_s(),
                description: self.opt_s(),
                mode: self.opt_s(),
                status: self.opt_s(),
                sod_policy: self.opt_s(),
                dev_role_disabled: self.opt_b(),
                pai_tasks_enabled: self.opt_b(),
                resource_groups: self.coin().then(|| self.list(3)),
                default_resource_group: self.opt_s(),
                tags: self.map(Self::s),
                custom_roles: None,
                shares: (0..self.below(3))
                    .map(|j| ShareDecl {
                        datasource: self.name(j),
                        env: self.s(),
                        to: self.s(),
                        user: self.opt_s(),
                    })
                    .collect(),
                member: (0..self.below(3))
                    .map(|j| {
                        let user = self.name(j);
                        let mut roles = self.list(3);
                        roles.push(format!("last-{}", self.s()));
                        MemberDecl::new(user, roles.into()).with_access(self.opt_s(), self.opt_s())
                    })
                    .collect(),
                compute: (0..self.below(3))
                    .map(|j| ComputeDecl {
                        name: format!("c{}", self.name(j)),
                        id: self.opt_i(),
                        datasource_id: self.opt_i(),
                        type_: self.s(),
                        env: self.s(),
                        mode: self.opt_s(),
                        properties: self.map(Self::prop),
                        default: self.opt_b(),
                        description: self.opt_s(),
                    })
                    .collect(),
                datasource: (0..self.below(3))
                    .map(|j| DataSourceDecl {
                        name: format!("d{}", self.name(j)),
                        id: self.opt_i(),
                        type_: self.s(),
                        env: self.s(),
                        mode: self.opt_s(),
                        properties: self.map(Self::prop),
                        description: self.opt_s(),
                    })
                    .collect(),
            })
            .collect();
        Manifest {
            version: VERSION,
            region: self.opt_s(),
            principal,
            resource_group,
            workspace,
        }
    }
}

#[test]
fn generated_manifests_round_trip() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for case in 0..300 {
        let m = rng.manifest();
        let toml = to_toml(&m);
        match parse(&toml, "gen.toml", T) {
            Ok(back) => assert_eq!(back, m, "case {case}:\n{toml}"),
            Err(e) => panic!("case {case}: {}\n{toml}", e.message),
        }
        // Read table by table, never the whole text at once.
        assert_eq!(
            super::pieces::parse(&toml).as_ref(),
            Some(&m),
            "case {case}: not read piece by piece\n{toml}"
        );
        // Any TOML reader sees the same document, not just ours.
        toml::from_str::<toml::Table>(&toml).unwrap();
        assert_eq!(to_toml(&ok(&toml, T)), toml, "case {case}: stable");
        let json = to_json(&m);
        match parse(&json, "gen.json", J) {
            Ok(back) => assert_eq!(back, m, "case {case}:\n{json}"),
            Err(e) => panic!("case {case}: {}\n{json}", e.message),
        }
    }
}

#[test]
fn every_awkward_string_round_trips_in_every_place() {
    for s in AWKWARD {
        let mut tags = BTreeMap::new();
        tags.insert((*s).to_owned(), (*s).to_owned());
        let mut props = BTreeMap::new();
        props.insert((*s).to_owned(), PropValue::Plain((*s).to_owned()));
        props.insert(format!("{s}e"), PropValue::Env(format!("{s}e")));
        props.insert(format!("{s}f"), PropValue::File(format!("{s}f")));
        let m = Manifest {
            principal: vec![PrincipalDecl {
                name: (*s).to_owned(),
                display_name: Some((*s).to_owned()),
                ..Default::default()
            }],
            workspace: vec![WorkspaceDecl {
                name: (*s).to_owned(),
                description: Some((*s).to_owned()),
                resource_groups: Some(vec![(*s).to_owned()]),
                tags: Some(tags),
                member: vec![MemberDecl::new(
                    (*s).to_owned(),
                    vec![(*s).to_owned()].into(),
                )],
                datasource: vec![DataSourceDecl {
                    name: (*s).to_owned(),
                    type_: (*s).to_owned(),
                    env: (*s).to_owned(),
                    properties: Some(props),
                    ..Default::default()
                }],
                ..Default::default()
            }],
            ..Default::default()
        };
        let toml = to_toml(&m);
        assert_eq!(ok(&toml, T), m, "{s:?}\n{toml}");
        assert_eq!(ok(&to_json(&m), J), m, "{s:?}");
        assert_eq!(toml.lines().count(), 21, "one line per key: {s:?}\n{toml}");
    }
}

// ---- secret names ----------------------------------------------------------------------

#[test]
fn secret_env_names() {
    let cases = [
        (
            ("finance_tax_report", "orders", "prod", "password"),
            "DWCTL_SECRET_FINANCE__TAX__REPORT_ORDERS_PROD_PASSWORD",
        ),
        // The collision of issue 11: these two were both ..._SEC_WS_A_B_PROD_PASSWORD.
        (
            ("sec_ws", "a_b", "prod", "password"),
            "DWCTL_SECRET_SEC__WS_A__B_PROD_PASSWORD",
        ),
        (
            ("sec_ws_a", "b", "prod", "password"),
            "DWCTL_SECRET_SEC__WS__A_B_PROD_PASSWORD",
        ),
        (
            ("ws1", "mc", "dev", "accessKeySecret"),
            "DWCTL_SECRET_WS1_MC_DEV_ACCESS_KEY_SECRET",
        ),
        (
            ("Fin", "Orders", "prod", "extra.db.password"),
            "DWCTL_SECRET_FIN_ORDERS_PROD_EXTRA__DB__PASSWORD",
        ),
        (
            ("w", "d", "prod", "extra.db_password"),
            "DWCTL_SECRET_W_D_PROD_EXTRA__DB_0PASSWORD",
        ),
        (
            ("w", "d", "prod", "extra.ssl-Token"),
            "DWCTL_SECRET_W_D_PROD_EXTRA__SSL_1_TOKEN",
        ),
        // Outside what the catalog holds: the hex of the exact parts.
        (("", "", "", ""), "DWCTL_SECRET_0XFFFFFF"),
        (
            ("w", "straße", "prod", "k"),
            "DWCTL_SECRET_0X77FF73747261C39F65FF70726F64FF6B",
        ),
        (
            ("w", "d", "prod", "🎉"),
            "DWCTL_SECRET_0X77FF64FF70726F64FFF09F8E89",
        ),
        (
            ("w", "d", "PROD", "k"),
            "DWCTL_SECRET_0X77FF64FF50524F44FF6B",
        ),
    ];
    for ((ws, name, env, key), want) in cases {
        let got = secret_env_name(ws, name, env, key);
        assert_eq!(got, want, "{ws:?} {name:?} {env:?} {key:?}");
        assert!(is_env_var_name(&got), "{got}");
    }
}

fn is_env_var_name(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_uppercase())
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

/// The tuple a secret variable was made from, read back from its name: the proof that
/// [`secret_env_name`] is injective (a function with a left inverse is). Workspace and
/// object names come back upper-cased (their case is not part of who they are), keys
/// exactly.
fn decode_secret_env_name(var: &str) -> (String, String, String, String) {
    let rest = var.strip_prefix(SECRET_ENV_PREFIX).unwrap();
    if let Some(hex) = rest.strip_prefix("0X") {
        let bytes: Vec<u8> = (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect();
        let parts: Vec<String> = bytes
            .split(|b| *b == 0xFF)
            .map(|p| String::from_utf8(p.to_vec()).unwrap())
            .collect();
        assert_eq!(parts.len(), 4, "{var}");
        return (
            parts[0].clone(),
            parts[1].clone(),
            parts[2].clone(),
            parts[3].clone(),
        );
    }
    let b = rest.as_bytes();
    let mut i = 0;
    let mut heads = Vec::new();
    // Workspace and name double their `_`; the env has none, so its first `_` ends it.
    for n in 0..3 {
        let mut part = String::new();
        loop {
            match (b[i], b.get(i + 1)) {
                (b'_', Some(b'_')) if n < 2 => {
                    part.push('_');
                    i += 2;
                }
                (b'_', _) => {
                    i += 1;
                    break;
                }
                (c, _) => {
                    part.push(c as char);
                    i += 1;
                }
            }
        }
        heads.push(part);
    }
    let mut key = String::new();
    while i < b.len() {
        if b[i] == b'_' {
            key.push(match b[i + 1] {
                b'_' => '.',
                b'0' => '_',
                b'1' => '-',
                c @ b'A'..=b'Z' => c as char,
                c => panic!("{var}: `_{}` is no token", c as char),
            });
            i += 2;
        } else {
            key.push(b[i].to_ascii_lowercase() as char);
            i += 1;
        }
    }
    (heads[0].clone(), heads[1].clone(), heads[2].clone(), key)
}

/// Every string of up to `max` characters over `alphabet`.
fn strings(alphabet: &[char], max: usize) -> Vec<String> {
    let mut all = vec![String::new()];
    let mut last = vec![String::new()];
    for _ in 0..max {
        last = last
            .iter()
            .flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}")))
            .collect();
        all.extend(last.iter().cloned());
    }
    all
}

/// Injective by construction: every tuple of awkward parts (underscores at either end
/// and doubled, dots next to underscores, capitals, digits, `-`, empty and non-ASCII
/// parts) reads back from its name, and no two tuples share one.
#[test]
fn secret_env_names_are_injective() {
    let mut names = strings(&['a', 'B', '_', '1'], 2);
    names.extend(
        [
            "sec_ws", "sec_ws_a", "a_b", "a__b", "ab_", "ab__", "_ab", "ß",
        ]
        .map(String::from),
    );
    let envs = ["prod", "dev", "PROD", "", "pr_od"];
    let mut keys = strings(&['a', 'B', '.', '_', '-', '1'], 2);
    keys.extend(
        [
            "extra.db.password",
            "extra.db_password",
            "extra_db.password",
            "é",
            "a b",
        ]
        .map(String::from),
    );
    let mut seen: std::collections::HashMap<String, (String, String, String, String)> =
        std::collections::HashMap::new();
    let valid_name = |s: &str| {
        s.starts_with(|c: char| c.is_ascii_alphabetic())
            && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    for ws in &names {
        for name in &names {
            for env in envs {
                for key in &keys {
                    let var = secret_env_name(ws, name, env, key);
                    assert!(is_env_var_name(&var), "{var}");
                    let back = decode_secret_env_name(&var);
                    let hex = var.starts_with("DWCTL_SECRET_0X");
                    let exact = (ws.clone(), name.clone(), env.to_string(), key.clone());
                    let want = if hex {
                        exact.clone()
                    } else {
                        assert!(valid_name(ws) && valid_name(name), "{exact:?} {var}");
                        (
                            ws.to_ascii_uppercase(),
                            name.to_ascii_uppercase(),
                            env.to_ascii_uppercase(),
                            key.clone(),
                        )
                    };
                    assert_eq!(back, want, "{var}");
                    // Only case-variants of the same workspace and object may share a name.
                    let id = (
                        ws.to_ascii_lowercase(),
                        name.to_ascii_lowercase(),
                        exact.2.clone(),
                        exact.3.clone(),
                    );
                    if let Some(other) = seen.insert(var.clone(), id.clone()) {
                        assert_eq!(other, id, "{var}");
                    }
                }
            }
        }
    }
}

/// Keys alone, longer: every key of up to 4 characters over the awkward ones.
#[test]
fn secret_env_name_keys_are_injective() {
    let mut seen = std::collections::HashMap::new();
    for key in strings(&['a', 'B', '.', '_', '-', '1'], 4) {
        let var = secret_env_name("sec_ws", "a_b", "prod", &key);
        assert_eq!(decode_secret_env_name(&var).3, key, "{var}");
        if let Some(other) = seen.insert(var.clone(), key.clone()) {
            panic!("{var} is both {other:?} and {key:?}");
        }
    }
}

#[test]
fn roles_read_as_a_list_of_strings_reads() {
    use crate::model::roles::{RoleCode, RoleSet};
    #[derive(serde::Deserialize, Debug)]
    struct Compact {
        roles: Roles,
    }
    #[derive(serde::Deserialize, Debug)]
    struct Strings {
        roles: Vec<String>,
    }
    for text in [
        "roles = ['role_project_erd', 'role_project_dev']",
        "roles = ['dev', 'role_project_pe']",
        "roles = ['role_project_dev', 'role_project_dev']",
        "roles = ['role_project_dev', 'DEV', 'nope']",
        "roles = []",
        "roles = 'dev'",
        "roles = ['dev', 2]",
        "roles = [['dev']]",
    ] {
        let compact = toml::from_str::<Compact>(text).map_err(|e| e.to_string());
        let strings = toml::from_str::<Strings>(text).map_err(|e| e.to_string());
        match (&compact, &strings) {
            (Ok(c), Ok(s)) => {
                assert!(
                    c.roles.iter().eq(s.roles.iter().map(String::as_str)),
                    "{text}"
                );
                assert_eq!(c.roles, Roles::from(s.roles.clone()), "{text}");
                assert_eq!(
                    c.roles.to_set().map_err(|e| e.message),
                    RoleSet::parse_list(&s.roles).map_err(|e| e.message),
                    "{text}"
                );
            }
            (Err(c), Err(s)) => assert_eq!(c, s, "{text}"),
            _ => panic!("{text}: {compact:?} / {strings:?}"),
        }
    }
    let set = RoleSet::of(&[RoleCode::Pe, RoleCode::Admin]);
    let roles = Roles::from(set.clone());
    assert!(roles.iter().eq(set.codes()));
    assert_eq!(roles.to_set().unwrap(), set);
    assert_eq!(
        serde_json::to_string(&roles).unwrap(),
        r#"["role_project_admin","role_project_pe"]"#
    );
}

/// A member declaration takes 48 bytes, as it did before members had an expiry and a
/// status: the XL manifest's million members are all held while it is applied (issue 17,
/// P14: the apply's peak memory).
#[test]
fn a_member_declaration_takes_48_bytes() {
    assert_eq!(std::mem::size_of::<MemberDecl>(), 48);
    let m = MemberDecl::new("u".into(), vec!["dev".to_string()].into());
    assert_eq!((m.expires(), m.status()), (None, None));
    assert_eq!(m, m.clone().with_access(None, None));
    let m = m.with_access(None, Some("suspended".into()));
    assert_eq!((m.expires(), m.status()), (None, Some("suspended")));
}
