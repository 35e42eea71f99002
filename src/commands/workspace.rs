use super::Ctx;
use crate::domain::policy::Action;
use crate::domain::session::{Outcome, Session};
use crate::domain::workspace::{self as ws, ListFilter, NewWorkspace, WorkspaceUpdate};
use crate::model::error::Error;
use crate::model::words;
use crate::model::{Description, DisplayName, Mode, SodPolicy, Status, Workspace, WorkspaceName};
use crate::prompt;

/// `workspace show`.
pub fn show(ctx: &mut Ctx, name: &WorkspaceName) -> anyhow::Result<()> {
    let w = ctx.read(|s| ws::show(s, name))?;
    ctx.printer.object(&w)?;
    Ok(())
}

/// `workspace disable`.
pub fn disable(ctx: &mut Ctx, name: &WorkspaceName, dry_run: bool) -> anyhow::Result<()> {
    let done = ctx.write(dry_run, |s| ws::disable(s, name))?;
    ctx.print_mutation(
        Action::WorkspaceDisable.name(),
        dry_run,
        done,
        &format!("Disabled workspace {name}."),
    )
}

/// `workspace enable`.
pub fn enable(ctx: &mut Ctx, name: &WorkspaceName, dry_run: bool) -> anyhow::Result<()> {
    let done = ctx.write(dry_run, |s| ws::enable(s, name))?;
    ctx.print_mutation(
        Action::WorkspaceEnable.name(),
        dry_run,
        done,
        &format!("Enabled workspace {name}."),
    )
}

/// `workspace restore`.
pub fn restore(ctx: &mut Ctx, name: &WorkspaceName, dry_run: bool) -> anyhow::Result<()> {
    let done = ctx.write(dry_run, |s| ws::restore(s, name))?;
    ctx.print_mutation(
        Action::WorkspaceRestore.name(),
        dry_run,
        done,
        &format!("Restored workspace {name}."),
    )
}

