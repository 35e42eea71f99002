use super::{if_exists, Ctx};
use crate::cli::{MemberAddArgs, MemberCommand, MemberRemoveArgs, MemberRoleArgs};
use crate::domain::member::{self, RoleChange};
use crate::domain::principal::parse_principal_ref;
use crate::model::error::Error;
use crate::model::roles::{RoleCode, RoleSet};
use crate::model::{Member, WorkspaceName};
use crate::prompt;

pub fn run(ctx: &mut Ctx, cmd: MemberCommand) -> anyhow::Result<()> {
    match cmd {
        MemberCommand::Add(a) => add(ctx, a),
        MemberCommand::List(a) => {
            let name = WorkspaceName::parse(&a.workspace)?;
            let role = a.role.as_deref().map(RoleCode::parse).transpose()?;
            let mut cat = ctx.catalog()?;
            let req = ctx.request(false);
            let printer = &mut ctx.printer;
            let mut w = printer.list_writer::<Member>()?;
            let mut io_error = None;
            crate::domain::session::read(&mut cat, &req, |s| {
                member::list(s, &name, role, |m| {
                    w.row(&m).map_err(|e| {
                        io_error = Some(e);
                        Error::internal("output failed")
                    })
                })
            })
            .map_err(|e| match io_error.take() {
                Some(io) => anyhow::Error::from(io),
                None => e.into(),
            })?;
            w.finish()?;
            Ok(())
        }
        MemberCommand::Show(r) => {
            let name = WorkspaceName::parse(&r.workspace)?;
            let user = parse_principal_ref(&r.user)?;
            let m = ctx.read(|s| member::show(s, &name, &user))?;
            ctx.printer.object(&m)?;
            Ok(())
        }
        MemberCommand::Role(a) => role(ctx, a),
        MemberCommand::Remove(a) => remove(ctx, a),
    }
}

fn add(ctx: &mut Ctx, a: MemberAddArgs) -> anyhow::Result<()> {
    let name = WorkspaceName::parse(&a.workspace)?;
    parse_principal_ref(&a.user)?;
    let raw = if a.roles.is_empty() {
        prompt::select_roles(&ctx.settings)?
    } else {
        a.roles.clone()
    };
    let roles = RoleSet::parse_list(&raw)?;
    if roles.is_empty() {
        return Err(Error::invalid("at least one --role is required")
            .with_hint("pass --role ROLE (see dwctl role list)")
            .into());
    }
    let done = ctx.write(a.dry_run, |s| {
        member::add(s, &name, &a.user, roles, a.if_not_exists)
    })?;
    let msg = if done.value.changed {
        format!(
            "Added {} to {name} as {}.",
            done.value.value.user,
            done.value.value.roles.codes().join(", ")
        )
    } else {
        format!(
            "{} is already a member of {name}, as {}.",
            done.value.value.user,
            done.value.value.roles.codes().join(", ")
        )
    };
    ctx.print_mutation("member.add", a.dry_run, done, &msg)
}

fn role(ctx: &mut Ctx, a: MemberRoleArgs) -> anyhow::Result<()> {
    let name = WorkspaceName::parse(&a.workspace)?;
    parse_principal_ref(&a.user)?;
    let change = match &a.set {
        Some(set) => {
            let roles = RoleSet::parse_list(&[set])?;
            if roles.is_empty() {
                return Err(Error::invalid("--set needs at least one role")
                    .with_hint("to remove the member: dwctl member remove WORKSPACE USER")
                    .into());
            }
            RoleChange::Set(roles)
        }
        None => {
            let grant = RoleSet::parse_list(&a.grant)?;
            let revoke = RoleSet::parse_list(&a.revoke)?;
            if let Some(r) = grant.iter().find(|r| revoke.contains(*r)) {
                return Err(Error::invalid(format!(
                    "{} is both granted (--grant) and revoked (--revoke)",
                    r.code()
                ))
                .with_hint("keep one of them")
                .into());
            }
            RoleChange::GrantRevoke { grant, revoke }
        }
    };
    let done = ctx.write(a.dry_run, |s| {
        member::change_roles(s, &name, &a.user, &change)
    })?;
    let msg = format!(
        "{} now holds {} in {name}.",
        done.value.value.user,
        done.value.value.roles.codes().join(", ")
    );
    ctx.print_mutation("member.role", a.dry_run, done, &msg)
}

fn remove(ctx: &mut Ctx, a: MemberRemoveArgs) -> anyhow::Result<()> {
    let name = WorkspaceName::parse(&a.workspace)?;
    parse_principal_ref(&a.user)?;
    let r = ctx.confirmed_write(
        a.dry_run,
        |settings, m: &Member| {
            prompt::confirm(
                settings,
                &format!("Remove {} from {}?", m.user, m.workspace),
            )
        },
        |s| member::remove(s, &name, &a.user),
    );
    match if_exists(a.if_exists, r)? {
        Some(done) => {
            let msg = format!("Removed {} from {name}.", done.value.value.user);
            ctx.print_mutation("member.remove", a.dry_run, done, &msg)
        }
        None => {
            ctx.printer.mutation(
                "member.remove",
                false,
                a.dry_run,
                &serde_json::Value::Null,
                &[],
                &format!("{} is not a member of {name}.", a.user),
            )?;
            Ok(())
        }
    }
}
