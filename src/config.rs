//! Settings, resolved once: flag > environment > config file > default (cli.md 2).
//! The environment is read here and nowhere else; the rest of dwctl gets `Settings`.

use serde::Deserialize;
use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::model::clock::Timestamp;
use crate::model::error::{Error, Kind, Result};
use crate::output::{ColorChoice, Format};
use crate::storage::postgres::{is_url, PgEnv, Target};
use crate::storage::{Location, ModeCheck};

/// The environment variables dwctl reads, captured once at start-up.
#[derive(Debug, Clone, Default)]
pub struct Env {
    vars: HashMap<String, String>,
}

pub const ENV_VARS: &[&str] = &[
    "DWCTL_CATALOG",
    "DWCTL_CONFIG",
    "DWCTL_NO_CONFIG",
    "DWCTL_ACTOR",
    "DWCTL_OUTPUT",
    "DWCTL_NO_INPUT",
    "DWCTL_LOCK_TIMEOUT",
    "DWCTL_NOW",
    "DWCTL_SEED",
    "DWCTL_NO_MODE_CHECK",
    "CI",
    "NO_COLOR",
    "CLICOLOR_FORCE",
    // A PostgreSQL catalog's password and login, as libpq reads them.
    "PGPASSWORD",
    "PGPASSFILE",
    "HOME",
    "USER",
    "LOGNAME",
];

impl Env {
    pub fn capture() -> Env {
        Env {
            vars: ENV_VARS
                .iter()
                .filter_map(|k| std::env::var(k).ok().map(|v| (k.to_string(), v)))
                .collect(),
        }
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.vars
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// What a PostgreSQL catalog's connection takes from the environment.
    fn pg(&self) -> PgEnv {
        let home = self.get("HOME").map(PathBuf::from);
        PgEnv {
            password: self.get("PGPASSWORD").map(str::to_string),
            passfile: self
                .get("PGPASSFILE")
                .map(PathBuf::from)
                .or_else(|| home.as_ref().map(|h| h.join(".pgpass"))),
            default_root_cert: home
                .as_ref()
                .map(|h| h.join(".postgresql").join("root.crt")),
            os_user: self
                .get("USER")
                .or_else(|| self.get("LOGNAME"))
                .map(str::to_string),
        }
    }

    /// The first of dwctl's own settings that is set to the empty string, or to blanks
    /// only, with which of the two it is. Such a variable is a mistake (an unset shell
    /// variable expanded, a stray space), never "use the default" nor a value: acting as
    /// the account, or writing a catalog at the default path or at a file named " ", would
    /// fail open. `CI`, `NO_COLOR` and `CLICOLOR_FORCE` follow their own conventions, in
    /// which empty means unset.
    pub fn empty_setting(&self) -> Option<(&'static str, &'static str)> {
        ENV_VARS
            .iter()
            .copied()
            .filter(|k| k.starts_with("DWCTL_"))
            .find_map(|k| match self.vars.get(k) {
                Some(v) if v.is_empty() => Some((k, "empty")),
                Some(v) if v.trim().is_empty() => Some((k, "blank (only whitespace)")),
                _ => None,
            })
    }

    /// `DWCTL_OUTPUT`, when it names a format (for errors before settings resolve).
    pub fn output_format(&self) -> Option<Format> {
        self.get("DWCTL_OUTPUT").and_then(|f| Format::parse(f).ok())
    }

    /// One of dwctl's on/off variables (`DWCTL_NO_CONFIG`, `DWCTL_NO_INPUT`,
    /// `DWCTL_NO_MODE_CHECK`): `1`, `true`, `yes`, `on` or `0`, `false`, `no`, `off` (any
    /// case). Anything else is exit 2 naming it: `DWCTL_NO_MODE_CHECK=flase` must not turn
    /// a safety check off, nor `DWCTL_NO_CONFIG=flase` drop the config file's actor.
    fn switch(&self, key: &str) -> Result<bool> {
        let Some(v) = self.get(key) else {
            return Ok(false);
        };
        // Exactly one of the words: ` 1` or `1 ` is a typo too, not "on".
        match v.to_ascii_lowercase().as_str() {
            "1" | "true" | "yes" | "on" => Ok(true),
            "0" | "false" | "no" | "off" => Ok(false),
            _ => Err(Error::invalid(format!(
                "{key} is set to {}, which is neither on nor off",
                crate::model::shown(v)
            ))
            .with_hint(format!(
                "{key} takes 1, true, yes or on (0, false, no or off: as if unset)"
            ))),
        }
    }

    /// `DWCTL_SEED`: a whole number from 0 to 2^64-1, or exit 2 naming it.
    fn seed(&self) -> Result<Option<u64>> {
        let Some(v) = self.get("DWCTL_SEED") else {
            return Ok(None);
        };
        crate::domain::ids::parse_seed(v).map(Some).ok_or_else(|| {
            Error::invalid(format!(
                "DWCTL_SEED is set to {}, which is not a whole number",
                crate::model::shown(v)
            ))
            .with_hint("DWCTL_SEED takes digits only, from 0 to 18446744073709551615")
        })
    }

    /// `1`, `true`, `yes` (any case) count as set; `0`, `false`, `no`, empty do not.
    fn flag(&self, key: &str) -> bool {
        self.get(key).is_some_and(|v| {
            !matches!(
                v.to_ascii_lowercase().as_str(),
                "0" | "false" | "no" | "off"
            )
        })
    }
}

/// The config file (TOML). Every key is optional; unknown keys are errors.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    catalog: Option<PathBuf>,
    actor: Option<String>,
    output: Option<String>,
    color: Option<String>,
    lock_timeout: Option<f64>,
    mode_check: Option<bool>,
}

