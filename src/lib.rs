//! dwctl: administer DataWorks-style workspaces on a local SQLite catalog.
//!
//! The spine: `cli` (clap types; arguments parsed into domain types) -> `commands` (thin)
//! -> `domain` (rights and rules; it owns the storage interface `domain::store`) ->
//! `storage` (a backend implementing it: SQL, one transaction per command) ; `output` (the
//! only printer). `model` holds the entities, text helpers and the error type every layer
//! uses, and uses none of them. README "Architecture" has the picture; `cargo test
//! architecture` checks it. Only this file knows both `cli` and `commands`: it turns the
//! parsed command line into calls of command functions with typed values (`run`), and the
//! global options into the settings' overrides (`overrides`).

pub mod api;
pub mod cli;
pub mod commands;
pub mod config;
pub mod domain;
pub mod error;
pub mod gen;
pub mod input;
pub mod manifest;
pub mod model;
pub mod output;
pub mod prompt;
pub mod serve;
pub mod storage;

#[cfg(test)]
mod tests;

/// Parse, run, and map the outcome to an exit code. clap's own usage errors keep exit 2
/// (and `--help`/`--version` exit 0).
pub fn main_with<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let args: Vec<std::ffi::OsString> = args.into_iter().map(Into::into).collect();
    let env = config::Env::capture();
    let names_env = env.clone();
    let names = move |global: &cli::GlobalArgs,
                      kind: domain::names::NameKind,
                      workspace: Option<&model::WorkspaceName>,
                      prefix: &str| {
        // The catalog and the actor are found exactly as a command would find them.
        match config::Settings::resolve(&overrides(global), &names_env) {
            Ok(settings) => commands::completions::names(&settings, kind, workspace, prefix),
            Err(_) => Vec::new(),
        }
    };
    if let Some(code) = cli::answer::complete_if_requested(&args, Box::new(names)) {
        return code;
    }
    // A value the domain refused (a bad workspace name...) is dwctl's own error, reported
    // after clap's usage errors and the settings' errors, as when the commands parsed
    // their arguments.
    let (cli, refused) = match cli::parse(&args) {
        Ok(parsed) => parsed,
        Err(e) => return usage_error(&e, &args, &env),
    };
    let settings = match config::Settings::resolve(&overrides(&cli.global), &env) {
        Ok(s) => s,
        Err(e) => {
            let format = cli.global.output.unwrap_or(output::Format::Table);
            let printer = output::Printer::new(format, output::ColorChoice::Never, false);
            return error::report(e.into(), &printer);
        }
    };
    if let Some(refused) = refused {
        let printer = output::Printer::new(settings.format, settings.color, settings.quiet);
        return error::report(refused.into(), &printer);
    }
    let printer = output::Printer::new(settings.format, settings.color, settings.quiet);
    let mut ctx = commands::Ctx { settings, printer };
    let result = run(cli.command, &mut ctx).and_then(|()| Ok(ctx.printer.flush()?));
    match result {
        Ok(()) => 0,
        Err(e) => {
            let _ = ctx.printer.flush();
            error::report(e, &ctx.printer)
        }
    }
}

/// The global options as the settings' overrides. Destructured whole, so that a new global
/// option cannot be added without being passed on.
fn overrides(g: &cli::GlobalArgs) -> config::Overrides {
    let cli::GlobalArgs {
        catalog,
        config,
        no_config,
        actor,
        output,
        yes,
        no_input,
        color,
        quiet,
        lock_timeout,
    } = g.clone();
    config::Overrides {
        catalog,
        config,
        no_config,
        actor,
        output,
        yes,
        no_input,
        color,
        quiet,
        lock_timeout,
    }
}

