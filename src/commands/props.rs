//! Reading property values from where the user put them: `--prop K=V`, `K=-` (stdin),
//! `K=@FILE`, `K=env:VAR`, and `--props FILE` (a JSON object; `-` for stdin), flat or in
//! the API's shape (`model::api_datasource::flatten`). Whether a key holds a secret is its
//! type's to say (`TypeSpec::is_secret`); a secret given as the mask is refused by the
//! domain, on every route.
//! `env:VAR` reads a variable the user named on the command line: that is input, not
//! configuration, so it is read here rather than with the settings.

use std::io::IsTerminal;

use crate::config::Settings;
use crate::domain::resources::literal_secret_warning;
use crate::domain::types::prop_arg::{
    parse_prop_arg, parse_prop_key, strip_one_trailing_newline, PropSource,
};
use crate::input::{self, PROPS_LIMIT, VALUE_LIMIT};
use crate::model::api_datasource::flatten;
use crate::model::error::{Error, Result};
use crate::model::types::{is_secret_in, is_secret_of, Properties, TypeSpec};
use crate::model::{named, shown, Env, Warning};

/// What a `KEY=-` at a terminal needs to ask for the value: the settings (may it prompt,
/// in which colours), the object the value is for (`orders (prod)`) and its type, which
/// says which keys are secrets (typed hidden); `None` when it is not known (then the
/// suffix rule and every type's secret names say it).
pub struct Asking<'a> {
    pub settings: &'a Settings,
    pub object: String,
    pub spec: Option<&'static TypeSpec>,
}

struct Stdin<'a> {
    used_by: Option<String>,
    asking: &'a Asking<'a>,
}

impl Stdin<'_> {
    fn claim(&mut self, who: &str) -> Result<()> {
        if let Some(first) = &self.used_by {
            return Err(Error::invalid(format!(
                "stdin is already read for {first}; {who} cannot read it too"
            ))
            .with_hint("read one value from stdin and the others from files (KEY=@FILE) or variables (KEY=env:VAR)"));
        }
        self.used_by = Some(who.to_string());
        Ok(())
    }

    /// `--props -`: the whole of stdin, at most [`PROPS_LIMIT`].
    fn read_props(&mut self) -> Result<String> {
        self.claim("--props")?;
        input::read_stdin(PROPS_LIMIT, true).map_err(|e| {
            e.into_error(
                "--props - (stdin)",
                "a --props file is at most 1 MiB (1,048,576 bytes)",
            )
        })
    }

    /// `--prop KEY=-`: from a pipe, stdin (at most [`VALUE_LIMIT`]); at a terminal, one
    /// line typed at a prompt, hidden for a secret key.
    fn read_value(&mut self, key: &str) -> Result<String> {
        self.claim(key)?;
        if std::io::stdin().is_terminal() {
            let settings = self.asking.settings;
            if !settings.interactive {
                return Err(Error::invalid(format!(
                    "--prop {key}=- reads stdin, which is a terminal, and dwctl may not prompt (--no-input, CI, or stderr is not a terminal)"
                ))
                .with_hint(format!(
                    "pipe the value in, or give it as {key}=@FILE or {key}=env:VAR"
                )));
            }
            let question = format!("{key} for {}", self.asking.object);
            let hidden = is_secret_of(self.asking.spec, key);
            return crate::prompt::value_line(settings, &question, hidden);
        }
        input::read_stdin(VALUE_LIMIT, false)
            .map(strip_one_trailing_newline)
            .map_err(|e| {
                e.into_error(
                    &format!("--prop {key}=- (stdin)"),
                    &input::value_limit_hint("a file or stdin"),
                )
            })
    }
}

/// The properties given on the command line, and the warnings they deserve.
pub struct PropInput {
    pub file: Option<Properties>,
    /// The `envType` of a `--props` file in the API's shape (`Dev`, `Prod`).
    pub env: Option<Env>,
    pub set: Properties,
    /// The `--prop` keys given a value in the argument itself (`KEY=VALUE`, not empty):
    /// those that are secrets of the type deserve [`literal_secret_warnings`].
    pub literal: Vec<String>,
    pub warnings: Vec<Warning>,
}

/// The warnings about secrets of the type named `type_key` typed on the command line
/// (they may be kept in the shell's history), in the order given.
pub fn literal_secret_warnings(type_key: &str, literal: &[String]) -> Vec<Warning> {
    literal
        .iter()
        .filter(|k| is_secret_in(type_key, k))
        .map(|k| literal_secret_warning(k))
        .collect()
}

