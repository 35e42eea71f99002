"""Drive `dwctl serve` with the official DataWorks SDK (alibabacloud-dataworks-public20240518
9.11.0): every action it serves, with the SDK's own models, a member without the right, a
bad secret, a stale date, a replayed nonce, and pagination over 250 workspaces.

Run by tests/cli/serve.rs (sdk_drives_every_action) with:
  DWCTL_ADDR       host:port the server listens on
  DWCTL_ROOT_KEY   id:secret of an AccessKey of the account
  DWCTL_ALICE_KEY  id:secret of an AccessKey of alice, a RAM user with no rights
  DWCTL_ALICE_ID   alice's principal id
Prints ALL OK at the end; any failed check raises.
"""

import json
import os
import sys

from alibabacloud_dataworks_public20240518 import models as m
from alibabacloud_dataworks_public20240518.client import Client
from alibabacloud_tea_openapi.models import Config
from alibabacloud_tea_openapi import utils as tea_utils

ADDR = os.environ["DWCTL_ADDR"]
ALICE_ID = os.environ["DWCTL_ALICE_ID"]


def client(key_env, secret=None):
    key_id, key_secret = os.environ[key_env].split(":", 1)
    return Client(
        Config(
            access_key_id=key_id,
            access_key_secret=secret or key_secret,
            endpoint=ADDR,
            protocol="http",
            region_id="cn-hangzhou",
        )
    )


def refused(call, status, code):
    try:
        call()
    except Exception as e:  # the SDK's ClientException / ServerException
        got = (getattr(e, "status_code", None), getattr(e, "code", None))
        assert got == (status, code), f"expected {(status, code)}, got {got}: {e}"
        return e
    raise AssertionError(f"expected {(status, code)}, but the call succeeded")


root = client("DWCTL_ROOT_KEY")
alice = client("DWCTL_ALICE_KEY")

# Projects.
created = root.create_project(
    m.CreateProjectRequest(
        name="sdk_proj",
        display_name="SDK project",
        description="made by the SDK",
        dev_environment_enabled=True,
        pai_task_enabled=True,
        aliyun_resource_tags=[m.CreateProjectRequestAliyunResourceTags(key="team", value="sdk")],
    )
)
assert created.status_code == 200
pid = created.body.id
assert isinstance(pid, int) and created.body.project_id == pid and created.body.request_id

p = root.get_project(m.GetProjectRequest(id=pid)).body.project
assert (p.name, p.display_name, p.description) == ("sdk_proj", "SDK project", "made by the SDK"), p.to_map()
assert p.status == "Available" and p.dev_environment_enabled is True and p.pai_task_enabled is True
assert p.dev_role_disabled is False and p.id == pid and p.owner
assert [(t.key, t.value) for t in p.aliyun_resource_tags] == [("team", "sdk")]

listed = root.list_projects(m.ListProjectsRequest(ids=[pid])).body.paging_info
assert listed.total_count == 1 and listed.projects[0].name == "sdk_proj"
assert root.list_projects(m.ListProjectsRequest(names=["sdk_proj"])).body.paging_info.total_count == 1

root.update_project(m.UpdateProjectRequest(id=pid, display_name="Renamed", description="new"))
p = root.get_project(m.GetProjectRequest(id=pid)).body.project
assert (p.display_name, p.description) == ("Renamed", "new")
root.update_project(m.UpdateProjectRequest(id=pid, status="Forbidden"))
assert root.get_project(m.GetProjectRequest(id=pid)).body.project.status == "Forbidden"
assert root.list_projects(m.ListProjectsRequest(status="Forbidden")).body.paging_info.total_count == 1
root.update_project(m.UpdateProjectRequest(id=pid, status="Available"))

# Members.
root.create_project_member(
    m.CreateProjectMemberRequest(project_id=pid, user_id=ALICE_ID, role_codes=["role_project_dev"])
)
pm = root.get_project_member(m.GetProjectMemberRequest(project_id=pid, user_id=ALICE_ID)).body.project_member
assert (pm.project_id, pm.user_id, pm.user_name, pm.status) == (pid, ALICE_ID, "alice", "Normal")
assert [r.code for r in pm.roles] == ["role_project_dev"] and pm.roles[0].type == "System"

# alice, a developer, may read but not manage members: the SDK's exception, 403.
refused(
    lambda: alice.grant_member_project_roles(
        m.GrantMemberProjectRolesRequest(project_id=pid, user_id=ALICE_ID, role_codes=["role_project_admin"])
    ),
    403,
    "Forbidden.Access",
)
assert alice.get_project(m.GetProjectRequest(id=pid)).body.project.name == "sdk_proj"