/// A path in a message: escaped and cut like any user input, but unquoted when plain.
fn shown_path(path: &Path) -> String {
    crate::model::named(&path.to_string_lossy())
}

fn load_config(path: &Path, explicit: bool) -> Result<ConfigFile> {
    let text = match crate::input::read_file(path, crate::input::CONFIG_LIMIT, true) {
        Ok(t) => t,
        Err(crate::input::ReadError::Io(e))
            if e.kind() == std::io::ErrorKind::NotFound && !explicit =>
        {
            return Ok(ConfigFile::default())
        }
        Err(e) => {
            return Err(e.into_error(
                &format!("config file {}", shown_path(path)),
                "a config file is at most 1 MiB (1,048,576 bytes)",
            ))
        }
    };
    let cfg: ConfigFile = toml::from_str(&text).map_err(|e| {
        let (line, col) = e
            .span()
            .map(|s| crate::model::line_column(&text, s.start))
            .unwrap_or((1, 1));
        Error::invalid(format!(
            "{}:{line}:{col}: {}",
            shown_path(path),
            crate::model::cut_quoted(e.message().trim_end())
        ))
        .with_hint("the config file takes: catalog, actor, output, color, lock_timeout, mode_check")
    })?;
    // Values are checked where they are used, naming the file and the key's line.
    Ok(cfg)
}

fn config_value_error(path: &Path, text_key: &str, e: Error) -> Error {
    let line = crate::input::read_file(path, crate::input::CONFIG_LIMIT, true)
        .ok()
        .and_then(|t| {
            t.lines()
                .position(|l| l.trim_start().starts_with(text_key))
                .map(|i| i + 1)
        })
        .unwrap_or(1);
    // Exit 2 whatever the value's own error was: the file is input.
    Error {
        kind: Kind::Invalid,
        causes: Vec::new(),
        missing_target: false,
        ..e
    }
    .within(text_key)
    .within(format!("{}:{line}", shown_path(path)))
}

/// Where the actor came from, for `whoami`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Flag,
    Env,
    Config,
    Default,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Flag => "flag",
            Source::Env => "env",
            Source::Config => "config",
            Source::Default => "default",
        }
    }
}

/// What the command line says about the settings (its global options): the first of
/// flag > environment > config file > default. `lib.rs` builds it from the parsed line.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub catalog: Option<PathBuf>,
    pub config: Option<PathBuf>,
    pub no_config: bool,
    pub actor: Option<String>,
    pub output: Option<Format>,
    pub yes: bool,
    pub no_input: bool,
    pub color: Option<ColorChoice>,
    pub quiet: bool,
    pub lock_timeout: Option<f64>,
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub catalog: Location,
    pub actor: Option<String>,
    pub actor_source: Source,
    pub format: Format,
    pub yes: bool,
    /// Prompts are possible: stdin and stderr are terminals, and neither `--no-input`,
    /// `DWCTL_NO_INPUT` nor `CI` forbids them.
    pub interactive: bool,
    pub color: ColorChoice,
    pub quiet: bool,
    pub lock_timeout: Duration,
    pub now: Timestamp,
    /// Where the clock came from (`DWCTL_NOW` pins it for tests).
    pub pinned_clock: bool,
    /// `DWCTL_SEED`: pins the random ids (for tests; see `domain::ids`).
    pub seed: Option<u64>,
}

