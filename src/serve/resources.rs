//! The actions on data sources, compute resources and resource groups: as in
//! [`super::actions`], each parses the API's parameters, calls the domain's use cases (the
//! command line's), and shapes the body as the SDK's model reads it.
//!
//! Data sources and compute resources are one connection model in the domain
//! ([`ConnectionKind`]), so their actions are written once here too, over the kind; only the
//! shapes differ ([`ApiKind`]). The API addresses one by its `Id` (dwctl's lasting id) and,
//! for compute resources, its `ProjectId`; the domain by workspace, name and environment:
//! [`locate`] turns the one into the other among the workspaces the caller can see.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::error::ApiError;
use super::params::{
    body, choice, env_type, opt, opt_int, page, paging, req, req_int, string_list, workspace_name,
    Params,
};
use crate::api::{convert, shapes};
use crate::domain::probe;
use crate::domain::resource_group::{self as rg, GroupUpdate, NewGroup};
use crate::domain::resources::{self as res, ConnectionKind, Filter, NewObject, PropChange};
use crate::domain::session::Session;
use crate::domain::workspace::{self as ws, ListFilter};
use crate::model::api_datasource;
use crate::model::resource_group::{GroupStatus, GroupType, Payment, ResourceGroup};
use crate::model::resources::{AsCompute, AsSource, Connection, ProbeState};
use crate::model::types::{resolve_type, REDACTED};
use crate::model::{Env, GroupName, ObjectName, WorkspaceName};

type R = std::result::Result<Value, ApiError>;

// ---- connections: data sources and compute resources ----

/// What the API's shapes of a kind are.
trait ApiKind: ConnectionKind {
    /// One in one environment, as Get shows it (`list_entry`: as a List entry shows it).
    fn shape(s: &mut Session, c: &Connection<Self>, project: i64, list_entry: bool) -> Value;
    /// The List response of `groups` ({Name, Type, entries}) on a page.
    fn list_body(groups: Vec<Value>, number: usize, size: usize, total: usize) -> R;
    fn get_body(one: Value) -> R;
}

/// The user id of the principal named `name` (the API's `CreateUser`/`ModifyUser`).
pub(super) fn user_id(s: &mut Session, name: &str) -> Option<String> {
    s.tx().principal(name).ok().flatten().map(|p| p.id)
}

/// The catalog's account and region, which a connection's `QualifiedName` names.
fn place(s: &Session) -> (String, String) {
    (s.tenant.account_id.clone(), s.tenant.region.clone())
}

fn at<'a>(account: &'a str, region: &'a str, project_id: i64) -> convert::Place<'a> {
    convert::Place {
        account,
        region,
        project_id,
    }
}

fn entry<T: serde::de::DeserializeOwned>(v: Value) -> T {
    serde_json::from_value(v).unwrap_or_else(|_| unreachable!("written from the same shape"))
}

impl ApiKind for AsSource {
    fn shape(s: &mut Session, c: &Connection<Self>, project: i64, list_entry: bool) -> Value {
        let (account, region) = place(s);
        let mut d = convert::data_source(c, at(&account, &region, project));
        d.create_user = user_id(s, &c.created_by);
        d.modify_user = user_id(s, &c.updated_by);
        if list_entry {
            (d.name, d.type_, d.project_id) = (None, None, None);
        }
        serde_json::to_value(d).unwrap_or_default()
    }
    fn list_body(groups: Vec<Value>, number: usize, size: usize, total: usize) -> R {
        body(shapes::ListDataSourcesResponseBody {
            paging_info: Some(shapes::ListDataSourcesPagingInfo {
                data_sources: groups.into_iter().map(entry).collect(),
                page_number: Some(number as i64),
                page_size: Some(size as i64),
                total_count: Some(total as i64),
            }),
            request_id: None,
        })
    }
    fn get_body(one: Value) -> R {
        body(shapes::GetDataSourceResponseBody {
            data_source: Some(entry(one)),
            request_id: None,
        })
    }
}

