use clap::{Args, Subcommand, ValueHint};
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum CatalogCommand {
    /// Write a consistent copy of the catalog to a new file (mode 0600), while others keep working
    #[command(
        long_about = "Write a consistent copy of the catalog to PATH, a new file, with SQLite's online \
backup: other dwctl processes keep reading and writing meanwhile, and the copy is the catalog as \
one moment saw it.\n\n\
The copy holds every secret in clear and the whole audit log, like the catalog itself: it is \
created with mode 0600 (never wider, not even for a moment), and making one needs the account or \
a RAM user with full access. It is built under a temporary name beside PATH and appears at PATH \
only when complete, after SQLite's quick_check found it sound: a damaged catalog gets no backup \
(exit 7, nothing written). An existing PATH is never replaced (exit 4). Making a copy changes nothing in \
the catalog, so it writes no audit event.\n\n\
To restore, put the copy in place of the catalog (or name it with --catalog) and run \
dwctl audit verify.",
        after_help = "EXAMPLES:\n  dwctl catalog backup ~/backups/dwctl-$(date +%F).db\n  dwctl --catalog ./backup.db audit verify"
    )]
    Backup(CatalogBackupArgs),
    /// Bring the catalog's schema up to this dwctl's version
    #[command(
        long_about = "Bring the catalog's schema up to this dwctl's version, in one transaction under the \
catalog's write lock. A PostgreSQL catalog is never migrated by merely opening it (a team shares it, \
and older dwctls would then stop working): every other command on an older schema exits 7 naming \
this command. A catalog file is migrated whenever this dwctl opens it; on a file this command does \
that and says so. Running it again changes nothing. It writes no audit event (the tenant does not \
change), and on PostgreSQL the login needs the right to change the schema's tables.",
        after_help = "EXAMPLES:\n  dwctl catalog migrate --catalog postgres://db/team"
    )]
    Migrate,
}

#[derive(Debug, Args)]
pub struct CatalogBackupArgs {
    /// The new file to write (it must not exist)
    #[arg(value_name = "PATH", value_hint = ValueHint::FilePath)]
    pub path: PathBuf,
}
