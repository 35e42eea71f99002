//! `check`: the production guidelines (cli.md 9), from DataWorks' "Production guidelines":
//! name workspaces for their business purpose, use standard mode for production, give the
//! Workspace Administrator role to RAM users, keep Develop and O&M apart, and keep the
//! default workspace out of production.
//!
//! Reads only. Every finding names its rule, where it is, and the dwctl command that fixes
//! it. Decisions where cli.md 9 is silent:
//! - Workspaces in the recycle bin are never checked; naming one is not an error, it is
//!   skipped with a warning (`skipped_deleted`).
//! - Objects are plain names: a compute resource or data source (names are unique across
//!   both kinds within an env), a member's principal name, a resource group's name, or the
//!   workspace's own name for rules about the workspace itself (DW004, DW007, DW010).
//! - A data source a compute resource brought (`origin` `compute:NAME`) is reported through
//!   its compute resource for DW001 and DW005, not a second time as a data source; DW006
//!   compares data sources, so it covers compute resources through the data sources they
//!   brought.
//! - DW003 is reported whatever the workspace's `sod_policy`: `off` silences the warning of
//!   `member add`/`member role`, not the guideline.
//! - DW004: the generic word, then any run of digits and `_` (`test_1`, `demo__`, `tmp2_`
//!   match; `tests`, `test_data`, `my_test` do not). The default workspace's name
//!   `default_workspace_NNNN` does not match (letters follow `default_`); its production use
//!   is DW001's business, and its name cannot change anyway.
//! - DW006 shows where both environments point only to actors who may read connection
//!   properties in the workspace (permissions.md 4); others learn only that they are equal.
//! - DW009 gives one finding per bound group (object: the group), each with its own unbind.
//! - DW010 counts only principals of kind `ram-user`, and applies to disabled workspaces too.
//! - DW010 counts what a membership grants now: a suspended or expired admin is none.
//! - DW011 (info): a membership that expires within 7 days (after now, at most 7 days
//!   from now); DW012 (warning): one that has expired and is not pruned. The object is
//!   the member's principal name.
//! - DW013: the workspace's `created_by` is not the account's name (the object is the
//!   workspace), whatever its status but the recycle bin (never checked).
//! - DW014 is reported in the basic-mode workspace that receives the share (object: the
//!   data source's name), whoever may see the source.
//! - Order: by workspace (tenant-level findings, whose workspace is null, first), then
//!   rule, then object.

use serde::Serialize;
use std::collections::HashSet;

use super::policy::{self, Grants, Right};
use super::session::Session;
use super::store::ShareFilter;
use super::types::location::location;
use super::workspace::{self, ListFilter};
use crate::model::clock::Timestamp;
use crate::model::error::Result;
use crate::model::resources::{Compute, DataSource};
use crate::model::roles::RoleCode;
use crate::model::types;
use crate::model::words;
use crate::model::WorkspaceName;
use crate::model::{str_enum, Env, Mode, PrincipalKind, Status, Warning, Workspace};

str_enum!(Severity, "severity" { Warning => "warning", Info => "info" });

str_enum!(
    /// The rules of cli.md 9, in order.
    Rule, "rule" {
    Dw001 => "DW001", Dw002 => "DW002", Dw003 => "DW003", Dw004 => "DW004", Dw005 => "DW005",
    Dw006 => "DW006", Dw007 => "DW007", Dw008 => "DW008", Dw009 => "DW009", Dw010 => "DW010",
    Dw011 => "DW011", Dw012 => "DW012", Dw013 => "DW013",
    Dw014 => "DW014",
});

impl Rule {
    pub fn severity(self) -> Severity {
        match self {
            Rule::Dw008 | Rule::Dw009 | Rule::Dw010 | Rule::Dw011 => Severity::Info,
            _ => Severity::Warning,
        }
    }
}

/// One finding (cli.md 3, the `check finding` object).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Finding {
    pub rule: Rule,
    pub severity: Severity,
    /// `None` for tenant-level findings (DW008).
    pub workspace: Option<WorkspaceName>,
    pub object: String,
    pub message: String,
    pub hint: String,
}

/// What `check` will look at, resolved before the first finding: a named workspace that
/// does not exist fails the command before anything is printed.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The workspaces to check, in the order their findings are printed (by name,
    /// case-insensitively; names are unique so).
    targets: Vec<(Workspace, Grants)>,
    /// Whether the tenant-level rules run too (DW008: whole-tenant runs of administrators).
    tenant: bool,
    /// What could not be looked at (a named workspace in the recycle bin).
    pub warnings: Vec<Warning>,
}

