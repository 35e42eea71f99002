//! Which fields each object shows as table columns (JSON shows every field).

use super::View;
use crate::domain::audit::AuditEvent;
use crate::domain::check::Finding;
use crate::domain::model::{Member, Principal, Workspace};
use crate::domain::resource_group::ResourceGroup;
use crate::domain::resources::{Compute, DataSource};

impl View for Workspace {
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
    const COLUMNS: &'static [&'static str] =
        &["user", "user_id", "kind", "roles", "added_at", "added_by"];
}

impl View for ResourceGroup {
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
    const COLUMNS: &'static [&'static str] =
        &["rule", "severity", "workspace", "object", "message", "hint"];
}
