//! Where a data source points, for `check` DW006.

use super::network::parse_address_list;
use crate::model::types::{ConnMode, Properties, TypeSpec, CONTAINER_KEYS};

/// Where a data source points, for `check` to see dev and prod at the same place (DW006):
/// the address (url), instance/cluster/workspace id (instance) or cluster (cdh), plus the
/// database, project, bucket or namespace, e.g. `address db.example.com:3306, database
/// sales`. `None` when the properties name neither.
///
/// The "where" part is lowercased (host names and ids do not depend on case) and address
/// lists are sorted, so equal places compare equal; the container is kept as stored, since
/// database names can be case-sensitive. A maxcompute endpoint counts only in Custom mode
/// (SelfAdaption lets the region decide, leaving the project as the place).
pub fn location(spec: &TypeSpec, mode: ConnMode, props: &Properties) -> Option<String> {
    let get = |k: &str| props.get(k).filter(|v| !v.is_empty());
    let locator: Option<(&str, String)> = match mode {
        ConnMode::Url => {
            if let Some(a) = get("address") {
                let norm = match parse_address_list(a, spec.usual_port) {
                    Ok(list) => {
                        let mut items: Vec<String> = list
                            .iter()
                            .map(|h| h.to_string().to_ascii_lowercase())
                            .collect();
                        items.sort();
                        items.dedup();
                        items.join(",")
                    }
                    Err(_) => a.to_ascii_lowercase(),
                };
                Some(("address", norm))
            } else {
                let uses_endpoint = spec.key != "maxcompute"
                    || props
                        .get("endpointMode")
                        .is_some_and(|m| m.eq_ignore_ascii_case("Custom"));
                get("endpoint")
                    .filter(|_| uses_endpoint)
                    .map(|e| ("endpoint", e.trim_end_matches('/').to_ascii_lowercase()))
            }
        }
        ConnMode::Instance => ["instanceId", "clusterId", "workspaceId"]
            .into_iter()
            .find_map(|k| get(k).map(|v| (k, v.to_ascii_lowercase()))),
        ConnMode::Cdh => {
            get("clusterIdentifier").map(|v| ("clusterIdentifier", v.to_ascii_lowercase()))
        }
    };
    let container = CONTAINER_KEYS
        .iter()
        .find_map(|k| get(k).map(|v| (*k, v.clone())));
    let parts: Vec<String> = locator
        .into_iter()
        .chain(container)
        .map(|(k, v)| format!("{k} {v}"))
        .collect();
    if parts.is_empty() {
        None
    } else {
        Some(parts.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::types::test_support::{props, spec};
    use ConnMode::{Cdh, Instance, Url};

    #[test]
    fn location_names_the_place_and_compares_equal_places_equal() {
        let loc =
            |t: &str, m: ConnMode, pairs: &[(&str, &str)]| location(spec(t), m, &props(pairs));
        assert_eq!(
            loc(
                "mysql",
                Url,
                &[
                    ("address", "DB.example.com:3306"),
                    ("database", "Sales"),
                    ("password", "x")
                ]
            )
            .as_deref(),
            Some("address db.example.com:3306, database Sales")
        );
        assert_eq!(
            loc(
                "mysql",
                Url,
                &[("address", "db.example.com"), ("database", "Sales")]
            ),
            loc(
                "mysql",
                Url,
                &[("address", "db.example.com:3306"), ("database", "Sales")]
            ),
        );
        assert_ne!(
            loc("mysql", Url, &[("address", "db:3306"), ("database", "a")]),
            loc("mysql", Url, &[("address", "db:3306"), ("database", "b")]),
        );
        assert_eq!(
            loc("kafka", Url, &[("address", "b2:9092,b1:9092")]),
            loc("kafka", Url, &[("address", "b1,B2")]),
        );
        assert_eq!(
            loc(
                "mysql",
                Instance,
                &[("instanceId", "RM-1"), ("database", "d")]
            )
            .as_deref(),
            Some("instanceId rm-1, database d")
        );
        assert_eq!(
            loc("emr", Instance, &[("clusterId", "C-1")]).as_deref(),
            Some("clusterId c-1")
        );
        assert_eq!(
            loc(
                "flink",
                Instance,
                &[("workspaceId", "w"), ("namespace", "n")]
            )
            .as_deref(),
            Some("workspaceId w, namespace n")
        );
        assert_eq!(
            loc(
                "hive",
                Cdh,
                &[("clusterIdentifier", "C"), ("database", "d")]
            )
            .as_deref(),
            Some("clusterIdentifier c, database d")
        );
        assert_eq!(
            loc(
                "maxcompute",
                Url,
                &[
                    ("project", "p"),
                    ("endpointMode", "SelfAdaption"),
                    ("endpoint", "http://x")
                ]
            )
            .as_deref(),
            Some("project p")
        );
        assert_eq!(
            loc(
                "maxcompute",
                Url,
                &[
                    ("project", "p"),
                    ("endpointMode", "Custom"),
                    ("endpoint", "HTTP://MC/api/")
                ]
            )
            .as_deref(),
            Some("endpoint http://mc/api, project p")
        );
        assert_eq!(
            loc(
                "oss",
                Url,
                &[("endpoint", "oss.example.com"), ("bucket", "b")]
            )
            .as_deref(),
            Some("endpoint oss.example.com, bucket b")
        );
        assert_eq!(loc("redis", Url, &[]), None);
    }
}
