//! The generated files, from the clap definition: the completion scripts in `completions/`
//! and the man pages in `man/`. `dwctl completions SHELL` and `cargo xtask gen` share
//! these functions, and a test checks that the committed files equal them.
//!
//! A man page is clap_mangen's NAME, SYNOPSIS, DESCRIPTION, OPTIONS and SUBCOMMANDS,
//! followed by sections read from the help text itself (`EXIT STATUS:`, `ENVIRONMENT:`,
//! `EXAMPLES:` in the `after_help`), from `cli::manual` (who is acting, local rules,
//! files) with the local rules themselves taken from README.md's decisions, and SEE ALSO.

use clap::{Command, CommandFactory};
use clap_mangen::roff::{bold, roman, Roff};
use clap_mangen::Man;
use std::io;
use std::path::{Path, PathBuf};

use crate::cli::{manual, Cli, Shell};

pub const COMPLETIONS_DIR: &str = "completions";
pub const MAN_DIR: &str = "man";

/// The completion script of one shell.
pub fn completion_script(shell: Shell) -> String {
    shell.script()
}

/// Every generated file: its path under the source tree, and its content.
pub fn files() -> Vec<(PathBuf, String)> {
    let mut out: Vec<(PathBuf, String)> = Shell::ALL
        .into_iter()
        .map(|s| {
            (
                Path::new(COMPLETIONS_DIR).join(s.file_name()),
                completion_script(s),
            )
        })
        .collect();
    out.extend(
        man_pages()
            .into_iter()
            .map(|(name, page)| (Path::new(MAN_DIR).join(name), page)),
    );
    out
}

/// Write the generated files under `root`, and remove files in their folders that are no
/// longer generated (a command that went away). Returns what changed, as relative paths.
pub fn write(root: &Path) -> io::Result<Vec<String>> {
    let wanted = files();
    let mut changed = Vec::new();
    for dir in [COMPLETIONS_DIR, MAN_DIR] {
        std::fs::create_dir_all(root.join(dir))?;
        for old in existing(root, dir)? {
            if !wanted.iter().any(|(p, _)| *p == old) {
                std::fs::remove_file(root.join(&old))?;
                changed.push(format!("removed {}", old.display()));
            }
        }
    }
    for (path, content) in &wanted {
        let full = root.join(path);
        if std::fs::read(&full).ok().as_deref() != Some(content.as_bytes()) {
            std::fs::write(&full, content)?;
            changed.push(format!("wrote {}", path.display()));
        }
    }
    Ok(changed)
}

/// What differs between the files under `root` and freshly generated ones (empty: up to
/// date).
pub fn check(root: &Path) -> io::Result<Vec<String>> {
    let wanted = files();
    let mut problems = Vec::new();
    for dir in [COMPLETIONS_DIR, MAN_DIR] {
        for old in existing(root, dir)? {
            if !wanted.iter().any(|(p, _)| *p == old) {
                problems.push(format!("{} is not generated any more", old.display()));
            }
        }
    }
    for (path, content) in &wanted {
        match std::fs::read(root.join(path)) {
            Ok(bytes) if bytes == content.as_bytes() => {}
            Ok(_) => problems.push(format!("{} is stale", path.display())),
            Err(_) => problems.push(format!("{} is missing", path.display())),
        }
    }
    Ok(problems)
}

