//! R9: whatever is at the catalog path (a FIFO, a socket, a device, a directory, a link to
//! nothing, SQLite's side files of the wrong kind, a file group or others can write), every
//! command ends at once with exit 7 naming the path: never a panic, never a hang, `init`
//! included. A TAB stays silent and never hangs.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use crate::harness::*;

/// Reads, writes, and both kinds of init.
const COMMANDS: &[&[&str]] = &[
    &["workspace", "list"],
    &["user", "list"],
    &["whoami"],
    &["audit", "list"],
    &["audit", "verify"],
    &["check"],
    &["export", "--all"],
    &["user", "add", "zed"],
    &["workspace", "create", "new_ws"],
    &["member", "add", DEFAULT_WS, "root", "--role", "dev"],
    &["user", "add", "zed", "--dry-run"],
    &["init"],
    &["init", "--if-not-exists"],
];

/// The names in a folder, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn kind(p: &Path) -> std::fs::FileType {
    std::fs::symlink_metadata(p).unwrap().file_type()
}

fn mkfifo(p: &Path) {
    let ok = std::process::Command::new("mkfifo")
        .arg(p)
        .status()
        .expect("mkfifo");
    assert!(ok.success());
}

/// Every command on `path`: exit 7 naming it with `needle`, the same under `-o json`,
/// nothing on stdout, no panic, no hang; the path's kind and the folder's names unchanged.
#[track_caller]
fn every_command_refuses(env: &Env, path: &Path, needle: &str) {
    let dir = path.parent().unwrap();
    let (names, was) = (listing(dir), kind(path));
    let shown = path.display().to_string();
    for args in COMMANDS {
        for json in [false, true] {
            let mut argv = vec!["--catalog", shown.as_str()];
            argv.extend_from_slice(args);
            if json {
                argv.extend_from_slice(&["-o", "json"]);
            }
            let r = bounded(env.cmd(&argv));
            assert_eq!(r.code, 7, "{argv:?}: {}", r.stderr);
            assert!(!r.stderr.contains("panicked"), "{argv:?}: {}", r.stderr);
            assert_eq!(r.stdout, "", "{argv:?}");
            if json {
                let e = r.json_error();
                assert_eq!(e["code"], "catalog_unavailable", "{argv:?}");
                let message = e["message"].as_str().unwrap();
                assert!(message.contains(&shown), "{argv:?}: {message}");
                assert!(message.contains(needle), "{argv:?}: {message}");
            } else {
                assert!(r.stderr.starts_with("error: "), "{argv:?}: {}", r.stderr);
                assert!(r.stderr.contains(needle), "{argv:?}: {}", r.stderr);
            }
            assert_eq!(listing(dir), names, "{argv:?} left files behind");
            assert_eq!(kind(path), was, "{argv:?}");
        }
    }
}

/// A TAB on a line naming `path` as the catalog: no names, nothing on stderr, no hang.
#[track_caller]
fn completion_is_silent(env: &Env, path: &Path) {
    let shown = path.display().to_string();
    let words = [
        "dwctl",
        "--catalog",
        shown.as_str(),
        "workspace",
        "show",
        "",
    ];
    let mut argv = vec!["--"];
    argv.extend_from_slice(&words);
    let mut c = env.cmd(&argv);
    c.env("DWCTL_COMPLETE", "bash")
        .env("_CLAP_COMPLETE_INDEX", (words.len() - 1).to_string())
        .env("_CLAP_COMPLETE_COMP_TYPE", "9")
        .env("_CLAP_COMPLETE_SPACE", "true")
        .env("_CLAP_IFS", "\n");
    let r = bounded(c);
    assert_eq!(r.stderr, "", "{path:?}");
    assert!(!r.stdout.contains(DEFAULT_WS), "{path:?}: {}", r.stdout);
}

