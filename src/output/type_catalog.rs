//! What `dwctl datasource types` prints: the registry (`model::types`) as data.

use std::collections::BTreeMap;

use serde::Serialize;

use super::View;
use crate::model::types::{all, mode_rules, ConnMode, TypeSpec, ValueFormat as F, COMMON_KEYS};

/// One type as `dwctl datasource types` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TypeView {
    #[serde(rename = "type")]
    pub type_key: &'static str,
    pub compute: bool,
    pub summary: &'static str,
    pub modes: Vec<ModeView>,
    pub usual_port: Option<u16>,
    /// Keys of this type whose values are never shown.
    pub secret_keys: Vec<&'static str>,
}

/// One mode of a type: what it requires and allows, the allowed values of enum keys, the
/// defaults validation fills in, and the rules across keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModeView {
    pub mode: ConnMode,
    pub required: Vec<&'static str>,
    pub optional: Vec<&'static str>,
    pub values: BTreeMap<&'static str, Vec<&'static str>>,
    pub defaults: BTreeMap<&'static str, &'static str>,
    pub rules: Vec<&'static str>,
}

/// The whole registry as data, in table order.
pub fn catalog_view() -> Vec<TypeView> {
    all().iter().map(type_view).collect()
}

fn type_view(spec: &TypeSpec) -> TypeView {
    let modes = spec
        .modes
        .iter()
        .map(|m| {
            let keys = || m.keys.iter().chain(COMMON_KEYS);
            ModeView {
                mode: m.mode,
                required: keys().filter(|k| k.required).map(|k| k.key).collect(),
                optional: keys().filter(|k| !k.required).map(|k| k.key).collect(),
                values: keys()
                    .filter_map(|k| match k.format {
                        F::Enum(values) => Some((k.key, values.to_vec())),
                        _ => None,
                    })
                    .collect(),
                defaults: keys()
                    .filter_map(|k| k.default.map(|d| (k.key, d)))
                    .collect(),
                rules: mode_rules(spec.key, m.mode).to_vec(),
            }
        })
        .collect();
    let mut secret_keys: Vec<&'static str> = Vec::new();
    for k in spec.modes.iter().flat_map(|m| m.keys) {
        if spec.is_secret(k.key) && !secret_keys.contains(&k.key) {
            secret_keys.push(k.key);
        }
    }
    TypeView {
        type_key: spec.key,
        compute: spec.compute,
        summary: spec.summary,
        modes,
        usual_port: spec.usual_port,
        secret_keys,
    }
}

impl View for TypeView {
    const FIELDS: &'static [&'static str] = &[
        "type",
        "compute",
        "summary",
        "modes",
        "usual_port",
        "secret_keys",
    ];
    const COLUMNS: &'static [&'static str] =
        &["type", "compute", "modes", "usual_port", "secret_keys"];
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::types::{RULE_AK, RULE_MAXCOMPUTE, RULE_ORACLE};

    #[test]
    fn catalog_view_describes_every_type() {
        let view = catalog_view();
        assert_eq!(view.len(), all().len());
        assert_eq!(view[0].type_key, "maxcompute");
        assert_eq!(view.last().unwrap().type_key, "milvus");
        for tv in &view {
            for m in &tv.modes {
                assert!(m.optional.contains(&"regionId"), "{}", tv.type_key);
            }
        }
        let oss = view.iter().find(|t| t.type_key == "oss").unwrap();
        assert_eq!(oss.secret_keys, ["accessKey"]);
        let kafka = view.iter().find(|t| t.type_key == "kafka").unwrap();
        assert_eq!(kafka.secret_keys, ["password"]);
        let flink = view.iter().find(|t| t.type_key == "flink").unwrap();
        assert!(flink.secret_keys.is_empty());
        let oracle = view.iter().find(|t| t.type_key == "oracle").unwrap();
        assert_eq!(oracle.modes[0].rules, [RULE_ORACLE]);

        let json = serde_json::to_value(&view).unwrap();
        let mc = &json[0];
        assert_eq!(mc["type"], "maxcompute");
        assert_eq!(mc["compute"], true);
        assert_eq!(mc["usual_port"], serde_json::Value::Null);
        assert_eq!(mc["modes"][0]["mode"], "url");
        assert_eq!(mc["modes"][0]["required"], serde_json::json!(["project"]));
        assert_eq!(mc["modes"][0]["defaults"]["endpointMode"], "SelfAdaption");
        assert_eq!(
            mc["modes"][0]["values"]["endpointMode"],
            serde_json::json!(["SelfAdaption", "Custom"])
        );
        assert_eq!(
            mc["modes"][0]["rules"],
            serde_json::json!([RULE_MAXCOMPUTE, RULE_AK])
        );
        let mysql = json
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["type"] == "mysql")
            .unwrap();
        assert_eq!(mysql["usual_port"], 3306);
        assert_eq!(mysql["modes"][1]["mode"], "url");
        assert_eq!(
            mysql["modes"][1]["required"],
            serde_json::json!(["address", "database", "username", "password"])
        );
        assert_eq!(
            mysql["modes"][1]["optional"],
            serde_json::json!([
                "securityProtocol",
                "driverVersion",
                "truststoreFile",
                "truststorePassword",
                "keystoreFile",
                "keystorePassword",
                "regionId"
            ])
        );
    }
}