/// The files in one generated folder, as paths relative to `root`.
fn existing(root: &Path, dir: &str) -> io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    match std::fs::read_dir(root.join(dir)) {
        Ok(entries) => {
            for e in entries {
                let e = e?;
                if e.file_type()?.is_file() {
                    out.push(Path::new(dir).join(e.file_name()));
                }
            }
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    out.sort();
    Ok(out)
}

/// Every man page: `dwctl.1`, then one per command (`dwctl-workspace-create.1`), as
/// (file name, roff).
pub fn man_pages() -> Vec<(String, String)> {
    let mut root = without_help_subcommand(Cli::command());
    root.build();
    let common = sections(
        &root
            .get_after_long_help()
            .map(|h| h.to_string())
            .unwrap_or_default(),
    );
    let globals: Vec<String> = root
        .get_arguments()
        .filter(|a| a.is_global_set() && !a.is_hide_set())
        .flat_map(|a| {
            let short = a.get_short().map(|s| format!("-{s}"));
            let long = a.get_long().map(|l| format!("--{l}"));
            short.into_iter().chain(long)
        })
        .collect();
    let mut pages = Vec::new();
    let page = Page {
        common: &common,
        globals: &globals,
    };
    page.walk(&root, &[], &mut pages);
    pages
}

fn without_help_subcommand(cmd: Command) -> Command {
    cmd.disable_help_subcommand(true)
        .mut_subcommands(without_help_subcommand)
}

struct Page<'a> {
    /// The top-level help's sections (EXIT STATUS, ENVIRONMENT, EXAMPLES).
    common: &'a [Section],
    /// The global options, for the pointer on every command's page.
    globals: &'a [String],
}

impl Page<'_> {
    fn walk(&self, cmd: &Command, parents: &[String], out: &mut Vec<(String, String)>) {
        let name = cmd
            .get_display_name()
            .unwrap_or_else(|| cmd.get_name())
            .to_string();
        out.push((format!("{name}.1"), self.render(cmd, &name, parents)));
        let mut path = parents.to_vec();
        path.push(name);
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            self.walk(sub, &path, out);
        }
    }

    fn render(&self, cmd: &Command, name: &str, parents: &[String]) -> String {
        let is_top = parents.is_empty();
        let own = sections(
            &cmd.get_after_long_help()
                .or_else(|| cmd.get_after_help())
                .map(|h| h.to_string())
                .unwrap_or_default(),
        );
        // clap_mangen renders what it knows; the after-help, the version and, below the
        // top page, the global options are ours to place.
        let mut base = cmd
            .clone()
            .after_help(None::<&str>)
            .after_long_help(None::<&str>)
            .version(None::<&str>)
            .long_version(None::<&str>);
        if !is_top {
            base = base.mut_args(|a| if a.is_global_set() { a.hide(true) } else { a });
        }
        let man = Man::new(base)
            .title(name.to_uppercase())
            .source(format!("dwctl {}", env!("CARGO_PKG_VERSION")))
            .manual("dwctl manual");
        let mut buf = Vec::new();
        man.render(&mut buf).expect("writing to a Vec cannot fail");
        let mut page = String::from_utf8(buf).expect("man pages are UTF-8");

        let mut roff = Roff::new();
        if !is_top {
            roff.control("SH", ["GLOBAL OPTIONS"]);
            roff.text([
                roman("The options of "),
                bold("dwctl"),
                roman("(1) work with every command: "),
                roman(self.globals.join(", ")),
                roman("."),
            ]);
        }
        if is_top {
            for mut s in sections(manual::MAN_SECTIONS)
                .into_iter()
                .filter(|s| s.heading != "FILES")
            {
                if s.heading == "LOCAL RULES" {
                    // After the introduction, the rules themselves: README's.
                    let at = 1.min(s.blocks.len());
                    s.blocks.splice(at..at, local_rules(README));
                }
                s.render(&mut roff);
            }
        }
        for heading in ["EXIT STATUS", "ENVIRONMENT"] {
            if let Some(s) = self.common.iter().find(|s| s.heading == heading) {
                s.render(&mut roff);
            }
        }
        if let Some(files) = sections(manual::MAN_SECTIONS)
            .iter()
            .find(|s| s.heading == "FILES")
        {
            files.render(&mut roff);
        }
        for s in own
            .iter()
            .filter(|s| !(is_top && (s.heading == "EXIT STATUS" || s.heading == "ENVIRONMENT")))
        {
            s.render(&mut roff);
        }
        if !is_top {
            roff.control("SH", ["SEE ALSO"]);
            let mut refs = Vec::new();
            for (i, p) in parents.iter().enumerate() {
                if i > 0 {
                    refs.push(roman(", "));
                }
                refs.push(bold(p.as_str()));
                refs.push(roman("(1)"));
            }
            roff.text(refs);
        }
        page.push_str(without_preamble(&roff.render()));
        page
    }
}