#[test]
fn r9_a_fifo_socket_device_directory_or_dangling_link_is_exit_7_for_every_command() {
    if file_only() {
        return;
    }
    let env = Env::new();
    let dir = env.path().join("odd");
    std::fs::create_dir(&dir).unwrap();

    let fifo = dir.join("fifo.db");
    mkfifo(&fifo);
    every_command_refuses(&env, &fifo, "is not a dwctl catalog: it is a FIFO");
    every_command_refuses(&env, &fifo, "not a regular file");
    completion_is_silent(&env, &fifo);

    let link_to_fifo = dir.join("link_to_fifo.db");
    std::os::unix::fs::symlink(&fifo, &link_to_fifo).unwrap();
    every_command_refuses(&env, &link_to_fifo, "not a regular file");
    completion_is_silent(&env, &link_to_fifo);

    let socket = dir.join("socket.db");
    let _listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
    every_command_refuses(&env, &socket, "it is a socket, not a regular file");
    completion_is_silent(&env, &socket);

    let link_to_null = dir.join("null.db");
    std::os::unix::fs::symlink("/dev/null", &link_to_null).unwrap();
    every_command_refuses(
        &env,
        &link_to_null,
        "it is a character device, not a regular file",
    );
    let link_to_zero = dir.join("zero.db");
    std::os::unix::fs::symlink("/dev/zero", &link_to_zero).unwrap();
    every_command_refuses(&env, &link_to_zero, "a character device");
    completion_is_silent(&env, &link_to_zero);

    let folder = dir.join("folder.db");
    std::fs::create_dir(&folder).unwrap();
    every_command_refuses(&env, &folder, "it is a directory, not a regular file");
    completion_is_silent(&env, &folder);

    // A link to nothing: `init` does not create a file wherever the link points.
    let dangling = dir.join("dangling.db");
    std::os::unix::fs::symlink("nowhere.db", &dangling).unwrap();
    every_command_refuses(&env, &dangling, "no catalog at");
    every_command_refuses(&env, &dangling, "symbolic link to nowhere.db");
    assert!(!dir.join("nowhere.db").exists());
    completion_is_silent(&env, &dangling);
}

/// SQLite opens `-wal`, `-shm` and `-journal` beside the catalog: one of them being a FIFO
/// (or a directory, or a link) would block or break every command.
#[test]
fn r9_sqlite_side_files_of_the_wrong_kind_are_exit_7_not_a_hang() {
    if file_only() {
        return;
    }
    let env = Env::new();
    let dir = env.path().join("side");
    std::fs::create_dir(&dir).unwrap();
    for (i, suffix) in ["-wal", "-shm", "-journal"].into_iter().enumerate() {
        let path = dir.join(format!("cat{i}.db"));
        std::fs::copy(&env.catalog, &path).unwrap();
        let side = PathBuf::from(format!("{}{suffix}", path.display()));
        mkfifo(&side);
        let before = std::fs::read(&path).unwrap();
        every_command_refuses(&env, &path, "not a regular file");
        completion_is_silent(&env, &path);
        assert_eq!(std::fs::read(&path).unwrap(), before);
        std::fs::remove_file(&side).unwrap();
        std::fs::create_dir(&side).unwrap();
        every_command_refuses(&env, &path, &format!("{suffix} beside it is a directory"));
        std::fs::remove_dir(&side).unwrap();
        // A side file others can write is as open as the catalog itself.
        std::fs::write(&side, "").unwrap();
        set_mode(&side, 0o666);
        every_command_refuses(&env, &path, "can be written by group and others");
        let r = env.run(&["--catalog", &path.display().to_string(), "whoami"]);
        assert!(
            r.stderr
                .contains(&format!("hint: chmod 600 {}", side.display())),
            "{}",
            r.stderr
        );
        std::fs::remove_file(&side).unwrap();
        // Once it is gone, the catalog works again.
        let shown = path.display().to_string();
        env.run(&["--catalog", &shown, "user", "list"]).ok();
    }
}