/// Report clap's usage error (or print its help). clap's own usage errors keep exit 2.
fn usage_error(e: &clap::Error, args: &[std::ffi::OsString], env: &config::Env) -> i32 {
    let code = e.exit_code();
    // Under -o json a usage error is a JSON error too (cli.md 4). clap repeats the
    // offending argument whole and raw: when an argument is huge or holds control
    // characters, dwctl's printer writes the error, escaped and cut short.
    if code == 2 {
        let format = usage_error_format(args, env)
            .or_else(|| hostile_args(args).then_some(output::Format::Table));
        if let Some(format) = format {
            let printer = output::Printer::new(format, output::ColorChoice::Never, false);
            return error::report(clap_error(e).into(), &printer);
        }
    }
    // Printing help or a usage error is clap's; a closed pipe is not an error.
    let _ = e.print();
    code
}

fn role(ctx: &mut commands::Ctx, c: cli::RoleCommand) -> anyhow::Result<()> {
    use cli::RoleCommand as R;
    use commands::role;
    match c {
        R::List(a) => role::list(ctx, a.workspace.as_ref()),
        R::Show(a) => role::show(ctx, &a.role, a.workspace.as_ref()),
        R::Create(a) => role::create(
            ctx,
            role::Create {
                workspace: a.workspace,
                name: a.name,
                rights: a.rights,
                capabilities: a.capabilities,
                description: a.description,
                if_not_exists: a.if_not_exists,
                dry_run: a.dry_run,
            },
        ),
        R::Update(a) => role::update(
            ctx,
            &a.workspace,
            &a.role,
            crate::domain::roles::RoleUpdate {
                add_rights: a.add_rights,
                remove_rights: a.remove_rights,
                add_capabilities: a.add_capabilities,
                remove_capabilities: a.remove_capabilities,
                description: a.description,
                set: None,
            },
            a.dry_run,
        ),
        R::Delete(a) => role::delete(
            ctx,
            &a.workspace,
            &a.role,
            a.revoke_from_members,
            a.if_exists,
            a.dry_run,
        ),
    }
}

/// Call the command the line names, with its arguments as typed values.
fn run(command: cli::Command, ctx: &mut commands::Ctx) -> anyhow::Result<()> {
    use cli::Command as C;
    use commands as cmd;
    match command {
        C::Init(a) => cmd::init::run(ctx, a.account_id, a.region, a.if_not_exists),
        C::Whoami => cmd::init::whoami(ctx),
        C::User(c) => user(ctx, c),
        C::Workspace(c) => workspace(ctx, c),
        C::Member(c) => member(ctx, c),
        C::Role(c) => role(ctx, c),
        C::Access(cli::AccessCommand::WhoCan(a)) => {
            cmd::access::who_can(ctx, a.what, a.workspace.as_ref())
        }
        C::Access(cli::AccessCommand::Matrix(a)) => cmd::access::matrix(ctx, a.workspace.as_ref()),
        C::ResourceGroup(c) => resource_group(ctx, c),
        C::Compute(c) => compute(ctx, c),
        C::DataSource(c) => datasource(ctx, c),
        C::Audit(cli::AuditCommand::List(a)) => cmd::audit::list(
            ctx,
            cmd::audit::List {
                workspace: a.workspace,
                actor: a.actor,
                action: a.action,
                since: a.since,
                until: a.until,
                limit: a.limit,
            },
        ),
        C::Audit(cli::AuditCommand::Verify(a)) => cmd::audit::verify(ctx, &a.expect),
        C::Audit(cli::AuditCommand::Head) => cmd::audit::head(ctx),
        C::Export(a) => cmd::manifest::export(
            ctx,
            cmd::manifest::Export {
                workspaces: a.workspaces,
                all: a.all,
                file: a.file,
            },
        ),
        C::Plan(a) => cmd::manifest::plan(
            ctx,
            cmd::manifest::Plan {
                file: a.file,
                prune: a.prune,
                exit_code: a.exit_code,
            },
        ),
        C::Apply(a) => cmd::manifest::apply(
            ctx,
            cmd::manifest::Apply {
                file: a.file,
                prune: a.prune,
                dry_run: a.dry_run,
            },
        ),
        C::Import(a) => cmd::import::run(
            ctx,
            cmd::import::Import {
                dir: a.from_api,
                file: a.file,
                apply: a.apply,
                dry_run: a.dry_run,
            },
        ),
        C::Completions(a) => cmd::completions::run(ctx, &a.shell.script()),
        C::Check(a) => cmd::check::run(ctx, &a.workspaces, a.strict),
        C::Catalog(cli::CatalogCommand::Backup(a)) => cmd::catalog::backup(ctx, &a.path),
        C::Catalog(cli::CatalogCommand::Copy(a)) => {
            cmd::catalog::copy(ctx, a.from.as_deref(), &a.to)
        }
        C::Catalog(cli::CatalogCommand::Migrate) => cmd::catalog::migrate(ctx),
        C::Serve(a) => serve_api(
            ctx,
            serve::Options {
                listen: a.listen,
                tls: a.tls_cert.zip(a.tls_key),
                insecure_http: a.insecure_http,
                log_format: match a.log_format {
                    cli::LogFormatArg::Json => output::serve_log::LogFormat::Json,
                    cli::LogFormatArg::Text => output::serve_log::LogFormat::Text,
                },
                bench_constant: a.bench_constant,
                client_timeout: a.client_timeout,
            },
        ),
    }
}