root.grant_member_project_roles(
    m.GrantMemberProjectRolesRequest(project_id=pid, user_id=ALICE_ID, role_codes=["role_project_admin"])
)
root.revoke_member_project_roles(
    m.RevokeMemberProjectRolesRequest(project_id=pid, user_id=ALICE_ID, role_codes=["role_project_dev"])
)
members = root.list_project_members(m.ListProjectMembersRequest(project_id=pid, page_size=10)).body.paging_info
assert members.total_count == 2, members.to_map()
by_user = {x.user_name: [r.code for r in x.roles] for x in members.project_members}
assert by_user["alice"] == ["role_project_admin"], by_user
only_admins = root.list_project_members(
    m.ListProjectMembersRequest(project_id=pid, role_codes=["role_project_admin"])
).body.paging_info
assert [x.user_name for x in only_admins.project_members] == ["alice"]

# Roles: this model's paging fields are strings.
roles = root.list_project_roles(m.ListProjectRolesRequest(project_id=pid, page_number=1, page_size=4)).body.paging_info
assert (roles.page_number, roles.page_size, roles.total_count) == ("1", "4", "10"), roles.to_map()
assert [r.code for r in roles.project_roles][:2] == ["role_project_owner", "role_project_admin"]
role = root.get_project_role(m.GetProjectRoleRequest(project_id=pid, code="role_project_pe")).body.project_role
assert (role.code, role.type, role.project_id) == ("role_project_pe", "System", -1)
refused(lambda: root.get_project_role(m.GetProjectRoleRequest(project_id=pid, code="nope")), 404, "NotFound")

# Custom roles (issue 16): module permissions in, a base_role_ code out, Type UserCustom.
W = m.CreateProjectRoleRequestModulePermissions
created = root.create_project_role(
    m.CreateProjectRoleRequest(
        project_id=pid,
        name="sdk_sources",
        module_permissions=[W(module_id=9, permission_type="Write"), W(module_id=11, permission_type="Write")],
    )
).body
assert created.code.startswith("base_role_"), created.to_map()
custom = root.get_project_role(m.GetProjectRoleRequest(project_id=pid, code=created.code)).body.project_role
assert (custom.name, custom.type, custom.project_id) == ("sdk_sources", "UserCustom", pid), custom.to_map()
perms = sorted((p.module_id, p.permission_type) for p in custom.module_permissions)
assert perms == [(9, "Write"), (11, "Write")], custom.to_map()
listed = root.list_project_roles(m.ListProjectRolesRequest(project_id=pid, type="UserCustom")).body.paging_info
assert [r.code for r in listed.project_roles] == [created.code], listed.to_map()
refused(
    lambda: root.create_project_role(
        m.CreateProjectRoleRequest(project_id=pid, name="maps", module_permissions=[W(module_id=7, permission_type="Write")])
    ),
    400,
    "InvalidParameter",
)
refused(
    lambda: root.create_project_role(m.CreateProjectRoleRequest(project_id=pid, name="SDK_SOURCES")),
    409,
    "Conflict",
)
root.grant_member_project_roles(
    m.GrantMemberProjectRolesRequest(project_id=pid, user_id=ALICE_ID, role_codes=[created.code])
)
held = root.get_project_member(m.GetProjectMemberRequest(project_id=pid, user_id=ALICE_ID)).body.project_member
assert [(r.code, r.type) for r in held.roles] == [
    ("role_project_admin", "System"),
    (created.code, "UserCustom"),
], held.to_map()
refused(lambda: root.delete_project_role(m.DeleteProjectRoleRequest(project_id=pid, code=created.code)), 409, "Conflict")
root.update_project_role(
    m.UpdateProjectRoleRequest(
        project_id=pid,
        code=created.code,
        module_permissions=[m.UpdateProjectRoleRequestModulePermissions(module_id=9, permission_type="Read")],
    )
)
custom = root.get_project_role(m.GetProjectRoleRequest(project_id=pid, code=created.code)).body.project_role
assert [(p.module_id, p.permission_type) for p in custom.module_permissions] == [(9, "Read")], custom.to_map()
root.revoke_member_project_roles(
    m.RevokeMemberProjectRolesRequest(project_id=pid, user_id=ALICE_ID, role_codes=[created.code])
)
root.delete_project_role(m.DeleteProjectRoleRequest(project_id=pid, code=created.code))
refused(lambda: root.get_project_role(m.GetProjectRoleRequest(project_id=pid, code=created.code)), 404, "NotFound")

