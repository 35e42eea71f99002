//! A TOML manifest read one `[[table]]` at a time. toml parses a document into a tree of
//! spanned values before serde sees the first key, and that tree is some 32 times the
//! text (3.2 GB for a 100 MB manifest). A manifest is a list of `[[principal]]`,
//! `[[resource_group]]` and `[[workspace]]` tables with the `[[workspace.member]]`,
//! `[[workspace.compute]]` and `[[workspace.datasource]]` tables of the workspace above
//! them, so the text is cut at those headers (found with toml's own lexer, which knows
//! strings and comments) and each piece is parsed on its own, into the typed model: the
//! tree held at any time is one table's.
//!
//! A piece parses exactly as its table does in the whole document. Whatever could read
//! otherwise (a header with a quoted key, a `[[workspace.member]]` before any workspace,
//! a piece that holds more than its one table, a list given both inline and as tables)
//! and every error make [`parse`] answer `None`: the caller then parses the whole text,
//! whose result and messages are the reference.

use std::collections::BTreeMap;

use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use toml_parser::lexer::TokenKind;
use toml_parser::Source;

use super::model::{ComputeDecl, DataSourceDecl, Manifest, MemberDecl, Step};

/// The arrays of tables a manifest is cut at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Principal,
    ResourceGroup,
    Workspace,
    Member,
    Compute,
    DataSource,
}

impl Kind {
    fn of(key: &[&str]) -> Option<Kind> {
        Some(match key {
            ["principal"] => Kind::Principal,
            ["resource_group"] => Kind::ResourceGroup,
            ["workspace"] => Kind::Workspace,
            ["workspace", "member"] => Kind::Member,
            ["workspace", "compute"] => Kind::Compute,
            ["workspace", "datasource"] => Kind::DataSource,
            _ => return None,
        })
    }

    /// The key of its list in its table (the manifest, or a workspace).
    fn key(self) -> &'static str {
        match self {
            Kind::Principal => "principal",
            Kind::ResourceGroup => "resource_group",
            Kind::Workspace => "workspace",
            Kind::Member => "member",
            Kind::Compute => "compute",
            Kind::DataSource => "datasource",
        }
    }

    fn in_workspace(self) -> bool {
        matches!(self, Kind::Member | Kind::Compute | Kind::DataSource)
    }
}

/// One table: its text runs from its header to the next header the text is cut at.
#[derive(Debug, Clone, Copy)]
struct Piece {
    kind: Kind,
    start: usize,
    end: usize,
}

/// The text could be read otherwise than piece by piece: parse it whole.
struct Whole;

/// The pieces of a text, in order; the text before the first is the root's (`version`,
/// `region`).
struct Pieces<'t> {
    text: &'t str,
    tokens: toml_parser::lexer::Lexer<'t>,
    /// The header found last, not yet handed out as a piece.
    open: Option<(Kind, usize)>,
    seen_workspace: bool,
    done: bool,
}

impl<'t> Pieces<'t> {
    fn new(text: &'t str) -> Self {
        Pieces {
            text,
            tokens: Source::new(text).lex(),
            open: None,
            seen_workspace: false,
            done: false,
        }
    }

    /// The next header the text is cut at: its kind and where it starts.
    fn next_header(&mut self) -> Result<Option<(Kind, usize)>, Whole> {
        let mut line_start = true;
        while let Some(t) = self.tokens.next() {
            match t.kind() {
                TokenKind::Newline => line_start = true,
                TokenKind::Whitespace => {}
                TokenKind::LeftSquareBracket if line_start => {
                    line_start = false;
                    let start = t.span().start();
                    // `[[`, with nothing between: an array of tables.
                    match self.tokens.next() {
                        Some(n)
                            if n.kind() == TokenKind::LeftSquareBracket
                                && n.span().start() == start + 1 => {}
                        _ => continue,
                    }
                    let mut key: Vec<&str> = Vec::new();
                    loop {
                        let Some(n) = self.tokens.next() else {
                            return Err(Whole);
                        };
                        match n.kind() {
                            TokenKind::Whitespace | TokenKind::Dot => {}
                            TokenKind::Atom => {
                                key.push(&self.text[n.span().start()..n.span().end()])
                            }
                            TokenKind::RightSquareBracket => break,
                            // A quoted key could name one of the lists.
                            _ => return Err(Whole),
                        }
                    }
                    let Some(kind) = Kind::of(&key) else { continue };
                    if kind.in_workspace() && !self.seen_workspace {
                        return Err(Whole);
                    }
                    self.seen_workspace |= kind == Kind::Workspace;
                    return Ok(Some((kind, start)));
                }
                _ => line_start = false,
            }
        }
        Ok(None)
    }

