//! Deterministic TOML and JSON: every key in a fixed order, map keys sorted, absent keys
//! left out, so that equal manifests give equal bytes and parsing gives the manifest back.
//! Written whole ([`to_toml`], [`to_json`]) or item by item as `export` reads the catalog
//! ([`Writer`]), with the same bytes.
//!
//! TOML is written by hand rather than with `toml::to_string`: the style of cli.md keeps
//! maps (`tags`, `properties`) as one-line inline tables under their `[[table]]` where
//! toml's serializer writes `[workspace.tags]` sub-tables, and escapes invisible characters
//! that toml writes raw; and it writes one item at a time, which `to_string` cannot.

use std::collections::BTreeMap;
use std::fmt;
use std::io::{self, Write as _};

use super::model::*;
use crate::model::error::{Error, Result};
use crate::model::{json_without_invisibles, needs_escape};

/// Writes `m` as TOML in the style of cli.md section 8. Objects are written in the order
/// they are in `m` (the caller sorts them); keys in a fixed order, map keys sorted, absent
/// keys left out. So equal manifests give equal bytes, and `parse` gives `m` back.
pub fn to_toml(m: &Manifest) -> String {
    emit(m, Format::Toml)
}

/// Writes `m` as pretty JSON with the structure of [`to_toml`]'s output: same key order,
/// absent keys left out; the lists of objects are always written (`[]` when empty) so that
/// `jq '.workspace[].member[]'` needs no guard.
pub fn to_json(m: &Manifest) -> String {
    emit(m, Format::Json)
}

/// [`to_toml`] or [`to_json`]: `m` through a [`Writer`].
pub fn emit(m: &Manifest, format: Format) -> String {
    let mut w = Writer::new(Vec::new(), format);
    // Writing into memory cannot fail.
    let written = (|| -> io::Result<Vec<u8>> {
        w.write_head(m.region.as_deref())?;
        for p in &m.principal {
            w.write_item(Item::Principal(p))?;
        }
        for g in &m.resource_group {
            w.write_item(Item::ResourceGroup(g))?;
        }
        for item in m.workspace.iter().flat_map(Item::workspace) {
            w.write_item(item)?;
        }
        w.finish()
    })()
    .expect("a manifest always writes into memory");
    String::from_utf8(written).expect("a manifest is written as UTF-8")
}

/// A manifest written item by item, as `export` reads the catalog: what is written is
/// [`emit`]'s bytes for the manifest of those items, and what is held at any time is one
/// item (a workspace's member at a time).
pub struct Writer<W: io::Write> {
    out: Held<W>,
    format: Format,
    /// JSON: the list being written, and whether it has an item yet.
    list: Option<(ListKind, bool)>,
    /// JSON: the members of the open workspace written so far.
    members: usize,
    /// The first error of `out`, kept for the caller: see [`Writer::take_error`].
    failed: Option<io::Error>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum ListKind {
    Principal,
    ResourceGroup,
    Workspace,
}

impl ListKind {
    const ALL: [ListKind; 3] = [
        ListKind::Principal,
        ListKind::ResourceGroup,
        ListKind::Workspace,
    ];
    fn key(self) -> &'static str {
        match self {
            ListKind::Principal => "principal",
            ListKind::ResourceGroup => "resource_group",
            ListKind::Workspace => "workspace",
        }
    }
}

/// What a [`Writer`] holds back before it writes anything, so that an export that fails
/// early (a damaged row, exit 7) writes nothing, as it did when it was written whole; a
/// larger one streams, and a failure can only cut it short.
const HELD: usize = 1024 * 1024;

/// The text for `out`, held back until there is more than [`HELD`] of it or it is done.
struct Held<W: io::Write> {
    out: W,
    /// `None` once passed on.
    held: Option<Vec<u8>>,
}

impl<W: io::Write> Held<W> {
    fn pass_on(&mut self) -> io::Result<()> {
        match self.held.take() {
            Some(held) => self.out.write_all(&held),
            None => Ok(()),
        }
    }
}