root.delete_project_member(m.DeleteProjectMemberRequest(project_id=pid, user_id=ALICE_ID))
refused(
    lambda: root.get_project_member(m.GetProjectMemberRequest(project_id=pid, user_id=ALICE_ID)),
    404,
    "NotFound",
)
# Data sources: ConnectionProperties a JSON string in, an object out, secrets masked.

root.create_project_member(
    m.CreateProjectMemberRequest(project_id=pid, user_id=ALICE_ID, role_codes=["role_project_guest"])
)
orders_props = {
    "envType": "Prod",
    "address": [{"host": "127.0.0.1", "port": 1}],
    "database": "orders",
    "username": "etl",
    "password": "s3cret",
}
ds_req = m.CreateDataSourceRequest(
    project_id=pid,
    name="orders",
    type="mysql",
    connection_properties_mode="UrlMode",
    connection_properties=json.dumps(orders_props),
    description="the orders",
)
refused(lambda: alice.create_data_source(ds_req), 403, "Forbidden.Access")
refused(
    lambda: root.create_data_source(
        m.CreateDataSourceRequest(
            project_id=pid, name="bad", type="mysql", connection_properties_mode="UrlMode",
            connection_properties="{not json",
        )
    ),
    400,
    "InvalidParameter",
)
dsid = root.create_data_source(ds_req).body.id
assert isinstance(dsid, int), dsid
ds = root.get_data_source(m.GetDataSourceRequest(id=dsid)).body.data_source
assert (ds.name, ds.type, ds.project_id, ds.description) == ("orders", "mysql", pid, "the orders"), ds.to_map()
assert ds.connection_properties_mode == "UrlMode"
assert isinstance(ds.connection_properties, dict) and ds.connection_properties["password"] == "********"
assert ds.connection_properties["address"] == [{"host": "127.0.0.1", "port": 1}], ds.connection_properties
listed = root.list_data_sources(
    m.ListDataSourcesRequest(project_id=pid, types=["mysql", "postgresql"], env_type="Prod", page_size=10)
).body.paging_info
assert listed.total_count == 1 and listed.data_sources[0].name == "orders", listed.to_map()
assert listed.data_sources[0].data_source[0].id == dsid
sent = dict(ds.connection_properties, database="orders2")  # the mask sent back keeps the secret
root.update_data_source(
    m.UpdateDataSourceRequest(id=dsid, project_id=pid, connection_properties=json.dumps(sent), description="new")
)
ds = root.get_data_source(m.GetDataSourceRequest(id=dsid)).body.data_source
assert (ds.connection_properties["database"], ds.description) == ("orders2", "new"), ds.to_map()
refused(lambda: root.get_data_source(m.GetDataSourceRequest(id=987654321)), 404, "NotFound")

# Shared rules: the data source into another workspace, listed from both sides, deleted.
sales = root.create_project(m.CreateProjectRequest(name="sales_sdk", display_name="Sales")).body.id
share_req = m.CreateDataSourceSharedRuleRequest(data_source_id=dsid, target_project_id=sales, env_type="Prod")
refused(lambda: alice.create_data_source_shared_rule(share_req), 403, "Forbidden.Access")  # a guest of sdk_proj
rule_id = root.create_data_source_shared_rule(share_req).body.id
assert isinstance(rule_id, int), rule_id
refused(lambda: root.create_data_source_shared_rule(share_req), 409, "Conflict")
for req in (
    m.ListDataSourceSharedRulesRequest(data_source_id=dsid),
    m.ListDataSourceSharedRulesRequest(target_project_id=sales),
):
    rules = root.list_data_source_shared_rules(req).body.data_source_shared_rules
    assert [(r.id, r.data_source_id, r.source_project_id, r.target_project_id, r.env_type,
             r.shared_data_source_name, r.shared_user) for r in rules] == [
        (rule_id, dsid, pid, sales, "Prod", "orders", None)
    ], [r.to_map() for r in rules]
    assert isinstance(rules[0].create_time, int) and rules[0].create_user, rules[0].to_map()
assert root.delete_data_source_shared_rule(m.DeleteDataSourceSharedRuleRequest(id=rule_id)).body.success
refused(
    lambda: root.delete_data_source_shared_rule(m.DeleteDataSourceSharedRuleRequest(id=rule_id)), 404, "NotFound"
)