fn set_mode(p: &Path, mode: u32) {
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// A catalog group or others can write is refused by every command with the fix as hint;
/// one they can read works with a warning that names the mode (not silenced by --quiet);
/// `DWCTL_NO_MODE_CHECK` or `mode_check = false` serves filesystems without modes.
#[test]
fn r9_a_catalog_others_can_write_is_refused_and_one_they_can_read_warns() {
    if file_only() {
        return;
    }
    let env = Env::new();
    let path = env.path().join("shared.db");
    std::fs::copy(&env.catalog, &path).unwrap();
    let shown = path.display().to_string();
    for (mode, who) in [
        (0o620, "its group (mode 0620)"),
        (0o602, "others (mode 0602)"),
        (0o666, "group and others (mode 0666)"),
        (0o777, "group and others (mode 0777)"),
    ] {
        set_mode(&path, mode);
        let before = std::fs::read(&path).unwrap();
        every_command_refuses(&env, &path, &format!("can be written by {who}"));
        let r = env.run(&["--catalog", &shown, "user", "list"]);
        assert!(
            r.stderr.contains(&format!("hint: chmod 600 {shown}")),
            "{}",
            r.stderr
        );
        completion_is_silent_or_names(&env, &path);
        assert_eq!(std::fs::read(&path).unwrap(), before);
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            mode,
            "dwctl changed the mode"
        );
    }

    for (mode, who) in [
        (0o640, "its group (mode 0640)"),
        (0o604, "others (mode 0604)"),
        (0o644, "group and others (mode 0644)"),
        (0o444, "group and others (mode 0444)"),
    ] {
        set_mode(&path, mode);
        let warning = format!("warning: {shown} can be read by {who}");
        for args in [
            &["user", "list"][..],
            &["-q", "whoami"],
            &["init", "--if-not-exists"],
            // A confirmed change opens the catalog twice (dry run, then for real).
            &["workspace", "disable", DEFAULT_WS, "--yes"],
            &["workspace", "enable", DEFAULT_WS, "--yes"],
        ] {
            let mut argv = vec!["--catalog", shown.as_str()];
            argv.extend_from_slice(args);
            let r = env.run(&argv);
            // 0444 has no write bit: its changes are exit 7 (read-only), after the warning.
            let want = if mode & 0o200 == 0 && args[0] == "workspace" {
                7
            } else {
                0
            };
            assert_eq!(r.code, want, "{argv:?}: {}", r.stderr);
            assert!(r.stderr.starts_with(&warning), "{argv:?}: {}", r.stderr);
            assert_eq!(r.stderr.matches("warning:").count(), 1, "{}", r.stderr);
        }
        let r = env.run(&["--catalog", &shown, "user", "list", "-o", "json"]);
        r.ok();
        let w: serde_json::Value = serde_json::from_str(r.stderr.lines().next().unwrap()).unwrap();
        assert_eq!(w["warning"]["code"], "catalog_mode");
        assert!(w["warning"]["message"]
            .as_str()
            .unwrap()
            .contains(&format!("mode {mode:04o}")));
        // init without --if-not-exists: the conflict, after the warning.
        let r = env.run(&["--catalog", &shown, "init"]);
        r.fails(4, "already exists");
        assert!(r.stderr.starts_with(&warning), "{}", r.stderr);
    }

    // A write through a readable catalog works too (0640 keeps the owner's write bit).
    set_mode(&path, 0o640);
    let r = env.run(&["--catalog", &shown, "user", "add", "zed"]);
    r.ok();

    // 0600 and 0400: silent.
    for mode in [0o600, 0o400] {
        set_mode(&path, mode);
        let r = env.run(&["--catalog", &shown, "user", "list"]);
        assert_eq!((r.code, r.stderr.as_str()), (0, ""), "{mode:o}");
    }

    // The override: no refusal and no warning.
    set_mode(&path, 0o666);
    for var in ["1", "true", "yes"] {
        let mut c = env.cmd(&["--catalog", &shown, "user", "add", &format!("u{var}")]);
        c.env("DWCTL_NO_MODE_CHECK", var);
        let r = Env::output(c);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(!r.stderr.contains("warning"), "{}", r.stderr);
    }
    let mut c = env.cmd(&["--catalog", &shown, "user", "list"]);
    c.env("DWCTL_NO_MODE_CHECK", "0");
    Env::output(c).fails(7, "can be written by group and others");
    let config = env.path().join("config.toml");
    std::fs::write(&config, "mode_check = false\n").unwrap();
    let mut c = env.cmd(&["--catalog", &shown, "user", "list"]);
    c.env_remove("DWCTL_NO_CONFIG").env("DWCTL_CONFIG", &config);
    let r = Env::output(c);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""), "{}", r.stderr);
    std::fs::write(&config, "mode_check = true\n").unwrap();
    let mut c = env.cmd(&["--catalog", &shown, "user", "list"]);
    c.env_remove("DWCTL_NO_CONFIG").env("DWCTL_CONFIG", &config);
    Env::output(c).fails(7, "chmod 600");
}

/// A TAB ignores the mode (it prints only names, and must stay silent): it never errs
/// and never hangs.
#[track_caller]
fn completion_is_silent_or_names(env: &Env, path: &Path) {
    let shown = path.display().to_string();
    let words = [
        "dwctl",
        "--catalog",
        shown.as_str(),
        "workspace",
        "show",
        "",
    ];
    let mut argv = vec!["--"];
    argv.extend_from_slice(&words);
    let mut c = env.cmd(&argv);
    c.env("DWCTL_COMPLETE", "bash")
        .env("_CLAP_COMPLETE_INDEX", (words.len() - 1).to_string())
        .env("_CLAP_COMPLETE_COMP_TYPE", "9")
        .env("_CLAP_COMPLETE_SPACE", "true")
        .env("_CLAP_IFS", "\n");
    let r = bounded(c);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""), "{path:?}");
}

