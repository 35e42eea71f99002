//! `import --from-api`: the DataWorks OpenAPI's response bodies to a manifest, written or
//! applied (fixtures: tests/fixtures/api/README.md).

use crate::harness::{Env, ACCOUNT};
use std::path::{Path, PathBuf};

const PASSWORDS: [(&str, &str); 2] = [
    (
        "DWCTL_SECRET_SORA__FINANCE_ORDERS_PROD_PASSWORD",
        "prod-secret",
    ),
    (
        "DWCTL_SECRET_SORA__FINANCE_ORDERS_DEV_PASSWORD",
        "dev-secret",
    ),
];

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/api")
}

fn tenant() -> String {
    fixtures().join("tenant").to_str().unwrap().to_string()
}

/// A catalog of the fixtures' account, with the secrets the import names set.
fn target() -> Env {
    let mut env = Env::new();
    for (k, v) in PASSWORDS {
        env = env.with_var(k, v);
    }
    env
}

/// A copy of the fixture directory in the test's folder, to spoil.
fn copy_tenant(env: &Env) -> PathBuf {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap() {
            let p = e.unwrap().path();
            let dest = to.join(p.file_name().unwrap());
            if p.is_dir() {
                copy(&p, &dest);
            } else {
                std::fs::copy(&p, &dest).unwrap();
            }
        }
    }
    let dir = env.path().join("tenant");
    copy(&fixtures().join("tenant"), &dir);
    dir
}

#[test]
fn a_directory_of_responses_becomes_the_manifest_with_warnings_for_what_it_cannot_carry() {
    let env = Env::new();
    let r = env.run(&["import", "--from-api", &tenant()]);
    let want = std::fs::read_to_string(fixtures().join("tenant.toml")).unwrap();
    assert_eq!(r.ok(), want);
    // Each thing left out is named with its file and JSON path.
    for needle in [
        "warning: ",
        "projects-2.json $.PagingInfo.Projects[0]: invalid workspace name 'mk'",
        "groups.json $.PagingInfo.ResourceGroupList[2]: resource group bigdata_old is of type ExclusiveBigData",
        "roles.json $.PagingInfo.ProjectRoles[4]: invalid role name 'ETL operator': role role_project_custom_etl is not imported, and members lose it",
        "members-2.json $.PagingInfo.ProjectMembers[1]: invalid principal name 'Carol Smith': user 2000000000000003 and its memberships are left out",
        "10002/members.json $.PagingInfo.ProjectMembers[1]: dave holds no role dwctl knows in lab_basic",
        "role role_project_custom_etl is not one of dwctl's ten roles: left out of 2 memberships",
        "datasources.json $.PagingInfo.DataSources[2].DataSource[0]: data source sora_finance/hana_sales: type saphana is not one dwctl knows",
        "Imported 2 workspaces, 3 principals, 2 resource groups.",
    ] {
        assert!(r.stderr.contains(needle), "{needle}\n{}", r.stderr);
    }
    // The account (the Owner) is implied: neither a principal nor a member.
    assert!(!want.contains(ACCOUNT) && !want.contains("dataworks_owner"));
    // Under JSON: the manifest as JSON, the warnings as JSON lines with their codes.
    let r = env.run(&["import", "--from-api", &tenant(), "-o", "json"]);
    let m: serde_json::Value = serde_json::from_str(r.ok()).unwrap();
    assert_eq!(m["workspace"][1]["name"], "sora_finance");
    assert!(
        r.stderr.contains(r#""code":"import_unknown_type""#),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(r#""code":"import_unknown_role""#),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(r#""code":"import_invalid_name""#),
        "{}",
        r.stderr
    );
    // Nothing was written to the catalog.
    assert_eq!(env.audit().len(), Env::new().audit().len());
}

#[test]
fn the_manifest_goes_to_a_file_and_plan_and_apply_accept_it() {
    let env = target();
    let toml = env.path().join("t.toml");
    let json = env.path().join("t.json");
    for f in [&toml, &json] {
        let r = env.run(&[
            "import",
            "--from-api",
            &tenant(),
            "--file",
            f.to_str().unwrap(),
        ]);
        assert_eq!(r.ok(), "");
        assert!(r.stderr.contains(&format!(
            "Wrote {}: 2 workspaces, 3 principals, 2 resource groups.",
            f.display()
        )));
    }
    assert_eq!(
        std::fs::read_to_string(&toml).unwrap(),
        std::fs::read_to_string(fixtures().join("tenant.toml")).unwrap()
    );
    let json_text = std::fs::read_to_string(&json).unwrap();
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&json_text).unwrap()["principal"][0]["id"],
        "2000000000000001"
    );
    let plan = env.run(&["plan", "--file", toml.to_str().unwrap()]);
    assert!(
        plan.ok().contains("+ workspace sora_finance"),
        "{}",
        plan.stdout
    );
    env.run(&["apply", "--file", json.to_str().unwrap()]).ok();
    let again = env.run(&["plan", "--file", toml.to_str().unwrap()]);
    again.ok();
    assert!(again.stderr.contains("No changes."), "{}", again.stderr);
}