impl<W: io::Write> io::Write for Held<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.held {
            Some(held) if held.len() + buf.len() <= HELD => {
                held.extend_from_slice(buf);
                Ok(buf.len())
            }
            _ => {
                self.pass_on()?;
                self.out.write(buf)
            }
        }
    }
    /// Held text stays held: only [`Writer::finish`] passes it on.
    fn flush(&mut self) -> io::Result<()> {
        if self.held.is_none() {
            self.out.flush()?;
        }
        Ok(())
    }
}

impl<W: io::Write> Writer<W> {
    pub fn new(out: W, format: Format) -> Self {
        Writer {
            out: Held {
                out,
                held: Some(Vec::new()),
            },
            format,
            list: None,
            members: 0,
            failed: None,
        }
    }

    /// `version` and `region` (left out when `None`): first, once.
    pub fn write_head(&mut self, region: Option<&str>) -> io::Result<()> {
        match self.format {
            Format::Toml => {
                let mut t = TomlOut::new(&mut self.out);
                t.raw_kv("version", &VERSION.to_string());
                t.opt_str("region", &region.map(str::to_string));
                t.flush()
            }
            Format::Json => {
                let mut head = format!("{{\n  \"version\": {VERSION}");
                if let Some(r) = region {
                    head.push_str(",\n  \"region\": ");
                    head.push_str(&json_text(&r)?);
                }
                self.out.write_all(head.as_bytes())
            }
        }
    }

    /// The next item: principals, then resource groups, then workspaces, as in
    /// [`Manifest`].
    pub fn write_item(&mut self, item: Item) -> io::Result<()> {
        match self.format {
            Format::Toml => toml_item(&mut TomlOut::new(&mut self.out), item),
            Format::Json => self.json_item(item),
        }
    }

    /// JSON: a principal, group or workspace one level deeper than serde_json puts it, in
    /// its list; a workspace's lists, one level deeper again.
    fn json_item(&mut self, item: Item) -> io::Result<()> {
        let (kind, text) = match item {
            Item::Principal(p) => (ListKind::Principal, json_text(p)?),
            Item::ResourceGroup(g) => (ListKind::ResourceGroup, json_text(g)?),
            Item::WorkspaceOpen(w) => {
                // Its settings, then its `member` list, left open.
                let settings = json_text(w)?;
                let settings = settings.strip_suffix("\n}").unwrap_or(&settings);
                (ListKind::Workspace, format!("{settings},\n  \"member\": ["))
            }
            Item::Member(mb) => {
                let sep: &[u8] = if self.members > 0 { b",\n" } else { b"\n" };
                self.out.write_all(sep)?;
                self.members += 1;
                return self.json_indented(&json_text(mb)?, "        ");
            }
            Item::WorkspaceClose(w) => {
                let close: &[u8] = if self.members > 0 { b"\n      ]" } else { b"]" };
                self.out.write_all(close)?;
                self.members = 0;
                self.out.write_all(b",\n      \"compute\": ")?;
                self.json_continued(&json_text(&w.compute)?, "      ")?;
                self.out.write_all(b",\n      \"datasource\": ")?;
                self.json_continued(&json_text(&w.datasource)?, "      ")?;
                return self.out.write_all(b"\n    }");
            }
        };
        self.json_open(kind)?;
        let sep: &[u8] = if self.list == Some((kind, true)) {
            b",\n"
        } else {
            b"\n"
        };
        self.out.write_all(sep)?;
        self.list = Some((kind, true));
        self.json_indented(&text, "    ")
    }

    /// `text` with each of its lines at `indent`.
    fn json_indented(&mut self, text: &str, indent: &str) -> io::Result<()> {
        self.out.write_all(indent.as_bytes())?;
        self.json_continued(text, indent)
    }