/// The server `dwctl serve` runs: `serve::run`, set by the `dwctl-serve` executable.
pub type Server = fn(config::Settings, serve::Options) -> model::error::Result<()>;

static SERVER: std::sync::OnceLock<Server> = std::sync::OnceLock::new();

/// [`main_with`] in the executable that holds the HTTP stack (`dwctl-serve`, which `dwctl
/// serve` runs in its place): `dwctl` itself never links the server, so that its start-up
/// pays nothing for it (quality.md P5).
pub fn main_with_server<I, T>(args: I, server: Server) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let _ = SERVER.set(server);
    main_with(args)
}

/// `serve`: in `dwctl`, replace this process with `dwctl-serve` (beside it) and the same
/// arguments; there, open the catalog (at the default path, create it) as any command
/// does, then serve until SIGTERM or SIGINT.
fn serve_api(ctx: &mut commands::Ctx, opts: serve::Options) -> anyhow::Result<()> {
    let Some(server) = SERVER.get() else {
        return Err(exec_server().into());
    };
    drop(ctx.catalog()?);
    ctx.printer.flush()?;
    server(ctx.settings.clone(), opts)?;
    Ok(())
}

/// Replace this process with `dwctl-serve`; returns only the error of not doing so.
fn exec_server() -> model::error::Error {
    let exe = match std::env::current_exe() {
        Ok(p) => p.with_file_name(format!("dwctl-serve{}", std::env::consts::EXE_SUFFIX)),
        Err(e) => {
            return model::error::Error::internal("cannot find dwctl's own path")
                .caused_by(e.to_string())
        }
    };
    let mut cmd = std::process::Command::new(&exe);
    cmd.args(std::env::args_os().skip(1));
    #[cfg(unix)]
    let e = std::os::unix::process::CommandExt::exec(&mut cmd);
    #[cfg(not(unix))]
    let e = match cmd.status() {
        Ok(status) => std::process::exit(status.code().unwrap_or(1)),
        Err(e) => e,
    };
    model::error::Error::internal(format!("cannot run {}", exe.display()))
        .caused_by(e.to_string())
        .with_hint("dwctl serve runs dwctl-serve, installed beside dwctl: install both")
}

