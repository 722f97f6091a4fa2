use super::Db;
use super::storage;
use async_trait::async_trait;
use chrono::NaiveDate;
use switchboard_core::metrics::{DailyMetric, MetricValues};
use switchboard_core::ports::MetricsRepo;
use switchboard_core::time::{date_text, parse_date};
use switchboard_core::{CampaignId, Micros, RepoError};

pub struct SqliteMetricsRepo {
    db: Db,
}

impl SqliteMetricsRepo {
    pub fn new(db: Db) -> Self {
        Self { db }
    }
}

#[async_trait]
impl MetricsRepo for SqliteMetricsRepo {
    #[tracing::instrument(skip(self), err(Debug, level = "debug"))]
    async fn campaign_daily(
        &self,
        id: &CampaignId,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<Vec<DailyMetric>, RepoError> {
        let rows: Vec<(String, i64, i64, i64, f64, i64)> = sqlx::query_as(
            "SELECT date, spend_micros, impressions, clicks, conversions, conversion_value_micros \
             FROM campaign_daily_metrics \
             WHERE campaign_id = ?1 AND (?2 IS NULL OR date >= ?2) AND (?3 IS NULL OR date <= ?3) \
             ORDER BY date",
        )
        .bind(id.as_str())
        .bind(from.map(date_text))
        .bind(to.map(date_text))
        .fetch_all(&self.db.read)
        .await
        .map_err(storage)?;
        rows.into_iter()
            .map(|(date, spend, impressions, clicks, conversions, value)| {
                Ok(DailyMetric {
                    date: parse_date(&date)?,
                    values: MetricValues {
                        spend: Micros::new(spend),
                        impressions: u64::try_from(impressions).unwrap_or(0),
                        clicks: u64::try_from(clicks).unwrap_or(0),
                        conversions,
                        conversion_value: Micros::new(value),
                    },
                })
            })
            .collect()
    }
}
