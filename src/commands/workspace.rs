use super::{if_exists, Ctx};
use crate::cli::{
    WorkspaceCommand, WsCreateArgs, WsListArgs, WsPurgeArgs, WsRemoveArgs, WsUpdateArgs,
};
use crate::domain::workspace::{self as ws, ListFilter, NewWorkspace, WorkspaceUpdate};
use crate::model::error::Error;
use crate::model::resource_group::parse_group_ref;
use crate::model::words;
use crate::model::{
    parse_tag, parse_tag_key, Description, DisplayName, Mode, SodPolicy, Status, Workspace,
    WorkspaceName,
};
use crate::prompt;

pub fn run(ctx: &mut Ctx, cmd: WorkspaceCommand) -> anyhow::Result<()> {
    match cmd {
        WorkspaceCommand::Create(a) => create(ctx, a),
        WorkspaceCommand::List(a) => list(ctx, a),
        WorkspaceCommand::Show(r) => {
            let name = WorkspaceName::parse(&r.workspace)?;
            let w = ctx.read(|s| ws::show(s, &name))?;
            ctx.printer.object(&w)?;
            Ok(())
        }
        WorkspaceCommand::Update(a) => update(ctx, a),
        WorkspaceCommand::Disable(a) => {
            let name = WorkspaceName::parse(&a.workspace)?;
            let done = ctx.write(a.dry_run, |s| ws::disable(s, &name))?;
            ctx.print_mutation(
                "workspace.disable",
                a.dry_run,
                done,
                &format!("Disabled workspace {name}."),
            )
        }
        WorkspaceCommand::Enable(a) => {
            let name = WorkspaceName::parse(&a.workspace)?;
            let done = ctx.write(a.dry_run, |s| ws::enable(s, &name))?;
            ctx.print_mutation(
                "workspace.enable",
                a.dry_run,
                done,
                &format!("Enabled workspace {name}."),
            )
        }
        WorkspaceCommand::Delete(a) => delete(ctx, a),
        WorkspaceCommand::Restore(a) => {
            let name = WorkspaceName::parse(&a.workspace)?;
            let done = ctx.write(a.dry_run, |s| ws::restore(s, &name))?;
            ctx.print_mutation(
                "workspace.restore",
                a.dry_run,
                done,
                &format!("Restored workspace {name}."),
            )
        }
        WorkspaceCommand::Purge(a) => purge(ctx, a),
        WorkspaceCommand::Upgrade(a) => {
            let name = WorkspaceName::parse(&a.workspace)?;
            let done = ctx.confirmed_write(
                a.dry_run,
                |settings, _| {
                    prompt::confirm(
                        settings,
                        &format!("Upgrade {name} to standard mode? This cannot be undone."),
                    )
                },
                |s| crate::domain::upgrade::upgrade(s, &name),
            )?;
            let copies = words::count(done.value.value.copies.len(), "dev copy", "dev copies");
            ctx.print_mutation(
                "workspace.upgrade",
                a.dry_run,
                done,
                &format!("Upgraded workspace {name} to standard mode ({copies})."),
            )
        }
    }
}

fn on_off(s: &str) -> Result<bool, Error> {
    match s.to_ascii_lowercase().as_str() {
        "on" | "true" | "yes" => Ok(true),
        "off" | "false" | "no" => Ok(false),
        _ => Err(
            Error::invalid(format!("invalid value {}", crate::model::shown(s)))
                .with_hint("expected on or off"),
        ),
    }
}

/// A workspace's display name and description, as every command (and the wizard) takes them.
fn display_name(d: &str) -> Result<String, Error> {
    Ok(DisplayName::parse(d)?.into_string())
}

fn description_text(d: &str) -> Result<String, Error> {
    Ok(Description::parse(d)?.into_string())
}

