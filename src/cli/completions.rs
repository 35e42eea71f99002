use clap::{Args, ValueEnum};

pub const COMPLETIONS_ABOUT: &str = "\
Print the completion script of a shell on stdout.

The script registers a small function that calls dwctl back at every TAB; dwctl answers
from its own command definition (nouns, verbs, flags and their values) and with the names
in the catalog: workspaces, principals, resource groups, and a workspace's members, compute
resources or data sources. It reads the catalog named by --catalog, DWCTL_CATALOG or the
config file if that catalog exists, and never creates it. It reads as the actor (--as on
the line, DWCTL_ACTOR or the config's actor) and offers only what that actor can see.
The same scripts are in the completions/ folder of the source tree.";

pub const COMPLETIONS_EXAMPLES: &str = "\
EXAMPLES:
  dwctl completions bash \\
      > ~/.local/share/bash-completion/completions/dwctl
  # (with the bash-completion package; without it, in ~/.bashrc:
  #   source <(dwctl completions bash))
  mkdir -p ~/.zfunc && dwctl completions zsh > ~/.zfunc/_dwctl
  # then in ~/.zshrc, before any other compinit:
  #   fpath=(~/.zfunc $fpath)
  #   autoload -U compinit && compinit
  dwctl completions fish > ~/.config/fish/completions/dwctl.fish
  dwctl completions powershell >> $PROFILE    # then open a new shell
  dwctl completions elvish >> ~/.config/elvish/rc.elv";

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, powershell or elvish
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: Shell,
}

/// A shell that dwctl completes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    #[value(alias = "pwsh")]
    Powershell,
    Elvish,
}

impl Shell {
    pub const ALL: [Shell; 5] = [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::Powershell,
        Shell::Elvish,
    ];

    /// The script's file name in completions/, as each shell looks for it.
    pub fn file_name(self) -> &'static str {
        match self {
            Shell::Bash => "dwctl.bash",
            Shell::Zsh => "_dwctl",
            Shell::Fish => "dwctl.fish",
            Shell::Powershell => "_dwctl.ps1",
            Shell::Elvish => "dwctl.elv",
        }
    }
}