/// The README, whose "Decisions where the spec is silent" are the local rules of
/// dwctl(1): one source, so that the two cannot drift.
const README: &str = include_str!("../README.md");
const DECISIONS: &str = "## Decisions where the spec is silent";

/// The bullets of README's decisions, as man page items: `- **Term** rest` becomes the
/// item `Term`, `rest`; a bullet without a bold lead, a paragraph. Markdown's emphasis
/// and code marks are dropped, a link keeps its text.
fn local_rules(readme: &str) -> Vec<Block> {
    let Some(start) = readme.find(DECISIONS) else {
        return Vec::new();
    };
    let body = &readme[start + DECISIONS.len()..];
    let body = body.find("\n## ").map_or(body, |end| &body[..end]);
    let mut bullets: Vec<String> = Vec::new();
    for line in body.lines() {
        if let Some(b) = line.strip_prefix("- ") {
            bullets.push(b.trim().to_string());
        } else if line.starts_with("  ") && !line.trim().is_empty() {
            if let Some(last) = bullets.last_mut() {
                last.push(' ');
                last.push_str(line.trim());
            }
        }
    }
    bullets
        .iter()
        .map(|b| {
            let bold = b.strip_prefix("**").and_then(|rest| rest.split_once("**"));
            match bold {
                Some((term, rest)) => {
                    let rest = rest.trim_start_matches(':').trim();
                    Block::Item(plain(term), plain(rest))
                }
                None => Block::Paragraph(plain(b)),
            }
        })
        .collect()
}

/// Markdown inline text as plain text: no `**`/backticks, `[text](url)` as `text`.
fn plain(md: &str) -> String {
    let mut out = String::new();
    let mut rest = md;
    while let Some(open) = rest.find('[') {
        let tail = &rest[open..];
        match tail.find("](").zip(tail.find(')')) {
            Some((mid, close)) if mid < close => {
                out.push_str(&rest[..open]);
                out.push_str(&tail[1..mid]);
                rest = &tail[close + 1..];
            }
            _ => {
                out.push_str(&rest[..=open]);
                rest = &rest[open + 1..];
            }
        }
    }
    out.push_str(rest);
    // `**` marks bold outside code spans only: inside one it is text (the mask
    // `********`). Man pages stay ASCII (troff warns about other input without preconv).
    let mut text = String::new();
    for (i, part) in out.split('`').enumerate() {
        match i % 2 {
            0 => text.push_str(&part.replace("**", "")),
            _ => text.push_str(part),
        }
    }
    text.replace('…', "...")
}

/// `Roff::render` starts every document with the apostrophe preamble; clap_mangen's part
/// of the page has it already.
fn without_preamble(rendered: &str) -> &str {
    const PREAMBLE: &str = ".ie \\n(.g .ds Aq \\(aq\n.el .ds Aq '\n";
    rendered.strip_prefix(PREAMBLE).unwrap_or(rendered)
}

/// One `HEADING:` section of a help text.
#[derive(Debug, Clone, PartialEq)]
struct Section {
    heading: String,
    blocks: Vec<Block>,
}

#[derive(Debug, Clone, PartialEq)]
enum Block {
    /// Lines at the margin, joined.
    Paragraph(String),
    /// `  TERM  meaning`, continued by lines indented deeper.
    Item(String, String),
    /// A line of an EXAMPLES section.
    Example(String),
}

fn is_heading(line: &str) -> bool {
    line.strip_suffix(':').is_some_and(|h| {
        !h.is_empty()
            && h.starts_with(|c: char| c.is_ascii_uppercase())
            && h.chars().all(|c| c.is_ascii_uppercase() || c == ' ')
    })
}

