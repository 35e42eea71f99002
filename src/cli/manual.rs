//! Text that the man pages carry beyond `--help`: who is acting (permissions.md 1), the
//! local rules (domain.md), and the files dwctl uses. Same layout as the help's sections:
//! a `HEADING:` line, paragraphs at the margin, `  TERM  meaning` items.

/// Sections of the top-level man page, dwctl(1).
pub const MAN_SECTIONS: &str = "\
WHO IS ACTING:
Every command runs as one actor, a principal of the tenant. The actor is, first found
wins: --as NAME|ID, DWCTL_ACTOR, actor in the config file, else the account (root). An
actor that is not a principal of the tenant is refused (exit 5) before anything is read.
dwctl whoami shows the actor, where it came from, its tenant-level rights and its roles
per workspace.

What --as is: it names who acts, so that the permission rules and the audit log are right,
as when one administrator runs a pipeline step as a RAM user.

What --as is not: authentication. Whoever can write the catalog file can act as anyone.
On one machine the security boundary is the catalog file's permissions: mode 0600, owned
by the administrator. A shared catalog for teams (later) authenticates through its
database server.

LOCAL RULES:
dwctl follows DataWorks workspace management and its public API (where workspaces are
called projects). Where it adds a rule of its own, the rule is listed here.
  sod_policy  Separation of duties between Develop (role_project_dev) and O&M
     (role_project_pe), set per workspace with --sod-policy: off (allowed silently), warn
     (the default: allowed, with a warning on stderr and in the JSON result) or enforce
     (refused, exit 6). Setting enforce while members hold both roles is refused, naming
     them.
  free text  Display names, descriptions, remarks and tag values hold no control
     characters (C0, DEL, C1) or format characters: exit 2, naming the character and its
     position. Descriptions (of workspaces, compute resources and data sources) alone may
     span lines: they keep line breaks and tabs.

What makes no sense offline is left out: billing (resource groups record their payment
settings and cost nothing) and initialisation delays (a new workspace or resource group
is ready at once).

OUTPUT:
Tables on a terminal fit its width without splitting an identifier (a name, an id, a
role code, a status, a time): cells break only at spaces, and free text wraps between
words. A list whose words cannot all stand side by side prints one FIELD/VALUE block per
row; there and in a show, a free-text word wider than the value column is shortened with
an ellipsis. Control characters stored in the catalog (by another tool) are shown as
JSON writes them, in tables, status lines and warnings alike.

CSV has a header of every field, with or without rows. A text cell starting with =, +,
-, @, a tab or a carriage return is written with a leading ' so that spreadsheets do not
evaluate it; numbers are written as numbers. JSON is always exact.

FILES:
  <data dir>/dwctl/catalog.db  The default catalog (on Linux
     ~/.local/share/dwctl/catalog.db), created with mode 0600 by dwctl init or by the
     first command that needs it. A catalog named with --catalog, DWCTL_CATALOG or the
     config file is never created implicitly: a missing one is exit 7.
  <config dir>/dwctl/config.toml  The config file (on Linux ~/.config/dwctl/config.toml):
     TOML with the keys catalog, actor, output, color and lock_timeout. An unknown key or
     a bad value is exit 2, naming the file and the line.
  CATALOG-wal, CATALOG-shm  SQLite's write-ahead log and its index, beside the catalog
     while a dwctl uses it.";