/// The catalogs the harness and `init` make are 0600, and stay so through commands.
#[test]
fn r9_catalogs_dwctl_makes_are_0600() {
    if file_only() {
        return;
    }
    let env = Env::new();
    env.run(&["user", "add", "alice"]).ok();
    for suffix in ["", "-wal", "-shm"] {
        let p = PathBuf::from(format!("{}{suffix}", env.catalog.display()));
        if p.exists() {
            let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{p:?}");
        }
    }
    let r = env.run(&["user", "list"]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
}

/// The override turns a safety check off, so it fails closed: a value dwctl does not
/// understand (a typo, `2`, a stray space) is exit 2 naming the variable, never taken as
/// "off", and the catalog is not opened.
#[test]
fn r9_an_unknown_mode_check_override_is_a_usage_error() {
    if file_only() {
        return;
    }
    let env = Env::new();
    let path = env.path().join("shared.db");
    std::fs::copy(&env.catalog, &path).unwrap();
    let shown = path.display().to_string();
    set_mode(&path, 0o666);
    for var in ["abc", "2", " 1", "1 ", "tru", "disable"] {
        let mut c = env.cmd(&["--catalog", &shown, "user", "add", "zed"]);
        c.env("DWCTL_NO_MODE_CHECK", var);
        let r = Env::output(c);
        r.fails(2, "which is neither on nor off");
        assert!(!r.stderr.contains("chmod"), "{var:?}: {}", r.stderr);
    }
    for (var, code) in [("ON", 0), ("Yes", 0), ("off", 7), ("NO", 7)] {
        let mut c = env.cmd(&["--catalog", &shown, "user", "list"]);
        c.env("DWCTL_NO_MODE_CHECK", var);
        assert_eq!(Env::output(c).code, code, "{var}");
    }
    let r = env.run(&["--catalog", &shown, "user", "list"]);
    r.fails(7, "chmod 600");
    assert!(!r.stdout.contains("zed"));
}

/// A catalog in a folder its user may not write: SQLite cannot make its log beside it, so
/// reads fail too. The message names the folder and its fix, not "the file is not
/// writable, run a read-only command" (which is what was run). Needs another user: run as
/// root with setpriv(1), else skipped.
#[test]
fn r9_a_catalog_in_a_folder_one_may_not_write_names_the_folder() {
    if file_only() {
        return;
    }
    let root = unsafe { libc::geteuid() } == 0;
    let setpriv = std::process::Command::new("setpriv")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !root || !setpriv {
        return;
    }
    let env = Env::new();
    let dir = env.path().join("locked");
    std::fs::create_dir(&dir).unwrap();
    let path = dir.join("c.db");
    std::fs::copy(&env.catalog, &path).unwrap();
    set_mode(&path, 0o600);
    let nobody = 65534;
    std::os::unix::fs::chown(&path, Some(nobody), Some(nobody)).unwrap();
    std::os::unix::fs::chown(&dir, Some(nobody), Some(nobody)).unwrap();
    std::os::unix::fs::chown(env.path(), Some(nobody), Some(nobody)).unwrap();
    set_mode(&dir, 0o500);
    let shown = path.display().to_string();
    for args in [&["workspace", "list"][..], &["user", "add", "zed"]] {
        let mut argv = vec!["--catalog", shown.as_str()];
        argv.extend_from_slice(args);
        let mut c = std::process::Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
            .arg(assert_cmd::cargo::cargo_bin("dwctl"))
            .args(&argv)
            .env_clear()
            .env("HOME", env.path())
            .env("DWCTL_NOW", "2026-11-28T10:00:00Z")
            .env("DWCTL_NO_CONFIG", "1");
        let r = Env::output(c);
        r.fails(7, &format!("its folder {} is not writable", dir.display()));
        assert!(
            r.stderr.contains(&format!("chmod u+w {}", dir.display())),
            "{}",
            r.stderr
        );
        assert!(!r.stderr.contains("read-only command"), "{}", r.stderr);
    }
    set_mode(&dir, 0o700);
}

/// SQLite's log beside the catalog holds its newest changes, secrets included: a `-wal`
/// (or `-shm`, `-journal`) that group or others can read gets the same warning as the
/// catalog (naming the file and its fix); one they can write is refused as the catalog is.
#[test]
fn r9_a_log_others_can_read_warns_as_the_catalog_does() {
    if file_only() {
        return;
    }
    let env = Env::new();
    let path = env.path().join("c.db");
    std::fs::copy(&env.catalog, &path).unwrap();
    set_mode(&path, 0o600);
    let shown = path.display().to_string();
    for suffix in ["-wal", "-shm", "-journal"] {
        let side = PathBuf::from(format!("{shown}{suffix}"));
        std::fs::write(&side, "").unwrap();
        set_mode(&side, 0o644);
        let r = env.run(&["--catalog", &shown, "user", "list"]);
        assert_eq!(r.code, 0, "{suffix}: {}", r.stderr);
        assert!(
            r.stderr.contains(&format!(
                "warning: {} can be read by group and others (mode 0644), and it holds secrets in clear: chmod 600 {}",
                side.display(),
                side.display()
            )),
            "{suffix}: {}",
            r.stderr
        );
        if side.exists() {
            set_mode(&side, 0o664);
            let r = env.run(&["--catalog", &shown, "user", "list"]);
            r.fails(7, "can be written by its group (mode 0664)");
            std::fs::remove_file(&side).unwrap();
        }
    }
}