pub fn default_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", "dwctl")
}

fn parse_lock_timeout(v: f64) -> Result<Duration> {
    if !(0.0..=86_400.0).contains(&v) || v.is_nan() {
        // 1e300 is not written out in 301 digits.
        let text = v.to_string();
        let text = if text.len() > 20 {
            format!("{v:e}")
        } else {
            text
        };
        return Err(Error::invalid(format!("invalid lock timeout {text}"))
            .with_hint("a number of seconds from 0 to 86400"));
    }
    Ok(Duration::from_secs_f64(v))
}

pub fn parse_lock_timeout_str(s: &str) -> Result<Duration> {
    let v: f64 = s.trim().parse().map_err(|_| {
        Error::invalid(format!("invalid lock timeout {}", crate::model::shown(s)))
            .with_hint("a number of seconds, e.g. 10 or 0.5")
    })?;
    parse_lock_timeout(v)
}

impl Settings {
    /// Resolve every setting once. Destructuring `Overrides` whole means a new flag
    /// cannot be added without being resolved here.
    pub fn resolve(args: &Overrides, env: &Env) -> Result<Settings> {
        let Overrides {
            catalog,
            config,
            no_config,
            actor,
            output,
            yes,
            no_input,
            color,
            quiet,
            lock_timeout,
        } = args;

        if let Some((var, what)) = env.empty_setting() {
            return Err(Error::invalid(format!("{var} is set but {what}"))
                .with_hint(format!("give {var} a value, or unset it (unset {var})")));
        }
        let dirs = default_dirs();
        let no_config = *no_config || env.switch("DWCTL_NO_CONFIG")?;
        let env_no_mode_check = env.switch("DWCTL_NO_MODE_CHECK")?;
        let env_no_input = env.switch("DWCTL_NO_INPUT")?;
        let (cfg, cfg_path) = if no_config {
            (ConfigFile::default(), None)
        } else if let Some(p) = config
            .clone()
            .or_else(|| env.get("DWCTL_CONFIG").map(PathBuf::from))
        {
            (load_config(&p, true)?, Some(p))
        } else if let Some(d) = &dirs {
            let p = d.config_dir().join("config.toml");
            (load_config(&p, false)?, Some(p))
        } else {
            (ConfigFile::default(), None)
        };
        let cfg_err = |key: &str, e: Error| match &cfg_path {
            Some(p) => config_value_error(p, key, e),
            None => e,
        };

        // The catalog's mode is checked unless the environment or the config file says
        // the filesystem has no Unix modes to check.
        let mode = if env_no_mode_check || cfg.mode_check == Some(false) {
            ModeCheck::Off
        } else {
            ModeCheck::On
        };
        // A path names a file; a postgres:// or postgresql:// URL a PostgreSQL catalog.
        let at = |p: &std::path::Path, explicit: bool| -> Result<Location> {
            match p.to_str() {
                Some(url) if is_url(url) => {
                    Ok(Location::Postgres(Box::new(Target::parse(url, env.pg())?)))
                }
                _ => Ok(Location::File(crate::storage::sqlite::Location {
                    path: p.to_path_buf(),
                    explicit,
                    mode,
                })),
            }
        };
        let catalog = if let Some(p) = catalog {
            at(p, true).map_err(|e| e.within("--catalog"))?
        } else if let Some(p) = env.get("DWCTL_CATALOG") {
            at(std::path::Path::new(p), true).map_err(|e| e.within("DWCTL_CATALOG"))?
        } else if let Some(p) = &cfg.catalog {
            if p.to_string_lossy().trim().is_empty() {
                return Err(cfg_err(
                    "catalog",
                    Error::invalid("the catalog path is empty or blank")
                        .with_hint("name the catalog file, or leave the key out for the default"),
                ));
            }
            at(p, true).map_err(|e| cfg_err("catalog", e))?
        } else {
            let data = dirs
                .as_ref()
                .map(|d| d.data_dir().to_path_buf())
                .ok_or_else(|| {
                    Error::catalog("cannot find a home directory for the default catalog")
                        .with_hint("name the catalog with --catalog PATH or DWCTL_CATALOG")
                })?;
            at(&data.join("catalog.db"), false)?
        };

        let (actor, actor_source) = if let Some(a) = actor {
            (Some(a.clone()), Source::Flag)
        } else if let Some(a) = env.get("DWCTL_ACTOR") {
            (Some(a.to_string()), Source::Env)
        } else if let Some(a) = &cfg.actor {
            (Some(a.clone()), Source::Config)
        } else {
            (None, Source::Default)
        };
        // An actor that can never be a principal is bad input (2), not an unknown actor (5).
        if let Some(a) = &actor {
            crate::domain::principal::parse_principal_ref(a).map_err(|e| match actor_source {
                Source::Flag => e.within("--as"),
                Source::Env => e.within("DWCTL_ACTOR"),
                _ => cfg_err("actor", e),
            })?;
        }

        let format = if let Some(f) = output {
            *f
        } else if let Some(f) = env.get("DWCTL_OUTPUT") {
            Format::parse(f)
                .map_err(|e| e.with_hint("DWCTL_OUTPUT takes table, json, jsonl or csv"))?
        } else if let Some(f) = &cfg.output {
            Format::parse(f).map_err(|e| cfg_err("output", e))?
        } else {
            Format::Table
        };

        let color = if let Some(c) = color {
            *c
        } else if env.get("NO_COLOR").is_some() {
            ColorChoice::Never
        } else if env.flag("CLICOLOR_FORCE") {
            ColorChoice::Always
        } else if let Some(c) = &cfg.color {
            ColorChoice::parse(c).map_err(|e| cfg_err("color", e))?
        } else {
            ColorChoice::Auto
        };

        let lock_timeout = if let Some(t) = lock_timeout {
            parse_lock_timeout(*t)?
        } else if let Some(t) = env.get("DWCTL_LOCK_TIMEOUT") {
            parse_lock_timeout_str(t)?
        } else if let Some(t) = cfg.lock_timeout {
            parse_lock_timeout(t).map_err(|e| cfg_err("lock_timeout", e))?
        } else {
            Duration::from_secs(10)
        };

        let ci = env.get("CI").is_some_and(|v| !matches!(v, "false" | "0"));
        let no_input = *no_input || env_no_input || ci;
        let terminals = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();

        let (now, pinned_clock) = match env.get("DWCTL_NOW") {
            Some(t) => (
                Timestamp::parse(t)
                    .map_err(|e| e.with_hint("DWCTL_NOW takes an RFC 3339 timestamp"))?,
                true,
            ),
            None => (Timestamp::now_system()?, false),
        };
        let seed = env.seed()?;

        Ok(Settings {
            catalog,
            actor,
            actor_source,
            format,
            yes: *yes,
            interactive: terminals && !no_input,
            color,
            quiet: *quiet,
            lock_timeout,
            now,
            pinned_clock,
            seed,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_flags() {
        let mut e = Env::default();
        e.vars.insert("DWCTL_NO_INPUT".into(), "0".into());
        assert!(!e.flag("DWCTL_NO_INPUT"));
        e.vars.insert("DWCTL_NO_INPUT".into(), "1".into());
        assert!(e.flag("DWCTL_NO_INPUT"));
        for (v, on) in [
            ("1", true),
            ("TRUE", true),
            ("on", true),
            ("Off", false),
            ("no", false),
        ] {
            e.vars.insert("DWCTL_NO_MODE_CHECK".into(), v.into());
            assert_eq!(e.switch("DWCTL_NO_MODE_CHECK").unwrap(), on, "{v}");
        }
        for v in ["flase", "2", "maybe", "\u{1b}[2J", " 1", "1 "] {
            e.vars.insert("DWCTL_NO_MODE_CHECK".into(), v.into());
            let err = e.switch("DWCTL_NO_MODE_CHECK").unwrap_err();
            assert!(
                err.message.starts_with("DWCTL_NO_MODE_CHECK is set to '"),
                "{}",
                err.message
            );
            assert!(!err.message.contains('\u{1b}'));
        }
    }

    #[test]
    fn lock_timeouts() {
        assert_eq!(
            parse_lock_timeout_str("0.5").unwrap(),
            Duration::from_millis(500)
        );
        assert!(parse_lock_timeout_str("-1").is_err());
        assert!(parse_lock_timeout_str("soon").is_err());
        let huge = parse_lock_timeout_str("1e300").unwrap_err();
        assert_eq!(huge.message, "invalid lock timeout 1e300");
        assert_eq!(
            parse_lock_timeout(-0.25).unwrap_err().message,
            "invalid lock timeout -0.25"
        );
    }
}