impl ApiKind for AsCompute {
    fn shape(s: &mut Session, c: &Connection<Self>, project: i64, list_entry: bool) -> Value {
        let (account, region) = place(s);
        let mut x = convert::compute_resource(c, at(&account, &region, project));
        x.create_user = user_id(s, &c.created_by);
        x.modify_user = user_id(s, &c.updated_by);
        if list_entry {
            (x.name, x.type_, x.project_id, x.qualified_name) = (None, None, None, None);
        }
        serde_json::to_value(x).unwrap_or_default()
    }
    fn list_body(groups: Vec<Value>, number: usize, size: usize, total: usize) -> R {
        body(shapes::ListComputeResourcesResponseBody {
            paging_info: Some(shapes::ListComputeResourcesPagingInfo {
                compute_resources: groups.into_iter().map(entry).collect(),
                page_number: Some(number as i64),
                page_size: Some(size as i64),
                total_count: Some(total as i64),
            }),
            request_id: None,
        })
    }
    fn get_body(one: Value) -> R {
        body(shapes::GetComputeResourceResponseBody {
            compute_resource: Some(entry(one)),
            request_id: None,
        })
    }
}

fn not_found<K: ConnectionKind>(id: i64) -> ApiError {
    ApiError::new(
        404,
        "NotFound",
        format!("{} with id {id} not found", K::NOUN),
    )
}

/// The connection of kind `K` with id `id`, in workspace `project` when given, else in any
/// workspace the caller can see: its workspace's id and name, and the stored connection (to
/// be passed to the domain by name and environment, never shown as it is). One in a
/// workspace the caller cannot see is not found.
pub(super) fn locate<K: ConnectionKind>(
    s: &mut Session,
    id: i64,
    project: Option<i64>,
) -> Result<(i64, WorkspaceName, Connection<K>), ApiError> {
    let candidates: Vec<(i64, WorkspaceName)> = match project {
        Some(pid) => vec![(pid, workspace_name(s, pid)?)],
        None => ws::list(s, &ListFilter::default())?
            .into_iter()
            .map(|w| (w.id, w.name))
            .collect(),
    };
    for (pid, name) in candidates {
        if let Some(c) = K::all(s.tx(), pid, None)?.into_iter().find(|c| c.pk == id) {
            return Ok((pid, name, c));
        }
    }
    Err(not_found::<K>(id))
}

/// `ConnectionProperties`: a JSON string of the API's object, read as dwctl's type, mode,
/// env and flat properties.
fn connection(
    p: &Params,
    type_: &str,
    mode: Option<&str>,
) -> Result<api_datasource::FromApi, ApiError> {
    const NAME: &str = "ConnectionProperties";
    let text = req(p, NAME)?;
    let v: Value = serde_json::from_str(text)
        .map_err(|e| ApiError::invalid(NAME, format!("not a JSON object: {e}")))?;
    api_datasource::from_api(type_, mode, &v).map_err(|e| ApiError::invalid(NAME, e))
}

fn create<K: ApiKind>(s: &mut Session, p: &Params) -> R {
    let pid = req_int(p, "ProjectId")?;
    let name = workspace_name(s, pid)?;
    let obj = ObjectName::parse(req(p, "Name")?, K::NOUN)?;
    let f = connection(p, req(p, "Type")?, opt(p, "ConnectionPropertiesMode"))?;
    let new = NewObject {
        id: None,
        datasource_id: None,
        name: obj,
        spec: resolve_type(f.type_key)?,
        env: f.env.unwrap_or(Env::Prod),
        mode: f.mode,
        // The whole set comes from the request, as `--props` does: unknown keys are kept.
        open_keys: f.properties.keys().cloned().collect(),
        properties: f.properties,
        description: res::parse_description(opt(p, "Description").unwrap_or(""))?,
    };
    let c = res::add::<K>(s, &name, new, false)?.value;
    Ok(json!({ "Id": c.pk }))
}

