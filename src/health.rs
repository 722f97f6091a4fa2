//! The server's health report (`GET /healthz`).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HealthStatus {
    Ok,
    Degraded,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatabaseHealth {
    pub reachable: bool,
    /// Round-trip time of a trivial query, when it answered.
    pub latency_ms: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthReport {
    pub status: HealthStatus,
    pub version: String,
    pub database: DatabaseHealth,
}

impl HealthReport {
    /// The status follows from the parts: any unreachable dependency makes the server degraded.
    pub fn new(version: impl Into<String>, database: DatabaseHealth) -> Self {
        let status = if database.reachable {
            HealthStatus::Ok
        } else {
            HealthStatus::Degraded
        };
        HealthReport {
            status,
            version: version.into(),
            database,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_follows_database() {
        let up = HealthReport::new(
            "1.0.0",
            DatabaseHealth {
                reachable: true,
                latency_ms: Some(1),
            },
        );
        assert_eq!(up.status, HealthStatus::Ok);
        let down = HealthReport::new(
            "1.0.0",
            DatabaseHealth {
                reachable: false,
                latency_ms: None,
            },
        );
        assert_eq!(down.status, HealthStatus::Degraded);
        let json = serde_json::to_value(&down).unwrap_or_default();
        assert_eq!(json["status"], "degraded");
        assert_eq!(json["database"]["reachable"], false);
    }
}
