use super::connection::{self as conn, Removal, Said};
use super::Ctx;
use crate::cli::ComputeCommand;
use crate::domain::policy::Action;
use crate::domain::resources::{self as res, Filter};
use crate::domain::types;
use crate::model::resources::{AsCompute, Compute};
use crate::model::{ObjectName, WorkspaceName};

impl Said for AsCompute {
    const CAPITAL: &'static str = "Compute resource";
    const REMOVING: (&'static str, &'static str) = ("Detach", "Detached");
    fn added(c: &Compute, ws: &WorkspaceName) -> String {
        format!(
            "Attached {} compute resource {} to {ws} ({}), with its data source",
            c.type_key, c.name, c.env
        )
    }
    fn removing_also(keep_datasource: bool) -> &'static str {
        if keep_datasource {
            " (its data source stays)"
        } else {
            " and its data source"
        }
    }
}

pub fn run(ctx: &mut Ctx, cmd: ComputeCommand) -> anyhow::Result<()> {
    match cmd {
        ComputeCommand::Attach(a) => {
            let ws = WorkspaceName::parse(&a.workspace)?;
            let spec = types::resolve_compute_type(&a.type_key)?;
            let name = ObjectName::parse(&a.name, "compute resource")?;
            conn::add::<AsCompute>(ctx, &ws, name, spec, &a.object)
        }
        ComputeCommand::List(a) => {
            let f = Filter {
                env: conn::parse_env(a.env.as_deref())?,
                ..Filter::default()
            };
            conn::list::<AsCompute>(ctx, &a.workspace, &f)
        }
        ComputeCommand::Show(r) => conn::show::<AsCompute>(ctx, &r.at),
        ComputeCommand::Update(a) => conn::update::<AsCompute>(ctx, a),
        ComputeCommand::Detach(a) => conn::remove::<AsCompute>(
            ctx,
            Removal {
                at: &a.at,
                keep_datasource: a.keep_datasource,
                if_exists: a.if_exists,
                dry_run: a.dry_run,
            },
        ),
        ComputeCommand::SetDefault(a) => {
            let (ws, env) = conn::located::<AsCompute>(&a.at)?;
            let done = ctx.write(a.dry_run, |s| res::set_default(s, &ws, &a.at.name, env))?;
            let msg = format!(
                "{} is now the default {} compute resource in {ws} ({}).",
                done.value.value.name, done.value.value.type_key, done.value.value.env
            );
            ctx.print_mutation(Action::ComputeSetDefault.name(), a.dry_run, done, &msg)
        }
    }
}