fn get<K: ApiKind>(s: &mut Session, p: &Params, project: Option<i64>) -> R {
    let (pid, name, c) = locate::<K>(s, req_int(p, "Id")?, project)?;
    let shown = res::show::<K>(s, &name, &c.name, Some(c.env))?;
    K::get_body(K::shape(s, &shown, pid, false))
}

fn list<K: ApiKind>(s: &mut Session, p: &Params) -> R {
    let pid = req_int(p, "ProjectId")?;
    let name = workspace_name(s, pid)?;
    let (number, size) = paging(p)?;
    let env = env_type(p)?;
    let (sort_by, desc) = conn_sort::<K>(p)?;
    // `Types` is comma-separated on the wire (not a JSON array).
    let types: Option<Vec<String>> = opt(p, "Types").map(|t| {
        t.split(',')
            .map(|x| x.trim().to_ascii_lowercase())
            .filter(|x| !x.is_empty())
            .collect()
    });
    let filter = Filter {
        env,
        type_key: None,
        name_contains: opt(p, "Name").map(str::to_string),
    };
    let all = res::list::<K>(s, &name, &filter)?;
    // One entry per name and type, its environments inside, in the catalog's order.
    let mut order: Vec<(String, String)> = Vec::new();
    let mut groups: BTreeMap<(String, String), Vec<Connection<K>>> = BTreeMap::new();
    for c in all {
        if types
            .as_ref()
            .is_some_and(|t| !t.contains(&c.type_key.to_ascii_lowercase()))
        {
            continue;
        }
        let key = (c.name.clone(), c.type_key.clone());
        if !groups.contains_key(&key) {
            order.push(key.clone());
        }
        groups.entry(key).or_default().push(c);
    }
    sort_entries(&mut order, &groups, sort_by, desc);
    let total = order.len();
    let mut out = Vec::new();
    for key in page(order, number, size) {
        let entries: Vec<Value> = groups[&key]
            .iter()
            .map(|c| K::shape(s, c, pid, true))
            .collect();
        let items = if K::KIND == "compute" {
            "ComputeResource"
        } else {
            "DataSource"
        };
        out.push(json!({ items: entries, "Name": key.0, "Type": key.1 }));
    }
    K::list_body(out, number, size, total)
}

/// What ListDataSources and ListComputeResources sort their entries by (`SortBy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ConnSort {
    CreateTime,
    Id,
    Name,
    /// ListComputeResources only: the default compute resources first, then CreateTime.
    DefaultFirst,
}

/// `SortBy` (default CreateTime) and `Order` (Asc or Desc, default Desc), as the request
/// models of ListDataSources and ListComputeResources have them: whether descending.
fn conn_sort<K: ConnectionKind>(p: &Params) -> Result<(ConnSort, bool), ApiError> {
    let mut fields = vec![
        ("CreateTime", ConnSort::CreateTime),
        ("Id", ConnSort::Id),
        ("Name", ConnSort::Name),
    ];
    if K::KIND == AsCompute::KIND {
        fields.push(("CreateTimeWithDefaultFirst", ConnSort::DefaultFirst));
    }
    let by = choice(p, "SortBy", &fields, ConnSort::CreateTime)?;
    let desc = choice(p, "Order", &[("Asc", false), ("Desc", true)], true)?;
    Ok((by, desc))
}

/// Sorts the entries ({Name, Type}) of a list: an entry's creation time and id are its
/// environments' earliest and smallest; ties keep the catalog's order.
fn sort_entries<K: ConnectionKind>(
    order: &mut [(String, String)],
    groups: &BTreeMap<(String, String), Vec<Connection<K>>>,
    by: ConnSort,
    desc: bool,
) {
    let key = |k: &(String, String)| {
        let cs = &groups[k];
        (
            cs.iter().map(|c| c.created_at).min(),
            cs.iter().map(|c| c.pk).min(),
            cs.iter().any(|c| c.kind.is_default()),
            k.0.to_ascii_lowercase(),
        )
    };
    order.sort_by(|a, b| {
        let (a, b) = (key(a), key(b));
        let directed = |o: std::cmp::Ordering| if desc { o.reverse() } else { o };
        match by {
            ConnSort::CreateTime => directed(a.0.cmp(&b.0).then(a.1.cmp(&b.1))),
            ConnSort::Id => directed(a.1.cmp(&b.1)),
            ConnSort::Name => directed(a.3.cmp(&b.3)),
            ConnSort::DefaultFirst => {
                b.2.cmp(&a.2)
                    .then(directed(a.0.cmp(&b.0).then(a.1.cmp(&b.1))))
            }
        }
    });
}