/// Split a help text into its `HEADING:` sections; text before the first heading is not
/// a section.
fn sections(text: &str) -> Vec<Section> {
    let mut out: Vec<Section> = Vec::new();
    let mut open_paragraph = false;
    for line in text.lines() {
        if is_heading(line) {
            out.push(Section {
                heading: line.trim_end_matches(':').to_string(),
                blocks: Vec::new(),
            });
            open_paragraph = false;
            continue;
        }
        let Some(section) = out.last_mut() else {
            continue;
        };
        let indent = line.len() - line.trim_start().len();
        let text = line.trim();
        if text.is_empty() {
            open_paragraph = false;
        } else if indent == 0 {
            match section.blocks.last_mut() {
                Some(Block::Paragraph(p)) if open_paragraph => {
                    p.push(' ');
                    p.push_str(text);
                }
                _ => section.blocks.push(Block::Paragraph(text.to_string())),
            }
            open_paragraph = true;
        } else if section.heading == "EXAMPLES" {
            // A command continued on the next line (after a trailing `\`) keeps its
            // deeper indentation.
            let kept = line.trim_end().strip_prefix("  ").unwrap_or(text);
            section.blocks.push(Block::Example(kept.to_string()));
        } else if indent > 2 {
            match section.blocks.last_mut() {
                Some(Block::Item(_, meaning)) => {
                    meaning.push(' ');
                    meaning.push_str(text);
                }
                _ => section.blocks.push(Block::Paragraph(text.to_string())),
            }
        } else {
            let (term, meaning) = match text.split_once("  ") {
                Some((t, m)) => (t.to_string(), m.trim().to_string()),
                None => (text.to_string(), String::new()),
            };
            section.blocks.push(Block::Item(term, meaning));
        }
    }
    out
}