/// DW011: a membership expiring within this many days.
pub const EXPIRING_DAYS: i64 = 7;

/// The generic words of DW004.
const GENERIC_WORDS: [&str; 10] = [
    "test",
    "tmp",
    "temp",
    "demo",
    "default",
    "workspace",
    "ws",
    "project",
    "abc",
    "xxx",
];

/// DW004: a generic word, case-insensitively, followed by nothing but digits and `_`.
pub fn is_generic_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    GENERIC_WORDS.iter().any(|word| {
        lower
            .strip_prefix(word)
            .is_some_and(|rest| rest.chars().all(|c| c.is_ascii_digit() || c == '_'))
    })
}

/// Check the named workspaces (each must be visible: exit 3 otherwise), or every workspace
/// the actor can see and, for tenant administrators, the resource groups bound to none.
/// First the plan: which workspaces, and what cannot be checked.
pub fn plan(s: &mut Session, named: &[WorkspaceName]) -> Result<Plan> {
    let mut warnings = Vec::new();
    let mut targets: Vec<(Workspace, Grants)> = Vec::new();
    if named.is_empty() {
        let grants = super::admit::grants_everywhere(s)?;
        for w in workspace::list(s, &ListFilter::default())? {
            let r = grants.get(&w.id).copied().unwrap_or_default();
            targets.push((w, r));
        }
    } else {
        let mut seen = HashSet::new();
        for name in named {
            let (w, r) = workspace::visible(s, name)?;
            if !seen.insert(w.id) {
                continue;
            }
            if w.status == Status::Deleted {
                warnings.push(Warning::new(
                    "skipped_deleted",
                    format!("workspace {} is in the recycle bin: not checked", w.name),
                ));
                continue;
            }
            targets.push((w, r));
        }
    }
    targets.sort_by_cached_key(|(w, _)| w.name.as_str().to_ascii_lowercase());
    Ok(Plan {
        targets,
        tenant: named.is_empty() && s.actor.is_tenant_admin(),
        warnings,
    })
}

/// Then the findings, handed to `visit` one workspace at a time (issue 17: a whole-tenant
/// check never holds every finding), ordered by workspace (tenant-level findings first),
/// rule, then object and message: the order a sort of all of them would give, since the
/// workspaces come by name and their names are unique case-insensitively.
pub fn run(
    s: &mut Session,
    plan: &Plan,
    mut visit: impl FnMut(Finding) -> Result<()>,
) -> Result<()> {
    let mut findings = Vec::new();
    if plan.tenant {
        check_unbound_groups(s, &mut findings)?;
        visit_sorted(&mut findings, &mut visit)?;
    }
    for (w, roles) in &plan.targets {
        check_workspace(s, w, *roles, &mut findings)?;
        visit_sorted(&mut findings, &mut visit)?;
    }
    Ok(())
}

/// Sorts one workspace's findings (or the tenant's), hands them on, and empties the list.
fn visit_sorted(
    findings: &mut Vec<Finding>,
    visit: &mut impl FnMut(Finding) -> Result<()>,
) -> Result<()> {
    findings.sort_by_cached_key(|f| {
        (
            f.workspace
                .as_ref()
                .map(|w| w.as_str().to_ascii_lowercase()),
            f.rule,
            f.object.to_ascii_lowercase(),
            f.object.clone(),
            f.message.clone(),
        )
    });
    findings.drain(..).try_for_each(visit)
}

/// Collects the findings of one workspace.
struct Findings<'a> {
    w: &'a Workspace,
    out: &'a mut Vec<Finding>,
}

impl Findings<'_> {
    fn push(&mut self, rule: Rule, object: &str, message: String, hint: String) {
        self.out.push(Finding {
            rule,
            severity: rule.severity(),
            workspace: Some(self.w.name.clone()),
            object: object.to_string(),
            message,
            hint,
        });
    }
}

fn brought_by_compute(d: &DataSource) -> bool {
    d.kind.origin.compute().is_some()
}

