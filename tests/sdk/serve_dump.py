"""List a tenant through `dwctl serve` with the official DataWorks SDK and write each
response body to a folder laid out as README "Importing a real tenant" says (the round
trip of issue 15: CLI -> serve -> SDK -> `dwctl import --from-api`).

Run by tests/cli/serve.rs (round_trip_through_the_sdk_and_import) with:
  DWCTL_ADDR      host:port the server listens on
  DWCTL_ROOT_KEY  id:secret of an AccessKey of the account
  DWCTL_DIR       the folder to write
Prints ALL OK at the end.
"""

import json
import os

from alibabacloud_dataworks_public20240518 import models as m
from alibabacloud_dataworks_public20240518.client import Client
from alibabacloud_tea_openapi.models import Config

key_id, key_secret = os.environ["DWCTL_ROOT_KEY"].split(":", 1)
api = Client(
    Config(
        access_key_id=key_id,
        access_key_secret=key_secret,
        endpoint=os.environ["DWCTL_ADDR"],
        protocol="http",
        region_id="cn-hangzhou",
    )
)
out = os.environ["DWCTL_DIR"]


def write(path, body):
    path = os.path.join(out, path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(body.to_map(), f, indent=1)


def pages(call, name):
    """Every page of a list: PageNumber until TotalCount."""
    page = 1
    while True:
        body = call(page)
        write(f"{name}-{page}.json", body)
        if page * 100 >= body.paging_info.total_count:
            return
        page += 1


projects = []
page = 1
while True:
    body = api.list_projects(m.ListProjectsRequest(page_number=page, page_size=100)).body
    write(f"projects-{page}.json", body)
    projects += [p.id for p in body.paging_info.projects]
    if page * 100 >= body.paging_info.total_count:
        break
    page += 1
groups = []
page = 1
types = ["CommonV2", "ExclusiveScheduler", "ExclusiveDataIntegration", "ExclusiveDataService"]
while True:
    body = api.list_resource_groups(
        m.ListResourceGroupsRequest(page_number=page, page_size=100, resource_group_types=types)
    ).body
    write(f"groups-{page}.json", body)
    groups += [g.id for g in body.paging_info.resource_group_list]
    if page * 100 >= body.paging_info.total_count:
        break
    page += 1
for pid in projects:
    pages(
        lambda n: api.list_project_members(m.ListProjectMembersRequest(project_id=pid, page_number=n, page_size=100)).body,
        f"{pid}/members",
    )
    pages(
        lambda n: api.list_compute_resources(
            m.ListComputeResourcesRequest(project_id=pid, page_number=n, page_size=100)
        ).body,
        f"{pid}/compute",
    )
    pages(
        lambda n: api.list_data_sources(m.ListDataSourcesRequest(project_id=pid, page_number=n, page_size=100)).body,
        f"{pid}/datasources",
    )
for pid in projects:
    # The system roles and the workspace's own (UserCustom, which name their ProjectId).
    write(f"{pid}/roles.json", api.list_project_roles(m.ListProjectRolesRequest(project_id=pid, page_size=100)).body)
    # The rules sharing each data source (each environment's Id) into other workspaces:
    # the body names the source workspace, so anywhere would do.
    sources = api.list_data_sources(m.ListDataSourcesRequest(project_id=pid, page_size=100)).body
    for entry in sources.paging_info.data_sources:
        for d in entry.data_source:
            write(
                f"{pid}/shares-{d.id}.json",
                api.list_data_source_shared_rules(m.ListDataSourceSharedRulesRequest(data_source_id=d.id)).body,
            )
for g in groups:
    write(
        f"{g}/projects.json",
        api.list_resource_group_associate_projects(m.ListResourceGroupAssociateProjectsRequest(resource_group_id=g)).body,
    )

# The Get response of every object listed (they carry what the lists leave out:
# a compute resource's QualifiedName, the ProjectId of each connection), under get/:
# each names its workspace, so import reads them wherever they are.
for pid in projects:
    write(f"get/project-{pid}.json", api.get_project(m.GetProjectRequest(id=pid)).body)
    members = api.list_project_members(m.ListProjectMembersRequest(project_id=pid, page_size=100)).body
    for mb in members.paging_info.project_members:
        write(
            f"get/member-{pid}-{mb.user_id}.json",
            api.get_project_member(m.GetProjectMemberRequest(project_id=pid, user_id=mb.user_id)).body,
        )
    computes = api.list_compute_resources(m.ListComputeResourcesRequest(project_id=pid, page_size=100)).body
    for entry in computes.paging_info.compute_resources:
        for c in entry.compute_resource:
            write(
                f"get/compute-{c.id}.json",
                api.get_compute_resource(m.GetComputeResourceRequest(id=c.id, project_id=pid)).body,
            )
    sources = api.list_data_sources(m.ListDataSourcesRequest(project_id=pid, page_size=100)).body
    for entry in sources.paging_info.data_sources:
        for d in entry.data_source:
            write(f"get/datasource-{d.id}.json", api.get_data_source(m.GetDataSourceRequest(id=d.id)).body)
for g in groups:
    write(f"get/group-{g}.json", api.get_resource_group(m.GetResourceGroupRequest(id=g)).body)
print("ALL OK")
