use super::Ctx;
use crate::domain::policy::Action;
use crate::domain::resource_group::{self as rg, GroupUpdate, NewGroup};
use crate::model::error::Error;
use crate::model::resource_group::{parse_network_id, parse_spec};
use crate::model::resource_group::{DurationUnit, GroupType, Payment, ResourceGroup};
use crate::model::{GroupName, Remark, WorkspaceName};
use crate::prompt;

/// `resourcegroup list`.
pub fn list(ctx: &mut Ctx) -> anyhow::Result<()> {
    let list = ctx.read(rg::list)?;
    ctx.printer.list(&list)?;
    Ok(())
}

/// `resourcegroup show`; `group` is a name or an id.
pub fn show(ctx: &mut Ctx, group: &str) -> anyhow::Result<()> {
    let g = ctx.read(|s| rg::show(s, group))?;
    ctx.printer.object(&g)?;
    Ok(())
}

/// What `resourcegroup create` takes.
pub struct Create {
    pub name: GroupName,
    pub group_type: Option<GroupType>,
    pub spec: Option<i64>,
    pub payment: Option<Payment>,
    pub duration: Option<i64>,
    pub duration_unit: Option<DurationUnit>,
    pub vpc: Option<String>,
    pub vswitch: Option<String>,
    pub remark: Option<String>,
    pub if_not_exists: bool,
    pub dry_run: bool,
}

/// What `resourcegroup update` takes; `group` is a name or an id.
pub struct Update {
    pub group: String,
    pub name: Option<GroupName>,
    pub remark: Option<String>,
    pub spec: Option<i64>,
    pub dry_run: bool,
}

pub fn create(ctx: &mut Ctx, a: Create) -> anyhow::Result<()> {
    let duration = match (a.duration, a.duration_unit) {
        (Some(n), Some(u)) => Some((n, u)),
        (None, None) => None,
        (Some(_), None) => {
            return Err(
                Error::invalid("--duration needs --duration-unit month|year")
                    .with_hint("pass --duration N --duration-unit month|year")
                    .into(),
            )
        }
        (None, Some(_)) => return Err(Error::invalid("--duration-unit needs --duration N").into()),
    };
    let req = NewGroup {
        id: None,
        name: a.name,
        group_type: a.group_type.unwrap_or(GroupType::Serverless),
        spec: parse_spec(a.spec.unwrap_or(2))?,
        payment: a.payment.unwrap_or(Payment::Postpaid),
        duration,
        vpc: a
            .vpc
            .as_deref()
            .map(|v| parse_network_id(v, "vpc-", "VPC id"))
            .transpose()?,
        vswitch: a
            .vswitch
            .as_deref()
            .map(|v| parse_network_id(v, "vsw-", "vSwitch id"))
            .transpose()?,
        remark: remark(a.remark.as_deref().unwrap_or(""))?,
    };
    req.check_payment()?;
    let done = ctx.write(a.dry_run, |s| rg::create(s, req, a.if_not_exists))?;
    let msg = if done.value.changed {
        format!(
            "Created resource group {} ({}).",
            done.value.value.name, done.value.value.id
        )
    } else {
        format!("Resource group {} already exists.", done.value.value.name)
    };
    ctx.print_mutation(Action::ResourceGroupCreate.name(), a.dry_run, done, &msg)
}

pub fn update(ctx: &mut Ctx, a: Update) -> anyhow::Result<()> {
    let group = a.group;
    let u = GroupUpdate {
        name: a.name,
        remark: a.remark.as_deref().map(remark).transpose()?,
        spec: a.spec.map(parse_spec).transpose()?,
    };
    let done = ctx.write(a.dry_run, |s| rg::update(s, &group, &u))?;
    let msg = format!("Updated resource group {}.", done.value.value.name);
    ctx.print_mutation(Action::ResourceGroupUpdate.name(), a.dry_run, done, &msg)
}

/// `resourcegroup delete`.
pub fn delete(ctx: &mut Ctx, group: &str, if_exists: bool, dry_run: bool) -> anyhow::Result<()> {
    let r = ctx.confirmed_write(
        dry_run,
        |settings, g: &ResourceGroup| {
            prompt::confirm(settings, &format!("Delete resource group {}?", g.name))
        },
        |s| rg::delete(s, group),
    );
    ctx.print_removal(
        Action::ResourceGroupDelete.name(),
        dry_run,
        if_exists,
        r,
        |g| format!("Deleted resource group {}.", g.name),
        &format!("Resource group {group} does not exist."),
    )
}

/// `resourcegroup bind`, as the workspace's default group with `default`.
pub fn bind(
    ctx: &mut Ctx,
    group: &str,
    ws: &WorkspaceName,
    default: bool,
    if_not_exists: bool,
    dry_run: bool,
) -> anyhow::Result<()> {
    let done = ctx.write(dry_run, |s| rg::bind(s, group, ws, default, if_not_exists))?;
    let msg = if done.value.changed {
        format!(
            "Bound resource group {} to {ws}{}.",
            done.value.value.name,
            if default { " as its default" } else { "" }
        )
    } else {
        format!(
            "Resource group {} is already bound to {ws}{}.",
            done.value.value.name,
            if default { " as its default" } else { "" }
        )
    };
    ctx.print_mutation(Action::ResourceGroupBind.name(), dry_run, done, &msg)
}

/// `resourcegroup unbind`.
pub fn unbind(
    ctx: &mut Ctx,
    group: &str,
    ws: &WorkspaceName,
    if_exists: bool,
    dry_run: bool,
) -> anyhow::Result<()> {
    let r = ctx.write(dry_run, |s| rg::unbind(s, group, ws));
    ctx.print_removal(
        Action::ResourceGroupUnbind.name(),
        dry_run,
        if_exists,
        r,
        |g| format!("Released resource group {} from {ws}.", g.name),
        &format!("Resource group {group} is not bound to {ws}."),
    )
}

fn remark(r: &str) -> Result<String, Error> {
    Ok(Remark::parse(r)?.into_string())
}
