//! Confirmations and wizards, on stderr through dialoguer. When prompting is impossible
//! (no terminal, `--no-input`, CI) a confirmation fails with exit 8 and the hint `pass --yes`.

use dialoguer::theme::{ColorfulTheme, SimpleTheme, Theme};
use dialoguer::{Confirm, Input};

use crate::config::Settings;
use crate::domain::error::{Error, Result};

/// Prompts are coloured like the rest of stderr: `--color never` and `NO_COLOR` reach them.
fn theme(settings: &Settings) -> Box<dyn Theme> {
    use std::io::IsTerminal;
    let colour = match settings.color {
        crate::output::ColorChoice::Always => true,
        crate::output::ColorChoice::Never => false,
        crate::output::ColorChoice::Auto => std::io::stderr().is_terminal(),
    };
    if colour {
        Box::new(ColorfulTheme::default())
    } else {
        Box::new(SimpleTheme)
    }
}

fn cannot_ask(question: &str) -> Error {
    Error::confirmation(format!("confirmation needed: {question}"))
        .with_hint("pass --yes to confirm without a prompt")
}

fn declined() -> Error {
    Error::confirmation("not confirmed; nothing was changed")
}

/// Ask yes/no; `--yes` answers yes.
pub fn confirm(settings: &Settings, question: &str) -> Result<()> {
    if settings.yes {
        return Ok(());
    }
    if !settings.interactive {
        return Err(cannot_ask(question));
    }
    let ok = Confirm::with_theme(theme(settings).as_ref())
        .with_prompt(question)
        .default(false)
        .interact()
        .map_err(|e| Error::confirmation(format!("prompt failed: {e}")))?;
    if ok {
        Ok(())
    } else {
        Err(declined())
    }
}

/// Ask the user to type a name to confirm (workspace delete and purge).
pub fn confirm_by_name(settings: &Settings, question: &str, name: &str) -> Result<()> {
    if settings.yes {
        return Ok(());
    }
    if !settings.interactive {
        return Err(cannot_ask(question));
    }
    let typed: String = Input::with_theme(theme(settings).as_ref())
        .with_prompt(format!(
            "{question}\nType the workspace name ({name}) to confirm"
        ))
        .allow_empty(true)
        .interact_text()
        .map_err(|e| Error::confirmation(format!("prompt failed: {e}")))?;
    if typed.trim() == name {
        Ok(())
    } else {
        Err(declined())
    }
}

/// What the `workspace create` wizard asks for.
pub struct WorkspaceAnswers {
    pub name: String,
    pub display_name: String,
    pub mode: String,
    pub description: String,
}

/// `workspace create` with no name at a terminal: name (validated as typed), display
/// name, mode, description.
pub fn workspace_wizard(settings: &Settings) -> Result<WorkspaceAnswers> {
    if !settings.interactive {
        return Err(Error::invalid("a workspace name is required")
            .with_hint("dwctl workspace create NAME (the wizard runs only at a terminal)"));
    }
    let theme = theme(settings);
    let theme = theme.as_ref();
    let failed = |e: dialoguer::Error| Error::confirmation(format!("prompt failed: {e}"));
    let name: String = Input::with_theme(theme)
        .with_prompt("Workspace name")
        .validate_with(|s: &String| -> std::result::Result<(), String> {
            crate::domain::model::WorkspaceName::parse(s)
                .map(|_| ())
                .map_err(|e| match e.hint {
                    Some(h) => format!("{}: {h}", e.message),
                    None => e.message,
                })
        })
        .interact_text()
        .map_err(failed)?;
    let display_name: String = Input::with_theme(theme)
        .with_prompt("Display name")
        .default(name.clone())
        .interact_text()
        .map_err(failed)?;
    let modes = ["standard", "basic"];
    let mode = dialoguer::Select::with_theme(theme)
        .with_prompt("Mode (standard separates development from production)")
        .items(modes)
        .default(0)
        .interact()
        .map_err(failed)?;
    let description: String = Input::with_theme(theme)
        .with_prompt("Description")
        .allow_empty(true)
        .interact_text()
        .map_err(failed)?;
    Ok(WorkspaceAnswers {
        name,
        display_name,
        mode: modes[mode].to_string(),
        description,
    })
}

/// `member add` with no `--role` at a terminal: a multi-select of the roles.
pub fn select_roles(settings: &Settings) -> Result<Vec<String>> {
    if !settings.interactive {
        return Err(Error::invalid("at least one --role is required")
            .with_hint("pass --role ROLE (see dwctl role list)"));
    }
    let roles: Vec<crate::domain::roles::RoleCode> = crate::domain::roles::RoleCode::ALL
        .into_iter()
        .filter(|r| *r != crate::domain::roles::RoleCode::Owner)
        .collect();
    let items: Vec<String> = roles
        .iter()
        .map(|r| {
            let i = r.info();
            format!("{} ({}): {}", i.alias, i.code, i.name)
        })
        .collect();
    let chosen = dialoguer::MultiSelect::with_theme(theme(settings).as_ref())
        .with_prompt("Roles (space to select, enter to confirm)")
        .items(&items)
        .interact()
        .map_err(|e| Error::confirmation(format!("prompt failed: {e}")))?;
    if chosen.is_empty() {
        return Err(Error::invalid("no role selected"));
    }
    Ok(chosen
        .into_iter()
        .map(|i| roles[i].code().to_string())
        .collect())
}

/// `datasource add` with no `--type` at a terminal: a select of the types.
pub fn select_type(settings: &Settings) -> Result<String> {
    if !settings.interactive {
        return Err(Error::invalid("--type is required")
            .with_hint("pass --type TYPE (see dwctl datasource types)"));
    }
    let keys: Vec<&str> = crate::domain::types::all().iter().map(|t| t.key).collect();
    let i = dialoguer::Select::with_theme(theme(settings).as_ref())
        .with_prompt("Data source type")
        .items(&keys)
        .default(0)
        .interact()
        .map_err(|e| Error::confirmation(format!("prompt failed: {e}")))?;
    Ok(keys[i].to_string())
}

/// `--prop KEY=-` at a terminal: one line typed after `question:` (`password for orders
/// (prod):`), not echoed when `hidden` (a secret). A terminal's line is bounded by its
/// line discipline (4,095 bytes on Linux), so the read is too.
pub fn value_line(settings: &Settings, question: &str, hidden: bool) -> Result<String> {
    let failed = |e: dialoguer::Error| Error::confirmation(format!("prompt failed: {e}"));
    let theme = theme(settings);
    if hidden {
        dialoguer::Password::with_theme(theme.as_ref())
            .with_prompt(question)
            .allow_empty_password(true)
            .interact()
            .map_err(failed)
    } else {
        Input::with_theme(theme.as_ref())
            .with_prompt(question)
            .allow_empty(true)
            .interact_text()
            .map_err(failed)
    }
}