/// Whether reading these `--prop`s asks at the terminal (a `KEY=-` with stdin a terminal):
/// then the type is worth knowing first, to type secrets hidden.
pub fn asks(props: &[String]) -> bool {
    std::io::stdin().is_terminal()
        && props
            .iter()
            .enumerate()
            .any(|(i, arg)| matches!(parse_prop_arg(arg, i + 1), Ok((_, PropSource::Stdin))))
}

/// The properties of `--props FILE` and `--prop`s; `unset` are the `--unprop` keys. A key
/// given twice, or both set and unset, is refused before any value is read.
pub fn read(
    props: &[String],
    props_file: Option<&str>,
    unset: &[String],
    asking: &Asking,
) -> Result<PropInput> {
    for k in unset {
        parse_prop_key(k, "--unprop")?;
    }
    let mut keys: Vec<String> = Vec::new();
    for (i, arg) in props.iter().enumerate() {
        let (key, _) = parse_prop_arg(arg, i + 1)?;
        if keys.contains(&key) {
            return Err(Error::invalid(format!("--prop {key} is given twice"))
                .with_hint(format!("pass --prop {key}=... once")));
        }
        if unset.contains(&key) {
            return Err(Error::invalid(format!(
                "property {key} is both set (--prop) and removed (--unprop)"
            ))
            .with_hint(format!("keep one of --prop {key}=... and --unprop {key}")));
        }
        keys.push(key);
    }
    let mut stdin = Stdin {
        used_by: None,
        asking,
    };
    let mut file_env = None;
    let mut file_warnings = Vec::new();
    let file = match props_file {
        None => None,
        Some(path) => {
            let text = if path == "-" {
                stdin.read_props()?
            } else {
                input::read_file(path, PROPS_LIMIT, true).map_err(|e| {
                    e.into_error(
                        &format!("--props {}", shown(path)),
                        "a --props file is at most 1 MiB (1,048,576 bytes)",
                    )
                })?
            };
            let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
                Error::invalid(format!(
                    "--props {}: line {}, column {}: {e}",
                    shown(path),
                    e.line(),
                    e.column()
                ))
                .with_hint(
                    "--props takes a JSON object of string values, e.g. {\"address\": \"db:3306\"}",
                )
            })?;
            let serde_json::Value::Object(map) = v else {
                return Err(Error::invalid(format!(
                    "--props {}: expected a JSON object",
                    shown(path)
                )));
            };
            // The API's shapes too: address lists, a nested `properties` object, envType,
            // PascalCase keys.
            let flat = flatten(asking.spec, &map)
                .map_err(|e| e.within(format!("--props {}", shown(path))))?;
            file_env = flat.env;
            file_warnings = flat.warnings;
            let out = flat.properties;
            if let Some(k) = unset.iter().find(|k| out.contains_key(k.as_str())) {
                return Err(Error::invalid(format!(
                    "property {k} is both set (--props) and removed (--unprop)"
                ))
                .with_hint(format!(
                    "leave {k} out of the --props file, or drop --unprop {k}"
                )));
            }
            Some(out)
        }
    };
    let mut set = Properties::new();
    let mut literal = Vec::new();
    for (i, arg) in props.iter().enumerate() {
        let (key, source) = parse_prop_arg(arg, i + 1)?;
        let value = match source {
            PropSource::Literal(v) => {
                if !v.is_empty() {
                    literal.push(key.clone());
                }
                v
            }
            PropSource::Stdin => stdin.read_value(&key)?,
            PropSource::File(path) => input::read_file(&path, VALUE_LIMIT, false)
                .map(strip_one_trailing_newline)
                .map_err(|e| {
                    e.into_error(
                        &format!("--prop {key}=@{}", shown(&path)),
                        &input::value_limit_hint("a file or stdin"),
                    )
                })?,
            PropSource::Env(var) => std::env::var(&var).map_err(|_| {
                let var = named(&var);
                Error::invalid(format!("{key}=env:{var}: the variable {var} is not set"))
                    .with_hint(format!("export {var}=... first"))
            })?,
        };
        set.insert(key, value);
    }
    Ok(PropInput {
        file,
        env: file_env,
        set,
        literal,
        warnings: file_warnings,
    })
}