fn check_workspace(
    s: &mut Session,
    w: &Workspace,
    roles: Grants,
    out: &mut Vec<Finding>,
) -> Result<()> {
    let computes = s.tx().computes(w.id, None)?;
    let datasources = s.tx().datasources(w.id, None)?;
    let account = s.tx().account()?.name.to_string();
    let can_read = policy::has_right(&s.actor, roles, Right::ReadProperties);
    let mut f = Findings { w, out };
    let ws = &w.name;
    let prod_computes = || computes.iter().filter(|c| c.env == Env::Prod);
    // Compute resources speak for the data sources they brought.
    let prod_manual_sources = || {
        datasources
            .iter()
            .filter(|d| d.env == Env::Prod && !brought_by_compute(d))
    };

    if w.is_default {
        for c in prod_computes() {
            f.push(
                Rule::Dw001,
                &c.name,
                format!("the default workspace {ws} holds the prod compute resource {}: it is meant for exploring, not for production work", c.name),
                format!("attach it to a workspace named for its business purpose (dwctl workspace create NAME; dwctl compute attach NAME {} --type {} --env prod ...), then dwctl compute detach {ws} {} --env prod --yes", c.name, c.type_key, c.name),
            );
        }
        for d in prod_manual_sources() {
            f.push(
                Rule::Dw001,
                &d.name,
                format!("the default workspace {ws} holds the prod data source {}: it is meant for exploring, not for production work", d.name),
                format!("add it to a workspace named for its business purpose (dwctl workspace create NAME; dwctl datasource add NAME {} --type {} --env prod ...), then dwctl datasource remove {ws} {} --env prod --yes", d.name, d.type_key, d.name),
            );
        }
    }

    if w.mode == Mode::Basic {
        for c in prod_computes() {
            f.push(
                Rule::Dw002,
                &c.name,
                format!("{ws} is in basic mode and holds the prod compute resource {}: development runs directly against production", c.name),
                format!("upgrade it to standard mode, which isolates dev from prod: dwctl workspace upgrade {ws} --yes (irreversible; the account only)"),
            );
        }
    }

    // The members go by one at a time: a workspace of the whole tenant's 200,000 is
    // never held (issue 17); what is kept is its findings and whether one is a RAM admin.
    let mut ram_admin = false;
    let now = s.now;
    let soon = now.plus_days(EXPIRING_DAYS).unwrap_or(Timestamp::MAX);
    // Custom roles count as Develop or O&M by their capabilities (read once).
    let custom = s.custom_roles(w.id)?;
    s.tx().for_each_member(w.id, &mut |m| {
        // What the membership grants now: a suspended or expired admin is none.
        let granted = policy::granted(&m.membership(), now);
        ram_admin |= m.kind == PrincipalKind::RamUser && granted.contains(RoleCode::Admin);
        match m.expires_at {
            Some(at) if at <= now => f.push(
                Rule::Dw012,
                m.user.as_str(),
                format!("the membership of {} in {ws} expired at {at} and grants nothing, but is still listed", m.user),
                format!("prune it: dwctl member prune --expired {ws} (or extend it: dwctl member update {ws} {} --expires DATE)", m.user),
            ),
            Some(at) if at <= soon => f.push(
                Rule::Dw011,
                m.user.as_str(),
                format!("the membership of {} in {ws} expires at {at}, within {EXPIRING_DAYS} days", m.user),
                format!("extend it if it is still needed: dwctl member update {ws} {} --expires DATE (or --no-expiry)", m.user),
            ),
            _ => {}
        }
        if m.roles.contains(RoleCode::Dev) && m.roles.contains(RoleCode::Pe) {
            f.push(
                Rule::Dw003,
                m.user.as_str(),
                format!("{} holds both Develop (role_project_dev) and O&M (role_project_pe) in {ws}: one person develops and deploys to production", m.user),
                format!("revoke one of them: dwctl member role {ws} {} --revoke ops (or --revoke dev); dwctl workspace update {ws} --sod-policy enforce keeps it from happening again", m.user),
            );
        } else if policy::duties(&m.roles, &custom) == (true, true) {
            f.push(
                Rule::Dw003,
                m.user.as_str(),
                format!("{} holds both Develop and O&M in {ws} through custom roles ({}): one person develops and deploys to production", m.user, m.roles.codes().join(", ")),
                format!("revoke one of them: dwctl member role {ws} {} --revoke ROLE; dwctl workspace update {ws} --sod-policy enforce keeps it from happening again", m.user),
            );
        }
        Ok(())
    })?;

    if is_generic_name(ws.as_str()) {
        f.push(
            Rule::Dw004,
            ws.as_str(),
            format!("the workspace name {ws} is generic: it does not say what the workspace is for"),
            format!("names cannot change: create one named for its business purpose (dwctl workspace create finance_tax_report), move the work there, then dwctl workspace delete {ws}"),
        );
    }

    if w.mode == Mode::Basic {
        let into = s.tx().shares(&ShareFilter {
            target: Some(w.id),
            ..ShareFilter::default()
        })?;
        for r in into.iter().filter(|r| r.env == Env::Prod) {
            f.push(
                Rule::Dw014,
                &r.datasource,
                format!("{ws} is in basic mode and receives the prod data source {} shared from {}: development there runs directly against production", r.datasource, r.workspace),
                format!("upgrade it to standard mode: dwctl workspace upgrade {ws} --yes (irreversible; the account only), or stop the share: dwctl datasource unshare {} {} --env prod --to {ws}", r.workspace, r.datasource),
            );
        }
    }

    if w.mode == Mode::Standard {
        check_dev_counterparts(&mut f, &computes, &datasources);
        check_same_place(&mut f, &datasources, can_read);
    }

    if w.status == Status::Available && !computes.is_empty() && w.resource_groups.is_empty() {
        f.push(
            Rule::Dw007,
            ws.as_str(),
            format!(
                "{ws} has {} but no resource group: its tasks have nothing to run on",
                words::count(computes.len(), "compute resource", "compute resources")
            ),
            format!("bind one: dwctl resourcegroup bind GROUP {ws} --default (dwctl resourcegroup list shows the groups; dwctl resourcegroup create NAME makes one)"),
        );
    }

    if w.status == Status::Disabled {
        for g in &w.resource_groups {
            f.push(
                Rule::Dw009,
                g,
                format!("{ws} is disabled but still has the resource group {g} bound: it keeps costing money"),
                format!("release it: dwctl resourcegroup unbind {g} {ws} (or enable the workspace again: dwctl workspace enable {ws})"),
            );
        }
    }

    if w.created_by != account {
        f.push(
            Rule::Dw013,
            ws.as_str(),
            format!("{ws} was created by {}, not by the Alibaba Cloud account ({account}): workspaces should be created by the account", w.created_by),
            format!("the creator cannot change: create workspaces as the account (dwctl --as {account} workspace create NAME), and keep RAM users as their administrators (dwctl member add WORKSPACE USER --role admin)"),
        );
    }

    if !ram_admin {
        f.push(
            Rule::Dw010,
            ws.as_str(),
            format!("no RAM user holds role_project_admin in {ws}: everything goes through the account"),
            format!("make a RAM user its administrator: dwctl member add {ws} USER --role admin (dwctl user add USER first if needed)"),
        );
    }
    Ok(())
}

