//! The DataWorks OpenAPI 2024-05-18 at dwctl's edge: the response bodies as the official
//! SDK (`alibabacloud-dataworks-public20240518` 9.11.0, its `models/*_response_body.py`)
//! names and types them, and their conversions to and from dwctl's model.
//!
//! - [`shapes`]: the serde shapes, PascalCase on the wire, every field optional as the
//!   SDK's models have them (a field left out is not written), lists always written; the
//!   wire's quirks kept (`DefaultVswicthId` in ListResourceGroups, ListProjectRoles'
//!   paging fields as strings, `Spec` as `{Amount, Standard}`, `ConnectionProperties` an
//!   object). Both `serve` (writing responses) and `import` (reading them) use them.
//! - [`convert`]: the mapping of api.md between the API's values and dwctl's (statuses,
//!   modes, group types, payment, environments, times, and whole objects).
//! - [`import`]: response bodies to a manifest (`dwctl import --from-api`).
//!
//! Only the model and the manifest format are used here: the API is a format at the edge,
//! like the manifest; rules stay in the domain.

pub mod convert;
pub mod import;
mod json_path;
pub mod shapes;

pub use shapes::*;