fn update<K: ApiKind>(s: &mut Session, p: &Params, project: Option<i64>) -> R {
    let (_, name, stored) = locate::<K>(s, req_int(p, "Id")?, project)?;
    let description = opt(p, "Description")
        .map(res::parse_description)
        .transpose()?;
    let mut change = PropChange::default();
    if opt(p, "ConnectionProperties").is_some() {
        let mode =
            opt(p, "ConnectionPropertiesMode").unwrap_or(api_datasource::api_mode(stored.mode));
        let f = connection(p, &stored.type_key, Some(mode))?;
        if f.mode.is_some_and(|m| m != stored.mode) {
            return Err(ApiError::invalid(
                "ConnectionPropertiesMode",
                format!(
                    "the mode of {} cannot change (it is {}): delete it and create it anew",
                    stored.name,
                    api_datasource::api_mode(stored.mode)
                ),
            ));
        }
        if f.env.is_some_and(|e| e != stored.env) {
            return Err(ApiError::invalid(
                "ConnectionProperties",
                format!(
                    "envType cannot change ({} is in {})",
                    stored.name, stored.env
                ),
            ));
        }
        // The whole set is sent: what it leaves out goes; a secret sent back as the mask
        // keeps the stored secret.
        // A row stored under a key's older name (oss `accessKeySecret`) is shown under
        // its key (`accessKey`): the key sent back is that older name's, which the update
        // renames (domain::types::validate).
        let before = stored.properties.clone().unwrap_or_default();
        let spec = crate::model::types::lookup(&stored.type_key);
        let named = |k: &str| {
            spec.and_then(|spec| crate::model::types::alias_target(spec, k))
                .unwrap_or(k)
                .to_string()
        };
        let held: std::collections::BTreeSet<String> = before.keys().map(|k| named(k)).collect();
        let kept = |k: &str| f.properties.get(k).is_some_and(|v| v == REDACTED) && held.contains(k);
        // What the set leaves out goes; a key stored under an older name goes too when a
        // new value is sent for it, and stays (to be renamed) when its mask comes back.
        change.unset = before
            .keys()
            .filter(|k| {
                let key = named(k);
                !f.properties.contains_key(&key) || (key != **k && !kept(&key))
            })
            .cloned()
            .collect();
        for (k, v) in f.properties {
            if v == REDACTED && held.contains(&k) {
                continue;
            }
            change.set.insert(k, v);
        }
    }
    res::update::<K>(
        s,
        &name,
        &stored.name,
        Some(stored.env),
        &change,
        description,
    )?;
    Ok(json!({ "Success": true }))
}

fn delete<K: ApiKind>(s: &mut Session, p: &Params, project: Option<i64>) -> R {
    let (_, name, c) = locate::<K>(s, req_int(p, "Id")?, project)?;
    res::remove::<K>(s, &name, &c.name, Some(c.env), false)?;
    Ok(json!({ "Success": true }))
}

