//! The manifest parser (manifest::parse), TOML and JSON: never panics, errors name
//! the source, and every manifest it accepts survives the emitters: what `export` writes
//! from it parses back to the same manifest, in both formats.
#![no_main]

use dwctl::manifest::{self as format, Format};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let fmt = if first % 2 == 0 { Format::Toml } else { Format::Json };
    let m = match format::parse(text, "fuzz.manifest", fmt) {
        Ok(m) => m,
        Err(e) => {
            assert!(e.message.starts_with("fuzz.manifest"), "{}", e.message);
            return;
        }
    };
    for out in [Format::Toml, Format::Json] {
        let emitted = format::emit(&m, out);
        match format::parse(&emitted, "emitted", out) {
            Ok(again) => assert_eq!(again, m, "{out:?} round trip changed the manifest:\n{emitted}"),
            Err(e) => panic!("{out:?} emitter wrote what the parser refuses: {}\n{emitted}", e.message),
        }
    }
});
