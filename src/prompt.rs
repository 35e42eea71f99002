//! Confirmations and wizards, on stderr through dialoguer. When prompting is impossible
//! (no terminal, `--no-input`, CI) a confirmation fails with exit 8 and the hint `pass --yes`.
//!
//! Every prompt runs inside [`asking`] (or holds a [`TerminalGuard`]): Ctrl-C, whether the
//! terminal turns it into SIGINT or dialoguer reads it as a key in raw mode (console then
//! raises SIGINT itself), restores the terminal (the cursor dialoguer hid, the echo and line
//! mode a prompt changed), says `interrupted; nothing was changed` and exits with status
//! 130 (128 + SIGINT, the shell convention). Prompts come before any change is made, so
//! nothing was changed.

use dialoguer::theme::{ColorfulTheme, SimpleTheme, Theme};
use dialoguer::{Confirm, Input};

use crate::config::Settings;
use crate::model::error::{Error, Kind, Result};

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

/// A prompt that failed: Ctrl-C (when SIGINT is ignored, console reports it as an
/// interrupted read) is exit 130, anything else exit 8.
fn failed(e: dialoguer::Error) -> Error {
    let dialoguer::Error::IO(io) = e;
    if io.kind() == std::io::ErrorKind::Interrupted {
        Error::interrupted()
    } else {
        Error::confirmation(format!("prompt failed: {io}"))
    }
}

/// While it lives, SIGINT and SIGTERM restore the terminal before ending dwctl. Guards
/// nest (a wizard holds one across its questions); the outermost one, when dropped, puts
/// the previous signal handling back and shows the cursor, whatever the prompt left.
pub struct TerminalGuard {
    _private: (),
}

/// Guard the terminal for prompts (generic: any prompt of this module, or a prompt that
/// reads the terminal itself, such as a password without echo).
pub fn guard(settings: &Settings) -> TerminalGuard {
    let printer = crate::output::Printer::new(settings.format, settings.color, settings.quiet);
    let e = Error::interrupted();
    let kind = Kind::Interrupted;
    let message = printer.error_text(
        &e,
        crate::error::json_code(kind),
        crate::error::exit_code(kind),
    );
    signals::enter(format!("\n{message}").into_bytes());
    TerminalGuard { _private: () }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        if signals::leave() {
            let _ = dialoguer::console::Term::stderr().show_cursor();
        }
    }
}

/// Run prompts with the terminal guarded, mapping dialoguer's failures.
pub fn asking<T>(
    settings: &Settings,
    f: impl FnOnce(&dyn Theme) -> dialoguer::Result<T>,
) -> Result<T> {
    let _guard = guard(settings);
    let theme = theme(settings);
    f(theme.as_ref()).map_err(failed)
}

