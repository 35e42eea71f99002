use super::{if_exists, Ctx};
use crate::cli::{
    ResourceGroupCommand, RgBindArgs, RgCreateArgs, RgDeleteArgs, RgUnbindArgs, RgUpdateArgs,
};
use crate::domain::resource_group::{self as rg, GroupUpdate, NewGroup};
use crate::model::error::Error;
use crate::model::resource_group::{parse_group_ref, parse_network_id, parse_spec};
use crate::model::resource_group::{DurationUnit, GroupType, Payment, ResourceGroup};
use crate::model::{GroupName, Remark, WorkspaceName};
use crate::prompt;

pub fn run(ctx: &mut Ctx, cmd: ResourceGroupCommand) -> anyhow::Result<()> {
    match cmd {
        ResourceGroupCommand::Create(a) => create(ctx, a),
        ResourceGroupCommand::List => {
            let list = ctx.read(rg::list)?;
            ctx.printer.list(&list)?;
            Ok(())
        }
        ResourceGroupCommand::Show(r) => {
            let group = parse_group_ref(&r.group)?;
            let g = ctx.read(|s| rg::show(s, &group))?;
            ctx.printer.object(&g)?;
            Ok(())
        }
        ResourceGroupCommand::Update(a) => update(ctx, a),
        ResourceGroupCommand::Delete(a) => delete(ctx, a),
        ResourceGroupCommand::Bind(a) => bind(ctx, a),
        ResourceGroupCommand::Unbind(a) => unbind(ctx, a),
    }
}

fn create(ctx: &mut Ctx, a: RgCreateArgs) -> anyhow::Result<()> {
    let duration = match (a.duration, a.duration_unit.as_deref()) {
        (Some(n), Some(u)) => Some((n, DurationUnit::parse(u)?)),
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
        name: GroupName::parse(&a.name)?,
        group_type: a
            .group_type
            .as_deref()
            .map(GroupType::parse)
            .transpose()?
            .unwrap_or(GroupType::Serverless),
        spec: parse_spec(a.spec.unwrap_or(2))?,
        payment: a
            .payment
            .as_deref()
            .map(Payment::parse)
            .transpose()?
            .unwrap_or(Payment::Postpaid),
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
    ctx.print_mutation("resourcegroup.create", a.dry_run, done, &msg)
}

fn update(ctx: &mut Ctx, a: RgUpdateArgs) -> anyhow::Result<()> {
    let group = parse_group_ref(&a.group)?;
    let u = GroupUpdate {
        name: a.name.as_deref().map(GroupName::parse).transpose()?,
        remark: a.remark.as_deref().map(remark).transpose()?,
        spec: a.spec.map(parse_spec).transpose()?,
    };
    let done = ctx.write(a.dry_run, |s| rg::update(s, &group, &u))?;
    let msg = format!("Updated resource group {}.", done.value.value.name);
    ctx.print_mutation("resourcegroup.update", a.dry_run, done, &msg)
}

fn delete(ctx: &mut Ctx, a: RgDeleteArgs) -> anyhow::Result<()> {
    let group = parse_group_ref(&a.group)?;
    let r = ctx.confirmed_write(
        a.dry_run,
        |settings, g: &ResourceGroup| {
            prompt::confirm(settings, &format!("Delete resource group {}?", g.name))
        },
        |s| rg::delete(s, &group),
    );
    match if_exists(a.if_exists, r)? {
        Some(done) => {
            let msg = format!("Deleted resource group {}.", done.value.value.name);
            ctx.print_mutation("resourcegroup.delete", a.dry_run, done, &msg)
        }
        None => {
            ctx.printer.mutation(
                "resourcegroup.delete",
                false,
                a.dry_run,
                &serde_json::Value::Null,
                &[],
                &format!("Resource group {group} does not exist."),
            )?;
            Ok(())
        }
    }
}

fn bind(ctx: &mut Ctx, a: RgBindArgs) -> anyhow::Result<()> {
    let group = parse_group_ref(&a.group)?;
    let ws = WorkspaceName::parse(&a.workspace)?;
    let done = ctx.write(a.dry_run, |s| {
        rg::bind(s, &group, &ws, a.default, a.if_not_exists)
    })?;
    let msg = if done.value.changed {
        format!(
            "Bound resource group {} to {ws}{}.",
            done.value.value.name,
            if a.default { " as its default" } else { "" }
        )
    } else {
        format!(
            "Resource group {} is already bound to {ws}{}.",
            done.value.value.name,
            if a.default { " as its default" } else { "" }
        )
    };
    ctx.print_mutation("resourcegroup.bind", a.dry_run, done, &msg)
}

fn unbind(ctx: &mut Ctx, a: RgUnbindArgs) -> anyhow::Result<()> {
    let group = parse_group_ref(&a.group)?;
    let ws = WorkspaceName::parse(&a.workspace)?;
    let r = ctx.write(a.dry_run, |s| rg::unbind(s, &group, &ws));
    match if_exists(a.if_exists, r)? {
        Some(done) => {
            let msg = format!(
                "Released resource group {} from {ws}.",
                done.value.value.name
            );
            ctx.print_mutation("resourcegroup.unbind", a.dry_run, done, &msg)
        }
        None => {
            ctx.printer.mutation(
                "resourcegroup.unbind",
                false,
                a.dry_run,
                &serde_json::Value::Null,
                &[],
                &format!("Resource group {group} is not bound to {ws}."),
            )?;
            Ok(())
        }
    }
}

fn remark(r: &str) -> Result<String, Error> {
    Ok(Remark::parse(r)?.into_string())
}
