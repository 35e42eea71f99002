//! The directions between modules (README "Architecture"): `cargo test architecture`.
//!
//! Reads every file under `src/` (test modules included: a test module is part of its
//! file), resolves each `crate::`, `super::`, `self::` and child-module path (in `use`
//! trees, grouped or not, and inline) to the file that defines it, and fails on a cycle
//! between files, a cycle between top-level modules, or a top-level edge that
//! [`ALLOWED`] does not list. Comments and string literals are left out, so a doc comment
//! naming a module is no edge.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The top-level directions allowed: `(from, [to...])`, where a target is a top-level
/// module or one file of it (`domain::store`). The crate root (lib.rs) may use anything,
/// and nothing but the root uses `commands` or `cli` (gen reads the clap tree).
const ALLOWED: &[(&str, &[&str])] = &[
    // The entities, the text helpers and the error type: a leaf.
    ("model", &[]),
    // Formats read at the edge (a manifest's file format; values given on the command
    // line or in files): leaf-like, using only the model. The domain reads manifests.
    ("manifest", &["model"]),
    ("input", &["model"]),
    // The DataWorks OpenAPI's shapes and their conversions: a format at the edge, like
    // the manifest (import writes manifests); front ends (commands, serve) use it. Never
    // storage.
    ("api", &["model", "domain", "manifest"]),
    // Rules, permissions and use cases; it owns the storage interface (`domain::store`).
    ("domain", &["model", "manifest"]),
    // Backends implement the domain's interface in the model's types, and know nothing
    // else of the domain.
    ("storage", &["domain::store", "model"]),
    // The printer: entities and the domain's result views, never a rule.
    ("output", &["model", "domain"]),
    // Exit codes and error reports.
    ("error", &["model", "output"]),
    ("config", &["model", "domain", "input", "output", "storage"]),
    ("prompt", &["model", "config", "error", "output"]),
    (
        "commands",
        &[
            "model", "domain", "storage", "output", "config", "prompt", "error", "input",
            "manifest", "api",
        ],
    ),
    ("cli", &["model", "domain", "output"]),
    // The DataWorks OpenAPI server: a second front end beside `commands`, calling the
    // same domain; it opens the catalog's connections itself and prints through `output`.
    (
        "serve",
        &["model", "domain", "storage", "output", "config", "api"],
    ),
    ("gen", &["cli"]),
    // Tests that run the domain on a real backend sit above both.
    ("tests", &["model", "domain", "storage", "manifest", "api"]),
];

/// Edges that break the rules today and that another part of issue 12 removes: `(from,
/// to, the part that removes it)`, between top-level modules (`config`) or files
/// (`cli::complete`; `commands::*` is every file under `commands/`). An excepted edge is
/// left out of the cycle checks too. Emptied by the coordinator after the merge; an
/// entry that no longer occurs fails the test, so the list cannot go stale.
const KNOWN_EXCEPTIONS: &[(&str, &str, &str)] = &[];

/// Whether `module` is `pattern`, or under it when the pattern ends in `::*`. A pattern
/// without `::` names a top-level module (and every file under it).
fn matches(pattern: &str, module: &str) -> bool {
    match pattern.strip_suffix("::*") {
        Some(prefix) => module.starts_with(&format!("{prefix}::")),
        None if !pattern.contains("::") => top(module) == pattern,
        None => module == pattern,
    }
}

/// The known exception an edge between two files falls under, if any.
fn excepted(from: &str, to: &str) -> Option<&'static (&'static str, &'static str, &'static str)> {
    KNOWN_EXCEPTIONS.iter().find(|(f, t, _)| {
        let file_level = f.contains("::") || t.contains("::");
        matches(f, from) && matches(t, to) && (file_level || top(from) != top(to))
    })
}

/// A source file: its module path (`domain::store`; the crate root is ``), and its text.
struct File {
    module: String,
    path: PathBuf,
    text: String,
}