#[cfg(unix)]
mod signals {
    //! The signal handler: only async-signal-safe calls (tcsetattr, write, sigaction,
    //! raise, _exit) on state prepared before it is installed.
    use std::cell::UnsafeCell;
    use std::mem::MaybeUninit;
    use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicUsize, Ordering};
    use std::sync::Mutex;

    const SIGNALS: [libc::c_int; 2] = [libc::SIGINT, libc::SIGTERM];
    const SHOW_CURSOR: &[u8] = b"\x1b[?25h";

    struct Saved(UnsafeCell<MaybeUninit<libc::termios>>);
    // Written before the handler is installed, only read by it.
    unsafe impl Sync for Saved {}
    static TERMIOS: Saved = Saved(UnsafeCell::new(MaybeUninit::uninit()));
    static HAVE_TERMIOS: AtomicBool = AtomicBool::new(false);
    static MESSAGE: AtomicPtr<u8> = AtomicPtr::new(std::ptr::null_mut());
    static MESSAGE_LEN: AtomicUsize = AtomicUsize::new(0);
    /// Nesting depth and the handlers found when the outermost guard was made.
    static STATE: Mutex<(usize, Vec<(libc::c_int, libc::sigaction)>)> = Mutex::new((0, Vec::new()));

    extern "C" fn on_signal(sig: libc::c_int) {
        // SAFETY: only async-signal-safe functions, on memory that outlives the handler.
        unsafe {
            if HAVE_TERMIOS.load(Ordering::Acquire) {
                libc::tcsetattr(0, libc::TCSANOW, (*TERMIOS.0.get()).as_ptr());
            }
            libc::write(2, SHOW_CURSOR.as_ptr().cast(), SHOW_CURSOR.len());
            let msg = MESSAGE.load(Ordering::Acquire);
            let len = MESSAGE_LEN.load(Ordering::Acquire);
            if sig == libc::SIGINT && !msg.is_null() {
                libc::write(2, msg.cast(), len);
            }
            if sig == libc::SIGINT {
                // Exit status 130, the documented code for an interrupted prompt, the same
                // whether the caller is a shell, a pty driver or a program's wait().
                libc::_exit(130);
            }
            // SIGTERM: end as the signal would have ended dwctl (the shell sees 143). The
            // signal is blocked while this runs; it is delivered when the handler returns.
            libc::signal(sig, libc::SIG_DFL);
            libc::raise(sig);
        }
    }

    pub fn enter(message: Vec<u8>) {
        let mut state = STATE.lock().unwrap_or_else(|p| p.into_inner());
        state.0 += 1;
        if state.0 > 1 {
            return;
        }
        let message: &'static mut [u8] = Box::leak(message.into_boxed_slice());
        MESSAGE_LEN.store(message.len(), Ordering::Release);
        MESSAGE.store(message.as_mut_ptr(), Ordering::Release);
        // SAFETY: plain libc calls on valid pointers; TERMIOS is written only here, before
        // the handler that reads it is installed.
        unsafe {
            let t = &mut *TERMIOS.0.get();
            let ok = libc::tcgetattr(0, t.as_mut_ptr()) == 0;
            HAVE_TERMIOS.store(ok, Ordering::Release);
            for sig in SIGNALS {
                let mut old: libc::sigaction = std::mem::zeroed();
                if libc::sigaction(sig, std::ptr::null(), &mut old) != 0
                    || old.sa_sigaction == libc::SIG_IGN
                {
                    // Ignored (a background job): stay ignored.
                    continue;
                }
                let mut new: libc::sigaction = std::mem::zeroed();
                new.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as usize;
                libc::sigemptyset(&mut new.sa_mask);
                if libc::sigaction(sig, &new, std::ptr::null_mut()) == 0 {
                    state.1.push((sig, old));
                }
            }
        }
    }

    /// Returns whether this was the outermost guard.
    pub fn leave() -> bool {
        let mut state = STATE.lock().unwrap_or_else(|p| p.into_inner());
        state.0 = state.0.saturating_sub(1);
        if state.0 > 0 {
            return false;
        }
        for (sig, old) in state.1.drain(..) {
            // SAFETY: puts back the handler sigaction returned.
            unsafe {
                libc::sigaction(sig, &old, std::ptr::null_mut());
            }
        }
        true
    }
}

#[cfg(not(unix))]
mod signals {
    pub fn enter(_message: Vec<u8>) {}
    pub fn leave() -> bool {
        true
    }
}

/// Ask yes/no; `--yes` answers yes.
pub fn confirm(settings: &Settings, question: &str) -> Result<()> {
    if settings.yes {
        return Ok(());
    }
    if !settings.interactive {
        return Err(cannot_ask(question));
    }
    let ok = asking(settings, |theme| {
        Confirm::with_theme(theme)
            .with_prompt(question)
            .default(false)
            .interact()
    })?;
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
    let typed: String = asking(settings, |theme| {
        Input::with_theme(theme)
            .with_prompt(format!(
                "{question}\nType the workspace name ({name}) to confirm"
            ))
            .allow_empty(true)
            .interact_text()
    })?;
    if typed.trim() == name {
        Ok(())
    } else {
        Err(declined())
    }
}