    /// Where the root's text ends (the first header, or the end).
    fn root_end(&mut self) -> Result<usize, Whole> {
        self.open = self.next_header()?;
        if self.open.is_none() {
            self.done = true;
        }
        Ok(self.open.map_or(self.text.len(), |(_, start)| start))
    }
}

impl Iterator for Pieces<'_> {
    type Item = Result<Piece, Whole>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let (kind, start) = self.open?;
        let next = match self.next_header() {
            Ok(n) => n,
            Err(w) => {
                self.done = true;
                return Some(Err(w));
            }
        };
        self.open = next;
        self.done = next.is_none();
        let end = next.map_or(self.text.len(), |(_, s)| s);
        Some(Ok(Piece { kind, start, end }))
    }
}

/// A `[[workspace.member]]`, `[[workspace.compute]]` or `[[workspace.datasource]]` piece:
/// `workspace` is a table there, holding the one list.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InWorkspace {
    workspace: WorkspaceLists,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WorkspaceLists {
    #[serde(default)]
    member: Vec<MemberDecl>,
    #[serde(default)]
    compute: Vec<ComputeDecl>,
    #[serde(default)]
    datasource: Vec<DataSourceDecl>,
}

/// The keys a workspace's table gives itself, to tell `member = []` from no `member`.
#[derive(Deserialize)]
struct WorkspaceKeys {
    workspace: Vec<BTreeMap<String, IgnoredAny>>,
}

fn one<T>(mut list: Vec<T>) -> Result<T, Whole> {
    match (list.pop(), list.is_empty()) {
        (Some(item), true) => Ok(item),
        _ => Err(Whole),
    }
}

/// The manifest, read piece by piece; `None` when the text must be parsed whole (see the
/// module's notes). `text` has no byte-order mark.
pub(super) fn parse(text: &str) -> Option<Manifest> {
    read(text).ok()
}

fn read(text: &str) -> Result<Manifest, Whole> {
    let mut pieces = Pieces::new(text);
    let root = &text[..pieces.root_end()?];
    let mut m: Manifest = toml::from_str(root).map_err(|_| Whole)?;
    if !pieces.done {
        // A list given in the root (inline) and as tables: the whole text's error.
        let keys: BTreeMap<String, IgnoredAny> = toml::from_str(root).map_err(|_| Whole)?;
        if ["principal", "resource_group", "workspace"]
            .iter()
            .any(|k| keys.contains_key(*k))
        {
            return Err(Whole);
        }
    }
    // Per workspace, the lists its own table gives (checked when tables follow for one).
    let mut head: Option<(&str, Option<Vec<String>>)> = None;
    for piece in pieces {
        let piece = piece?;
        let part = &text[piece.start..piece.end];
        if piece.kind.in_workspace() {
            let lists: InWorkspace = toml::from_str(part).map_err(|_| Whole)?;
            let (head_text, keys) = head.as_mut().ok_or(Whole)?;
            if keys.is_none() {
                let k: WorkspaceKeys = toml::from_str(head_text).map_err(|_| Whole)?;
                *keys = Some(one(k.workspace)?.into_keys().collect());
            }
            if keys.iter().flatten().any(|k| k == piece.kind.key()) {
                return Err(Whole);
            }
            let w = m.workspace.last_mut().ok_or(Whole)?;
            let l = lists.workspace;
            match piece.kind {
                Kind::Member if l.compute.is_empty() && l.datasource.is_empty() => {
                    w.member.push(one(l.member)?)
                }
                Kind::Compute if l.member.is_empty() && l.datasource.is_empty() => {
                    w.compute.push(one(l.compute)?)
                }
                Kind::DataSource if l.member.is_empty() && l.compute.is_empty() => {
                    w.datasource.push(one(l.datasource)?)
                }
                _ => return Err(Whole),
            }
            continue;
        }
        let c: Manifest = toml::from_str(part).map_err(|_| Whole)?;
        let lists = (c.principal.len(), c.resource_group.len(), c.workspace.len());
        match (piece.kind, lists) {
            (Kind::Principal, (1, 0, 0)) => m.principal.extend(c.principal),
            (Kind::ResourceGroup, (0, 1, 0)) => m.resource_group.extend(c.resource_group),
            (Kind::Workspace, (0, 0, 1)) => {
                fit_last(&mut m);
                m.workspace.extend(c.workspace);
                head = Some((part, None));
            }
            _ => return Err(Whole),
        }
    }
    fit_last(&mut m);
    m.principal.shrink_to_fit();
    Ok(m)
}

/// The last workspace's members take the room they need, not what growing one at a time
/// left (up to twice: 10,000 workspaces of 80 members held room for 128; issue 17).
fn fit_last(m: &mut Manifest) {
    if let Some(w) = m.workspace.last_mut() {
        w.member.shrink_to_fit();
    }
}