fn module_of(rel: &Path) -> String {
    let mut parts: Vec<String> = rel
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
        parts.pop();
    }
    parts.join("::")
}

fn read_tree(dir: &Path, root: &Path, out: &mut Vec<File>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("read src")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            read_tree(&path, root, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let rel = path.strip_prefix(root).expect("under src");
            // main.rs is the binary: a crate of its own, which uses the library.
            if rel == Path::new("main.rs") {
                continue;
            }
            out.push(File {
                module: module_of(rel),
                text: std::fs::read_to_string(&path).expect("read file"),
                path: rel.to_path_buf(),
            });
        }
    }
}

/// The code of a file without comments and without the contents of string and character
/// literals (each replaced by a blank), so that only real paths remain.
fn code_only(src: &str) -> String {
    let b: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < b.len() && b[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == '/' && b.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if b[i] == '*' && b.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            out.push(' ');
        } else if (c == 'r' || (c == 'b' && next == Some('r')))
            && !b[..i]
                .last()
                .is_some_and(|p| p.is_alphanumeric() || *p == '_')
            && {
                let s = if c == 'b' { i + 2 } else { i + 1 };
                let mut j = s;
                while b.get(j) == Some(&'#') {
                    j += 1;
                }
                b.get(j) == Some(&'"')
            }
        {
            // A raw string: r"..", r#".."#, br"..".
            let mut j = if c == 'b' { i + 2 } else { i + 1 };
            let mut hashes = 0;
            while b[j] == '#' {
                hashes += 1;
                j += 1;
            }
            j += 1;
            loop {
                if j >= b.len() {
                    break;
                }
                if b[j] == '"' && (0..hashes).all(|k| b.get(j + 1 + k) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            i = j;
            out.push_str("\"\"");
        } else if c == '"' {
            i += 1;
            while i < b.len() && b[i] != '"' {
                if b[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push_str("\"\"");
        } else if c == '\'' {
            // A character literal ('a', '\n', '\u{1F}'), or a lifetime ('a), kept.
            if next == Some('\\') {
                let mut j = i + 2;
                while j < b.len() && b[j] != '\'' {
                    j += 1;
                }
                i = j + 1;
                out.push_str("' '");
            } else if b.get(i + 2) == Some(&'\'') {
                i += 3;
                out.push_str("' '");
            } else {
                out.push(c);
                i += 1;
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Ident(String),
    PathSep,
    Punct(char),
}

fn tokens(code: &str) -> Vec<Token> {
    let b: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_alphabetic() || c == '_' || (c == '$' && b.get(i + 1) == Some(&'c')) {
            let s = i;
            i += 1;
            while i < b.len() && (b[i].is_alphanumeric() || b[i] == '_') {
                i += 1;
            }
            out.push(Token::Ident(b[s..i].iter().collect()));
        } else if c == ':' && b.get(i + 1) == Some(&':') {
            out.push(Token::PathSep);
            i += 2;
        } else if c == '\'' {
            // A lifetime: skip its name, so that `'a` is not read as an identifier.
            i += 1;
            while i < b.len() && (b[i].is_alphanumeric() || b[i] == '_') {
                i += 1;
            }
        } else if c.is_ascii_digit() {
            while i < b.len() && (b[i].is_alphanumeric() || b[i] == '_' || b[i] == '.') {
                i += 1;
            }
        } else if c.is_whitespace() {
            i += 1;
        } else {
            out.push(Token::Punct(c));
            i += 1;
        }
    }
    out
}

/// Every path a `use` tree names, expanded: `a::{b, c::{d, self}}` gives `a::b`,
/// `a::c::d` and `a::c`.
fn use_paths(t: &[Token], i: &mut usize, prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
    let mut path = prefix;
    loop {
        match t.get(*i) {
            Some(Token::Ident(s)) if s == "as" => {
                *i += 2;
                out.push(path);
                return;
            }
            Some(Token::Ident(s)) => {
                if s != "self" || path.is_empty() {
                    path.push(s.clone());
                }
                *i += 1;
            }
            Some(Token::PathSep) => *i += 1,
            Some(Token::Punct('{')) => {
                *i += 1;
                loop {
                    match t.get(*i) {
                        Some(Token::Punct('}')) => {
                            *i += 1;
                            return;
                        }
                        Some(Token::Punct(',')) => *i += 1,
                        None => return,
                        _ => use_paths(t, i, path.clone(), out),
                    }
                }
            }
            Some(Token::Punct('*')) => {
                *i += 1;
                out.push(path);
                return;
            }
            _ => {
                out.push(path);
                return;
            }
        }
    }
}

/// The paths a file names, each with the module it is written in (inline modules such
/// as `mod tests` counted, so that their `super::` means the file's own module).
fn paths_of(file: &File, children: &BTreeSet<String>) -> Vec<(String, Vec<String>)> {
    let t = tokens(&code_only(&file.text));
    let mut out = Vec::new();
    // Inline modules open: (name, the brace depth they opened at).
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let current = |inline: &Vec<(String, usize)>| {
        let mut m = file.module.clone();
        for (name, _) in inline {
            if !m.is_empty() {
                m.push_str("::");
            }
            m.push_str(name);
        }
        m
    };
    let mut i = 0;
    while i < t.len() {
        match &t[i] {
            Token::Punct('{') => {
                depth += 1;
                i += 1;
            }
            Token::Punct('}') => {
                depth = depth.saturating_sub(1);
                if inline.last().is_some_and(|(_, d)| *d == depth) {
                    inline.pop();
                }
                i += 1;
            }
            Token::Ident(k) if k == "mod" => {
                if let (Some(Token::Ident(name)), Some(Token::Punct('{'))) =
                    (t.get(i + 1), t.get(i + 2))
                {
                    inline.push((name.clone(), depth));
                }
                i += 1;
            }
            Token::Ident(k) if k == "use" => {
                i += 1;
                let mut found = Vec::new();
                use_paths(&t, &mut i, Vec::new(), &mut found);
                let here = current(&inline);
                out.extend(found.into_iter().map(|p| (here.clone(), p)));
            }
            Token::Ident(first)
                if t.get(i + 1) == Some(&Token::PathSep)
                    && (i == 0 || t[i - 1] != Token::PathSep) =>
            {
                let here = current(&inline);
                let child = if here.is_empty() {
                    first.clone()
                } else {
                    format!("{here}::{first}")
                };
                let rooted = matches!(first.as_str(), "crate" | "$crate" | "super" | "self");
                let mut path = vec![first.clone()];
                let mut j = i + 1;
                while t.get(j) == Some(&Token::PathSep) {
                    match t.get(j + 1) {
                        Some(Token::Ident(s)) => path.push(s.clone()),
                        _ => break,
                    }
                    j += 2;
                }
                if rooted || children.contains(&child) {
                    out.push((here, path));
                }
                i = j.max(i + 1);
            }
            _ => i += 1,
        }
    }
    out
}

/// The module a path written in module `here` names, as one of `modules` (the longest
/// known prefix), or `None` for another crate's.
fn resolve(here: &str, path: &[String], modules: &BTreeSet<String>) -> Option<String> {
    let mut base: Vec<String> = if here.is_empty() {
        Vec::new()
    } else {
        here.split("::").map(str::to_string).collect()
    };
    let mut rest = path;
    match rest.first().map(String::as_str) {
        Some("crate" | "$crate") => {
            base.clear();
            rest = &rest[1..];
        }
        Some("self") => rest = &rest[1..],
        Some("super") => {
            while rest.first().map(String::as_str) == Some("super") {
                base.pop();
                rest = &rest[1..];
            }
        }
        _ => {
            let child = base
                .iter()
                .cloned()
                .chain([rest[0].clone()])
                .collect::<Vec<_>>()
                .join("::");
            if !modules.contains(&child) {
                return None;
            }
        }
    }
    let full: Vec<String> = base.into_iter().chain(rest.iter().cloned()).collect();
    (0..=full.len())
        .rev()
        .map(|n| full[..n].join("::"))
        .find(|m| modules.contains(m))
}

fn top(module: &str) -> &str {
    if module.is_empty() {
        "lib"
    } else {
        module.split("::").next().unwrap_or(module)
    }
}

type Graph = BTreeMap<String, BTreeSet<String>>;

/// The file-level graph: which file's module uses which.
fn file_graph() -> (Graph, BTreeMap<String, PathBuf>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    read_tree(&root, &root, &mut files);
    let modules: BTreeSet<String> = files.iter().map(|f| f.module.clone()).collect();
    let mut graph = Graph::new();
    for f in &files {
        let edges = graph.entry(f.module.clone()).or_default();
        for (here, path) in paths_of(f, &modules) {
            if let Some(to) = resolve(&here, &path, &modules) {
                if to != f.module {
                    edges.insert(to);
                }
            }
        }
    }
    let paths = files.into_iter().map(|f| (f.module, f.path)).collect();
    (graph, paths)
}

fn top_graph(files: &Graph) -> Graph {
    let mut g = Graph::new();
    for (from, tos) in files {
        for to in tos {
            if top(from) != top(to) {
                g.entry(top(from).to_string())
                    .or_default()
                    .insert(top(to).to_string());
            }
        }
    }
    g
}

/// One cycle of the graph, as `a -> b -> a`, for each strongly connected part that has
/// one (Tarjan's algorithm, then the shortest way back to its first node).
fn cycles(g: &Graph) -> Vec<Vec<String>> {
    struct State<'g> {
        g: &'g Graph,
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        stack: Vec<&'g str>,
        on: BTreeSet<&'g str>,
        parts: Vec<Vec<&'g str>>,
    }
    fn visit<'g>(s: &mut State<'g>, v: &'g str) {
        let n = s.index.len();
        s.index.insert(v, n);
        s.low.insert(v, n);
        s.stack.push(v);
        s.on.insert(v);
        for w in s.g.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !s.index.contains_key(w) {
                visit(s, w);
                let lw = s.low[w];
                let lv = s.low.get_mut(v).expect("visited");
                *lv = (*lv).min(lw);
            } else if s.on.contains(w) {
                let iw = s.index[w];
                let lv = s.low.get_mut(v).expect("visited");
                *lv = (*lv).min(iw);
            }
        }
        if s.low[v] == s.index[v] {
            let mut part = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on.remove(w);
                part.push(w);
                if w == v {
                    break;
                }
            }
            if part.len() > 1 {
                s.parts.push(part);
            }
        }
    }
    let mut s = State {
        g,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        parts: Vec::new(),
    };
    for v in g.keys() {
        if !s.index.contains_key(v.as_str()) {
            visit(&mut s, v);
        }
    }
    s.parts
        .into_iter()
        .map(|part| {
            let inside: BTreeSet<&str> = part.iter().copied().collect();
            let start = *inside.iter().next().expect("a part");
            // Breadth-first from `start` back to it, inside the part.
            let mut came: BTreeMap<&str, &str> = BTreeMap::new();
            let mut queue = std::collections::VecDeque::from([start]);
            'search: while let Some(v) = queue.pop_front() {
                for w in g.get(v).into_iter().flatten() {
                    let w = w.as_str();
                    if !inside.contains(w) {
                        continue;
                    }
                    if w == start {
                        came.insert(start, v);
                        break 'search;
                    }
                    if !came.contains_key(w) {
                        came.insert(w, v);
                        queue.push_back(w);
                    }
                }
            }
            let mut path = vec![start.to_string()];
            let mut v = came[start];
            while v != start {
                path.push(v.to_string());
                v = came[v];
            }
            path.push(start.to_string());
            path.reverse();
            path
        })
        .collect()
}