fn user(ctx: &mut commands::Ctx, c: cli::UserCommand) -> anyhow::Result<()> {
    use cli::UserCommand as C;
    use commands::user;
    match c {
        C::Add(a) => user::add(
            ctx,
            user::Add {
                name: a.name,
                kind: a.kind,
                id: a.id,
                display_name: a.display_name,
                full_access: a.full_access,
                db_role: a.db_role,
                if_not_exists: a.if_not_exists,
                dry_run: a.dry_run,
            },
        ),
        C::List => user::list(ctx),
        C::Show(r) => user::show(ctx, &r.user),
        C::Update(a) => user::update(
            ctx,
            &a.user,
            a.display_name.as_deref(),
            a.full_access,
            match (a.db_role, a.no_db_role) {
                (Some(r), _) => Some(Some(r)),
                (None, true) => Some(None),
                (None, false) => None,
            },
            a.dry_run,
        ),
        C::Remove(a) => user::remove(ctx, &a.user, a.cascade, a.if_exists, a.dry_run),
        C::AccessKey(k) => {
            use cli::AccessKeyCommand as K;
            match k {
                K::Create(r) => user::accesskey_create(ctx, &r.user),
                K::List(r) => user::accesskey_list(ctx, &r.user),
                K::Enable(r) => user::accesskey_set_enabled(ctx, &r.user, &r.access_key_id, true),
                K::Disable(r) => user::accesskey_set_enabled(ctx, &r.user, &r.access_key_id, false),
                K::Delete(r) => user::accesskey_delete(ctx, &r.user, &r.access_key_id),
            }
        }
    }
}

fn workspace(ctx: &mut commands::Ctx, c: cli::WorkspaceCommand) -> anyhow::Result<()> {
    use cli::WorkspaceCommand as C;
    use commands::workspace as ws;
    match c {
        C::Create(a) => ws::create(
            ctx,
            ws::Create {
                name: a.name,
                display_name: a.display_name,
                description: a.description,
                mode: a.mode,
                sod_policy: a.sod_policy,
                pai_tasks: a.pai_tasks,
                tags: a.tags,
                disable_dev_role: a.disable_dev_role,
                if_not_exists: a.if_not_exists,
                dry_run: a.dry_run,
            },
        ),
        C::List(a) => ws::list(ctx, a.all, a.status, a.mode, a.tags),
        C::Show(r) => ws::show(ctx, &r.workspace),
        C::Update(a) => ws::update(
            ctx,
            ws::Update {
                workspace: a.workspace,
                display_name: a.display_name,
                description: a.description,
                tags: a.tags,
                untag: a.untag,
                pai_tasks: a.pai_tasks,
                sod_policy: a.sod_policy,
                default_resource_group: a.default_resource_group,
                dev_role_disabled: match (a.enable_dev_role, a.disable_dev_role) {
                    (true, _) => Some(false),
                    (_, true) => Some(true),
                    _ => None,
                },
                dry_run: a.dry_run,
            },
        ),
        C::Disable(a) => ws::disable(ctx, &a.workspace, a.dry_run),
        C::Enable(a) => ws::enable(ctx, &a.workspace, a.dry_run),
        C::Delete(a) => ws::delete(ctx, &a.workspace, a.if_exists, a.dry_run),
        C::Restore(a) => ws::restore(ctx, &a.workspace, a.dry_run),
        // clap requires a workspace or --expired (not both): no workspace is --expired.
        C::Purge(a) => ws::purge(ctx, a.workspace.as_ref(), a.if_exists, a.dry_run),
        C::Upgrade(a) => ws::upgrade(ctx, &a.workspace, a.dry_run),
    }
}

fn member(ctx: &mut commands::Ctx, c: cli::MemberCommand) -> anyhow::Result<()> {
    use cli::MemberCommand as C;
    use commands::member;
    match c {
        C::Add(a) => member::add(
            ctx,
            member::Add {
                workspace: a.workspace,
                user: a.user,
                roles: a.roles,
                expires: a.expires,
                if_not_exists: a.if_not_exists,
                dry_run: a.dry_run,
            },
        ),
        C::List(a) => member::list(ctx, &a.workspace, a.role),
        C::Show(r) => member::show(ctx, &r.workspace, &r.user),
        C::Role(a) => member::role(
            ctx,
            &a.workspace,
            &a.user,
            a.set,
            &a.grant,
            &a.revoke,
            a.dry_run,
        ),
        C::Remove(a) => member::remove(ctx, &a.workspace, &a.user, a.if_exists, a.dry_run),
        C::Update(a) => member::update(ctx, &a.workspace, &a.user, a.expires, a.dry_run),
        C::Suspend(a) => member::suspend(ctx, &a.workspace, &a.user, true, a.dry_run),
        C::Resume(a) => member::suspend(ctx, &a.workspace, &a.user, false, a.dry_run),
        C::Prune(a) => member::prune(ctx, a.workspace.as_ref(), a.dry_run),
    }
}

