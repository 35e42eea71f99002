//! Reading property values from where the user put them: `--prop K=V`, `K=-` (stdin),
//! `K=@FILE`, `K=env:VAR`, and `--props FILE` (a JSON object; `-` for stdin).
//! `env:VAR` reads a variable the user named on the command line: that is input, not
//! configuration, so it is read here rather than with the settings.

use std::io::Read;

use crate::domain::error::{Error, Result};
use crate::domain::model::{shown, Warning};
use crate::domain::resources::literal_secret_warning;
use crate::domain::types::{
    self, parse_prop_arg, strip_one_trailing_newline, PropSource, Properties,
};

struct Stdin {
    used_by: Option<String>,
}

impl Stdin {
    fn read(&mut self, who: &str) -> Result<String> {
        if let Some(first) = &self.used_by {
            return Err(Error::invalid(format!(
                "stdin is already read for {first}; {who} cannot read it too"
            ))
            .with_hint("read one value from stdin and the others from files (KEY=@FILE) or variables (KEY=env:VAR)"));
        }
        self.used_by = Some(who.to_string());
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s).map_err(|e| {
            Error::invalid(format!("cannot read stdin for {who}")).caused_by(e.to_string())
        })?;
        Ok(s)
    }
}

fn read_file(path: &str, who: &str) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| {
        Error::invalid(format!("cannot read {} for {who}", shown(path))).caused_by(e.to_string())
    })
}

/// The properties given on the command line, and the warnings they deserve.
pub struct PropInput {
    pub file: Option<Properties>,
    pub set: Properties,
    pub warnings: Vec<Warning>,
}

pub fn read(props: &[String], props_file: Option<&str>) -> Result<PropInput> {
    let mut stdin = Stdin { used_by: None };
    let file = match props_file {
        None => None,
        Some(path) => {
            let text = if path == "-" {
                stdin.read("--props")?
            } else {
                read_file(path, "--props")?
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
            let mut out = Properties::new();
            for (k, v) in map {
                let value = match v {
                    serde_json::Value::String(s) => s,
                    serde_json::Value::Number(n) => n.to_string(),
                    serde_json::Value::Bool(b) => b.to_string(),
                    _ => {
                        return Err(Error::invalid(format!(
                            "--props {}: the value of {} must be a string",
                            shown(path),
                            shown(&k)
                        )))
                    }
                };
                out.insert(k, value);
            }
            Some(out)
        }
    };
    let mut set = Properties::new();
    let mut warnings = Vec::new();
    for arg in props {
        let (key, source) = parse_prop_arg(arg)?;
        let value = match source {
            PropSource::Literal(v) => {
                if types::is_secret_key(&key) && !v.is_empty() {
                    warnings.push(literal_secret_warning(&key));
                }
                v
            }
            PropSource::Stdin => strip_one_trailing_newline(stdin.read(&key)?),
            PropSource::File(path) => strip_one_trailing_newline(read_file(&path, &key)?),
            PropSource::Env(var) => std::env::var(&var).map_err(|_| {
                Error::invalid(format!("{key}=env:{var}: the variable {var} is not set"))
                    .with_hint(format!("export {var}=... first"))
            })?,
        };
        set.insert(key, value);
    }
    Ok(PropInput {
        file,
        set,
        warnings,
    })
}
