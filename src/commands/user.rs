use super::{if_exists, Ctx, OutputError};
use crate::cli::{UserAddArgs, UserCommand, UserRemoveArgs, UserUpdateArgs};
use crate::domain::principal::{self, parse_principal_ref, NewPrincipal, PrincipalUpdate};
use crate::domain::session;
use crate::model::{
    parse_principal_id, Principal, PrincipalDisplayName, PrincipalKind, PrincipalName,
};
use crate::prompt;

pub fn run(ctx: &mut Ctx, cmd: UserCommand) -> anyhow::Result<()> {
    match cmd {
        UserCommand::Add(a) => add(ctx, a),
        UserCommand::List => {
            // Row by row: JSON, JSON lines and CSV never hold the tenant's principals.
            let mut cat = ctx.catalog()?;
            let req = ctx.request(false);
            let printer = &mut ctx.printer;
            let mut out = OutputError::default();
            session::read(&mut cat, &req, |s| {
                let mut w = out.keep(printer.list_writer::<Principal>())?;
                principal::list(s, |p| out.keep(w.row(&p)))?;
                out.keep(w.finish())
            })
            .map_err(|e| out.or(e))?;
            Ok(())
        }
        UserCommand::Show(r) => {
            parse_principal_ref(&r.user)?;
            let p = ctx.read(|s| principal::show(s, &r.user))?;
            ctx.printer.object(&p)?;
            Ok(())
        }
        UserCommand::Update(a) => update(ctx, a),
        UserCommand::Remove(a) => remove(ctx, a),
    }
}

fn display_name(d: &str) -> anyhow::Result<String> {
    Ok(PrincipalDisplayName::parse(d)
        .map_err(crate::model::error::Error::from)?
        .into_string())
}

fn add(ctx: &mut Ctx, a: UserAddArgs) -> anyhow::Result<()> {
    let req = NewPrincipal {
        name: PrincipalName::parse(&a.name)?,
        kind: match &a.kind {
            Some(k) => PrincipalKind::parse(k)?,
            None => PrincipalKind::RamUser,
        },
        id: a.id.as_deref().map(parse_principal_id).transpose()?,
        // An empty display name is no display name, as in `user update`.
        display_name: a
            .display_name
            .as_deref()
            .filter(|d| !d.is_empty())
            .map(display_name)
            .transpose()?,
        full_access: a.full_access,
    };
    let done = ctx.write(a.dry_run, |s| principal::add(s, req, a.if_not_exists))?;
    let msg = if done.value.changed {
        format!("Added principal {}.", done.value.value.name)
    } else {
        format!("Principal {} already exists.", done.value.value.name)
    };
    ctx.print_mutation("user.add", a.dry_run, done, &msg)
}

fn update(ctx: &mut Ctx, a: UserUpdateArgs) -> anyhow::Result<()> {
    parse_principal_ref(&a.user)?;
    let u = PrincipalUpdate {
        display_name: a
            .display_name
            .as_deref()
            .map(|d| {
                if d.is_empty() {
                    Ok(None)
                } else {
                    display_name(d).map(Some)
                }
            })
            .transpose()?,
        full_access: a.full_access,
    };
    let done = ctx.write(a.dry_run, |s| principal::update(s, &a.user, &u))?;
    let msg = format!("Updated principal {}.", done.value.value.name);
    ctx.print_mutation("user.update", a.dry_run, done, &msg)
}

fn remove(ctx: &mut Ctx, a: UserRemoveArgs) -> anyhow::Result<()> {
    parse_principal_ref(&a.user)?;
    let r = ctx.confirmed_write(
        a.dry_run,
        |settings, p: &crate::model::Principal| {
            prompt::confirm(settings, &format!("Remove principal {}?", p.name))
        },
        |s| principal::remove(s, &a.user, a.cascade),
    );
    match if_exists(a.if_exists, r)? {
        Some(done) => {
            let msg = format!("Removed principal {}.", done.value.value.name);
            ctx.print_mutation("user.remove", a.dry_run, done, &msg)
        }
        None => {
            ctx.printer.mutation(
                "user.remove",
                false,
                a.dry_run,
                &serde_json::Value::Null,
                &[],
                &format!("Principal {} does not exist.", a.user),
            )?;
            Ok(())
        }
    }
}
