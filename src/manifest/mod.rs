//! Declarative manifests: the file format. Planning and applying are the domain's
//! (`crate::domain::apply`).

pub mod format;