pub fn create_data_source(s: &mut Session, p: &Params) -> R {
    create::<AsSource>(s, p)
}
pub fn get_data_source(s: &mut Session, p: &Params) -> R {
    get::<AsSource>(s, p, None)
}
pub fn list_data_sources(s: &mut Session, p: &Params) -> R {
    list::<AsSource>(s, p)
}
pub fn update_data_source(s: &mut Session, p: &Params) -> R {
    update::<AsSource>(s, p, opt_int(p, "ProjectId")?)
}
pub fn delete_data_source(s: &mut Session, p: &Params) -> R {
    delete::<AsSource>(s, p, None)
}
pub fn create_compute_resource(s: &mut Session, p: &Params) -> R {
    create::<AsCompute>(s, p)
}
pub fn get_compute_resource(s: &mut Session, p: &Params) -> R {
    get::<AsCompute>(s, p, opt_int(p, "ProjectId")?)
}
pub fn list_compute_resources(s: &mut Session, p: &Params) -> R {
    list::<AsCompute>(s, p)
}
pub fn update_compute_resource(s: &mut Session, p: &Params) -> R {
    update::<AsCompute>(s, p, opt_int(p, "ProjectId")?)
}
pub fn delete_compute_resource(s: &mut Session, p: &Params) -> R {
    delete::<AsCompute>(s, p, opt_int(p, "ProjectId")?)
}

const CONNECT_STATES: [(ProbeState, &str); 4] = [
    (ProbeState::Connectable, "Connectable"),
    (ProbeState::ConfigError, "ConfigError"),
    (ProbeState::Unreachable, "Unreachable"),
    (ProbeState::Unsupported, "Unsupport"),
];

/// The test runs from this host (not the group's network); the group must exist. It runs
/// inside the request's transaction (the command line connects between two).
pub fn test_data_source_connectivity(s: &mut Session, p: &Params) -> R {
    let pid = req_int(p, "ProjectId")?;
    let (_, name, c) = locate::<AsSource>(s, req_int(p, "DataSourceId")?, Some(pid))?;
    rg::find(s, req(p, "ResourceGroupId")?)?;
    let target = res::test_target(s, &name, &c.name, Some(c.env))?;
    let start = s.now.millis();
    let result = probe::probe(
        target.spec,
        target.mode,
        &target.properties,
        probe::DEFAULT_TIMEOUT,
    );
    res::store_test(s, &name, &target.name, target.env, &result)?;
    let state = CONNECT_STATES
        .iter()
        .find(|(st, _)| *st == result.state)
        .map_or("Unsupport", |(_, a)| *a);
    let end = start + result.latency_ms.unwrap_or(0) as i64;
    Ok(json!({ "Connectivity": {
        "ConnectMessage": result.message,
        "ConnectState": state,
        "DetailLogs": [{ "Code": "tcp_connect", "EndTime": end, "Message": result.message, "StartTime": start }],
    }}))
}

// ---- resource groups ----

fn payment(p: &Params) -> Result<Option<Payment>, ApiError> {
    opt(p, "PaymentType")
        .map(|v| {
            convert::payment_from_api(v)
                .ok_or_else(|| ApiError::invalid("PaymentType", "expected PrePaid or PostPaid"))
        })
        .transpose()
}

pub fn create_resource_group(s: &mut Session, p: &Params) -> R {
    let payment = payment(p)?.ok_or_else(|| ApiError::missing("PaymentType"))?;
    let duration = match opt_int(p, "PaymentDuration")? {
        None => None,
        Some(n) => {
            let unit = opt(p, "PaymentDurationUnit").unwrap_or("Month");
            let unit = convert::duration_unit_from_api(unit).ok_or_else(|| {
                ApiError::invalid("PaymentDurationUnit", "expected Month or Year")
            })?;
            Some((n, unit))
        }
    };
    let new = NewGroup {
        id: None,
        name: GroupName::parse(req(p, "Name")?)?,
        group_type: GroupType::Serverless,
        spec: req_int(p, "Spec")?,
        payment,
        duration,
        vpc: opt(p, "VpcId").map(str::to_string),
        vswitch: opt(p, "VswitchId").map(str::to_string),
        remark: opt(p, "Remark").unwrap_or_default().to_string(),
    };
    let g = rg::create(s, new, false)?.value;
    Ok(json!({ "ResourceGroupOrder": { "Id": g.id }, "Success": true }))
}

pub fn get_resource_group(s: &mut Session, p: &Params) -> R {
    let g = rg::show(s, req(p, "Id")?)?;
    body(shapes::GetResourceGroupResponseBody {
        request_id: None,
        resource_group: Some(group_shape(s, &g)?),
        success: Some(true),
    })
}