    /// `text` where it is, with each line after its first at `indent`.
    fn json_continued(&mut self, text: &str, indent: &str) -> io::Result<()> {
        for (i, line) in text.split('\n').enumerate() {
            if i > 0 {
                self.out.write_all(b"\n")?;
                self.out.write_all(indent.as_bytes())?;
            }
            self.out.write_all(line.as_bytes())?;
        }
        Ok(())
    }

    /// JSON: opens `kind`'s list unless it is open, closing the one before and writing
    /// `[]` for any list between them that has no items.
    fn json_open(&mut self, kind: ListKind) -> io::Result<()> {
        let next = match self.list {
            Some((open, _)) if open == kind => return Ok(()),
            Some((open, any)) => {
                self.out.write_all(if any { b"\n  ]" } else { b"]" })?;
                open as usize + 1
            }
            None => 0,
        };
        for k in &ListKind::ALL[next..] {
            write!(self.out, ",\n  \"{}\": [", k.key())?;
            if *k == kind {
                self.list = Some((kind, false));
                return Ok(());
            }
            self.out.write_all(b"]")?;
        }
        Ok(())
    }

    /// Ends the manifest and hands back where it went.
    pub fn finish(mut self) -> io::Result<W> {
        if self.format == Format::Json {
            self.json_open(ListKind::Workspace)?;
            let any = self.list.is_some_and(|(_, any)| any);
            self.out
                .write_all(if any { b"\n  ]\n}\n" } else { b"]\n}\n" })?;
        }
        self.out.pass_on()?;
        self.out.out.flush()?;
        Ok(self.out.out)
    }

    /// Where it writes.
    pub fn get_mut(&mut self) -> &mut W {
        &mut self.out.out
    }

    /// The error `out` gave, once: [`Sink`]'s methods report a domain error in its place.
    pub fn take_error(&mut self) -> Option<io::Error> {
        self.failed.take()
    }

    fn keep(&mut self, r: io::Result<()>) -> Result<()> {
        r.map_err(|e| {
            self.failed = Some(e);
            Error::internal("output failed")
        })
    }
}

impl<W: io::Write> Sink for Writer<W> {
    fn head(&mut self, region: Option<&str>) -> Result<()> {
        let r = self.write_head(region);
        self.keep(r)
    }
    fn item(&mut self, item: Item) -> Result<()> {
        let r = self.write_item(item);
        self.keep(r)
    }
}

/// A value as pretty JSON, with the characters a terminal obeys escaped.
fn json_text<T: serde::Serialize + ?Sized>(v: &T) -> io::Result<String> {
    Ok(json_without_invisibles(serde_json::to_string_pretty(v)?))
}

