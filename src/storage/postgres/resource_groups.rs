//! Resource groups and their bindings (helper pgb writes this file).

use super::Tx;
use crate::domain::store::GroupStore;
use crate::model::clock::Timestamp;
use crate::model::error::Result;
use crate::model::resource_group::ResourceGroup;

impl GroupStore for Tx<'_> {
    fn resource_group(&self, _name_or_id: &str) -> Result<Option<ResourceGroup>> {
        unimplemented!("pgb")
    }
    fn resource_group_unbound(&self, _name_or_id: &str) -> Result<Option<ResourceGroup>> {
        unimplemented!("pgb")
    }
    fn resource_group_named(&self, _name: &str) -> Result<Option<ResourceGroup>> {
        unimplemented!("pgb")
    }
    fn resource_groups(&self) -> Result<Vec<ResourceGroup>> {
        unimplemented!("pgb")
    }
    fn resource_groups_from(&self, _prefix: &str) -> Result<Vec<ResourceGroup>> {
        unimplemented!("pgb")
    }
    fn resource_group_id_taken(&self, _id: &str) -> Result<bool> {
        unimplemented!("pgb")
    }
    fn insert_resource_group(&self, _g: &ResourceGroup) -> Result<i64> {
        unimplemented!("pgb")
    }
    fn save_resource_group(&self, _g: &ResourceGroup) -> Result<()> {
        unimplemented!("pgb")
    }
    fn delete_resource_group(&self, _pk: i64) -> Result<()> {
        unimplemented!("pgb")
    }
    fn insert_binding(
        &self,
        _group_pk: i64,
        _workspace_id: i64,
        _at: Timestamp,
        _by: &str,
    ) -> Result<()> {
        unimplemented!("pgb")
    }
    fn delete_binding(&self, _group_pk: i64, _workspace_id: i64) -> Result<()> {
        unimplemented!("pgb")
    }
}
