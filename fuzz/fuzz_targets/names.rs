//! Name and value parsers (src/model/: mod.rs, roles, clock): never panic, and whatever
//! they accept must be accepted again as stored (the catalog re-reads what they wrote).
#![no_main]

use dwctl::model::clock::Timestamp;
use dwctl::model::{
    self, Description, DisplayName, GroupName, ObjectName, PrincipalDisplayName, PrincipalName,
    Remark, WorkspaceName,
};
use dwctl::model::roles::{RoleCode, RoleSet};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(n) = WorkspaceName::parse(s) {
        assert!((WorkspaceName::MIN_CHARS..=WorkspaceName::MAX_CHARS).contains(&n.as_str().len()));
        assert!(WorkspaceName::parse(n.as_str()).is_ok());
    }
    if let Ok(n) = PrincipalName::parse(s) {
        assert!((1..=PrincipalName::MAX_CHARS).contains(&n.as_str().len()));
        assert!(!n.as_str().chars().all(|c| c.is_ascii_digit()));
    }
    if let Ok(n) = ObjectName::parse(s, "data source") {
        assert!((1..=ObjectName::MAX_CHARS).contains(&n.as_str().len()));
    }
    if let Ok(n) = GroupName::parse(s) {
        assert!((1..=GroupName::MAX_CHARS).contains(&n.as_str().len()));
    }
    let _ = model::parse_principal_id(s);
    let _ = model::parse_account_id(s);
    let _ = model::parse_region(s);
    let _ = model::parse_tag(s);
    let _ = DisplayName::parse(s);
    let _ = Description::parse(s);
    let _ = PrincipalDisplayName::parse(s);
    let _ = Remark::parse(s);
    let shown = model::shown(s);
    // 64 characters at most, each escaped to at most 10 (`\u{10ffff}`), quotes and `…`.
    assert!(shown.chars().count() <= 64 * 10 + 3, "shown() is bounded");
    assert!(model::is_printable(&shown), "shown() escapes what it shows");
    if let Ok(r) = RoleCode::parse(s) {
        assert_eq!(RoleCode::parse(r.code()).ok(), Some(r));
    }
    let items: Vec<&str> = s.split(',').collect();
    if let Ok(set) = RoleSet::parse_list(&items) {
        // A member always keeps at least one role: an empty list is never stored.
        if !set.is_empty() {
            assert_eq!(RoleSet::from_stored(&set.to_stored()), Some(set));
        }
    }
    // What the catalog reads back is exactly what it writes.
    if let Some(set) = RoleSet::from_stored(s) {
        assert_eq!(set.to_stored(), s);
    }
    if let Some(t) = Timestamp::from_stored(s) {
        assert_eq!(t.to_string(), s);
    }
    // Timestamps are stored as Display writes them and read back with from_stored.
    if let Ok(t) = Timestamp::parse(s) {
        let text = t.to_string();
        assert_eq!(Timestamp::parse(&text).ok(), Some(t), "{s:?} -> {text:?}");
        assert_eq!(Timestamp::from_stored(&text), Some(t), "{s:?} -> {text:?}");
    }
});
