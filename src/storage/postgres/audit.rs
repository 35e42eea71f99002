//! The audit log (helper pgb writes this file).

use super::Tx;
use crate::domain::store::{AuditFilter, AuditStore};
use crate::model::audit::AuditEvent;
use crate::model::error::Result;

impl AuditStore for Tx<'_> {
    fn last_audit(&mut self) -> Result<(i64, String)> {
        unimplemented!("pgb")
    }
    fn newest_audit(&self) -> Result<(i64, String)> {
        unimplemented!("pgb")
    }
    fn insert_audit(&mut self, _e: &AuditEvent) -> Result<()> {
        unimplemented!("pgb")
    }
    fn for_each_audit(
        &self,
        _f: &AuditFilter,
        _visit: &mut dyn FnMut(AuditEvent) -> Result<()>,
    ) -> Result<()> {
        unimplemented!("pgb")
    }
    fn for_each_event(&self, _visit: &mut dyn FnMut(AuditEvent) -> Result<()>) -> Result<()> {
        unimplemented!("pgb")
    }
}