/// Ask for a line of text until `check` accepts it. A check that fails with invalid
/// input (2) or a conflict (4) shows its reason and asks again; any other failure (the
/// catalog, a permission) ends the prompt with that error.
fn text(
    theme: &dyn Theme,
    question: &str,
    default: Option<String>,
    check: &mut dyn FnMut(&str) -> Result<()>,
) -> Result<String> {
    let mut fatal: Option<Error> = None;
    let answer = {
        let mut input = Input::<String>::with_theme(theme)
            .with_prompt(question)
            .allow_empty(true)
            .validate_with(|s: &String| -> std::result::Result<(), String> {
                match check(s) {
                    Ok(()) => Ok(()),
                    Err(e) if matches!(e.kind, Kind::Invalid | Kind::Conflict) => {
                        Err(match &e.hint {
                            Some(h) => format!("{e}: {h}"),
                            None => e.to_string(),
                        })
                    }
                    Err(e) => {
                        fatal = Some(e);
                        Ok(())
                    }
                }
            });
        if let Some(d) = default {
            input = input.default(d);
        }
        input.interact_text().map_err(failed)?
    };
    match fatal {
        Some(e) => Err(e),
        None => Ok(answer),
    }
}

/// What the `workspace create` wizard asks for.
pub struct WorkspaceAnswers {
    pub name: String,
    pub display_name: String,
    pub mode: String,
    pub description: String,
}

/// How the wizard checks each answer as it is given: the caller's rules, so that the
/// wizard and the command line accept exactly the same values.
pub struct WorkspaceChecks<'a> {
    /// The name's format and that no workspace holds it (in the recycle bin either).
    pub name: &'a mut dyn FnMut(&str) -> Result<()>,
    pub display_name: &'a mut dyn FnMut(&str) -> Result<()>,
    pub description: &'a mut dyn FnMut(&str) -> Result<()>,
}

/// `workspace create` with no name at a terminal: name, display name, mode, description,
/// each checked when given and asked again with the reason.
pub fn workspace_wizard(settings: &Settings, checks: WorkspaceChecks) -> Result<WorkspaceAnswers> {
    if !settings.interactive {
        return Err(Error::invalid("a workspace name is required")
            .with_hint("dwctl workspace create NAME (the wizard runs only at a terminal)"));
    }
    let _guard = guard(settings);
    let theme = theme(settings);
    let theme = theme.as_ref();
    let name = text(theme, "Workspace name", None, checks.name)?;
    let display_name = text(
        theme,
        "Display name",
        Some(name.clone()),
        checks.display_name,
    )?;
    let modes = ["standard", "basic"];
    let mode = dialoguer::Select::with_theme(theme)
        .with_prompt("Mode (standard separates development from production)")
        .items(modes)
        .default(0)
        .interact()
        .map_err(failed)?;
    let description = text(theme, "Description", None, checks.description)?;
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
    let roles: Vec<crate::model::roles::RoleCode> = crate::model::roles::RoleCode::ALL
        .into_iter()
        .filter(|r| *r != crate::model::roles::RoleCode::Owner)
        .collect();
    let items: Vec<String> = roles
        .iter()
        .map(|r| {
            let i = r.info();
            format!("{} ({}): {}", i.alias, i.code, i.name)
        })
        .collect();
    let chosen = asking(settings, |theme| {
        dialoguer::MultiSelect::with_theme(theme)
            .with_prompt("Roles (space to select, enter to confirm)")
            .items(&items)
            .interact()
    })?;
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
    let keys: Vec<&str> = crate::model::types::all().iter().map(|t| t.key).collect();
    let i = asking(settings, |theme| {
        dialoguer::Select::with_theme(theme)
            .with_prompt("Data source type")
            .items(&keys)
            .default(0)
            .interact()
    })?;
    Ok(keys[i].to_string())
}

/// `--prop KEY=-` at a terminal: one line typed after `question:` (`password for orders
/// (prod):`), not echoed when `hidden` (a secret). A terminal's line is bounded by its
/// line discipline (4,095 bytes on Linux), so the read is too.
pub fn value_line(settings: &Settings, question: &str, hidden: bool) -> Result<String> {
    // Under the guard: Ctrl-C brings echo back and exits 130, as at every other prompt.
    asking(settings, |theme| {
        if hidden {
            dialoguer::Password::with_theme(theme)
                .with_prompt(question)
                .allow_empty_password(true)
                .interact()
        } else {
            Input::with_theme(theme)
                .with_prompt(question)
                .allow_empty(true)
                .interact_text()
        }
    })
}
