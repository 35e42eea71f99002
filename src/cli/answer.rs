//! Answering a TAB: what the words typed say (the global options, the command, the
//! workspace), and clap_complete's dynamic engine run on the clap definition with the
//! hints of `cli::complete`.

use clap::{CommandFactory, FromArgMatches};
use clap_complete::env::{Bash, CompleteEnv, Elvish, EnvCompleter, Fish, Powershell, Shells, Zsh};
use std::ffi::OsString;
use std::io::Write;
use std::path::Path;

use super::complete::{self, ENV_VAR};
use super::{Cli, GlobalArgs, Shell};
use crate::domain::names::{NameKind, Named};
use crate::model::WorkspaceName;

/// The command the scripts complete, and the program they call back (found on PATH).
const BIN: &str = "dwctl";

impl Shell {
    fn completer(self) -> &'static dyn EnvCompleter {
        match self {
            Shell::Bash => &Bash,
            Shell::Zsh => &Zsh,
            Shell::Fish => &Fish,
            Shell::Powershell => &Powershell,
            Shell::Elvish => &Elvish,
        }
    }

    /// The completion script: what `dwctl completions SHELL` prints.
    pub fn script(self) -> String {
        let mut buf = Vec::new();
        self.completer()
            .write_registration(ENV_VAR, BIN, BIN, BIN, &mut buf)
            .expect("writing to a Vec cannot fail");
        String::from_utf8(buf).expect("the scripts are UTF-8")
    }
}

/// Where a TAB finds the names in the catalog: given the global options typed (which
/// catalog, who acts), the kind of name, the workspace typed (for what is inside one) and
/// the word typed so far, the names that start with it, as the actor's `list` shows them.
/// `lib.rs` supplies it (settings, then the domain); any failure is no names.
pub type NameSource =
    dyn Fn(&GlobalArgs, NameKind, Option<&WorkspaceName>, &str) -> Vec<Named> + Send + Sync;

/// Answer a completion request if this run is one (`DWCTL_COMPLETE` set by a script):
/// `Some(exit code)`, else `None` and dwctl runs as usual. The protocol's variables
/// (`DWCTL_COMPLETE`, `_CLAP_COMPLETE_INDEX`, ...) are clap_complete's business, read here
/// rather than in config.rs.
pub fn complete_if_requested(args: &[OsString], names: Box<NameSource>) -> Option<i32> {
    let shell = std::env::var_os(ENV_VAR)?;
    if shell.is_empty() || shell == "0" {
        return None;
    }
    // The words typed so far follow `--`; those before the cursor give the context.
    let words: &[OsString] = match args.iter().position(|a| a == "--") {
        Some(i) => &args[i + 1..],
        None => &[],
    };
    let cursor = std::env::var("_CLAP_COMPLETE_INDEX")
        .ok()
        .and_then(|i| i.parse::<usize>().ok())
        .unwrap_or(words.len().saturating_sub(1))
        .min(words.len());
    let Context {
        global,
        command,
        workspace,
    } = Context::from_words(&words[..cursor]);
    // The top-level subcommand typed before the cursor, if any: only its tree is needed.
    let typed_top = command.first().cloned();
    complete::typed(complete::Typed {
        command,
        names: Box::new(move |kind, prefix| names(&global, kind, workspace.as_ref(), prefix)),
    });
    let cwd = std::env::current_dir().ok();
    if !words.is_empty() {
        // Answering a TAB: what CompleteEnv does below, except that the command tree is
        // left for the process's exit to reclaim (as lib.rs does): freeing it was a fifth
        // of a completion's instructions, which is start-up cost P12 counts.
        // (As clap_complete finds it: the shell's name, or a path to it.)
        let path = Path::new(&shell);
        let name = path
            .file_stem()
            .unwrap_or(path.as_os_str())
            .to_string_lossy();
        let shells = Shells::builtins();
        let Some(shell) = shells.completer(&name) else {
            return Some(1);
        };
        let mut cli = pruned(Cli::command(), typed_top.as_deref());
        cli.build();
        let mut buf = Vec::new();
        let written = shell.write_complete(&mut cli, words.to_vec(), cwd.as_deref(), &mut buf);
        std::mem::forget(cli);
        return match written.and_then(|()| std::io::stdout().write_all(&buf)) {
            Ok(()) => Some(0),
            Err(_) => Some(1),
        };
    }
    // The registration script (`DWCTL_COMPLETE=bash dwctl`, no words).
    let done = CompleteEnv::with_factory(Cli::command)
        .var(ENV_VAR)
        .bin(BIN)
        .completer(BIN)
        .try_complete(args.iter().cloned(), cwd.as_deref());
    match done {
        Ok(true) => Some(0),
        Ok(false) => None,
        // A TAB prints no error into the command line being edited: no candidates.
        Err(_) => Some(1),
    }
}

