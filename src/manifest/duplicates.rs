//! The same object listed twice (names compared as the catalog compares them), and a
//! member without roles: what no catalog could accept, found once the manifest parsed.

use super::model::{Manifest, Step};

/// Something wrong inside a manifest that parsed, with the path of the value to blame.
pub(super) struct Problem {
    pub path: Vec<Step<'static>>,
    /// Where the thing was first given, for duplicates.
    pub first: Option<Vec<Step<'static>>>,
    pub message: String,
    pub hint: String,
}

/// Index pairs (first, second) of the first repeated key. Short lists (a member's roles)
/// are compared pairwise: a hash map for each of 100,000 members cost more than the rest
/// of the checks.
fn first_dup<K: Eq + std::hash::Hash>(keys: impl IntoIterator<Item = K>) -> Option<(usize, usize)> {
    let keys: Vec<K> = keys.into_iter().collect();
    if keys.len() <= 8 {
        return (0..keys.len())
            .flat_map(|j| (0..j).map(move |i| (i, j)))
            .find(|&(i, j)| keys[i] == keys[j]);
    }
    let mut seen = std::collections::HashMap::with_capacity(keys.len());
    for (i, k) in keys.iter().enumerate() {
        if let Some(first) = seen.insert(k, i) {
            return Some((first, i));
        }
    }
    None
}

/// Names are compared as the catalog compares them: case-insensitively (domain.md 9).
/// Borrowed when already folded, as most names are.
fn fold(s: &str) -> std::borrow::Cow<'_, str> {
    if s.is_ascii() && !s.bytes().any(|b| b.is_ascii_uppercase()) {
        std::borrow::Cow::Borrowed(s)
    } else {
        std::borrow::Cow::Owned(s.to_lowercase())
    }
}

fn dup(
    path: Vec<Step<'static>>,
    first: Vec<Step<'static>>,
    message: String,
    hint: &str,
) -> Option<Problem> {
    Some(Problem {
        path,
        first: Some(first),
        message,
        hint: hint.to_owned(),
    })
}

const DUP_HINT: &str = "names are compared case-insensitively; list each object once";

