//! `access who-can` and `access matrix`: whole-tenant reviews, printed row by row as the
//! catalog reads them (JSON, JSON lines and CSV never hold the tenant).

use super::Ctx;
use crate::domain::access::{self, Cell, Holder};
use crate::domain::policy::Holding;
use crate::model::WorkspaceName;

pub fn who_can(ctx: &mut Ctx, what: Holding, ws: Option<&WorkspaceName>) -> anyhow::Result<()> {
    ctx.stream::<Holder>(|s, visit| access::who_can(s, what, ws, visit))
}

pub fn matrix(ctx: &mut Ctx, ws: Option<&WorkspaceName>) -> anyhow::Result<()> {
    ctx.stream::<Cell>(|s, visit| access::matrix(s, ws, visit))
}
