//! Property validation (domain::types::validate) on arbitrary key/value maps, for every type and
//! mode: never panics; what it accepts is a fixed point (a stored set of properties is
//! validated again on every update, so normalising twice must change nothing); redaction
//! keeps the keys and hides every secret.
#![no_main]

use arbitrary::Arbitrary;
use dwctl::domain::types::location::location;
use dwctl::domain::types::validate::validate;
use dwctl::model::types::{self, ConnMode, Properties};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
enum Key {
    /// One of the keys some type knows (most inputs should get past "unknown key").
    Known(u8),
    Extra(String),
    Free(String),
}

#[derive(Arbitrary, Debug)]
enum Value {
    Free(String),
    /// Shapes the value parsers care about.
    HostPort(String, u32),
    Url(u8, String, Option<u32>),
    Number(i64),
}

#[derive(Arbitrary, Debug)]
struct Input {
    type_index: u8,
    mode: Option<u8>,
    other_region: bool,
    props: Vec<(Key, Value)>,
}

fn known_keys() -> Vec<&'static str> {
    let mut keys: Vec<&'static str> = types::all()
        .iter()
        .flat_map(|t| t.modes.iter())
        .flat_map(|m| m.keys.iter().map(|k| k.key))
        .collect();
    keys.push("regionId");
    keys.sort_unstable();
    keys.dedup();
    keys
}

fn value(v: Value) -> String {
    match v {
        Value::Free(s) => s,
        Value::HostPort(h, p) => format!("{h}:{p}"),
        Value::Url(scheme, rest, port) => {
            let scheme = ["http", "https", "ftp", "thrift", ""][scheme as usize % 5];
            match port {
                Some(p) => format!("{scheme}://{rest}:{p}"),
                None => format!("{scheme}://{rest}"),
            }
        }
        Value::Number(n) => n.to_string(),
    }
}

fuzz_target!(|input: Input| {
    let all = types::all();
    let spec = &all[input.type_index as usize % all.len()];
    let mode = input
        .mode
        .map(|m| [ConnMode::Instance, ConnMode::Url, ConnMode::Cdh][m as usize % 3]);
    let keys = known_keys();
    let mut props = Properties::new();
    for (k, v) in input.props {
        let k = match k {
            Key::Known(i) => keys[i as usize % keys.len()].to_string(),
            Key::Extra(s) => format!("extra.{s}"),
            Key::Free(s) => s,
        };
        props.insert(k, value(v));
    }
    let region = if input.other_region { "ap-southeast-1" } else { "cn-hangzhou" };
    let Ok(first) = validate(spec, mode, &props, region) else {
        return;
    };
    let again = validate(spec, Some(first.mode), &first.properties, region)
        .unwrap_or_else(|e| panic!("accepted {props:?} as {first:?}, then refused it: {e:?}"));
    assert_eq!(again, first, "normalising twice changed {props:?}");
    let again = validate(spec, None, &first.properties, region);
    if let Ok(again) = again {
        assert_eq!(again.mode, first.mode);
    }
    let redacted = types::redact(&first.properties);
    assert_eq!(
        redacted.keys().collect::<Vec<_>>(),
        first.properties.keys().collect::<Vec<_>>()
    );
    for (k, v) in &redacted {
        if types::is_secret_key(k) {
            assert_eq!(v, types::REDACTED);
        }
    }
    let _ = location(spec, first.mode, &first.properties);
});