pub fn list_resource_groups(s: &mut Session, p: &Params) -> R {
    let (number, size) = paging(p)?;
    // Without ResourceGroupTypes, only general-purpose (serverless) groups, as the API.
    let types: Vec<GroupType> = match string_list(p, "ResourceGroupTypes")? {
        None => vec![GroupType::Serverless],
        Some(t) => t
            .iter()
            .map(|x| {
                convert::group_type_from_api(x).ok_or_else(|| {
                    ApiError::invalid("ResourceGroupTypes", format!("unknown type {x:?}"))
                })
            })
            .collect::<Result<_, _>>()?,
    };
    let statuses: Option<Vec<GroupStatus>> = string_list(p, "Statuses")?
        .map(|st| {
            st.iter()
                .map(|x| {
                    GroupStatus::from_api(x).ok_or_else(|| {
                        ApiError::invalid("Statuses", format!("unknown status {x:?}"))
                    })
                })
                .collect::<Result<_, _>>()
        })
        .transpose()?;
    let pay = payment(p)?;
    let needle = opt(p, "Name").map(str::to_ascii_lowercase);
    let bound_to = opt_int(p, "ProjectId")?
        .map(|id| workspace_name(s, id))
        .transpose()?;
    let mut all = rg::list(s)?;
    all.retain(|g| {
        types.contains(&g.group_type)
            && statuses.as_ref().is_none_or(|st| st.contains(&g.status))
            && pay.is_none_or(|x| x == g.payment)
            && needle
                .as_ref()
                .is_none_or(|n| g.name.to_ascii_lowercase().contains(n))
            && bound_to.as_ref().is_none_or(|w| {
                g.workspaces
                    .iter()
                    .any(|b| b.eq_ignore_ascii_case(w.as_str()))
            })
    });
    sort_groups(s, &mut all, group_sort(p)?);
    let total = all.len();
    body(shapes::ListResourceGroupsResponseBody {
        paging_info: Some(shapes::ListResourceGroupsPagingInfo {
            page_number: Some(number as i64),
            page_size: Some(size as i64),
            resource_group_list: page(all, number, size)
                .iter()
                .map(|g| group_shape(s, g).map(Into::into))
                .collect::<Result<_, _>>()?,
            total_count: Some(total as i64),
        }),
        request_id: None,
        success: Some(true),
    })
}

/// What ListResourceGroups sorts by: `SortBy` is a field and an order in one
/// (`"Name Desc"`; the order may be left out, Asc; `"Name+Desc"` and `"NameDesc"` read
/// too), by default `CreateTime Asc`, as the request model says. Whether descending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum GroupSort {
    Id,
    Name,
    Remark,
    Type,
    Status,
    Spec,
    CreateUser,
    CreateTime,
}

fn group_sort(p: &Params) -> Result<(GroupSort, bool), ApiError> {
    const FIELDS: [(&str, GroupSort); 8] = [
        ("Id", GroupSort::Id),
        ("Name", GroupSort::Name),
        ("Remark", GroupSort::Remark),
        ("Type", GroupSort::Type),
        ("Status", GroupSort::Status),
        ("Spec", GroupSort::Spec),
        ("CreateUser", GroupSort::CreateUser),
        ("CreateTime", GroupSort::CreateTime),
    ];
    let Some(v) = opt(p, "SortBy").map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok((GroupSort::CreateTime, false));
    };
    let (field, desc) = [("Desc", true), ("Asc", false)]
        .iter()
        .find_map(|(suffix, desc)| {
            let cut = v.len().checked_sub(suffix.len())?;
            (v.is_char_boundary(cut) && v[cut..].eq_ignore_ascii_case(suffix))
                .then(|| (v[..cut].trim_end_matches([' ', '+']), *desc))
        })
        .unwrap_or((v, false));
    FIELDS
        .iter()
        .find(|(f, _)| f.eq_ignore_ascii_case(field))
        .map(|(_, by)| (*by, desc))
        .ok_or_else(|| {
            let names: Vec<&str> = FIELDS.iter().map(|(f, _)| *f).collect();
            ApiError::invalid(
                "SortBy",
                format!(
                    "{v:?} is not a field ({}) followed by Asc or Desc",
                    names.join(", ")
                ),
            )
        })
}

