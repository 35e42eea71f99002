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
        "db_role",
        "created_at",
    ];
    /// A table shows every field.
    const COLUMNS: &'static [&'static str] = Self::FIELDS;
}

impl View for crate::model::access_key::AccessKey {
    const FIELDS: &'static [&'static str] = &[
        "access_key_id",
        "user",
        "status",
        "created_at",
        "created_by",
    ];
    const COLUMNS: &'static [&'static str] = Self::FIELDS;
}

impl View for Member {
    const FIELDS: &'static [&'static str] = &[
        "workspace",
        "user",
        "user_id",
        "kind",
        "roles",
        "status",
        "expires_at",
        "added_at",
        "added_by",
    ];
    /// Every field but the workspace, which a member list names once (it lists one).
    const COLUMNS: &'static [&'static str] = Self::FIELDS.split_at(1).1;
}

impl View for crate::domain::access::Holder {
    const FIELDS: &'static [&'static str] = &["workspace", "user", "user_id", "kind", "through"];
    const COLUMNS: &'static [&'static str] = Self::FIELDS;
}

impl View for crate::domain::access::Cell {
    const FIELDS: &'static [&'static str] =
        &["user", "user_id", "kind", "workspace", "roles", "status"];
    const COLUMNS: &'static [&'static str] = Self::FIELDS;
}

impl View for crate::model::resources::Share {
    const FIELDS: &'static [&'static str] = &[
        "id",
        "workspace",
        "datasource",
        "env",
        "to",
        "user",
        "created_at",
        "created_by",
    ];
    const COLUMNS: &'static [&'static str] = Self::FIELDS;
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

/// A connection's fields: those every connection has, around what makes it a compute
/// resource or a data source (`kind`, flattened where `Connection` puts it); its columns:
/// name, env, type, mode, then the kind's columns before and after the properties.
macro_rules! connection_view {
    ($t:ty, kind: [$($k:literal),*], columns: [$($c:literal),*], then: [$($d:literal),*]) => {
        impl View for $t {
            const FIELDS: &'static [&'static str] = &[
                "id",
                "workspace",
                "name",
                "env",
                "type",
                "mode",
                "properties",
                "description",
                $($k,)*
                "created_at",
                "created_by",
                "updated_at",
                "updated_by",
            ];
            const COLUMNS: &'static [&'static str] =
                &["name", "env", "type", "mode", $($c,)* "properties", $($d,)*];
        }
    };
}

connection_view!(Compute, kind: ["is_default"], columns: ["is_default"], then: ["updated_at"]);
connection_view!(
    DataSource,
    kind: ["origin", "last_test", "shared_from"],
    columns: ["origin", "shared_from"],
    then: ["last_test"]
);

impl View for Finding {
    const FIELDS: &'static [&'static str] =
        &["rule", "severity", "workspace", "object", "message", "hint"];
    /// A table shows every field.
    const COLUMNS: &'static [&'static str] = Self::FIELDS;
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
        columns_are_fields::<crate::domain::access::Holder>();
        columns_are_fields::<crate::model::resources::Share>();
        columns_are_fields::<crate::domain::access::Cell>();
        columns_are_fields::<crate::output::type_catalog::TypeView>();
        columns_are_fields::<crate::domain::apply::PlanChange>();
    }

    fn fields_are_keys<T: View + serde::Serialize>(item: T) {
        let v = serde_json::to_value(item).unwrap();
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, T::FIELDS, "{}", std::any::type_name::<T>());
    }

    /// A compute resource and a data source are one connection model with what makes
    /// each what it is: they show their fields in the order they always had.
    #[test]
    fn connections_serialize_their_fields_in_order() {
        use crate::model::clock::Timestamp;
        use crate::model::resources::{AsCompute, AsSource, Connection, Origin};
        use crate::model::types::ConnMode;
        use crate::model::{Env, WorkspaceName};
        fn connection<K>(kind: K) -> Connection<K> {
            let at = Timestamp::from_millis(0);
            Connection {
                pk: 1,
                workspace: WorkspaceName::from_stored("w".into()),
                name: "c".into(),
                env: Env::Prod,
                type_key: "mysql".into(),
                mode: ConnMode::Instance,
                properties: None,
                description: String::new(),
                kind,
                created_at: at,
                created_by: "root".into(),
                updated_at: at,
                updated_by: "root".into(),
            }
        }
        fields_are_keys(connection(AsCompute { is_default: true }));
        fields_are_keys(connection(AsSource {
            origin: Origin::Compute("c".into()),
            last_test: None,
            shared_from: None,
        }));
    }
}
