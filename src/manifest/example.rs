//! The example manifest of the README and the man page.

/// A complete manifest using every key, with comments, for the README and the man page.
/// Tested to parse.
pub const EXAMPLE: &str = r##"# A dwctl manifest: `dwctl plan --file dwctl.toml`, then `dwctl apply --file dwctl.toml`.
# Every key but `name` (`user`/`roles` for members, `type`/`env` for compute resources and
# data sources) may be left out: a key left out means "as it is" for an object that
# exists, and "the default" for a new one. An unknown key is an error.
version = 1                           # the only version there is
region = "cn-hangzhou"                # export writes its catalog's; another region's catalog refuses it

# Principals of the tenant. The account principal (`root`) is implied.
[[principal]]
name = "alice"
kind = "ram-user"                     # ram-user | ram-role
full_access = false                   # true: tenant administrator (AliyunDataWorksFullAccess)
display_name = "Alice"
db_role = "alice"                     # the PostgreSQL login acting as alice; only the account sets it

[[principal]]
name = "etl-bot"
kind = "ram-role"

# Resource groups belong to the tenant; workspaces bind them by name.
[[resource_group]]
name = "rg_etl"
type = "serverless"                   # serverless (default) | scheduler | integration | dataservice
spec = 4                              # CU, at least 2
payment = "postpaid"                  # postpaid (default) | prepaid
vpc = "vpc-abc123"
vswitch = "vsw-def456"
remark = "nightly ETL"

[[resource_group]]
name = "rg_reserved"
type = "scheduler"
spec = 8
payment = "prepaid"
duration = 1                          # prepaid only
duration_unit = "year"                # month | year

[[workspace]]
name = "finance_tax_report"
display_name = "Finance tax report"
description = "Monthly tax filings"
mode = "standard"                     # basic | standard (default); basic -> standard upgrades
status = "available"                  # available | disabled
sod_policy = "warn"                   # off | warn (default) | enforce
dev_role_disabled = false             # true only at creation; may go true -> false
pai_tasks_enabled = false
resource_groups = ["rg_etl", "rg_reserved"]
default_resource_group = "rg_etl"     # "" for none
tags = { team = "fin", "cost.center" = "cc-042" }

# Members other than the owner (implied). `roles` is the member's whole set of roles.
[[workspace.member]]
user = "alice"
roles = ["role_project_admin"]        # codes or aliases

[[workspace.member]]
user = "etl-bot"
roles = ["dev", "role_project_deploy"]

# A compute resource brings its own data source: do not list that again below.
[[workspace.compute]]
name = "mc"
type = "maxcompute"
env = "prod"                          # prod | dev
mode = "url"                          # inferred when the type or properties show it
properties = { project = "fin" }
description = "Main warehouse"

[[workspace.compute]]
name = "mc"
type = "maxcompute"
env = "dev"
properties = { project = "fin_dev" }

# Secrets are never written in a manifest: read them from an environment variable
# ({ env = "VAR" }) or a file ({ file = "PATH" }) when applying.
[[workspace.datasource]]
name = "orders"
type = "mysql"
env = "prod"
mode = "url"
properties = { address = "10.0.0.5:3306", database = "orders", username = "etl", password = { env = "DWCTL_SECRET_FINANCE__TAX__REPORT_ORDERS_PROD_PASSWORD" } }
description = "Orders replica"

[[workspace.datasource]]
name = "orders"
type = "mysql"
env = "dev"
mode = "url"
properties = { address = "10.0.1.5:3306", database = "orders_dev", username = "etl", password = { file = "/run/secrets/orders_dev_password" }, "extra.connectTimeout" = "5000" }
"##;