/// Sorts groups as [`group_sort`] says; ties keep the catalog's order.
fn sort_groups(s: &mut Session, all: &mut [ResourceGroup], (by, desc): (GroupSort, bool)) {
    let creators: BTreeMap<String, String> = if by == GroupSort::CreateUser {
        all.iter()
            .map(|g| (g.created_by.clone(), created_user(s, &g.created_by)))
            .collect()
    } else {
        BTreeMap::new()
    };
    all.sort_by(|a, b| {
        let o = match by {
            GroupSort::Id => a.id.cmp(&b.id),
            GroupSort::Name => a
                .name
                .to_ascii_lowercase()
                .cmp(&b.name.to_ascii_lowercase()),
            GroupSort::Remark => a.remark.cmp(&b.remark),
            GroupSort::Type => convert::group_type_to_api(a.group_type)
                .cmp(convert::group_type_to_api(b.group_type)),
            GroupSort::Status => a.status.api_name().cmp(b.status.api_name()),
            GroupSort::Spec => a.spec.cmp(&b.spec),
            GroupSort::CreateUser => creators[&a.created_by].cmp(&creators[&b.created_by]),
            GroupSort::CreateTime => a.created_at.cmp(&b.created_at),
        };
        if desc {
            o.reverse()
        } else {
            o
        }
    });
}

/// A group's `CreateUser`: the user id of the principal who created it (dwctl keeps the
/// name), or the name as it is when no principal has it any more.
fn created_user(s: &mut Session, name: &str) -> String {
    user_id(s, name).unwrap_or_else(|| name.to_string())
}

/// A group as Get and List show it, `CreateUser` a user id.
fn group_shape(s: &mut Session, g: &ResourceGroup) -> Result<shapes::ResourceGroup, ApiError> {
    let mut shape = convert::resource_group(g)?;
    shape.create_user = Some(created_user(s, &g.created_by));
    Ok(shape)
}

pub fn update_resource_group(s: &mut Session, p: &Params) -> R {
    let u = GroupUpdate {
        name: opt(p, "Name").map(GroupName::parse).transpose()?,
        remark: opt(p, "Remark").map(str::to_string),
        spec: None,
    };
    rg::update(s, req(p, "Id")?, &u)?;
    Ok(json!({ "Success": true }))
}

pub fn delete_resource_group(s: &mut Session, p: &Params) -> R {
    rg::delete(s, req(p, "Id")?)?;
    Ok(json!({ "Success": true }))
}

fn binding(s: &mut Session, p: &Params) -> Result<(String, WorkspaceName), ApiError> {
    let group = req(p, "ResourceGroupId")?.to_string();
    let name = workspace_name(s, req_int(p, "ProjectId")?)?;
    Ok((group, name))
}

pub fn associate_project_to_resource_group(s: &mut Session, p: &Params) -> R {
    let (group, name) = binding(s, p)?;
    rg::bind(s, &group, &name, false, false)?;
    Ok(json!({ "Success": true }))
}

pub fn dissociate_project_from_resource_group(s: &mut Session, p: &Params) -> R {
    let (group, name) = binding(s, p)?;
    rg::unbind(s, &group, &name)?;
    Ok(json!({ "Success": true }))
}

pub fn list_resource_group_associate_projects(s: &mut Session, p: &Params) -> R {
    let g = rg::show(s, req(p, "ResourceGroupId")?)?;
    let mut ids = Vec::new();
    for w in &g.workspaces {
        ids.push(ws::show(s, &WorkspaceName::from_stored(w.clone()))?.id);
    }
    body(shapes::ListResourceGroupAssociateProjectsResponseBody {
        project_id_list: ids,
        request_id: None,
        success: Some(true),
    })
}