fn resource_group(ctx: &mut commands::Ctx, c: cli::ResourceGroupCommand) -> anyhow::Result<()> {
    use cli::ResourceGroupCommand as C;
    use commands::resource_group as rg;
    match c {
        C::Create(a) => rg::create(
            ctx,
            rg::Create {
                name: a.name,
                group_type: a.group_type,
                spec: a.spec,
                payment: a.payment,
                duration: a.duration,
                duration_unit: a.duration_unit,
                vpc: a.vpc,
                vswitch: a.vswitch,
                remark: a.remark,
                if_not_exists: a.if_not_exists,
                dry_run: a.dry_run,
            },
        ),
        C::List => rg::list(ctx),
        C::Show(r) => rg::show(ctx, &r.group),
        C::Update(a) => rg::update(
            ctx,
            rg::Update {
                group: a.group,
                name: a.name,
                remark: a.remark,
                spec: a.spec,
                dry_run: a.dry_run,
            },
        ),
        C::Delete(a) => rg::delete(ctx, &a.group, a.if_exists, a.dry_run),
        C::Bind(a) => rg::bind(
            ctx,
            &a.group,
            &a.workspace,
            a.default,
            a.if_not_exists,
            a.dry_run,
        ),
        C::Unbind(a) => rg::unbind(ctx, &a.group, &a.workspace, a.if_exists, a.dry_run),
    }
}

/// The environment, mode, properties and description of a new compute resource or data
/// source.
fn object_input(o: cli::ObjectInput) -> commands::connection::ObjectInput {
    commands::connection::ObjectInput {
        env: o.env,
        mode: o.mode,
        props: o.props,
        props_file: o.props_file,
        description: o.description,
    }
}

fn object_update<N: cli::Noun>(a: cli::ObjectUpdateArgs<N>) -> commands::connection::ObjectUpdate {
    commands::connection::ObjectUpdate {
        workspace: a.target.workspace,
        name: a.target.name,
        env: a.target.env,
        props: a.props,
        unprops: a.unprops,
        props_file: a.props_file,
        description: a.description,
        dry_run: a.dry_run,
    }
}

fn compute(ctx: &mut commands::Ctx, c: cli::ComputeCommand) -> anyhow::Result<()> {
    use cli::ComputeCommand as C;
    use commands::{compute, connection as conn};
    use model::resources::AsCompute;
    match c {
        C::Attach(a) => conn::add::<AsCompute>(
            ctx,
            conn::NewConnection {
                workspace: a.workspace,
                name: a.name,
                spec: a.type_key,
                object: object_input(a.object),
                if_not_exists: a.if_not_exists,
                dry_run: a.dry_run,
            },
        ),
        C::List(a) => compute::list(ctx, &a.workspace, a.env),
        C::Show(r) => conn::show::<AsCompute>(ctx, &r.workspace, &r.name, r.env),
        C::Update(a) => conn::update::<AsCompute>(ctx, object_update(a)),
        C::Detach(a) => conn::remove::<AsCompute>(
            ctx,
            conn::Removal {
                workspace: &a.target.workspace,
                name: &a.target.name,
                env: a.target.env,
                keep_datasource: a.keep_datasource,
                if_exists: a.if_exists,
                dry_run: a.dry_run,
            },
        ),
        C::SetDefault(a) => {
            let t = a.target;
            compute::set_default(ctx, &t.workspace, &t.name, t.env, a.dry_run)
        }
    }
}