impl Section {
    fn render(&self, roff: &mut Roff) {
        roff.control("SH", [self.heading.as_str()]);
        let mut in_example = false;
        for block in &self.blocks {
            let example = matches!(block, Block::Example(_));
            if example && !in_example {
                roff.control("PP", []);
                roff.control("RS", ["4"]);
                roff.control("nf", []);
            } else if !example && in_example {
                roff.control("fi", []);
                roff.control("RE", []);
            }
            in_example = example;
            match block {
                Block::Paragraph(p) => {
                    roff.control("PP", []);
                    roff.text([roman(p.as_str())]);
                }
                Block::Item(term, meaning) => {
                    roff.control("TP", []);
                    roff.text([bold(term.as_str())]);
                    roff.text([roman(meaning.as_str())]);
                }
                Block::Example(line) => {
                    roff.text([roman(line.as_str())]);
                }
            }
        }
        if in_example {
            roff.control("fi", []);
            roff.control("RE", []);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stars_are_bold_outside_code_spans_and_text_inside() {
        assert_eq!(
            plain("**Masks.** a mask (`********`), `a**b` and [link](http://x)…"),
            "Masks. a mask (********), a**b and link..."
        );
    }

    #[test]
    fn help_sections_become_blocks() {
        let s = sections(
            "EXIT STATUS:\n  0  success\n  7  catalog gone,\n     really\n\nENVIRONMENT:\n  X  one\n\nPrecedence: flag,\nthen env.\nEXAMPLES:\n  dwctl a\n  dwctl b \\\n    --long",
        );
        assert_eq!(s.len(), 3);
        assert_eq!(
            s[0].blocks,
            [
                Block::Item("0".into(), "success".into()),
                Block::Item("7".into(), "catalog gone, really".into())
            ]
        );
        assert_eq!(
            s[1].blocks[1],
            Block::Paragraph("Precedence: flag, then env.".into())
        );
        assert_eq!(
            s[2].blocks,
            [
                Block::Example("dwctl a".into()),
                Block::Example("dwctl b \\".into()),
                Block::Example("  --long".into())
            ]
        );
    }

    /// Every command's after-help sections, by command path.
    fn all_sections() -> Vec<(String, Vec<Section>)> {
        fn walk(cmd: &Command, path: &str, out: &mut Vec<(String, Vec<Section>)>) {
            let text = [cmd.get_after_help(), cmd.get_after_long_help()]
                .into_iter()
                .flatten()
                .map(|h| h.to_string())
                .collect::<Vec<_>>()
                .join("\n");
            out.push((path.to_string(), sections(&text)));
            for sub in cmd.get_subcommands() {
                walk(sub, &format!("{path} {}", sub.get_name()), out);
            }
        }
        let mut root = without_help_subcommand(Cli::command());
        root.build();
        let mut out = Vec::new();
        walk(&root, "dwctl", &mut out);
        out
    }

    #[test]
    fn every_example_fits_80_columns_in_a_man_page() {
        // man indents an example by 11 columns: 7 for the section's text, 4 more for the
        // example block (.RS 4). A longer command continues on the next line after `\`.
        const MAN_INDENT: usize = 11;
        let mut long = Vec::new();
        let mut examples = 0;
        for (path, sections) in all_sections() {
            for s in sections {
                for b in &s.blocks {
                    if let Block::Example(line) = b {
                        examples += 1;
                        if MAN_INDENT + line.chars().count() > 80 {
                            long.push(format!("{path}: {line}"));
                        }
                    }
                }
            }
        }
        assert!(examples > 100, "{examples} examples");
        assert!(
            long.is_empty(),
            "examples over 80 columns:\n{}",
            long.join("\n")
        );
    }

    #[test]
    fn readme_decisions_become_items() {
        let md = "# x\n\n## Decisions where the spec is silent\n\nIntro:\n\n\
                  - **Rule one** (`a`): does\n  this.\n\
                  - **`cmd verb`** says [so](http://x).\n\
                  - plain words\n\n## Next\n\n- **Not** a rule\n";
        assert_eq!(
            local_rules(md),
            [
                Block::Item("Rule one".into(), "(a): does this.".into()),
                Block::Item("cmd verb".into(), "says so.".into()),
                Block::Paragraph("plain words".into()),
            ]
        );
    }

    #[test]
    fn every_readme_decision_is_a_local_rule_in_man_dwctl() {
        let rules = local_rules(README);
        assert!(rules.len() >= 10, "{rules:?}");
        let top = &man_pages()[0].1;
        let local = top
            .split(".SH \"LOCAL RULES\"")
            .nth(1)
            .and_then(|s| s.split("\n.SH ").next())
            .expect("a LOCAL RULES section");
        // Each README bullet's lead (its term) is an item of the section.
        for r in &rules {
            let lead = match r {
                Block::Item(term, _) => term,
                Block::Paragraph(p) => p,
                Block::Example(_) => unreachable!(),
            };
            let lead: String = lead.chars().take(30).collect();
            let roff = lead.replace('-', "\\-").replace('\'', "\\*(Aq");
            assert!(
                local.contains(&roff),
                "man dwctl's LOCAL RULES lack {lead:?}:\n{local}"
            );
        }
        assert!(local.contains("sod\\-policy"), "{local}");
    }

    #[test]
    fn every_page_has_the_sections_a_man_page_needs() {
        let pages = man_pages();
        assert_eq!(pages[0].0, "dwctl.1");
        assert!(pages.iter().any(|(n, _)| n == "dwctl-workspace-create.1"));
        assert!(!pages.iter().any(|(n, _)| n.contains("help")));
        for (name, page) in &pages {
            for h in ["EXIT STATUS", "ENVIRONMENT", "FILES", "EXAMPLES"] {
                assert!(
                    page.contains(&format!(".SH \"{h}\"")) || page.contains(&format!(".SH {h}")),
                    "{name} has no {h} section"
                );
            }
            assert_eq!(page.matches(".ds Aq").count(), 2, "{name}: one preamble");
        }
        let top = &pages[0].1;
        assert!(top.contains("WHO IS ACTING") && top.contains("LOCAL RULES"));
    }
}