/// `workspace upgrade`.
pub fn upgrade(ctx: &mut Ctx, name: &WorkspaceName, dry_run: bool) -> anyhow::Result<()> {
    let done = ctx.confirmed_write(
        dry_run,
        |settings, _| {
            prompt::confirm(
                settings,
                &format!("Upgrade {name} to standard mode? This cannot be undone."),
            )
        },
        |s| crate::domain::upgrade::upgrade(s, name),
    )?;
    let copies = words::count(done.value.value.copies.len(), "dev copy", "dev copies");
    ctx.print_mutation(
        Action::WorkspaceUpgrade.name(),
        dry_run,
        done,
        &format!("Upgraded workspace {name} to standard mode ({copies})."),
    )
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

/// What `workspace create` takes; with no name, the wizard asks for name, display name,
/// mode and description.
pub struct Create {
    pub name: Option<WorkspaceName>,
    pub display_name: Option<String>,
    pub description: Option<String>,
    pub mode: Option<Mode>,
    pub sod_policy: Option<SodPolicy>,
    pub pai_tasks: Option<bool>,
    pub tags: Vec<(String, String)>,
    pub disable_dev_role: bool,
    pub if_not_exists: bool,
    pub dry_run: bool,
}

pub fn create(ctx: &mut Ctx, a: Create) -> anyhow::Result<()> {
    let mut req = NewWorkspace::default();
    let (name, display, mode, description) = match a.name {
        Some(n) => (n, a.display_name, a.mode, a.description),
        None => {
            let w = wizard(ctx)?;
            (
                WorkspaceName::parse(&w.name)?,
                Some(w.display_name),
                Some(Mode::parse(&w.mode)?),
                Some(w.description),
            )
        }
    };
    req.name = Some(name);
    req.display_name = display.as_deref().map(display_name).transpose()?;
    req.description = description.as_deref().map(description_text).transpose()?;
    req.mode = mode;
    req.sod_policy = a.sod_policy;
    req.pai_tasks_enabled = a.pai_tasks;
    req.dev_role_disabled = a.disable_dev_role.then_some(true);
    for (k, v) in one_value_each(a.tags)? {
        req.tags.insert(k, v);
    }
    let done = ctx.write(a.dry_run, |s| ws::create(s, req, a.if_not_exists))?;
    let msg = if done.value.changed {
        format!("Created workspace {}.", done.value.value.name)
    } else {
        format!("Workspace {} already exists.", done.value.value.name)
    };
    ctx.print_mutation(Action::WorkspaceCreate.name(), a.dry_run, done, &msg)
}

/// `workspace list`: the recycle bin only with `all` or status deleted.
pub fn list(
    ctx: &mut Ctx,
    all: bool,
    status: Option<Status>,
    mode: Option<Mode>,
    tags: Vec<(String, String)>,
) -> anyhow::Result<()> {
    let f = ListFilter {
        all,
        status,
        mode,
        tags,
        name_prefix: None,
    };
    let list: Vec<Workspace> = ctx.read(|s| ws::list(s, &f))?;
    ctx.printer.list(&list)?;
    Ok(())
}

/// What `workspace update` takes.
pub struct Update {
    pub workspace: WorkspaceName,
    pub display_name: Option<String>,
    pub description: Option<String>,
    pub tags: Vec<(String, String)>,
    pub untag: Vec<String>,
    pub pai_tasks: Option<bool>,
    pub sod_policy: Option<SodPolicy>,
    /// `Some(None)`: no default group.
    pub default_resource_group: Option<Option<String>>,
    /// `Some(false)`: `--enable-dev-role`; `Some(true)`: the old `--disable-dev-role`,
    /// which the domain refuses on a workspace where the role is enabled.
    pub dev_role_disabled: Option<bool>,
    pub dry_run: bool,
}

pub fn update(ctx: &mut Ctx, a: Update) -> anyhow::Result<()> {
    let name = a.workspace;
    let u = WorkspaceUpdate {
        display_name: a.display_name.as_deref().map(display_name).transpose()?,
        description: a.description.as_deref().map(description_text).transpose()?,
        set_tags: one_value_each(a.tags)?,
        untag: a.untag,
        pai_tasks_enabled: a.pai_tasks,
        sod_policy: a.sod_policy,
        default_resource_group: a.default_resource_group,
        dev_role_disabled: a.dev_role_disabled,
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
        Action::WorkspaceUpdate.name(),
        a.dry_run,
        done,
        &format!("Updated workspace {name}."),
    )
}

/// `workspace delete`: to the recycle bin, after typing its name.
pub fn delete(
    ctx: &mut Ctx,
    name: &WorkspaceName,
    if_exists: bool,
    dry_run: bool,
) -> anyhow::Result<()> {
    let removal = Removal {
        action: Action::WorkspaceDelete,
        question: |w| format!("Delete workspace {w}? It stays in the recycle bin for 14 days."),
        run: ws::delete,
        done: |w| format!("Deleted workspace {w} (restorable for 14 days)."),
    };
    remove_one(ctx, name, if_exists, dry_run, removal)
}

/// Removing one workspace, after typing its name (`delete`, `purge`).
struct Removal {
    action: Action,
    /// The question, of the stored name.
    question: fn(&WorkspaceName) -> String,
    run: fn(&mut Session, &WorkspaceName) -> Result<Outcome<Workspace>, Error>,
    /// The status line, of the name given.
    done: fn(&WorkspaceName) -> String,
}

fn remove_one(
    ctx: &mut Ctx,
    name: &WorkspaceName,
    if_exists: bool,
    dry_run: bool,
    how: Removal,
) -> anyhow::Result<()> {
    let r = ctx.confirmed_write(
        dry_run,
        |settings, w: &Workspace| {
            prompt::confirm_by_name(settings, &(how.question)(&w.name), w.name.as_str())
        },
        |s| (how.run)(s, name),
    );
    ctx.print_removal(
        how.action.name(),
        dry_run,
        if_exists,
        r,
        |_| (how.done)(name),
        &format!("Workspace {name} does not exist."),
    )
}

/// `workspace purge`: one deleted workspace for good, or (`None`) every expired one.
pub fn purge(
    ctx: &mut Ctx,
    workspace: Option<&WorkspaceName>,
    if_exists: bool,
    dry_run: bool,
) -> anyhow::Result<()> {
    let Some(name) = workspace else {
        let progress = ctx.printer.progress();
        let done = ctx.confirmed_write(
            dry_run,
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
            Action::WorkspacePurge.name(),
            done.value.changed,
            dry_run,
            &done.value.value,
            &done.warnings,
            &format!("Purged {purged}."),
        )?;
        return Ok(());
    };
    let removal = Removal {
        action: Action::WorkspacePurge,
        question: |w| format!("Purge workspace {w} for good? Everything in it is lost."),
        run: ws::purge,
        done: |w| format!("Purged workspace {w}."),
    };
    remove_one(ctx, name, if_exists, dry_run, removal)
}

/// `--tag KEY=VALUE` arguments. A key given twice with two values is a contradiction
/// (exit 2), not "the last one wins"; the same pair twice is harmless.
fn one_value_each(tags: Vec<(String, String)>) -> Result<Vec<(String, String)>, Error> {
    let mut out: Vec<(String, String)> = Vec::new();
    for (k, v) in tags {
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