fn datasource(ctx: &mut commands::Ctx, c: cli::DataSourceCommand) -> anyhow::Result<()> {
    use cli::DataSourceCommand as C;
    use commands::{connection as conn, datasource as ds};
    use model::resources::AsSource;
    match c {
        C::Add(a) => ds::add(
            ctx,
            conn::NewConnection {
                workspace: a.workspace,
                name: a.name,
                spec: a.type_key,
                object: object_input(a.object),
                if_not_exists: a.if_not_exists,
                dry_run: a.dry_run,
            },
        ),
        C::List(a) => ds::list(ctx, &a.workspace, a.env, a.type_key, a.name),
        C::Show(r) => conn::show::<AsSource>(ctx, &r.workspace, &r.name, r.env),
        C::Update(a) => conn::update::<AsSource>(ctx, object_update(a)),
        C::Remove(a) => conn::remove::<AsSource>(
            ctx,
            conn::Removal {
                workspace: &a.target.workspace,
                name: &a.target.name,
                env: a.target.env,
                keep_datasource: false,
                if_exists: a.if_exists,
                dry_run: a.dry_run,
            },
        ),
        C::Test(a) => {
            let t = a.target;
            ds::test(ctx, &t.workspace, &t.name, t.env, a.timeout)
        }
        C::Share(a) => {
            let r = ds::ShareRef {
                workspace: &a.source.workspace,
                name: &a.source.name,
                env: a.source.env,
                to: &a.to,
            };
            ds::share(ctx, r, a.user.as_deref(), a.if_not_exists, a.dry_run)
        }
        C::Unshare(a) => {
            let r = ds::ShareRef {
                workspace: &a.source.workspace,
                name: &a.source.name,
                env: a.source.env,
                to: &a.to,
            };
            ds::unshare(ctx, r, a.if_exists, a.dry_run)
        }
        C::Shares(a) => ds::shares(
            ctx,
            a.workspace.as_ref(),
            a.name.as_ref(),
            a.env,
            a.to.as_ref(),
        ),
        C::Types => ds::types(ctx),
    }
}

/// The JSON format asked for by a command line clap could not parse (`-o json`,
/// `--output=jsonl`, `-ojson`, or `DWCTL_OUTPUT`), if any.
fn usage_error_format(args: &[std::ffi::OsString], env: &config::Env) -> Option<output::Format> {
    let mut found = None;
    let mut it = args.iter().skip(1).map(|a| a.to_string_lossy());
    while let Some(a) = it.next() {
        let value = if a == "--" {
            break;
        } else if a == "-o" || a == "--output" {
            it.next().map(|v| v.into_owned())
        } else if let Some(v) = a.strip_prefix("--output=") {
            Some(v.to_string())
        } else {
            a.strip_prefix("-o")
                .filter(|v| !v.is_empty())
                .map(|v| v.trim_start_matches('=').to_string())
        };
        if let Some(f) = value.and_then(|v| output::Format::parse(&v).ok()) {
            found = Some(f);
        }
    }
    found
        .or_else(|| env.output_format())
        .filter(|f| f.is_json())
}

/// Whether an argument is one clap's own error message must not repeat as it is: longer
/// than a line, or holding a character that could act on a terminal.
fn hostile_args(args: &[std::ffi::OsString]) -> bool {
    args.iter().any(|a| {
        let a = a.to_string_lossy();
        a.len() > 256 || a.chars().any(model::needs_escape)
    })
}

/// clap's usage error as dwctl's: its first paragraph is the message, its tip (or the
/// usage line) the hint.
fn clap_error(e: &clap::Error) -> model::error::Error {
    let text = e.render().to_string();
    let mut message = String::new();
    let mut tip = None;
    let mut usage = None;
    for block in text.split("\n\n") {
        let block = block.trim();
        let flat = block.lines().map(str::trim).collect::<Vec<_>>().join(" ");
        if message.is_empty() {
            message = flat.strip_prefix("error: ").unwrap_or(&flat).to_string();
        } else if let Some(t) = flat.strip_prefix("tip: ") {
            tip.get_or_insert(t.to_string());
        } else if flat.starts_with("Usage: ") {
            usage.get_or_insert(flat);
        }
    }
    if e.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
        message = "a subcommand is required".into();
    }
    let hint = tip.or(usage).unwrap_or_else(|| "see dwctl --help".into());
    model::error::Error::invalid(message).with_hint(hint)
}