#[test]
fn apply_into_an_empty_catalog_then_export_agrees() {
    let env = target();
    let rows = env.rows();
    // --dry-run shows the changes and writes nothing.
    let r = env.run(&["import", "--from-api", &tenant(), "--apply", "--dry-run"]);
    assert!(
        r.ok().contains("+ member sora_finance/alice"),
        "{}",
        r.stdout
    );
    assert_eq!(rows, env.rows());
    let r = env.run(&["import", "--from-api", &tenant(), "--apply"]);
    let out = r.ok();
    for line in [
        "+ principal alice",
        "+ resource_group etl_group",
        "+ workspace sora_finance",
        "+ binding sora_finance/etl_group",
        "+ compute sora_finance/mc_fin (dev)",
        "+ datasource sora_finance/orders (prod)",
        "~ workspace lab_basic: status",
    ] {
        assert!(out.contains(line), "{line}\n{out}");
    }
    // The catalog holds what the API said, with the real ids.
    let alice = env.json(&["user", "show", "alice", "-o", "json"]);
    assert_eq!(alice["id"], "2000000000000001");
    let ws = env.json(&["workspace", "show", "sora_finance", "-o", "json"]);
    assert_eq!(ws["mode"], "standard");
    assert_eq!(ws["tags"]["team"], "fin");
    assert_eq!(ws["display_name"], "Sora finance");
    let lab = env.json(&["workspace", "show", "lab_basic", "-o", "json"]);
    assert_eq!(
        (lab["status"].as_str(), lab["dev_role_disabled"].as_bool()),
        (Some("disabled"), Some(true))
    );
    let members = env.json(&["member", "list", "sora_finance", "-o", "json"]);
    let bob = members
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["user"] == "bob")
        .unwrap();
    assert_eq!(bob["roles"], serde_json::json!(["role_project_guest"]));
    // The export of the result is the import's manifest: planning it changes nothing,
    // and importing again changes nothing.
    let exported = env.path().join("export.toml");
    env.run(&["export", "--all", "--file", exported.to_str().unwrap()])
        .ok();
    let text = std::fs::read_to_string(&exported).unwrap();
    for key in [
        "id = \"2000000000000001\"",
        "name = \"etl_group\"",
        "vswitch = \"vsw-def456\"",
        "address = \"10.0.1.5:3306\"",
        "DWCTL_SECRET_SORA__FINANCE_ORDERS_DEV_PASSWORD",
    ] {
        assert!(text.contains(key), "{key}\n{text}");
    }
    let again = env.run(&["import", "--from-api", &tenant(), "--apply"]);
    again.ok();
    assert!(again.stderr.contains("No changes."), "{}", again.stderr);
    // An export of the result applies elsewhere to the same catalog (ids aside: export
    // writes none, they are each catalog's own).
    let fresh = target();
    fresh
        .run(&["apply", "--file", exported.to_str().unwrap()])
        .ok();
    let copy = fresh.path().join("again.toml");
    fresh
        .run(&["export", "--all", "--file", copy.to_str().unwrap()])
        .ok();
    assert_eq!(std::fs::read_to_string(&copy).unwrap(), text);
    // The real ids were kept where the manifest carries them.
    assert_eq!(ws["id"], 10001);
    let groups = env.json(&["resourcegroup", "list", "-o", "json"]);
    assert!(
        groups
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g["id"] == "Serverless_res_group_524257424564736_6831777003425280"),
        "{groups}"
    );
    let ds = env.json(&[
        "datasource",
        "show",
        "sora_finance",
        "orders",
        "--env",
        "dev",
        "-o",
        "json",
    ]);
    assert_eq!(ds["id"], 16036);
    // The data source a compute resource brings keeps its id too (`datasource_id`).
    let args = "datasource show sora_finance mc_fin --env prod -o json";
    let brought = env.json(&args.split(' ').collect::<Vec<_>>());
    assert_eq!(brought["id"], 16037);
}

