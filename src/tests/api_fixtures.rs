//! The data-source fixtures of tests/fixtures/api/datasource (one per type and mode, from
//! the API's pages): each is converted from the API's shape, accepted by validation,
//! masked, and converted back unchanged up to the documented normalisations (README
//! "Fidelity to DataWorks", "Data sources"): ports as numbers, enums in the registry's
//! casing, defaults and `regionId` filled; and the same once stored in a catalog through
//! the domain and read back from its row.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::{Map, Value};

use super::{new_tenant_in, req};
use crate::domain::resources::{self as res, NewObject};
use crate::domain::session;
use crate::domain::types::validate::validate_open;
use crate::domain::workspace::{self, NewWorkspace};
use crate::model::api_datasource::{from_api, mode_from_api, region_required, to_api};
use crate::model::resources::AsSource;
use crate::model::types::{
    all, key_spec, lookup, redact, ConnMode, TypeSpec, ValueFormat, REDACTED,
};
use crate::model::{Env, Mode, ObjectName};
use crate::storage::sqlite::Catalog;

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
fn same(type_key: &str, mode: ConnMode, key: &str, want: &Value, got: &Value) -> bool {
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

/// The region a fixture is about: its `regionId`, else the tests' catalog's.
fn region_of(f: &Value) -> &str {
    f["properties"]["regionId"]
        .as_str()
        .unwrap_or("cn-hangzhou")
}

/// `back`, what dwctl gives the API for the fixture `want` (`name`) stored as `mode` of
/// `spec` in a catalog of `region`, is `want` up to the documented normalisations, and adds
/// only what they fill: `envType`, `regionId` where the page requires it, defaults.
fn assert_back_as_given(
    name: &str,
    spec: &TypeSpec,
    mode: ConnMode,
    region: &str,
    want: &Map<String, Value>,
    back: &Value,
) {
    let back = back.as_object().unwrap();
    for (k, w) in want {
        let g = back.get(k).unwrap_or_else(|| panic!("{name}: {k} lost"));
        assert!(same(spec.key, mode, k, w, g), "{name} {k}: {w} -> {g}");
    }
    for (k, g) in back {
        if want.contains_key(k) {
            continue;
        }
        let filled = match k.as_str() {
            "envType" => g == "Prod",
            "regionId" => region_required(spec.key, mode) && g == region,
            _ => spec
                .mode(mode)
                .and_then(|m| key_spec(m, k))
                .and_then(|ks| ks.default)
                .is_some_and(|d| g == d),
        };
        assert!(filled, "{name}: {k} = {g} added");
    }
}

#[test]
fn every_fixture_round_trips_through_dwctls_storage() {
    for (name, f) in fixtures() {
        let props = &f["properties"];
        let type_ = f["type"].as_str().unwrap();
        let region = region_of(&f);
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
        assert_back_as_given(
            &name,
            spec,
            v.mode,
            region,
            props.as_object().unwrap(),
            &back,
        );

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

/// The same round trip through a catalog: each fixture is added as a data source through
/// the domain (as `serve`'s CreateDataSource does), in a SQLite catalog of its region, read
/// back from the catalog's row, and converted to the API's shape: the fixture again, up to
/// the documented normalisations. Shown through the domain, its secrets are masked.
#[test]
fn every_fixture_round_trips_through_a_catalog() {
    let ws = super::ws("fixtures");
    let mut catalogs: BTreeMap<String, Catalog> = BTreeMap::new();
    for (i, (name, f)) in fixtures().into_iter().enumerate() {
        let region = region_of(&f);
        let cat = catalogs.entry(region.to_string()).or_insert_with(|| {
            let mut cat = new_tenant_in(region);
            session::write(&mut cat, &req(None), |s| {
                workspace::create(
                    s,
                    NewWorkspace {
                        name: Some(ws.clone()),
                        mode: Some(Mode::Standard),
                        ..Default::default()
                    },
                    false,
                )
            })
            .unwrap();
            cat
        });
        let conv = from_api(
            f["type"].as_str().unwrap(),
            f["mode"].as_str(),
            &f["properties"],
        )
        .unwrap_or_else(|e| panic!("{name}: {e:?}"));
        let spec = lookup(conv.type_key).unwrap();
        let env = conv.env.unwrap_or(Env::Prod);
        let object = format!("fixture{i}");
        let new = NewObject {
            id: None,
            datasource_id: None,
            name: ObjectName::parse(&object, "data source").unwrap(),
            spec,
            env,
            mode: conv.mode,
            open_keys: conv.properties.keys().cloned().collect(),
            properties: conv.properties,
            description: String::new(),
        };
        let added = session::write(cat, &req(None), |s| {
            res::add::<AsSource>(s, &ws, new, false)
        })
        .unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert!(added.warnings.is_empty(), "{name}: {:?}", added.warnings);

        // Read back: the catalog's row, and the row as the domain shows it.
        let (stored, shown) = session::read(cat, &req(None), |s| {
            let w = s.tx().workspace(ws.as_str())?.unwrap();
            let stored = s.tx().datasources_named(w.id, &object, Some(env))?;
            let shown = res::show::<AsSource>(s, &ws, &object, Some(env))?;
            Ok((stored, shown))
        })
        .unwrap();
        let [stored] = &stored[..] else {
            panic!("{name}: {} rows", stored.len())
        };
        let props = stored.properties.as_ref().unwrap();
        let back = to_api(
            &stored.type_key,
            stored.mode,
            stored.env,
            props,
            region,
            true,
        );
        let want = f["properties"].as_object().unwrap();
        assert_back_as_given(&name, spec, stored.mode, region, want, &back);

        let shown = shown.properties.unwrap();
        assert_eq!(shown.len(), props.len(), "{name}");
        for (k, value) in props {
            let want = if spec.is_secret(k) { REDACTED } else { value };
            assert_eq!(shown[k], want, "{name} {k}");
        }
    }
}