/// DW005: every prod compute resource and data source has a dev configuration of its name.
fn check_dev_counterparts(f: &mut Findings, computes: &[Compute], datasources: &[DataSource]) {
    let ws = &f.w.name;
    let dev_computes: HashSet<String> = computes
        .iter()
        .filter(|c| c.env == Env::Dev)
        .map(|c| c.name.to_ascii_lowercase())
        .collect();
    let dev_sources: HashSet<String> = datasources
        .iter()
        .filter(|d| d.env == Env::Dev)
        .map(|d| d.name.to_ascii_lowercase())
        .collect();
    let mut found = Vec::new();
    for c in computes.iter().filter(|c| c.env == Env::Prod) {
        if !dev_computes.contains(&c.name.to_ascii_lowercase()) {
            found.push((
                c.name.clone(),
                format!("the prod compute resource {} in {ws} has no dev counterpart: development has nowhere to run but production", c.name),
                format!("attach its dev configuration under the same name, pointing somewhere else: dwctl compute attach {ws} {} --type {} --env dev --prop KEY=VALUE", c.name, c.type_key),
            ));
        }
    }
    for d in datasources
        .iter()
        .filter(|d| d.env == Env::Prod && !brought_by_compute(d))
    {
        if !dev_sources.contains(&d.name.to_ascii_lowercase()) {
            found.push((
                d.name.clone(),
                format!("the prod data source {} in {ws} has no dev counterpart: development can only read and write production", d.name),
                format!("add its dev configuration under the same name, pointing somewhere else: dwctl datasource add {ws} {} --type {} --env dev --prop KEY=VALUE", d.name, d.type_key),
            ));
        }
    }
    for (object, message, hint) in found {
        f.push(Rule::Dw005, &object, message, hint);
    }
}