#[test]
fn an_actor_without_the_rights_is_denied_the_whole_import() {
    let env = target();
    env.run(&["user", "add", "eve"]).ok();
    let r = env.refused(
        &["import", "--from-api", &tenant(), "--apply", "--as", "eve"],
        5,
        "eve may not",
    );
    assert!(r.stdout.is_empty());
}

#[test]
fn apply_needs_the_secrets_the_api_never_returns() {
    let env = Env::new();
    let r = env.refused(
        &["import", "--from-api", &tenant(), "--apply"],
        2,
        "2 secrets of the manifest cannot be read",
    );
    assert!(r
        .stderr
        .contains("export DWCTL_SECRET_SORA__FINANCE_ORDERS_PROD_PASSWORD=..."));
}

/// Writes `text` into `file` of a copy of the fixtures, and runs the import with --apply
/// into a catalog: exit 2 naming `needles`, nothing changed.
fn refused_with(file: &str, text: &str, needles: &[&str]) {
    let env = target();
    let dir = copy_tenant(&env);
    let path = dir.join(file);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    let dir = dir.to_str().unwrap();
    let r = env.refused(&["import", "--from-api", dir, "--apply"], 2, needles[0]);
    for n in needles {
        assert!(r.stderr.contains(n), "{n}\n{}", r.stderr);
    }
    // Without --apply: the same error, and no manifest on stdout.
    env.run(&["import", "--from-api", dir]).fails(2, needles[0]);
}

#[test]
fn malformed_input_is_exit_2_with_file_line_column_and_json_path() {
    refused_with(
        "10001/members-2.json",
        "{\"PagingInfo\": {\"ProjectMembers\": [\n  {\"UserId\": \"1\", \"UserName\": \"x\"},\n  {\"UserId\": ",
        &["members-2.json:3:", "not valid JSON at $.PagingInfo.ProjectMembers[1].UserId"],
    );
    refused_with(
        "projects-2.json",
        "{\"PagingInfo\": {\"Projects\": [{\"Name\": \"ok_name\"}, {\"Name\": \"x\", \"Id\": \"ten\"}]}}",
        &[
            "projects-2.json:1:",
            "a value of the wrong type at $.PagingInfo.Projects[1].Id: invalid type: string \"ten\", expected i64",
        ],
    );
    refused_with(
        "groups.json",
        "{\"PagingInfo\": {\"ResourceGroupList\": [{\"Name\": \"g\", \"Spec\": [1, \"2CU\"]}]}}",
        &["groups.json", "a value of the wrong type at $.PagingInfo.ResourceGroupList[0].Spec: an array where the API has an object"],
    );
    refused_with(
        "other.json",
        "{\"Hello\": 1}",
        &[
            "other.json",
            "not a DataWorks API response that dwctl imports",
            "ListResourceGroupAssociateProjects",
        ],
    );
    refused_with(
        "error.json",
        "{\"RequestId\": \"R\", \"Code\": \"Forbidden.Access\", \"Message\": \"no permission\"}",
        &[
            "error.json",
            "an error response (Forbidden.Access: no permission)",
        ],
    );
    refused_with(
        "datasources.json",
        "{\"PagingInfo\": {\"DataSources\": [{\"Name\": \"x\", \"Type\": \"mysql\", \"DataSource\": [{\"Id\": 1}]}]}}",
        &["datasources.json", "cannot tell which workspace this ListDataSources response is about", "DIR/<Id>/datasources.json"],
    );
    refused_with(
        "nosuch/datasources.json",
        "{\"PagingInfo\": {\"DataSources\": [{\"Name\": \"x\", \"Type\": \"mysql\", \"DataSource\": [{\"ConnectionProperties\": {\"envType\": \"Prod\"}}]}]}}",
        &["directory nosuch names no workspace"],
    );
    refused_with(
        "10001/datasources.json",
        "{\"PagingInfo\": {\"DataSources\": [{\"Name\": \"x\", \"Type\": \"mysql\", \"DataSource\": [{\"ConnectionProperties\": {\"envType\": \"Prod\", \"address\": [7]}}]}]}}",
        &["datasources.json at $.PagingInfo.DataSources[0].DataSource[0].ConnectionProperties"],
    );
    refused_with(
        "bin.json",
        "{\"a\": \"\u{0}\"}",
        &["bin.json", "it is not text"],
    );
}

