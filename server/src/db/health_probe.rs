use super::Db;
use async_trait::async_trait;
use std::time::{Duration, Instant};
use switchboard_core::health::DatabaseHealth;
use switchboard_core::ports::HealthProbe;

const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

pub struct SqliteHealthProbe {
    db: Db,
}

impl SqliteHealthProbe {
    pub fn new(db: Db) -> Self {
        Self { db }
    }
}

#[async_trait]
impl HealthProbe for SqliteHealthProbe {
    async fn database(&self) -> DatabaseHealth {
        let started = Instant::now();
        let probe = sqlx::query_scalar::<_, i64>("SELECT 1").fetch_one(&self.db.read);
        match tokio::time::timeout(PROBE_TIMEOUT, probe).await {
            Ok(Ok(_)) => DatabaseHealth {
                reachable: true,
                latency_ms: Some(u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)),
            },
            Ok(Err(error)) => {
                tracing::warn!(%error, "database health probe failed");
                DatabaseHealth {
                    reachable: false,
                    latency_ms: None,
                }
            }
            Err(_) => {
                tracing::warn!("database health probe timed out");
                DatabaseHealth {
                    reachable: false,
                    latency_ms: None,
                }
            }
        }
    }
}
