//! Text that the man pages carry beyond `--help`: who is acting (permissions.md 1), the
//! introduction of the local rules (the rules themselves are README's "Decisions where the
//! spec is silent", which `gen` inserts after it), and the files dwctl uses. Same layout
//! as the help's sections: a `HEADING:` line, paragraphs at the margin, `  TERM  meaning`
//! items.

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

What makes no sense offline is left out: billing (resource groups record their payment
settings and cost nothing) and initialisation delays (a new workspace or resource group
is ready at once).

PROMPTS:
At a terminal dwctl asks before what cannot be undone: workspace delete and purge (by
typing the name), workspace upgrade, compute detach, datasource remove, member remove,
resourcegroup delete, user remove, and apply when it deletes (--prune) or turns a basic
workspace standard (one question for all of it). --yes answers yes; where dwctl cannot ask
(no terminal, --no-input, DWCTL_NO_INPUT, CI) it exits 8 and changes nothing. workspace
create with no name runs a wizard that checks each answer as it is given (a name's format
and length, and that no workspace holds it, in the recycle bin either) and asks again with
the reason. Ctrl-C at any prompt restores the terminal (the cursor, echo and line mode),
says interrupted; nothing was changed, and exits 130.

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
     config file is never created implicitly: a missing one is exit 7. The catalog must be
     a regular file (or a link to one): a directory, a FIFO, a socket, a device or a link
     to nothing is exit 7 for every command, init included. It holds secrets in clear and
     the audit log: a catalog its group or others can write is refused (exit 7, chmod 600
     it); one they can read is used with a warning on stderr that --quiet does not
     silence. On a filesystem without Unix modes (some network and Windows mounts),
     DWCTL_NO_MODE_CHECK=1 or mode_check = false in the config file turns both off.
  <config dir>/dwctl/config.toml  The config file (on Linux ~/.config/dwctl/config.toml):
     TOML with the keys catalog, actor, output, color, lock_timeout and mode_check. An unknown key or
     a bad value is exit 2, naming the file and the line.
  CATALOG-wal, CATALOG-shm  SQLite's write-ahead log and its index, beside the catalog
     while a dwctl uses it. When one of them (or CATALOG-journal) is not a regular file,
     the catalog is exit 7.
  .CATALOG.PID.N.tmp  A catalog being created, linked into place when complete. The
     next command removes those of processes that were killed.";
