//! Each object's fields (JSON and CSV show every one) and those a table shows as columns.

use super::View;
use crate::domain::check::Finding;
use crate::model::audit::AuditEvent;
use crate::model::resource_group::ResourceGroup;
use crate::model::resources::{Compute, DataSource};
use crate::model::{Member, Principal, Workspace};

impl View for Workspace {
    const FIELDS: &'static [&'static str] = &[
        "id",
        "name",
        "display_name",
        "description",
        "mode",
        "status",
        "owner",
        "is_default",
        "dev_role_disabled",
        "pai_tasks_enabled",
        "sod_policy",
        "default_resource_group",
        "resource_groups",
        "tags",
        "created_at",
        "created_by",
        "updated_at",
        "deleted_at",
        "deleted_by",
        "retention_until",
    ];
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "name",
        "display_name",
        "mode",
        "status",
        "is_default",
        "tags",
        "created_at",
    ];
}

impl View for Principal {
    const FIELDS: &'static [&'static str] = &[
        "id",
        "name",
        "kind",
        "display_name",
        "full_access",
        "created_at",
    ];
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "name",
        "kind",
        "display_name",
        "full_access",
        "created_at",
    ];
}

impl View for Member {
    const FIELDS: &'static [&'static str] = &[
        "workspace",
        "user",
        "user_id",
        "kind",
        "roles",
        "added_at",
        "added_by",
    ];
    const COLUMNS: &'static [&'static str] =
        &["user", "user_id", "kind", "roles", "added_at", "added_by"];
}

impl View for ResourceGroup {
    const FIELDS: &'static [&'static str] = &[
        "id",
        "name",
        "type",
        "spec",
        "payment",
        "duration",
        "duration_unit",
        "vpc",
        "vswitch",
        "remark",
        "status",
        "workspaces",
        "created_at",
        "created_by",
    ];
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "name",
        "type",
        "spec",
        "payment",
        "status",
        "workspaces",
    ];
}

impl View for AuditEvent {
    const FIELDS: &'static [&'static str] = &[
        "seq",
        "at",
        "actor",
        "actor_id",
        "action",
        "workspace",
        "target",
        "outcome",
        "details",
        "hash",
    ];
    const COLUMNS: &'static [&'static str] = &[
        "seq",
        "at",
        "actor",
        "action",
        "workspace",
        "target",
        "outcome",
    ];
}

impl View for Compute {
    const FIELDS: &'static [&'static str] = &[
        "workspace",
        "name",
        "env",
        "type",
        "mode",
        "properties",
        "description",
        "is_default",
        "created_at",
        "created_by",
        "updated_at",
        "updated_by",
    ];
    const COLUMNS: &'static [&'static str] = &[
        "name",
        "env",
        "type",
        "mode",
        "is_default",
        "properties",
        "updated_at",
    ];
}

impl View for DataSource {
    const FIELDS: &'static [&'static str] = &[
        "workspace",
        "name",
        "env",
        "type",
        "mode",
        "properties",
        "description",
        "origin",
        "last_test",
        "created_at",
        "created_by",
        "updated_at",
        "updated_by",
    ];
    const COLUMNS: &'static [&'static str] = &[
        "name",
        "env",
        "type",
        "mode",
        "origin",
        "properties",
        "last_test",
    ];
}

impl View for Finding {
    const FIELDS: &'static [&'static str] =
        &["rule", "severity", "workspace", "object", "message", "hint"];
    const COLUMNS: &'static [&'static str] =
        &["rule", "severity", "workspace", "object", "message", "hint"];
}

#[cfg(test)]
mod tests {
    use super::*;

    fn columns_are_fields<T: View>() {
        for c in T::COLUMNS {
            assert!(
                T::FIELDS.contains(c),
                "{}: column {c} is not a field",
                std::any::type_name::<T>()
            );
        }
    }

    /// A table shows some of the fields that CSV and JSON show, never another.
    #[test]
    fn every_column_is_a_field() {
        columns_are_fields::<Workspace>();
        columns_are_fields::<Principal>();
        columns_are_fields::<Member>();
        columns_are_fields::<ResourceGroup>();
        columns_are_fields::<AuditEvent>();
        columns_are_fields::<Compute>();
        columns_are_fields::<DataSource>();
        columns_are_fields::<Finding>();
        columns_are_fields::<crate::output::type_catalog::TypeView>();
        columns_are_fields::<crate::domain::apply::PlanChange>();
    }
}