# Resource groups: Spec an int on create, {Amount, Standard} out; DefaultVswicthId in List.
rg_req = m.CreateResourceGroupRequest(
    name="rg_sdk", payment_type="PostPaid", spec=4, vpc_id="vpc-1", vswitch_id="vsw-1",
    remark="made by the SDK", client_token="t-1",
)
refused(lambda: alice.create_resource_group(rg_req), 403, "Forbidden.Access")
gid = root.create_resource_group(rg_req).body.resource_group_order.id
assert gid.startswith("Serverless_res_group_"), gid
g = root.get_resource_group(m.GetResourceGroupRequest(id=gid)).body.resource_group
assert (g.name, g.default_vpc_id, g.default_vswitch_id, g.remark) == ("rg_sdk", "vpc-1", "vsw-1", "made by the SDK")
assert (g.spec.amount, g.spec.standard, g.resource_group_type, g.status) == (1, "4CU", "CommonV2", "Normal")
groups = root.list_resource_groups(m.ListResourceGroupsRequest(name="rg_sdk")).body.paging_info
assert [x.default_vswicth_id for x in groups.resource_group_list] == ["vsw-1"], groups.to_map()
root.update_resource_group(m.UpdateResourceGroupRequest(id=gid, remark="renamed"))
assert root.get_resource_group(m.GetResourceGroupRequest(id=gid)).body.resource_group.remark == "renamed"
root.associate_project_to_resource_group(
    m.AssociateProjectToResourceGroupRequest(project_id=pid, resource_group_id=gid)
)
bound = root.list_resource_group_associate_projects(
    m.ListResourceGroupAssociateProjectsRequest(resource_group_id=gid)
).body
assert bound.project_id_list == [pid], bound.to_map()

# Connectivity, from this host: nothing listens on port 1.
conn = root.test_data_source_connectivity(
    m.TestDataSourceConnectivityRequest(data_source_id=dsid, project_id=pid, resource_group_id=gid)
).body.connectivity
assert conn.connect_state in ("Unreachable", "ConfigError"), conn.to_map()
assert conn.detail_logs and conn.detail_logs[0].message

root.dissociate_project_from_resource_group(
    m.DissociateProjectFromResourceGroupRequest(project_id=pid, resource_group_id=gid)
)
refused(lambda: alice.delete_resource_group(m.DeleteResourceGroupRequest(id=gid)), 403, "Forbidden.Access")
root.delete_resource_group(m.DeleteResourceGroupRequest(id=gid))
refused(lambda: root.get_resource_group(m.GetResourceGroupRequest(id=gid)), 404, "NotFound")

# Compute resources.
mc_props = {"envType": "Prod", "project": "sdk_mc", "endpointMode": "SelfAdaption", "authType": "Executor"}
cid = root.create_compute_resource(
    m.CreateComputeResourceRequest(
        project_id=pid, name="sdk_mc", type="maxcompute", connection_properties_mode="UrlMode",
        connection_properties=json.dumps(mc_props), description="mc",
    )
).body.id
c = root.get_compute_resource(m.GetComputeResourceRequest(id=cid, project_id=pid)).body.compute_resource
assert (c.name, c.type, c.project_id, c.connection_properties["project"]) == ("sdk_mc", "maxcompute", pid, "sdk_mc")
computes = root.list_compute_resources(m.ListComputeResourcesRequest(project_id=pid, types=["maxcompute"])).body.paging_info
assert [x.name for x in computes.compute_resources] == ["sdk_mc"], computes.to_map()
assert computes.compute_resources[0].compute_resource[0].id == cid
root.update_compute_resource(m.UpdateComputeResourceRequest(id=cid, project_id=pid, description="mc2"))
c = root.get_compute_resource(m.GetComputeResourceRequest(id=cid, project_id=pid)).body.compute_resource
assert c.description == "mc2"
refused(
    lambda: alice.delete_compute_resource(m.DeleteComputeResourceRequest(id=cid, project_id=pid)),
    403,
    "Forbidden.Access",
)
root.delete_compute_resource(m.DeleteComputeResourceRequest(id=cid, project_id=pid))
refused(lambda: root.get_compute_resource(m.GetComputeResourceRequest(id=cid, project_id=pid)), 404, "NotFound")
refused(lambda: alice.delete_data_source(m.DeleteDataSourceRequest(id=dsid)), 403, "Forbidden.Access")
root.delete_data_source(m.DeleteDataSourceRequest(id=dsid))
refused(lambda: root.get_data_source(m.GetDataSourceRequest(id=dsid)), 404, "NotFound")
root.delete_project_member(m.DeleteProjectMemberRequest(project_id=pid, user_id=ALICE_ID))