#[test]
fn a_huge_response_is_refused_before_it_is_read_whole() {
    let env = target();
    let dir = copy_tenant(&env);
    let f = std::fs::File::create(dir.join("huge.json")).unwrap();
    f.set_len(16 * 1024 * 1024 + 1).unwrap();
    // A sparse file of NULs: refused at once as not text; one of spaces, as too long.
    let r = env.refused(
        &["import", "--from-api", dir.to_str().unwrap(), "--apply"],
        2,
        "huge.json",
    );
    assert!(r.stderr.contains("not text"), "{}", r.stderr);
    std::fs::write(dir.join("huge.json"), vec![b' '; 16 * 1024 * 1024 + 1]).unwrap();
    let r = env.refused(
        &["import", "--from-api", dir.to_str().unwrap(), "--apply"],
        2,
        "huge.json",
    );
    assert!(
        r.stderr.contains("longer than 16,777,216 bytes"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("a response body is at most 16 MiB"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_directory_without_responses_is_exit_2() {
    let env = Env::new();
    let empty = env.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    env.run(&["import", "--from-api", empty.to_str().unwrap()])
        .fails(2, "no *.json response bodies in");
    env.run(&[
        "import",
        "--from-api",
        env.path().join("missing").to_str().unwrap(),
    ])
    .fails(2, "cannot read directory");
    // --dry-run only with --apply; --file and --apply exclude each other.
    env.run(&["import", "--from-api", &tenant(), "--dry-run"])
        .fails(2, "--apply");
    env.run(&[
        "import",
        "--from-api",
        &tenant(),
        "--apply",
        "--file",
        "x.toml",
    ])
    .fails(2, "cannot be used with");
}

/// dwctl's shapes name every field as the official SDK's models do: each body the
/// fixtures hold, read into dwctl's shape and written back, is what the SDK's
/// `from_map(...).to_map()` makes of it (tests/sdk/shapes_sdk.py, with the Python that
/// DWCTL_TEST_PYTHON names).
#[test]
#[allow(clippy::print_stderr)] // the visible note of a skipped run
fn the_shapes_are_the_sdks() {
    use dwctl::api::*;
    use serde_json::Value;
    let Ok(python) = std::env::var("DWCTL_TEST_PYTHON") else {
        eprintln!("skipped: DWCTL_TEST_PYTHON is not set (a Python with alibabacloud-dataworks-public20240518==9.11.0)");
        return;
    };
    fn ours<T: serde::de::DeserializeOwned + serde::Serialize>(v: &Value) -> Value {
        serde_json::to_value(serde_json::from_value::<T>(v.clone()).unwrap()).unwrap()
    }
    let read = |rel: &str| -> Value {
        serde_json::from_str(&std::fs::read_to_string(fixtures().join(rel)).unwrap()).unwrap()
    };
    let response = |rel: &str| read(rel)["response"].clone();
    let mut bodies = serde_json::Map::new();
    let mut add = |name: &str, v: Value| {
        bodies.insert(name.to_string(), v);
    };
    add(
        "ListProjectsResponseBody",
        ours::<ListProjectsResponseBody>(&read("tenant/projects-1.json")),
    );
    add(
        "ListProjectMembersResponseBody",
        ours::<ListProjectMembersResponseBody>(&read("tenant/10001/members-2.json")),
    );
    add(
        "ListProjectRolesResponseBody",
        ours::<ListProjectRolesResponseBody>(&read("tenant/roles.json")),
    );
    add(
        "ListComputeResourcesResponseBody",
        ours::<ListComputeResourcesResponseBody>(&read("tenant/10001/compute.json")),
    );
    add(
        "ListDataSourcesResponseBody",
        ours::<ListDataSourcesResponseBody>(&read("tenant/10001/datasources.json")),
    );
    add(
        "ListResourceGroupsResponseBody",
        ours::<ListResourceGroupsResponseBody>(&read("tenant/groups.json")),
    );
    add(
        "ListResourceGroupAssociateProjectsResponseBody",
        ours::<ListResourceGroupAssociateProjectsResponseBody>(&read(
            "tenant/Serverless_res_group_524257424564736_6831777003425280/projects.json",
        )),
    );
    add(
        "GetProjectResponseBody",
        ours::<GetProjectResponseBody>(&response("project/GetProject.json")),
    );
    add(
        "GetProjectMemberResponseBody",
        ours::<GetProjectMemberResponseBody>(&response("member/GetProjectMember.json")),
    );
    add(
        "GetProjectRoleResponseBody",
        ours::<GetProjectRoleResponseBody>(&response("role/GetProjectRole.json")),
    );
    add(
        "GetResourceGroupResponseBody",
        ours::<GetResourceGroupResponseBody>(&response("resource_group/GetResourceGroup.json")),
    );
    // The Get shapes of compute resources and data sources, every field set.
    let mut c = serde_json::from_value::<Value>(
        read("tenant/10001/compute.json")["PagingInfo"]["ComputeResources"][0]["ComputeResource"]
            [0]
        .clone(),
    )
    .unwrap();
    for (k, v) in [
        ("Name", Value::from("mc_fin")),
        ("Type", Value::from("maxcompute")),
        ("ProjectId", Value::from(10001)),
        (
            "QualifiedName",
            Value::from("1234567890123456:cn-hangzhou:maxcompute:sora_finance"),
        ),
    ] {
        c[k] = v;
    }
    let d = {
        let mut d = c.clone();
        d.as_object_mut().unwrap().remove("WhetherDefault");
        d
    };
    add(
        "GetComputeResourceResponseBody",
        ours::<GetComputeResourceResponseBody>(
            &serde_json::json!({"ComputeResource": c, "RequestId": "R"}),
        ),
    );
    add(
        "GetDataSourceResponseBody",
        ours::<GetDataSourceResponseBody>(&serde_json::json!({"DataSource": d, "RequestId": "R"})),
    );
    let want = Value::Object(bodies);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sdk/shapes_sdk.py");
    let mut child = std::process::Command::new(python)
        .arg(script)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    serde_json::to_writer(child.stdin.take().unwrap(), &want).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let got: Value = serde_json::from_slice(&out.stdout).unwrap();
    for (name, body) in want.as_object().unwrap() {
        assert_eq!(&got[name], body, "{name}: the SDK reads it differently");
    }
}

/// The API writes maxcompute's `regionId` (the catalog's region) where the row has none;
/// importing it stores nothing more than the original had, so the round trip is lossless
/// (README "Fidelity to DataWorks": a `regionId` that is the catalog's is left out where
/// the API writes it anyway).
#[test]
fn a_region_the_api_fills_in_is_not_stored_by_the_import() {
    let spoiled = target();
    let dir = copy_tenant(&spoiled);
    let compute = dir.join("10001/compute.json");
    let text = std::fs::read_to_string(&compute).unwrap();
    let with_region = text.replace(
        "\"envType\": ",
        "\"regionId\": \"cn-hangzhou\", \"envType\": ",
    );
    assert_ne!(text, with_region);
    std::fs::write(&compute, with_region).unwrap();
    spoiled
        .run(&["import", "--from-api", dir.to_str().unwrap(), "--apply"])
        .ok();
    let shown = spoiled.json(&[
        "compute",
        "show",
        "sora_finance",
        "mc_fin",
        "--env",
        "prod",
        "-o",
        "json",
    ]);
    assert!(shown["properties"].get("regionId").is_none(), "{shown}");
    // The same catalog as the responses without it give.
    let plain = target();
    plain
        .run(&["import", "--from-api", &tenant(), "--apply"])
        .ok();
    let export = |e: &Env| e.run(&["export", "--all"]).ok().to_string();
    assert_eq!(export(&spoiled), export(&plain));
}

/// The catalog's default workspace as `init` makes it, as the API shows it, under `id`.
fn default_project(id: i64, name: &str) -> serde_json::Value {
    serde_json::json!({"Id": id, "Name": name, "DisplayName": "Default Workspace",
        "Description": "For exploring DataWorks; not for production work.",
        "DevEnvironmentEnabled": false, "DevRoleDisabled": false, "PaiTaskEnabled": false,
        "Owner": ACCOUNT, "Status": "Available"})
}

/// A tenant in `env`'s folder: `projects`, and a `default_serverless_group` of id `gid`
/// (as `init` makes it) bound to the workspace `bound`. Gives the folder.
fn default_tenant(env: &Env, gid: &str, projects: Vec<serde_json::Value>, bound: i64) -> String {
    let dir = env.path().join("tenant");
    std::fs::create_dir_all(dir.join(gid)).unwrap();
    let n = projects.len();
    let body = serde_json::json!({"PagingInfo": {"PageNumber": 1, "PageSize": 10,
        "TotalCount": n, "Projects": projects}, "RequestId": "r1"});
    let groups = serde_json::json!({"PagingInfo": {"PageNumber": 1, "PageSize": 10,
        "TotalCount": 1, "ResourceGroupList": [{"Id": gid,
        "Name": "default_serverless_group", "PaymentType": "PostPaid",
        "Remark": "created with the catalog", "ResourceGroupType": "CommonV2",
        "Spec": {"Amount": 1, "Standard": "2CU"}, "Status": "Normal"}]},
        "RequestId": "r2", "Success": true});
    let ids = serde_json::json!({"ProjectIdList": [bound], "RequestId": "r3", "Success": true});
    std::fs::write(dir.join("projects.json"), body.to_string()).unwrap();
    std::fs::write(dir.join("groups.json"), groups.to_string()).unwrap();
    std::fs::write(dir.join(gid).join("projects.json"), ids.to_string()).unwrap();
    dir.to_str().unwrap().to_string()
}

/// A tenant whose default workspace has its own `default_serverless_group` (another id):
/// the group `init` made, untouched, gives way to it in the same apply (deleted, created
/// under the tenant's id, the default workspace's default again), each step with its
/// event. A group the user changed is not replaced: its id never changes (exit 6).
#[test]
fn a_fresh_catalogs_default_group_gives_way_to_the_tenants() {
    let tail = &ACCOUNT[ACCOUNT.len() - 4..];
    let default_ws = format!("default_workspace_{tail}");
    let gid = "Serverless_res_group_524257424564736_2222222222222222";
    let write_tenant =
        |env: &Env| default_tenant(env, gid, vec![default_project(1, &default_ws)], 1);

    let env = Env::new();
    let dir = write_tenant(&env);
    let rows = env.rows();
    let r = env.run(&["import", "--from-api", &dir, "--apply", "--dry-run"]);
    let out = r.ok();
    for line in [
        "- resource_group default_serverless_group",
        "+ resource_group default_serverless_group",
    ] {
        assert!(out.contains(line), "{line}\n{out}");
    }
    assert_eq!(rows, env.rows());
    let r = env.run(&["import", "--from-api", &dir, "--apply"]);
    r.ok();
    assert!(!r.stderr.contains("now has none"), "{}", r.stderr);
    let g = env.json(&[
        "resourcegroup",
        "show",
        "default_serverless_group",
        "-o",
        "json",
    ]);
    assert_eq!(g["id"], gid);
    let ws = env.json(&["workspace", "show", &default_ws, "-o", "json"]);
    assert_eq!(
        ws["default_resource_group"], "default_serverless_group",
        "{ws}"
    );
    let actions: Vec<String> = env
        .json(&["audit", "list", "-o", "json"])
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect();
    for a in [
        "resourcegroup.unbind",
        "resourcegroup.delete",
        "resourcegroup.create",
        "resourcegroup.bind",
    ] {
        assert!(actions.iter().any(|x| x == a), "{a}: {actions:?}");
    }
    let again = env.run(&["import", "--from-api", &dir, "--apply"]);
    again.ok();
    assert!(again.stderr.contains("No changes."), "{}", again.stderr);

    // Touched (its remark changed): it stays, and the import is refused, changing nothing.
    let touched = Env::new();
    let dir = write_tenant(&touched);
    touched
        .run(&[
            "resourcegroup",
            "update",
            "default_serverless_group",
            "--remark",
            "ours",
        ])
        .ok();
    touched.refused(
        &["import", "--from-api", &dir, "--apply"],
        6,
        "never changes",
    );
    let g = touched.json(&[
        "resourcegroup",
        "show",
        "default_serverless_group",
        "-o",
        "json",
    ]);
    assert_ne!(g["id"], gid);
}

/// A tenant whose default workspace has a real id, imported into a fresh catalog of its
/// account: the catalog's default workspace, still as `init` made it, is the tenant's
/// (the same name: `default_workspace_` + the account's last four digits) and takes the
/// tenant's id; it stays the catalog's default, with its member, its groups (the
/// tenant's default group, which replaced `init`'s in the same apply) and its default. A
/// tenant that gives the default workspace's id to another workspace (one of another
/// account) moves the untouched default workspace to the next id. A default workspace
/// the user has changed keeps its id, and the import is refused, changing nothing.
#[test]
fn a_fresh_catalogs_default_workspace_takes_the_tenants_id() {
    let tail = &ACCOUNT[ACCOUNT.len() - 4..];
    let default_ws = format!("default_workspace_{tail}");
    let gid = "Serverless_res_group_524257424564736_3333333333333333";
    let project = |id: i64, name: &str| match name == default_ws {
        true => default_project(id, name),
        false => serde_json::json!({"Id": id, "Name": name, "DisplayName": name,
            "Description": "", "DevEnvironmentEnabled": false, "DevRoleDisabled": false,
            "PaiTaskEnabled": false, "Owner": ACCOUNT, "Status": "Available"}),
    };
    let write_tenant = |env: &Env, projects: Vec<serde_json::Value>, bound: i64| {
        default_tenant(env, gid, projects, bound)
    };
    let id_of = |env: &Env, name: &str| {
        env.json(&["workspace", "show", name, "-o", "json"])["id"]
            .as_i64()
            .unwrap()
    };

    // The tenant's default workspace has id 900001, and another workspace has the id the
    // fresh catalog's default workspace holds.
    let env = Env::new();
    let fresh_id = id_of(&env, &default_ws);
    let dir = write_tenant(
        &env,
        vec![project(900001, &default_ws), project(fresh_id, "sales")],
        900001,
    );
    let rows = env.rows();
    let r = env.run(&["import", "--from-api", &dir, "--apply", "--dry-run"]);
    assert!(
        r.ok().contains(&format!("~ workspace {default_ws}: id")),
        "{}",
        r.stdout
    );
    assert_eq!(rows, env.rows());
    env.run(&["import", "--from-api", &dir, "--apply"]).ok();
    let ws = env.json(&["workspace", "show", &default_ws, "-o", "json"]);
    assert_eq!(ws["id"], 900001, "{ws}");
    assert_eq!(ws["is_default"], true, "{ws}");
    assert_eq!(
        ws["default_resource_group"], "default_serverless_group",
        "{ws}"
    );
    assert_eq!(
        ws["resource_groups"],
        serde_json::json!(["default_serverless_group"]),
        "{ws}"
    );
    assert_eq!(id_of(&env, "sales"), fresh_id);
    let members = env.json(&["member", "list", &default_ws, "-o", "json"]);
    assert_eq!(members.as_array().unwrap().len(), 1, "{members}");
    assert_eq!(members[0]["user"], "root", "{members}");
    // One event for the move, with the ids before and after.
    let moves = env.json(&[
        "audit",
        "list",
        "--action",
        "workspace.update",
        "-o",
        "json",
    ]);
    assert!(
        moves
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["details"]["after"]["id"] == 900001),
        "{moves}"
    );
    let again = env.run(&["import", "--from-api", &dir, "--apply"]);
    again.ok();
    assert!(again.stderr.contains("No changes."), "{}", again.stderr);
    // New workspaces go on past every id.
    env.run(&["workspace", "create", "next_ws"]).ok();
    assert!(id_of(&env, "next_ws") > 900001);

    // Another account's tenant: no default workspace of this catalog's name, but one that
    // declares its id. The untouched default workspace moves to the next id.
    let other = Env::new();
    let fresh_id = id_of(&other, &default_ws);
    let dir = write_tenant(&other, vec![project(fresh_id, "sales")], fresh_id);
    other.run(&["import", "--from-api", &dir, "--apply"]).ok();
    assert_eq!(id_of(&other, "sales"), fresh_id);
    let moved = other.json(&["workspace", "show", &default_ws, "-o", "json"]);
    assert!(moved["id"].as_i64().unwrap() > fresh_id, "{moved}");
    assert_eq!(moved["is_default"], true, "{moved}");

    // Changed by the user: it keeps its id; the import is refused and changes nothing.
    let touched = Env::new();
    touched
        .run(&["workspace", "update", &default_ws, "--description", "ours"])
        .ok();
    let dir = write_tenant(&touched, vec![project(900001, &default_ws)], 900001);
    let r = touched.refused(
        &["import", "--from-api", &dir, "--apply"],
        6,
        "never changes",
    );
    assert!(
        r.stderr.contains("only while it is as init made it"),
        "{}",
        r.stderr
    );
    let touched = Env::new();
    let fresh_id = id_of(&touched, &default_ws);
    touched
        .run(&["workspace", "update", &default_ws, "--description", "ours"])
        .ok();
    let dir = write_tenant(&touched, vec![project(fresh_id, "sales")], fresh_id);
    touched.refused(&["import", "--from-api", &dir, "--apply"], 4, "is taken by");

    // A custom role of its own ties rows to its id: it keeps the id too.
    let with_role = Env::new();
    with_role
        .run(&[
            "role",
            "create",
            &default_ws,
            "reviewer",
            "--right",
            "member.manage",
        ])
        .ok();
    let dir = write_tenant(&with_role, vec![project(900001, &default_ws)], 900001);
    with_role.refused(
        &["import", "--from-api", &dir, "--apply"],
        6,
        "never changes",
    );

    // A data source shared into it ties a rule to its id: it keeps the id too.
    let with_share = Env::new();
    for args in [
        &["workspace", "create", "fin_ws"][..],
        &[
            "datasource",
            "add",
            "fin_ws",
            "orders",
            "--type",
            "mysql",
            "--env",
            "prod",
            "--prop",
            "address=10.0.0.5:3306",
            "--prop",
            "database=orders",
            "--prop",
            "username=etl",
            "--prop",
            "password=x",
        ],
        &[
            "datasource",
            "share",
            "fin_ws",
            "orders",
            "--to",
            &default_ws,
        ],
    ] {
        with_share.run(args).ok();
    }
    let dir = write_tenant(&with_share, vec![project(900001, &default_ws)], 900001);
    with_share.refused(
        &["import", "--from-api", &dir, "--apply"],
        6,
        "never changes",
    );
    assert_eq!(
        with_share.json(&["datasource", "shares", "--to", &default_ws, "-o", "json"])[0]["to"],
        default_ws
    );
}