/// The wizard of `workspace create` with no name. An actor who may not create workspaces
/// is told (and audited) before the first question; each answer is then checked as the
/// command line's would be, the name also against the catalog.
fn wizard(ctx: &mut Ctx) -> anyhow::Result<prompt::WorkspaceAnswers> {
    if ctx.settings.interactive {
        ctx.write(false, ws::check_may_create)?;
    }
    let settings = ctx.settings.clone();
    let mut name = |n: &str| -> Result<(), Error> {
        let n = WorkspaceName::parse(n)?;
        ctx.read(|s| ws::check_new_name(s, &n)).map_err(|mut e| {
            // The command line's way out (--if-not-exists) is none at a prompt.
            if e.hint
                .as_deref()
                .is_some_and(|h| h.contains("--if-not-exists"))
            {
                e.hint = Some("choose another name".to_string());
            }
            e
        })
    };
    Ok(prompt::workspace_wizard(
        &settings,
        prompt::WorkspaceChecks {
            name: &mut name,
            display_name: &mut |d| display_name(d).map(drop),
            description: &mut |d| description_text(d).map(drop),
        },
    )?)
}

fn create(ctx: &mut Ctx, a: WsCreateArgs) -> anyhow::Result<()> {
    let mut req = NewWorkspace::default();
    let (name, display, mode, description) = match &a.name {
        Some(n) => (
            n.clone(),
            a.display_name.clone(),
            a.mode.clone(),
            a.description.clone(),
        ),
        None => {
            let w = wizard(ctx)?;
            (
                w.name,
                Some(w.display_name),
                Some(w.mode),
                Some(w.description),
            )
        }
    };
    req.name = Some(WorkspaceName::parse(&name)?);
    req.display_name = display.as_deref().map(display_name).transpose()?;
    req.description = description.as_deref().map(description_text).transpose()?;
    req.mode = mode.as_deref().map(Mode::parse).transpose()?;
    req.sod_policy = a.sod_policy.as_deref().map(SodPolicy::parse).transpose()?;
    req.pai_tasks_enabled = a.pai_tasks.as_deref().map(on_off).transpose()?;
    for (k, v) in parse_tags(&a.tags)? {
        req.tags.insert(k, v);
    }
    let done = ctx.write(a.dry_run, |s| ws::create(s, req, a.if_not_exists))?;
    let msg = if done.value.changed {
        format!("Created workspace {}.", done.value.value.name)
    } else {
        format!("Workspace {} already exists.", done.value.value.name)
    };
    ctx.print_mutation("workspace.create", a.dry_run, done, &msg)
}

fn list(ctx: &mut Ctx, a: WsListArgs) -> anyhow::Result<()> {
    let f = ListFilter {
        all: a.all,
        status: a.status.as_deref().map(Status::parse).transpose()?,
        mode: a.mode.as_deref().map(Mode::parse).transpose()?,
        tags: a
            .tags
            .iter()
            .map(|t| parse_tag(t))
            .collect::<Result<_, _>>()?,
        name_prefix: None,
    };
    let list: Vec<Workspace> = ctx.read(|s| ws::list(s, &f))?;
    ctx.printer.list(&list)?;
    Ok(())
}

fn update(ctx: &mut Ctx, a: WsUpdateArgs) -> anyhow::Result<()> {
    let name = WorkspaceName::parse(&a.workspace)?;
    let u = WorkspaceUpdate {
        display_name: a.display_name.as_deref().map(display_name).transpose()?,
        description: a.description.as_deref().map(description_text).transpose()?,
        set_tags: parse_tags(&a.tags)?,
        untag: a
            .untag
            .iter()
            .map(|k| parse_tag_key(k))
            .collect::<Result<_, _>>()?,
        pai_tasks_enabled: a.pai_tasks.as_deref().map(on_off).transpose()?,
        sod_policy: a.sod_policy.as_deref().map(SodPolicy::parse).transpose()?,
        default_resource_group: match a.default_resource_group.as_deref() {
            None => None,
            Some(g) if g.eq_ignore_ascii_case("none") => Some(None),
            Some(g) => Some(Some(parse_group_ref(g)?)),
        },
        disable_dev_role: a.disable_dev_role,
        replace_tags: None,
    };
    if let Some((k, _)) = u.set_tags.iter().find(|(k, _)| u.untag.contains(k)) {
        return Err(
            Error::invalid(format!("tag {k} is both set (--tag) and removed (--untag)"))
                .with_hint(format!("keep one of --tag {k}=VALUE and --untag {k}"))
                .into(),
        );
    }
    let done = ctx.write(a.dry_run, |s| ws::update(s, &name, &u))?;
    ctx.print_mutation(
        "workspace.update",
        a.dry_run,
        done,
        &format!("Updated workspace {name}."),
    )
}

