# The large manifest of quality.md "Performance": 1,000 workspaces, 100,000 memberships
# (one workspace with 20,000 members), 5,000 data sources, 200 resource groups, plus the
# principals they need and the spare principals the P1 runs add one at a time.
#   awk -v p1_users=N [-v p11_users=M] [-v size=s|l|xl] -f bench/gen_manifest.awk > large.toml
# p11_users: spare principals p11_user_NNNN that P10-P11 (bench/serve.sh) add (default 0).
# size (issue 17's sizes, bench/scale.sh): l (the default) is the large manifest; s is a
# tenth of it (100 workspaces, 10,000 memberships), xl ten times it (10,000 workspaces,
# 1,000,000 memberships, 200,000 principals, 50,000 data sources, 2,000 groups). s and xl
# give every workspace one more tag, serial = "wN", which only it carries (the tag filter
# of P12 selects one workspace at every size); l is unchanged, so P1-P6 stay comparable.
# Deterministic: the same manifest every time.
BEGIN {
    if (p1_users == "") p1_users = 100
    if (size == "") size = "l"
    if (size == "s") { workspaces = 100; big_members = 2000; groups = 20 }
    else if (size == "xl") { workspaces = 10000; big_members = 200000; groups = 2000 }
    else if (size == "l") { workspaces = 1000; big_members = 20000; groups = 200 }
    else { print "gen_manifest.awk: size must be s, l or xl" > "/dev/stderr"; exit 2 }
    ds_per_ws = 5
    # The big workspace (ws_0000) holds every principal; the others hold 80 members each,
    # the first 80 of them one more: at l 20,000 + 999 * 80 + 80 = 100,000.
    small_members = 80
    # Names keep their l width unless the count needs more digits.
    user_fmt = (big_members > 100000) ? "user_%06d" : "user_%05d"
    group_fmt = (groups > 1000) ? "rg_%04d" : "rg_%03d"
    split("role_project_dev role_project_pe role_project_deploy role_project_dg_admin role_project_security role_project_guest role_project_data_analyst role_project_erd", roles, " ")
    nroles = 8
    print "version = 1\n"
    for (p = 0; p < big_members; p++) {
        printf "[[principal]]\nname = \"" user_fmt "\"\n", p
        if (p % 10 == 0) printf "display_name = \"User %d\"\n", p
        if (p % 97 == 0) print "kind = \"ram-role\""
        print ""
    }
    for (p = 0; p < p1_users; p++) printf "[[principal]]\nname = \"p1_user_%03d\"\n\n", p
    for (p = 0; p < p11_users + 0; p++) printf "[[principal]]\nname = \"p11_user_%04d\"\n\n", p
    for (g = 0; g < groups; g++) {
        printf "[[resource_group]]\nname = \"" group_fmt "\"\nspec = %d\n", g, 2 + g % 8
        if (g % 4 == 0) printf "vpc = \"vpc-bench%03d\"\nvswitch = \"vsw-bench%03d\"\n", g, g
        printf "remark = \"bench group %d\"\n\n", g
    }
    for (w = 0; w < workspaces; w++) {
        printf "[[workspace]]\nname = \"ws_%04d\"\ndisplay_name = \"Workspace %d\"\n", w, w
        printf "description = \"Benchmark workspace number %d\"\n", w
        if (w % 10 == 3) print "mode = \"basic\""
        g = w % groups
        printf "resource_groups = [\"" group_fmt "\"]\ndefault_resource_group = \"" group_fmt "\"\n", g, g
        if (size == "l") printf "tags = { team = \"team_%02d\", cost = \"cc%03d\" }\n\n", w % 50, w % 300
        else printf "tags = { team = \"team_%02d\", cost = \"cc%03d\", serial = \"w%d\" }\n\n", w % 50, w % 300, w
        n = (w == 0) ? big_members : small_members + (w <= 80 ? 1 : 0)
        for (i = 0; i < n; i++) {
            u = (w == 0) ? i : (w * 37 + i * 211) % big_members
            r1 = roles[1 + (w + i) % nroles]
            # Separation of duties: never dev and pe together.
            r2 = roles[1 + (w + i + 3) % nroles]
            if (r2 == r1 || (r1 == "role_project_dev" && r2 == "role_project_pe") || (r1 == "role_project_pe" && r2 == "role_project_dev") || i % 3 != 0)
                printf "[[workspace.member]]\nuser = \"" user_fmt "\"\nroles = [\"%s\"]\n\n", u, r1
            else
                printf "[[workspace.member]]\nuser = \"" user_fmt "\"\nroles = [\"%s\", \"%s\"]\n\n", u, r1, r2
        }
        for (d = 0; d < ds_per_ws; d++) {
            env = (w % 10 == 3 || d % 2 == 0) ? "prod" : "dev"
            printf "[[workspace.datasource]]\nname = \"ds_%d\"\nenv = \"%s\"\n", d, env
            if (d % 3 == 0) {
                printf "type = \"mysql\"\nproperties = { address = \"10.%d.%d.%d:3306\", database = \"db_%d\", username = \"etl\", password = { env = \"BENCH_DS_PASSWORD\" } }\n\n", w % 250, d, w % 200 + 1, d
            } else if (d % 3 == 1) {
                printf "type = \"postgresql\"\nproperties = { address = \"pg%d.bench.internal:5432\", database = \"db_%d\", username = \"etl\", password = \"plain-bench-pw\" }\n\n", w, d
            } else {
                printf "type = \"redis\"\nproperties = { address = \"cache%d.bench.internal\", database = \"%d\" }\n\n", w, d % 16
            }
        }
    }
}