/// DW006: a data source's dev and prod configurations point at the same place.
fn check_same_place(f: &mut Findings, datasources: &[DataSource], can_read: bool) {
    let ws = f.w.name.clone();
    for prod in datasources.iter().filter(|d| d.env == Env::Prod) {
        let Some(dev) = datasources
            .iter()
            .find(|d| d.env == Env::Dev && d.name.eq_ignore_ascii_case(&prod.name))
        else {
            continue;
        };
        let (Some(prod_at), Some(dev_at)) = (place(prod), place(dev)) else {
            continue;
        };
        if prod_at != dev_at {
            continue;
        }
        let props = prod.properties.clone().unwrap_or_default();
        let key = types::CONTAINER_KEYS
            .iter()
            .find(|k| props.contains_key(**k))
            .copied()
            .unwrap_or("database");
        let message = if can_read {
            format!(
                "dev and prod of the data source {} in {ws} both point at {prod_at}: no physical isolation between development and production",
                prod.name
            )
        } else {
            format!(
                "dev and prod of the data source {} in {ws} point at the same place: no physical isolation between development and production",
                prod.name
            )
        };
        let hint = match prod.kind.origin.compute() {
            Some(compute) => format!(
                "point dev somewhere else: dwctl compute update {ws} {compute} --env dev --prop {key}={}",
                dev_value(&props, key, can_read)
            ),
            None => format!(
                "point dev somewhere else: dwctl datasource update {ws} {} --env dev --prop {key}={}",
                prod.name,
                dev_value(&props, key, can_read)
            ),
        };
        f.push(Rule::Dw006, &prod.name, message, hint);
    }
}

/// Where a data source points (`types::location` on its stored properties).
fn place(d: &DataSource) -> Option<String> {
    let spec = types::lookup(&d.type_key)?;
    let props = d.properties.clone().unwrap_or_default();
    location(spec, d.mode, &props)
}

/// A suggested dev container: the prod one with `_dev` when the actor may read the
/// properties and the value is a plain name (hints are printed), else a placeholder.
fn dev_value(props: &types::Properties, key: &str, can_read: bool) -> String {
    match props.get(key) {
        Some(v)
            if can_read
                && !v.is_empty()
                && v.len() <= 64
                && v.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c)) =>
        {
            format!("{v}_dev")
        }
        _ => format!("<dev {key}>"),
    }
}

/// DW008: resource groups bound to no workspace (tenant administrators, whole-tenant runs).
fn check_unbound_groups(s: &mut Session, out: &mut Vec<Finding>) -> Result<()> {
    for g in s.tx().resource_groups()? {
        if g.workspaces.is_empty() {
            out.push(Finding {
                rule: Rule::Dw008,
                severity: Rule::Dw008.severity(),
                workspace: None,
                object: g.name.clone(),
                message: format!(
                    "the resource group {} is bound to no workspace: it still costs money",
                    g.name
                ),
                hint: format!(
                    "bind it where it is needed (dwctl resourcegroup bind {0} WORKSPACE) or delete it (dwctl resourcegroup delete {0} --yes)",
                    g.name
                ),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generic_names_match_the_word_then_digits_or_underscores() {
        for generic in [
            "test",
            "TEST",
            "Test1",
            "test_1",
            "test_",
            "tmp",
            "tmp2_",
            "temp",
            "temp2026",
            "demo",
            "demo__",
            "default",
            "default_1",
            "workspace",
            "Workspace_01",
            "ws1",
            "ws_",
            "ws_2",
            "project",
            "project_",
            "abc",
            "ABC123",
            "xxx",
            "xxx_000",
        ] {
            assert!(is_generic_name(generic), "{generic} should be generic");
        }
    }

    #[test]
    fn names_with_a_purpose_do_not_match() {
        for named in [
            "finance_tax_report",
            "tests",
            "testing",
            "test_data",
            "my_test",
            "tmp_orders",
            "demo_sales",
            "workspaces",
            "wsx",
            "project_x",
            "abcd",
            "xxxx",
            "default_workspace_3456",
            "sales_ws",
            "t1",
        ] {
            assert!(!is_generic_name(named), "{named} should not be generic");
        }
    }

    #[test]
    fn severities() {
        let info: Vec<&str> = Rule::ALL
            .iter()
            .filter(|r| r.severity() == Severity::Info)
            .map(|r| r.as_str())
            .collect();
        assert_eq!(info, ["DW008", "DW009", "DW010", "DW011"]);
        assert_eq!(Rule::ALL.len(), 14);
        assert!(Rule::Dw009 < Rule::Dw010 && Rule::Dw010 < Rule::Dw011);
        assert!(Rule::Dw012 < Rule::Dw013 && Rule::Dw013 < Rule::Dw014);
    }

    #[test]
    fn dev_value_suggestions_stay_harmless() {
        let props = |v: &str| types::Properties::from([("database".to_string(), v.to_string())]);
        assert_eq!(dev_value(&props("orders"), "database", true), "orders_dev");
        assert_eq!(
            dev_value(&props("orders"), "database", false),
            "<dev database>"
        );
        assert_eq!(
            dev_value(&props("a b;rm"), "database", true),
            "<dev database>"
        );
        assert_eq!(
            dev_value(&types::Properties::new(), "project", true),
            "<dev project>"
        );
    }
}