# A workspace alice cannot see is not found, as on the command line.
refused(lambda: alice.get_project(m.GetProjectRequest(id=pid)), 404, "NotFound")
refused(lambda: alice.delete_project(m.DeleteProjectRequest(id=pid)), 404, "NotFound")

# Authentication: a bad secret, a stale date, a replayed nonce.
refused(
    lambda: client("DWCTL_ROOT_KEY", secret="not-the-secret").list_projects(m.ListProjectsRequest()),
    400,
    "SignatureDoesNotMatch",
)
real_timestamp = tea_utils.Utils.get_timestamp
tea_utils.Utils.get_timestamp = staticmethod(lambda: "2020-01-01T00:00:00Z")
try:
    refused(lambda: root.list_projects(m.ListProjectsRequest()), 400, "InvalidTimeStamp.Expired")
finally:
    tea_utils.Utils.get_timestamp = real_timestamp
real_nonce = tea_utils.Utils.get_nonce
tea_utils.Utils.get_nonce = staticmethod(lambda: "one-nonce-for-two-requests")
try:
    root.list_projects(m.ListProjectsRequest())
    refused(lambda: root.list_projects(m.ListProjectsRequest()), 400, "SignatureNonceUsed")
finally:
    tea_utils.Utils.get_nonce = real_nonce

# Pagination over 250 workspaces.
for i in range(250):
    root.create_project(m.CreateProjectRequest(name=f"page_{i:03d}", display_name=f"Page {i}"))
names = []
page = 1
while True:
    info = root.list_projects(m.ListProjectsRequest(page_number=page, page_size=100)).body.paging_info
    assert info.page_number == page and info.page_size == 100
    if not info.projects:
        break
    names += [x.name for x in info.projects]
    page += 1
assert info.total_count == len(names), (info.total_count, len(names))
assert len([n for n in names if n.startswith("page_")]) == 250 and len(set(names)) == len(names)

# Delete last: the workspace goes to the recycle bin, which the API does not show.
root.delete_project(m.DeleteProjectRequest(id=pid))
refused(lambda: root.get_project(m.GetProjectRequest(id=pid)), 404, "NotFound")
assert root.list_projects(m.ListProjectsRequest(ids=[pid])).body.paging_info.total_count == 0

# Signature 1.0 (HMAC-SHA1 over the parameters), as alibaba-cloud-sdk-go and so the
# aliyun CLI sign RPC calls: the SDK's own do_rpcrequest signs it.
from alibabacloud_tea_openapi import models as open_api_models
from alibabacloud_tea_util import models as util_models


def rpc(c, action, query, method="POST"):
    return c.do_rpcrequest(
        action, "2024-05-18", "HTTP", method, "AK", "json",
        open_api_models.OpenApiRequest(query=query), util_models.RuntimeOptions(),
    )


v1 = rpc(root, "CreateProject", {"Name": "sdk_v1", "DisplayName": "Signature 1.0"})
assert v1["statusCode"] == 200 and v1["body"]["Id"] > 0, v1
got = rpc(root, "GetProject", {"Id": str(v1["body"]["Id"])}, method="GET")["body"]["Project"]
assert got["Name"] == "sdk_v1" and got["DisplayName"] == "Signature 1.0", got
# The same rules, as the key's owner: alice may not delete it.
refused(lambda: rpc(alice, "DeleteProject", {"Id": str(v1["body"]["Id"])}), 404, "NotFound")
refused(lambda: rpc(client("DWCTL_ROOT_KEY", secret="wrong"), "ListProjects", {}), 400, "SignatureDoesNotMatch")
tea_utils.Utils.get_nonce = staticmethod(lambda: "one-v1-nonce")
try:
    rpc(root, "ListProjects", {})
    refused(lambda: rpc(root, "ListProjects", {}), 400, "SignatureNonceUsed")
finally:
    tea_utils.Utils.get_nonce = real_nonce
real_timestamp = tea_utils.Utils.get_timestamp
tea_utils.Utils.get_timestamp = staticmethod(lambda: "2020-01-01T00:00:00Z")
try:
    refused(lambda: rpc(root, "ListProjects", {}), 400, "InvalidTimeStamp.Expired")
finally:
    tea_utils.Utils.get_timestamp = real_timestamp

print("ALL OK")