fn toml_item(w: &mut TomlOut, item: Item) -> io::Result<()> {
    match item {
        Item::Principal(p) => {
            w.header("principal");
            w.str("name", &p.name);
            w.opt_str("id", &p.id);
            w.opt_str("kind", &p.kind);
            w.opt_bool("full_access", p.full_access);
            w.opt_str("display_name", &p.display_name);
            w.opt_str("db_role", &p.db_role);
        }
        Item::ResourceGroup(g) => {
            w.header("resource_group");
            w.str("name", &g.name);
            w.opt_str("id", &g.id);
            w.opt_str("type", &g.type_);
            w.opt_u32("spec", g.spec);
            w.opt_str("payment", &g.payment);
            w.opt_u32("duration", g.duration);
            w.opt_str("duration_unit", &g.duration_unit);
            w.opt_str("vpc", &g.vpc);
            w.opt_str("vswitch", &g.vswitch);
            w.opt_str("remark", &g.remark);
        }
        Item::WorkspaceOpen(ws) => {
            w.header("workspace");
            w.str("name", &ws.name);
            w.opt_i64("id", ws.id);
            w.opt_str("display_name", &ws.display_name);
            w.opt_str("description", &ws.description);
            w.opt_str("mode", &ws.mode);
            w.opt_str("status", &ws.status);
            w.opt_str("sod_policy", &ws.sod_policy);
            w.opt_bool("dev_role_disabled", ws.dev_role_disabled);
            w.opt_bool("pai_tasks_enabled", ws.pai_tasks_enabled);
            if let Some(groups) = &ws.resource_groups {
                w.str_list("resource_groups", groups.iter().map(String::as_str));
            }
            w.opt_str("default_resource_group", &ws.default_resource_group);
            w.opt_map("tags", &ws.tags, |out, v: &String| push_str_lit(out, v));
            if let Some(roles) = &ws.custom_roles {
                w.roles("custom_roles", roles);
            }
            if !ws.shares.is_empty() {
                w.shares("shares", &ws.shares);
            }
        }
        Item::Member(mb) => {
            w.header("workspace.member");
            w.str("user", &mb.user);
            w.str_list("roles", mb.roles.iter());
            for (key, value) in [("expires", mb.expires()), ("status", mb.status())] {
                if let Some(v) = value {
                    w.str(key, v);
                }
            }
        }
        Item::WorkspaceClose(ws) => {
            for c in &ws.compute {
                w.header("workspace.compute");
                w.connection(&c.name, c.id, &c.type_, &c.env, &c.mode, &c.properties);
                w.opt_i64("datasource_id", c.datasource_id);
                w.opt_bool("default", c.default);
                w.opt_str("description", &c.description);
            }
            for d in &ws.datasource {
                w.header("workspace.datasource");
                w.connection(&d.name, d.id, &d.type_, &d.env, &d.mode, &d.properties);
                w.opt_str("description", &d.description);
            }
        }
    }
    w.flush()
}

/// TOML text being written: built in `buf`, handed to `out` by [`TomlOut::flush`].
struct TomlOut<'w> {
    buf: String,
    out: &'w mut dyn io::Write,
}