/// Where the value at `path` starts, found in the one piece that holds it; `None` when it
/// is not there or the text must be read whole (see [`super::locate`]).
pub(super) fn locate(text: &str, path: &[Step]) -> Option<usize> {
    let mut pieces = Pieces::new(text);
    let root_end = pieces.root_end().ok()?;
    let (Some(Step::Key(list)), Some(Step::Index(i))) = (path.first(), path.get(1)) else {
        return find(&text[..root_end], path).filter(|_| pieces.done || path.is_empty());
    };
    let kind = Kind::of(&[list])?;
    // The piece of the `i`th table of that list and, for a workspace, the `j`th table of
    // one of its lists.
    let sub = match (kind, path.get(2), path.get(3)) {
        (Kind::Workspace, Some(Step::Key(k)), Some(Step::Index(j))) => {
            Kind::of(&["workspace", k]).map(|sub| (sub, *j))
        }
        _ => None,
    };
    let mut seen = 0;
    let mut head: Option<Piece> = None;
    let mut seen_sub = 0;
    for piece in pieces {
        let piece = piece.ok()?;
        if piece.kind == kind {
            if head.is_some() {
                break;
            }
            if seen == *i {
                head = Some(piece);
            }
            seen += 1;
            continue;
        }
        if let (Some(_), Some((sub, j))) = (head, sub) {
            if piece.kind == sub {
                if seen_sub == j {
                    let mut inner =
                        vec![Step::Key("workspace"), Step::Key(sub.key()), Step::Index(0)];
                    inner.extend_from_slice(&path[4..]);
                    return find(&text[piece.start..piece.end], &inner).map(|o| piece.start + o);
                }
                seen_sub += 1;
            }
        }
    }
    // In the table's own piece (a list given inline included).
    let head = head?;
    let mut inner = vec![Step::Key(list), Step::Index(0)];
    inner.extend_from_slice(&path[2..]);
    find(&text[head.start..head.end], &inner).map(|o| head.start + o)
}

/// The offset in `text` (a whole manifest, or a piece) of the value at `path`.
pub(super) fn find(text: &str, path: &[Step]) -> Option<usize> {
    let de = toml::de::Deserializer::parse(text).ok()?;
    match Locate(path).deserialize(de) {
        Err(e) if e.message() == FOUND => Some(e.span()?.start),
        _ => None,
    }
}

/// The marker error [`Locate`] raises at its target, so that toml attaches the target's
/// span to it: a second, span-aware parse only when there is something to point at.
const FOUND: &str = "dwctl-manifest-locate-target";

struct Locate<'a, 'p>(&'a [Step<'p>]);

impl<'de> DeserializeSeed<'de> for Locate<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl Locate<'_, '_> {
    fn leaf<E: de::Error>(&self) -> std::result::Result<(), E> {
        if self.0.is_empty() {
            Err(E::custom(FOUND))
        } else {
            Ok(())
        }
    }
}

