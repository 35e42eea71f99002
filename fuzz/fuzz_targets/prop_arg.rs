//! `--prop KEY=VALUE` parsing (domain::types::prop_arg): never panics; an accepted argument
//! splits at its first `=` and keeps the key as given.
#![no_main]

use dwctl::domain::types::network::parse_address;
use dwctl::domain::types::prop_arg::{self, PropSource};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(arg) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok((key, source)) = prop_arg::parse_prop_arg(arg, 1) {
        let (k, v) = arg.split_once('=').expect("accepted without =");
        assert_eq!(key, k);
        match source {
            PropSource::Literal(l) => assert_eq!(l, v),
            PropSource::Stdin => assert_eq!(v, "-"),
            PropSource::File(f) => assert_eq!(format!("@{f}"), v),
            PropSource::Env(e) => assert_eq!(format!("env:{e}"), v),
        }
    }
    let _ = prop_arg::strip_one_trailing_newline(arg.to_string());
    let _ = parse_address(arg, Some(3306));
    let _ = parse_address(arg, None);
});