impl<'w> TomlOut<'w> {
    fn new(out: &'w mut dyn io::Write) -> Self {
        TomlOut {
            buf: String::new(),
            out,
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        self.out.write_all(self.buf.as_bytes())?;
        self.buf.clear();
        Ok(())
    }
    fn header(&mut self, name: &str) {
        self.buf.push_str("\n[[");
        self.buf.push_str(name);
        self.buf.push_str("]]\n");
    }
    fn raw_kv(&mut self, key: &str, raw: &str) {
        push_key(&mut self.buf, key);
        self.buf.push_str(" = ");
        self.buf.push_str(raw);
        self.buf.push('\n');
    }
    fn str(&mut self, key: &str, v: &str) {
        let mut lit = String::new();
        push_str_lit(&mut lit, v);
        self.raw_kv(key, &lit);
    }
    fn opt_str(&mut self, key: &str, v: &Option<String>) {
        if let Some(v) = v {
            self.str(key, v);
        }
    }
    fn opt_bool(&mut self, key: &str, v: Option<bool>) {
        if let Some(v) = v {
            self.raw_kv(key, if v { "true" } else { "false" });
        }
    }
    fn opt_i64(&mut self, key: &str, v: Option<i64>) {
        if let Some(v) = v {
            self.raw_kv(key, &v.to_string());
        }
    }
    fn opt_u32(&mut self, key: &str, v: Option<u32>) {
        if let Some(v) = v {
            self.raw_kv(key, &v.to_string());
        }
    }
    fn str_list<'a>(&mut self, key: &str, items: impl IntoIterator<Item = &'a str>) {
        let mut lit = String::from("[");
        for (i, item) in items.into_iter().enumerate() {
            if i > 0 {
                lit.push_str(", ");
            }
            push_str_lit(&mut lit, item);
        }
        lit.push(']');
        self.raw_kv(key, &lit);
    }
    /// Custom roles: an array of one-line inline tables, one a line.
    fn roles(&mut self, key: &str, roles: &[RoleDecl]) {
        let list = |out: &mut String, items: &[String]| {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                push_str_lit(out, item);
            }
            out.push(']');
        };
        let mut lit = String::from("[");
        for r in roles {
            lit.push_str("\n  { name = ");
            push_str_lit(&mut lit, &r.name);
            if let Some(code) = &r.code {
                lit.push_str(", code = ");
                push_str_lit(&mut lit, code);
            }
            lit.push_str(", rights = ");
            list(&mut lit, &r.rights);
            lit.push_str(", capabilities = ");
            list(&mut lit, &r.capabilities);
            if let Some(d) = &r.description {
                lit.push_str(", description = ");
                push_str_lit(&mut lit, d);
            }
            lit.push_str(" },");
        }
        if !roles.is_empty() {
            lit.push('\n');
        }
        lit.push(']');
        self.raw_kv(key, &lit);
    }
    /// Shares: an array of one-line inline tables, one a line.
    fn shares(&mut self, key: &str, shares: &[ShareDecl]) {
        let mut lit = String::from("[");
        for r in shares {
            lit.push_str("\n  { datasource = ");
            push_str_lit(&mut lit, &r.datasource);
            lit.push_str(", env = ");
            push_str_lit(&mut lit, &r.env);
            lit.push_str(", to = ");
            push_str_lit(&mut lit, &r.to);
            if let Some(u) = &r.user {
                lit.push_str(", user = ");
                push_str_lit(&mut lit, u);
            }
            lit.push_str(" },");
        }
        lit.push_str("\n]");
        self.raw_kv(key, &lit);
    }
    /// An inline table on one line, as in the cli.md example (multi-line inline tables
    /// need TOML 1.1, which many editors and tools do not read yet).
    fn opt_map<V>(
        &mut self,
        key: &str,
        map: &Option<BTreeMap<String, V>>,
        value: impl Fn(&mut String, &V),
    ) {
        let Some(map) = map else { return };
        let mut lit = String::new();
        if map.is_empty() {
            lit.push_str("{}");
        } else {
            lit.push_str("{ ");
            for (i, (k, v)) in map.iter().enumerate() {
                if i > 0 {
                    lit.push_str(", ");
                }
                push_key(&mut lit, k);
                lit.push_str(" = ");
                value(&mut lit, v);
            }
            lit.push_str(" }");
        }
        self.raw_kv(key, &lit);
    }
    fn connection(
        &mut self,
        name: &str,
        id: Option<i64>,
        type_: &str,
        env: &str,
        mode: &Option<String>,
        properties: &Option<BTreeMap<String, PropValue>>,
    ) {
        self.str("name", name);
        self.opt_i64("id", id);
        self.str("type", type_);
        self.str("env", env);
        self.opt_str("mode", mode);
        self.opt_map("properties", properties, push_prop);
    }
}

fn push_prop(out: &mut String, v: &PropValue) {
    let (key, inner) = match v {
        PropValue::Plain(s) => return push_str_lit(out, s),
        PropValue::Env(s) => ("env", s),
        PropValue::File(s) => ("file", s),
    };
    out.push_str("{ ");
    out.push_str(key);
    out.push_str(" = ");
    push_str_lit(out, inner);
    out.push_str(" }");
}

/// A bare key where TOML allows one (`A-Za-z0-9_-`, not empty), else a quoted key: a dot
/// in a bare key would make a nested table (`extra.db.password`).
pub(super) fn push_key(out: &mut String, key: &str) {
    let bare = !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if bare {
        out.push_str(key);
    } else {
        push_str_lit(out, key);
    }
}

/// A TOML basic string. Besides what TOML requires (quote, backslash, control characters),
/// invisible and direction-changing characters are escaped so that the file shows what it
/// holds; other characters, accents and CJK included, are written as they are.
pub(super) fn push_str_lit(out: &mut String, s: &str) {
    use fmt::Write;
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            // Writing into a String cannot fail. Beyond the BMP, TOML's `\U` takes 8 digits.
            c if needs_escape(c) && (c as u32) < 0x10000 => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c if needs_escape(c) => {
                let _ = write!(out, "\\U{:08X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}