impl<'de> Visitor<'de> for Locate<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any value")
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> std::result::Result<(), E> {
        self.leaf()
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> std::result::Result<(), E> {
        self.leaf()
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> std::result::Result<(), E> {
        self.leaf()
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> std::result::Result<(), E> {
        self.leaf()
    }
    fn visit_str<E: de::Error>(self, _: &str) -> std::result::Result<(), E> {
        self.leaf()
    }
    fn visit_unit<E: de::Error>(self) -> std::result::Result<(), E> {
        self.leaf()
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
        let (target, rest): (Option<usize>, &[Step]) = match self.0.split_first() {
            None => return Err(de::Error::custom(FOUND)),
            Some((Step::Index(i), rest)) => (Some(*i), rest),
            Some((Step::Key(_), _)) => (None, &[]),
        };
        let mut i = 0;
        loop {
            let more = if Some(i) == target {
                seq.next_element_seed(Locate(rest))?
            } else {
                seq.next_element::<IgnoredAny>()?.map(drop)
            };
            if more.is_none() {
                return Ok(());
            }
            i += 1;
        }
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
        let (target, rest): (Option<&str>, &[Step]) = match self.0.split_first() {
            None => return Err(de::Error::custom(FOUND)),
            Some((Step::Key(k), rest)) => (Some(k), rest),
            Some((Step::Index(_), _)) => (None, &[]),
        };
        while let Some(key) = map.next_key::<String>()? {
            if Some(key.as_str()) == target {
                map.next_value_seed(Locate(rest))?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::example::EXAMPLE;

    fn whole(text: &str) -> Option<Manifest> {
        toml::from_str(text).ok()
    }

    fn kinds(text: &str) -> Vec<Kind> {
        let mut p = Pieces::new(text);
        p.root_end().ok().unwrap();
        p.map(|piece| piece.ok().unwrap().kind).collect()
    }

    #[test]
    fn cut_at_the_headers_of_the_lists() {
        use Kind::*;
        assert_eq!(
            kinds(EXAMPLE),
            [
                Principal,
                Principal,
                ResourceGroup,
                ResourceGroup,
                Workspace,
                Member,
                Member,
                Compute,
                Compute,
                DataSource,
                DataSource
            ]
        );
        // Spaced, indented, commented; and never in a string or a comment.
        let text = "version = 1 # [[principal]]\n  [[ workspace ]] # x\nname = 'a'\ndescription = \"\"\"\n[[workspace]]\n\"\"\"\n[[workspace . member]]\nuser = 'u'\nroles = ['dev']\n";
        assert_eq!(kinds(text), [Workspace, Member]);
        assert_eq!(parse(text), whole(text));
        assert_eq!(
            parse(text).unwrap().workspace[0].description.as_deref(),
            Some("[[workspace]]\n")
        );
    }

    #[test]
    fn a_manifest_reads_piece_by_piece_as_it_reads_whole() {
        let mut texts = vec![EXAMPLE.to_string()];
        // A workspace's tables after another list's still belong to it.
        texts.push("version = 1\n[[workspace]]\nname = 'a'\n[[principal]]\nname = 'p'\n[[workspace.member]]\nuser = 'u'\nroles = ['dev']\n".into());
        // Lists given inline, with no tables to cut at.
        texts.push("version = 1\nprincipal = [{ name = 'p' }]\n".into());
        texts.push(
            "version = 1\n[[workspace]]\nname = 'a'\nmember = [{ user = 'u', roles = ['dev'] }]\n"
                .into(),
        );
        texts.push("version = 1\r\n[[principal]]\r\nname = 'p'\r\n".into());
        texts.push(String::new());
        for text in &texts {
            let m = parse(text);
            assert!(m.is_some(), "{text}");
            assert_eq!(m, whole(text), "{text}");
        }
    }

    #[test]
    fn what_could_read_otherwise_is_read_whole() {
        for (text, whole_parses) in [
            // A quoted key names the same list.
            ("[[workspace]]\nname = 'a'\n[[\"workspace\"]]\nname = 'b'\n", true),
            // A workspace's table before any workspace.
            ("[[workspace.member]]\nuser = 'u'\nroles = ['dev']\n", false),
            // A list both inline and as tables.
            ("principal = []\n[[principal]]\nname = 'a'\n", false),
            ("[[workspace]]\nname = 'a'\nmember = []\n[[workspace.member]]\nuser = 'u'\nroles = ['dev']\n", false),
            // A table of the last workspace after another list.
            ("version = 1\n[[workspace]]\nname = 'a'\n[[principal]]\nname = 'p'\n[workspace.tags]\nx = 'y'\n", true),
            // Errors: the whole text's message is the one given.
            ("[[workspace]]\nname = 1\n", false),
            ("[[workspace]]\nname = 'a'\n[[workspace.member]]\nuser = 'u'\n", false),
        ] {
            assert_eq!(parse(text), None, "{text}");
            assert_eq!(whole(text).is_some(), whole_parses, "{text}");
        }
    }

    #[test]
    fn locating_in_a_piece_is_locating_in_the_whole() {
        use Step::{Index, Key};
        let paths: &[&[Step]] = &[
            &[],
            &[Key("region")],
            &[Key("principal"), Index(1), Key("name")],
            &[Key("resource_group"), Index(1), Key("duration")],
            &[Key("workspace"), Index(0)],
            &[Key("workspace"), Index(0), Key("tags"), Key("team")],
            &[Key("workspace"), Index(0), Key("member"), Index(1)],
            &[
                Key("workspace"),
                Index(0),
                Key("member"),
                Index(1),
                Key("roles"),
                Index(1),
            ],
            &[
                Key("workspace"),
                Index(0),
                Key("compute"),
                Index(1),
                Key("env"),
            ],
            &[
                Key("workspace"),
                Index(0),
                Key("datasource"),
                Index(1),
                Key("properties"),
                Key("password"),
            ],
            &[Key("workspace"), Index(0), Key("datasource"), Index(2)],
            &[Key("workspace"), Index(1)],
        ];
        for path in paths {
            let whole = find(EXAMPLE, path);
            let piece = locate(EXAMPLE, path);
            assert!(
                piece.is_none() || piece == whole,
                "{path:?}: {piece:?} != {whole:?}"
            );
            assert_eq!(piece.or_else(|| find(EXAMPLE, path)), whole, "{path:?}");
        }
        let inline = "version = 1\n[[workspace]]\nname = 'a'\nmember = [{ user = 'u', roles = ['dev'] }, { user = 'v', roles = ['dev'] }]\n";
        let path = [
            Key("workspace"),
            Index(0),
            Key("member"),
            Index(1),
            Key("user"),
        ];
        assert_eq!(locate(inline, &path), find(inline, &path));
        assert!(find(inline, &path).is_some());
    }
}