fn delete(ctx: &mut Ctx, a: WsRemoveArgs) -> anyhow::Result<()> {
    let name = WorkspaceName::parse(&a.workspace)?;
    let r = ctx.confirmed_write(
        a.dry_run,
        |settings, w: &Workspace| {
            prompt::confirm_by_name(
                settings,
                &format!(
                    "Delete workspace {}? It stays in the recycle bin for 14 days.",
                    w.name
                ),
                w.name.as_str(),
            )
        },
        |s| ws::delete(s, &name),
    );
    match if_exists(a.if_exists, r)? {
        Some(done) => ctx.print_mutation(
            "workspace.delete",
            a.dry_run,
            done,
            &format!("Deleted workspace {name} (restorable for 14 days)."),
        ),
        None => {
            ctx.printer.mutation(
                "workspace.delete",
                false,
                a.dry_run,
                &serde_json::Value::Null,
                &[],
                &format!("Workspace {name} does not exist."),
            )?;
            Ok(())
        }
    }
}

fn purge(ctx: &mut Ctx, a: WsPurgeArgs) -> anyhow::Result<()> {
    if a.expired {
        let progress = ctx.printer.progress();
        let done = ctx.confirmed_write(
            a.dry_run,
            |settings, list: &Vec<Workspace>| {
                let names: Vec<&str> = list.iter().map(|w| w.name.as_str()).collect();
                prompt::confirm(
                    settings,
                    &format!(
                        "Purge {} for good ({})?",
                        words::count(list.len(), "expired workspace", "expired workspaces"),
                        names.join(", ")
                    ),
                )
            },
            |s| ws::purge_expired(s, &mut |n, total| progress.update(n, total)),
        );
        progress.finish();
        let done = done?;
        let purged = words::count(
            done.value.value.len(),
            "expired workspace",
            "expired workspaces",
        );
        // A list: the same CSV header and table columns as `workspace list`, rows or none.
        ctx.printer.mutation_list(
            "workspace.purge",
            done.value.changed,
            a.dry_run,
            &done.value.value,
            &done.warnings,
            &format!("Purged {purged}."),
        )?;
        return Ok(());
    }
    let Some(raw) = &a.workspace else {
        return Err(Error::invalid("name a workspace, or pass --expired").into());
    };
    let name = WorkspaceName::parse(raw)?;
    let r = ctx.confirmed_write(
        a.dry_run,
        |settings, w: &Workspace| {
            prompt::confirm_by_name(
                settings,
                &format!(
                    "Purge workspace {} for good? Everything in it is lost.",
                    w.name
                ),
                w.name.as_str(),
            )
        },
        |s| ws::purge(s, &name),
    );
    match if_exists(a.if_exists, r)? {
        Some(done) => ctx.print_mutation(
            "workspace.purge",
            a.dry_run,
            done,
            &format!("Purged workspace {name}."),
        ),
        None => {
            ctx.printer.mutation(
                "workspace.purge",
                false,
                a.dry_run,
                &serde_json::Value::Null,
                &[],
                &format!("Workspace {name} does not exist."),
            )?;
            Ok(())
        }
    }
}

/// `--tag KEY=VALUE` arguments. A key given twice with two values is a contradiction
/// (exit 2), not "the last one wins"; the same pair twice is harmless.
fn parse_tags(args: &[String]) -> Result<Vec<(String, String)>, Error> {
    let mut out: Vec<(String, String)> = Vec::new();
    for t in args {
        let (k, v) = parse_tag(t)?;
        match out.iter().find(|(k2, _)| *k2 == k) {
            Some((_, v2)) if *v2 == v => {}
            Some(_) => {
                return Err(Error::invalid(format!("tag {k} is given two values"))
                    .with_hint(format!("pass --tag {k}=VALUE once")))
            }
            None => out.push((k, v)),
        }
    }
    Ok(out)
}
