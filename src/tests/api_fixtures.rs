//! The data-source fixtures of tests/fixtures/api/datasource (one per type and mode, from
//! the API's pages): each is converted from the API's shape, accepted by validation,
//! masked, and converted back unchanged up to the documented normalisations (README
//! "Fidelity to DataWorks", "Data sources"): ports as numbers, enums in the registry's
//! casing, defaults and `regionId` filled.

use std::path::PathBuf;

use serde_json::Value;

use crate::domain::types::validate::validate_open;
use crate::model::api_datasource::{from_api, mode_from_api, region_required, to_api};
use crate::model::types::{all, key_spec, lookup, redact, ValueFormat, REDACTED};
use crate::model::Env;

pub(crate) fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/api/datasource")
}

/// Every fixture: (file name, its JSON).
pub(crate) fn fixtures() -> Vec<(String, Value)> {
    let mut out: Vec<(String, Value)> = std::fs::read_dir(fixture_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, serde_json::from_str(&text).unwrap())
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn there_is_a_fixture_for_every_type_and_mode_each_naming_its_page_or_none() {
    let fx = fixtures();
    for t in all() {
        for m in t.modes {
            assert!(
                fx.iter().any(|(_, f)| f["type"] == t.key
                    && mode_from_api(f["mode"].as_str().unwrap()).unwrap() == m.mode),
                "no fixture for {} {}",
                t.key,
                m.mode
            );
        }
    }
    for (name, f) in &fx {
        // The page (or the Terraform provider's example) it was written from, or `none`
        // where no documented example exists, which the note then says.
        let source = f["source"].as_str().unwrap_or_default();
        let note = f["note"].as_str().unwrap_or_default();
        if source == "none" {
            assert!(
                note.starts_with("no documented example: "),
                "{name}: {note}"
            );
        } else {
            assert!(
                source.starts_with("https://")
                    && (source.contains("dataworks")
                        || source.contains("document_detail")
                        || source.contains("data_works_data_source")),
                "{name}: {source}"
            );
            assert!(!note.contains("not read"), "{name}: {note}");
        }
        assert!(f["properties"].is_object(), "{name}");
    }
}

/// `got` is `want` up to the documented normalisations of `key`.
fn same(
    type_key: &str,
    mode: crate::model::types::ConnMode,
    key: &str,
    want: &Value,
    got: &Value,
) -> bool {
    if want == got {
        return true;
    }
    let spec = lookup(type_key).unwrap();
    match (want, got) {
        (Value::Array(w), Value::Array(g)) => {
            w.len() == g.len()
                && w.iter().zip(g).all(|(w, g)| {
                    w["host"] == g["host"]
                        && w["port"].to_string().trim_matches('"')
                            == g["port"].to_string().trim_matches('"')
                })
        }
        (Value::String(w), Value::String(g)) => {
            let is_enum = spec
                .mode(mode)
                .and_then(|m| key_spec(m, key))
                .is_some_and(|k| matches!(k.format, ValueFormat::Enum(_)));
            is_enum && w.eq_ignore_ascii_case(g)
        }
        (Value::Object(w), Value::Object(g)) => {
            w.len() == g.len() && w.iter().all(|(k, v)| g.get(k) == Some(v))
        }
        _ => false,
    }
}

#[test]
fn every_fixture_round_trips_through_dwctls_storage() {
    for (name, f) in fixtures() {
        let props = &f["properties"];
        let type_ = f["type"].as_str().unwrap();
        let region = props["regionId"].as_str().unwrap_or("cn-hangzhou");
        let conv =
            from_api(type_, f["mode"].as_str(), props).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert!(conv.warnings.is_empty(), "{name}: {:?}", conv.warnings);
        let spec = lookup(conv.type_key).unwrap();
        let v = validate_open(spec, conv.mode, &conv.properties, region, &|_| true)
            .unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert!(v.kept_unknown.is_empty(), "{name}: {:?}", v.kept_unknown);
        assert_eq!(Some(v.mode), conv.mode, "{name}");
        let env = conv.env.unwrap_or(Env::Prod);

        // Stored, then shown: every secret masked.
        let shown = redact(spec.key, &v.properties);
        for (k, value) in &v.properties {
            if spec.is_secret(k) {
                assert_eq!(shown[k], REDACTED, "{name} {k}");
            } else {
                assert_eq!(&shown[k], value, "{name} {k}");
            }
        }

        // Back to the API: the fixture, up to the normalisations.
        let back = to_api(spec.key, v.mode, env, &v.properties, region, true);
        let back = back.as_object().unwrap();
        let want = props.as_object().unwrap();
        for (k, w) in want {
            let g = back.get(k).unwrap_or_else(|| panic!("{name}: {k} lost"));
            assert!(same(spec.key, v.mode, k, w, g), "{name} {k}: {w} -> {g}");
        }
        for (k, g) in back {
            if want.contains_key(k) {
                continue;
            }
            let filled = match k.as_str() {
                "envType" => g == "Prod",
                "regionId" => region_required(spec.key, v.mode) && g == region,
                _ => spec
                    .mode(v.mode)
                    .and_then(|m| key_spec(m, k))
                    .and_then(|ks| ks.default)
                    .is_some_and(|d| g == d),
            };
            assert!(filled, "{name}: {k} = {g} added");
        }

        // Masked on the way out unless revealed.
        let masked = to_api(spec.key, v.mode, env, &v.properties, region, false);
        for (k, _) in v.properties.iter().filter(|(k, _)| spec.is_secret(k)) {
            let out_key = k.strip_prefix("extra.").unwrap_or(k);
            let got = if k.starts_with("extra.") {
                &masked["properties"][out_key]
            } else {
                &masked[out_key]
            };
            assert_eq!(got, REDACTED, "{name} {k}");
        }
        let text = masked.to_string();
        for (k, value) in &v.properties {
            if spec.is_secret(k) && value.len() > 4 {
                assert!(!text.contains(value.as_str()), "{name}: {k} printed");
            }
        }
    }
}
