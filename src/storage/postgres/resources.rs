//! Compute resources and data sources (helper pgb writes this file).

use super::Tx;
use crate::domain::store::ResourceStore;
use crate::model::error::Result;
use crate::model::resources::{Compute, DataSource, LastTest};
use crate::model::Env;

impl ResourceStore for Tx<'_> {
    fn computes_named(&self, _ws: i64, _name: &str, _env: Option<Env>) -> Result<Vec<Compute>> {
        unimplemented!("pgb")
    }
    fn computes(&self, _ws: i64, _env: Option<Env>) -> Result<Vec<Compute>> {
        unimplemented!("pgb")
    }
    fn computes_from(&self, _ws: i64, _prefix: &str) -> Result<Vec<Compute>> {
        unimplemented!("pgb")
    }
    fn has_compute_of_type(&self, _ws: i64, _env: Env, _type_key: &str) -> Result<bool> {
        unimplemented!("pgb")
    }
    fn insert_compute(&self, _ws: i64, _c: &Compute) -> Result<i64> {
        unimplemented!("pgb")
    }
    fn save_compute(&self, _c: &Compute) -> Result<()> {
        unimplemented!("pgb")
    }
    fn delete_compute(&self, _pk: i64) -> Result<()> {
        unimplemented!("pgb")
    }
    fn datasources_named(
        &self,
        _ws: i64,
        _name: &str,
        _env: Option<Env>,
    ) -> Result<Vec<DataSource>> {
        unimplemented!("pgb")
    }
    fn datasources(&self, _ws: i64, _env: Option<Env>) -> Result<Vec<DataSource>> {
        unimplemented!("pgb")
    }
    fn datasources_from(&self, _ws: i64, _prefix: &str) -> Result<Vec<DataSource>> {
        unimplemented!("pgb")
    }
    fn insert_datasource(&self, _ws: i64, _d: &DataSource) -> Result<i64> {
        unimplemented!("pgb")
    }
    fn save_datasource(&self, _d: &DataSource) -> Result<()> {
        unimplemented!("pgb")
    }
    fn delete_datasource(&self, _pk: i64) -> Result<()> {
        unimplemented!("pgb")
    }
    fn save_test(&self, _pk: i64, _t: &LastTest) -> Result<()> {
        unimplemented!("pgb")
    }
}