/// The first problem in document order of kinds: principals, resource groups, workspaces,
/// then inside each workspace.
pub(super) fn find_problem(m: &Manifest) -> Option<Problem> {
    use Step::{Index, Key};
    if let Some((i, j)) = first_dup(m.principal.iter().map(|p| fold(&p.name))) {
        let at = |n| vec![Key("principal"), Index(n), Key("name")];
        let msg = format!("duplicate principal `{}`", m.principal[j].name);
        return dup(at(j), at(i), msg, DUP_HINT);
    }
    if let Some((i, j)) = first_dup(m.resource_group.iter().map(|g| fold(&g.name))) {
        let at = |n| vec![Key("resource_group"), Index(n), Key("name")];
        let msg = format!("duplicate resource group `{}`", m.resource_group[j].name);
        return dup(at(j), at(i), msg, DUP_HINT);
    }
    if let Some((i, j)) = first_dup(m.workspace.iter().map(|w| fold(&w.name))) {
        let at = |n| vec![Key("workspace"), Index(n), Key("name")];
        let msg = format!("duplicate workspace `{}`", m.workspace[j].name);
        return dup(at(j), at(i), msg, DUP_HINT);
    }
    for (w, ws) in m.workspace.iter().enumerate() {
        let wsp = |rest: &[Step<'static>]| {
            let mut p = vec![Key("workspace"), Index(w)];
            p.extend_from_slice(rest);
            p
        };
        if let Some(groups) = &ws.resource_groups {
            if let Some((i, j)) = first_dup(groups.iter().map(|g| fold(g))) {
                let at = |n| wsp(&[Key("resource_groups"), Index(n)]);
                let msg = format!(
                    "resource group `{}` is listed twice in `resource_groups` of workspace `{}`",
                    groups[j], ws.name
                );
                return dup(at(j), at(i), msg, DUP_HINT);
            }
        }
        let share_keys = ws
            .shares
            .iter()
            .map(|r| (fold(&r.datasource), fold(&r.env), fold(&r.to)));
        if let Some((i, j)) = first_dup(share_keys) {
            let at = |n| wsp(&[Key("shares"), Index(n), Key("datasource")]);
            let r = &ws.shares[j];
            let msg = format!(
                "data source `{}` (env `{}`) of workspace `{}` is shared into `{}` twice",
                r.datasource, r.env, ws.name, r.to
            );
            return dup(
                at(j),
                at(i),
                msg,
                "a data source is shared into a workspace once; give the user in one entry",
            );
        }
        if let Some((i, j)) = first_dup(ws.member.iter().map(|mb| fold(&mb.user))) {
            let at = |n| wsp(&[Key("member"), Index(n), Key("user")]);
            let msg = format!(
                "duplicate member `{}` in workspace `{}`",
                ws.member[j].user, ws.name
            );
            return dup(
                at(j),
                at(i),
                msg,
                "give each member once, with all its roles",
            );
        }
        for (k, mb) in ws.member.iter().enumerate() {
            if mb.roles.is_empty() {
                return Some(Problem {
                    path: wsp(&[Key("member"), Index(k), Key("roles")]),
                    first: None,
                    message: format!(
                        "member `{}` of workspace `{}` has no roles, expected at least one role",
                        mb.user, ws.name
                    ),
                    hint: "a member keeps at least one role; to remove a member, leave it out and apply with --prune".to_owned(),
                });
            }
            if let Some((i, j)) = first_dup(mb.roles.iter().map(|r| fold(r))) {
                let at = |n| wsp(&[Key("member"), Index(k), Key("roles"), Index(n)]);
                let msg = format!(
                    "role `{}` is listed twice for member `{}` of workspace `{}`",
                    mb.roles.iter().nth(j).unwrap_or_default(),
                    mb.user,
                    ws.name
                );
                return dup(at(j), at(i), msg, "list each role once");
            }
        }
        let compute_keys: Vec<_> = ws
            .compute
            .iter()
            .map(|c| (fold(&c.env), fold(&c.name)))
            .collect();
        if let Some((i, j)) = first_dup(compute_keys.iter()) {
            let at = |n| wsp(&[Key("compute"), Index(n), Key("name")]);
            let c = &ws.compute[j];
            let msg = format!(
                "duplicate compute resource `{}` (env `{}`) in workspace `{}`",
                c.name, c.env, ws.name
            );
            return dup(at(j), at(i), msg, DUP_HINT);
        }
        let ds_keys: Vec<_> = ws
            .datasource
            .iter()
            .map(|d| (fold(&d.env), fold(&d.name)))
            .collect();
        if let Some((i, j)) = first_dup(ds_keys.iter()) {
            let at = |n| wsp(&[Key("datasource"), Index(n), Key("name")]);
            let d = &ws.datasource[j];
            let msg = format!(
                "duplicate data source `{}` (env `{}`) in workspace `{}`",
                d.name, d.env, ws.name
            );
            return dup(at(j), at(i), msg, DUP_HINT);
        }
        for (j, key) in ds_keys.iter().enumerate() {
            if let Some(i) = compute_keys.iter().position(|c| c == key) {
                let d = &ws.datasource[j];
                let msg = format!(
                    "data source `{}` (env `{}`) in workspace `{}` is the one compute resource `{}` brings",
                    d.name, d.env, ws.name, ws.compute[i].name
                );
                return dup(
                    wsp(&[Key("datasource"), Index(j), Key("name")]),
                    wsp(&[Key("compute"), Index(i), Key("name")]),
                    msg,
                    "a compute resource brings its data source: list it under [[workspace.compute]] only",
                );
            }
        }
    }
    None
}