/// The command tree a TAB needs: once a top-level subcommand is typed before the cursor,
/// the other top-level subcommands are only their names (clap_complete builds every
/// argument of the tree it is given, which was a third of a completion's instructions:
/// quality.md P12 counts that start-up against sqlite3's one query). With nothing typed,
/// the whole tree, whose subcommands (with their descriptions) are the candidates.
fn pruned(cli: clap::Command, typed_top: Option<&str>) -> clap::Command {
    let Some(top) = typed_top else {
        return cli;
    };
    cli.mut_subcommands(|sub| {
        if sub.get_name() == top {
            sub
        } else {
            // (The process ends right after answering: the leaked names are its own.)
            let name: &'static str = Box::leak(sub.get_name().to_owned().into_boxed_str());
            clap::Command::new(name)
        }
    })
}

/// What the words already typed say: the global options (which catalog, who acts), the
/// command (`compute show`), and which workspace.
struct Context {
    global: GlobalArgs,
    command: Vec<String>,
    workspace: Option<WorkspaceName>,
}

impl Context {
    fn from_words(words: &[OsString]) -> Context {
        // Leniently: a value the domain refuses does not end the parse, so that the
        // options after it (`--catalog`, `--as`) still count.
        // The command tree is left for the process's exit to reclaim, as lib.rs does:
        // freeing it was a tenth of a completion's instructions (quality.md P12).
        let matches = super::values::leniently(|| {
            let mut cli = Cli::command().ignore_errors(true);
            let matches = cli.try_get_matches_from_mut(words).ok();
            std::mem::forget(cli);
            matches
        });
        let global = matches
            .as_ref()
            .and_then(|m| GlobalArgs::from_arg_matches(m).ok())
            .unwrap_or_default();
        let mut command = Vec::new();
        let workspace = matches.as_ref().and_then(|m| {
            let mut m = m;
            while let Some((name, sub)) = m.subcommand() {
                command.push(name.to_string());
                m = sub;
            }
            m.try_get_one::<WorkspaceName>("workspace")
                .ok()
                .flatten()
                // A lenient parse's placeholder for a refused name scopes nothing.
                .filter(|w| WorkspaceName::parse(w.as_str()).is_ok())
                .cloned()
        });
        Context {
            global,
            command,
            workspace,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A TAB after `member` builds only `member`'s tree; the others keep their names
    /// (still offered) and nothing else; with nothing typed the tree is whole.
    #[test]
    fn completion_prunes_the_tree_to_the_typed_subcommand() {
        let mut cli = pruned(Cli::command(), Some("member"));
        cli.build();
        let sub = |c: &clap::Command, n: &str| c.find_subcommand(n).cloned().unwrap();
        assert!(sub(&cli, "member").get_subcommands().count() > 1);
        let ws = sub(&cli, "workspace");
        assert_eq!(ws.get_subcommands().count(), 0);
        // (what is left is the root's options, propagated, and --help)
        let root: Vec<_> = cli.get_arguments().map(|a| a.get_id().clone()).collect();
        let own: Vec<_> = ws
            .get_arguments()
            .map(|a| a.get_id().clone())
            .filter(|id| !root.contains(id) && id != "help")
            .collect();
        assert!(own.is_empty(), "{own:?}");
        let mut whole = pruned(Cli::command(), None);
        whole.build();
        assert!(sub(&whole, "workspace").get_subcommands().count() > 1);
        let names = |c: &clap::Command| {
            c.get_subcommands()
                .map(|s| s.get_name().to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(names(&cli), names(&whole));
    }
    use std::path::PathBuf;

    #[test]
    fn the_words_typed_give_the_catalog_and_the_workspace() {
        let words: Vec<OsString> = [
            "dwctl",
            "--no-config",
            "member",
            "show",
            "sales_ws",
            "--catalog",
            "/tmp/x.db",
        ]
        .iter()
        .map(OsString::from)
        .collect();
        let ctx = Context::from_words(&words);
        assert_eq!(ctx.global.catalog, Some(PathBuf::from("/tmp/x.db")));
        assert_eq!(ctx.workspace.as_ref().map(|w| w.as_str()), Some("sales_ws"));
        // Half-typed lines parse as far as they go.
        let ctx = Context::from_words(&words[..4]);
        assert_eq!(ctx.workspace, None);
        // A workspace that is no workspace name scopes nothing.
        // ... and the options after it still count.
        let mut bad = words.to_vec();
        bad[4] = OsString::from("no such");
        let ctx = Context::from_words(&bad);
        assert_eq!(ctx.workspace, None);
        assert_eq!(ctx.global.catalog, Some(PathBuf::from("/tmp/x.db")));
        let ctx = Context::from_words(&[OsString::from("dwctl"), OsString::from("--as")]);
        assert_eq!(ctx.workspace, None);
    }

    #[test]
    fn every_shell_gets_a_script_that_calls_dwctl_back() {
        for shell in Shell::ALL {
            let s = shell.script();
            assert!(s.contains(ENV_VAR), "{shell:?}: {s}");
            assert!(s.contains("dwctl"), "{shell:?}: {s}");
        }
    }
}

#[cfg(test)]
mod coverage {
    use super::*;
    use clap_complete::engine::{ArgValueCandidates, ArgValueCompleter};

    /// Every positional argument that names something that exists completes (from the
    /// catalog or a fixed list); only the names of things being created, files and
    /// free text do not. Every option that takes a file completes paths.
    #[test]
    fn every_positional_argument_that_names_an_object_completes() {
        fn walk(c: &clap::Command, path: Vec<String>, missing: &mut Vec<String>) {
            let verb = path.last().cloned().unwrap_or_default();
            for a in c.get_positionals() {
                let new_name =
                    matches!(verb.as_str(), "create" | "add" | "attach") && a.get_id() == "name";
                let completes = a.get::<ArgValueCandidates>().is_some()
                    || a.get::<ArgValueCompleter>().is_some()
                    || !a.get_possible_values().is_empty()
                    // A file's path: the shell completes it.
                    || matches!(
                        a.get_value_hint(),
                        clap::ValueHint::FilePath | clap::ValueHint::AnyPath | clap::ValueHint::DirPath
                    );
                if !completes && !new_name {
                    missing.push(format!("{} <{}>", path.join(" "), a.get_id()));
                }
            }
            // An option that takes a file (`--file`, `--props`) completes paths.
            for a in c.get_opts() {
                let names = a.get_value_names().unwrap_or_default();
                if names.iter().any(|n| *n == "PATH" || *n == "FILE")
                    && a.get_value_hint() != clap::ValueHint::FilePath
                {
                    missing.push(format!("{} --{}", path.join(" "), a.get_id()));
                }
            }
            for s in c.get_subcommands().filter(|s| s.get_name() != "help") {
                let mut p = path.clone();
                p.push(s.get_name().to_string());
                walk(s, p, missing);
            }
        }
        let mut missing = Vec::new();
        // Subcommands' arguments are added when the command is built.
        let mut cli = Cli::command();
        cli.build();
        walk(&cli, Vec::new(), &mut missing);
        assert!(missing.is_empty(), "{missing:?}");
    }
}