fn shown_cycles(found: &[Vec<String>]) -> String {
    found
        .iter()
        .map(|c| format!("  {}", c.join(" -> ")))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The graph without the known exceptions' edges.
fn without_exceptions(files: &Graph) -> Graph {
    files
        .iter()
        .map(|(from, tos)| {
            let kept = tos
                .iter()
                .filter(|to| excepted(from, to).is_none())
                .cloned();
            (from.clone(), kept.collect())
        })
        .collect()
}

#[test]
fn architecture_no_cycle_between_files() {
    let (files, _) = file_graph();
    let found = cycles(&without_exceptions(&files));
    assert!(
        found.is_empty(),
        "module cycles between files:\n{}",
        shown_cycles(&found)
    );
}

#[test]
fn architecture_no_cycle_between_top_level_modules() {
    let (files, _) = file_graph();
    let found = cycles(&top_graph(&without_exceptions(&files)));
    assert!(
        found.is_empty(),
        "cycles between top-level modules:\n{}",
        shown_cycles(&found)
    );
}

#[test]
fn architecture_top_level_edges_go_the_allowed_ways() {
    let (files, paths) = file_graph();
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    let mut wrong = BTreeSet::new();
    let mut seen = BTreeSet::new();
    for (from, tos) in &files {
        for to in tos {
            if let Some(e) = excepted(from, to) {
                seen.insert((e.0, e.1));
                continue;
            }
            let (f, t) = (top(from), top(to));
            if f == t || f == "lib" {
                continue;
            }
            match allowed.get(f) {
                None => {
                    wrong.insert(format!(
                        "  {f}: a top-level module missing from ALLOWED (say what it may use)"
                    ));
                }
                Some(may) if !may.iter().any(|m| matches(m, to)) => {
                    wrong.insert(format!(
                        "  {f} -> {t}: src/{} uses {to}",
                        paths[from].display()
                    ));
                }
                Some(_) => {}
            }
        }
    }
    let stale: Vec<String> = KNOWN_EXCEPTIONS
        .iter()
        .filter(|(f, t, _)| !seen.contains(&(*f, *t)))
        .map(|(f, t, part)| format!("  {f} -> {t} (part {part}) no longer occurs: remove it"))
        .collect();
    assert!(
        wrong.is_empty() && stale.is_empty(),
        "top-level edges not in ALLOWED:\n{}\nstale KNOWN_EXCEPTIONS:\n{}",
        wrong.into_iter().collect::<Vec<_>>().join("\n"),
        stale.join("\n")
    );
}

#[test]
fn architecture_paths_resolve_as_rustc_does() {
    let modules: BTreeSet<String> = [
        "",
        "domain",
        "domain::store",
        "domain::session",
        "model",
        "model::text",
        "storage",
        "storage::sqlite",
    ]
    .into_iter()
    .map(str::to_string)
    .collect();
    let file = File {
        module: "domain::session".into(),
        path: "domain/session.rs".into(),
        text: r#"
            //! Uses crate::storage in a comment only.
            use super::store::{self, Tx};
            use crate::model::{text::shown, Warning};
            fn f() -> &'static str { let _c = '"'; "crate::storage::sqlite" }
            mod tests {
                use super::*;
                fn g() { crate::storage::sqlite::in_memory(); }
            }
        "#
        .into(),
    };
    let found: BTreeSet<String> = paths_of(&file, &modules)
        .into_iter()
        .filter_map(|(here, p)| resolve(&here, &p, &modules))
        .collect();
    let expect: BTreeSet<String> = [
        "domain::store",
        "model",
        "model::text",
        "domain::session",
        "storage::sqlite",
    ]
    .into_iter()
    .map(str::to_string)
    .collect();
    assert_eq!(found, expect);
    let mut g = Graph::new();
    g.entry("a".into()).or_default().insert("b".into());
    g.entry("b".into()).or_default().insert("c".into());
    g.entry("c".into()).or_default().insert("a".into());
    assert_eq!(cycles(&g), vec![vec!["a", "b", "c", "a"]]);
}
