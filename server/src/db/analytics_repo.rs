//! The reports' facts in memory. Triggers in the database note every campaign (and the projects,
//! rates and settings, as `~meta`) that changed, stamped with the current revision. Before serving
//! a snapshot the store checks for stamps newer than its own; if there are, it bumps the revision
//! (later writes get the new stamp) and loads what the notes name, under one read transaction.
//! Unchanged campaigns are shared with the previous snapshot.

use super::{Db, storage};
use async_trait::async_trait;
use futures_util::TryStreamExt;
use sqlx::Row;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, RwLock};
use switchboard_core::analytics::pacing_report::ProjectBudget;
use switchboard_core::analytics::{
    CampaignDim, CampaignFacts, ExchangeRate, ExchangeRates, Facts, Series, Snapshot,
};
use switchboard_core::campaign::CampaignStatus;
use switchboard_core::metrics::MetricValues;
use switchboard_core::ports::AnalyticsRepo;
use switchboard_core::time::{date_text, parse_date};
use switchboard_core::{CampaignId, Currency, Micros, Platform, ProjectId, RepoError};

/// The note for projects, rates and settings.
const META: &str = "~meta";
/// Above this share of campaigns changed, everything is reloaded.
const FULL_RELOAD_SHARE: usize = 4;
const REPORT_CURRENCY: &str = "report_currency";

pub struct SqliteAnalyticsRepo {
    db: Db,
    current: RwLock<Arc<Snapshot>>,
    refresh: tokio::sync::Mutex<()>,
}

impl SqliteAnalyticsRepo {
    pub fn new(db: Db) -> Self {
        Self {
            db,
            current: RwLock::new(Arc::new(Snapshot::default())),
            refresh: tokio::sync::Mutex::new(()),
        }
    }

    fn held(&self) -> Arc<Snapshot> {
        match self.current.read() {
            Ok(s) => s.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    async fn stale(&self, revision: i64) -> Result<bool, RepoError> {
        sqlx::query_scalar::<_, bool>("SELECT EXISTS (SELECT 1 FROM analytics_changes WHERE seq > ?)")
            .bind(revision)
            .fetch_one(&self.db.read)
            .await
            .map_err(storage)
    }

    async fn reload(&self, held: &Snapshot) -> Result<Snapshot, RepoError> {
        // From here on writers stamp `upto + 1`; everything stamped up to `upto` is committed.
        let upto: i64 =
            sqlx::query_scalar("UPDATE analytics_revision SET seq = seq + 1 WHERE id = 1 RETURNING seq - 1")
                .fetch_one(&self.db.write)
                .await
                .map_err(storage)?;
        let mut tx = self.db.read.begin().await.map_err(storage)?;
        let changed: Vec<String> =
            sqlx::query_scalar("SELECT campaign_id FROM analytics_changes WHERE seq > ? AND seq <= ?")
                .bind(held.revision)
                .bind(upto)
                .fetch_all(&mut *tx)
                .await
                .map_err(storage)?;
        let full = held.revision == 0 || changed.len() > held.facts.len() / FULL_RELOAD_SHARE;
        let meta = full || changed.iter().any(|c| c == META);
        let (rates, projects, report_currency) = if meta {
            load_meta(&mut tx).await?
        } else {
            (held.rates.clone(), held.projects.clone(), held.report_currency)
        };
        let facts = if full {
            Facts::new(load_campaigns(&mut tx, None).await?)
        } else {
            let ids: Vec<String> = changed.into_iter().filter(|c| c != META).collect();
            if ids.is_empty() {
                held.facts.clone()
            } else {
                let loaded = load_campaigns(&mut tx, Some(&ids)).await?;
                let found: HashSet<&str> = loaded.iter().map(|c| c.dim.id.as_str()).collect();
                let removed: Vec<CampaignId> = ids
                    .iter()
                    .filter(|id| !found.contains(id.as_str()))
                    .filter_map(|id| CampaignId::parse(id).ok())
                    .collect();
                held.facts.with_changes(loaded, &removed)
            }
        };
        tx.commit().await.map_err(storage)?;
        Ok(Snapshot {
            facts,
            rates,
            projects,
            report_currency,
            revision: upto,
        })
    }
}

async fn load_meta(
    tx: &mut sqlx::SqliteConnection,
) -> Result<(ExchangeRates, Vec<ProjectBudget>, Currency), RepoError> {
    let rows = sqlx::query("SELECT currency, effective_from, per_usd FROM exchange_rates")
        .fetch_all(&mut *tx)
        .await
        .map_err(storage)?;
    let mut rates = Vec::with_capacity(rows.len());
    for r in rows {
        let currency: String = r.get(0);
        let from: String = r.get(1);
        rates.push(ExchangeRate::new(
            Currency::parse(&currency)?,
            parse_date(&from)?,
            r.get(2),
        )?);
    }
    let rows =
        sqlx::query("SELECT id, name, monthly_budget_micros, currency FROM projects ORDER BY name, id")
            .fetch_all(&mut *tx)
            .await
            .map_err(storage)?;
    let mut projects = Vec::with_capacity(rows.len());
    for r in rows {
        let id: String = r.get(0);
        let currency: String = r.get(3);
        projects.push(ProjectBudget {
            id: ProjectId::parse(&id)?,
            name: r.get(1),
            monthly: r.get::<Option<i64>, _>(2).map(Micros::new),
            currency: Currency::parse(&currency)?,
        });
    }
    let report: Option<String> = sqlx::query_scalar("SELECT value FROM settings WHERE key = ?")
        .bind(REPORT_CURRENCY)
        .fetch_optional(&mut *tx)
        .await
        .map_err(storage)?;
    let report = match report {
        Some(code) => Currency::parse(&code)?,
        None => Currency::USD,
    };
    Ok((ExchangeRates::new(rates), projects, report))
}

/// Campaigns (all, or those named) with their days.
async fn load_campaigns(
    tx: &mut sqlx::SqliteConnection,
    only: Option<&[String]>,
) -> Result<Vec<CampaignFacts>, RepoError> {
    let filter = if only.is_some() {
        " WHERE id IN (SELECT value FROM json_each(?1))"
    } else {
        ""
    };
    let named = only.map(|ids| serde_json::Value::from(ids.to_vec()).to_string());
    // `filter` is one of two constants.
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT id, project_id, platform, external_id, name, objective, status, daily_budget_micros, currency \
         FROM campaigns{filter}"
    )))
    .bind(named.clone())
    .fetch_all(&mut *tx)
    .await
    .map_err(storage)?;
    let mut dims = Vec::with_capacity(rows.len());
    let mut at: HashMap<String, usize> = HashMap::with_capacity(rows.len());
    for r in rows {
        let id: String = r.get(0);
        let project: String = r.get(1);
        let platform: String = r.get(2);
        let status: String = r.get(6);
        let currency: String = r.get(8);
        at.insert(id.clone(), dims.len());
        dims.push(CampaignDim {
            id: CampaignId::parse(&id)?,
            project_id: ProjectId::parse(&project)?,
            platform: platform.parse::<Platform>()?,
            external_id: r.get(3),
            name: r.get(4),
            objective: r.get(5),
            status: status.parse::<CampaignStatus>()?,
            daily_budget: r.get::<Option<i64>, _>(7).map(Micros::new),
            currency: Currency::parse(&currency)?,
        });
    }
    let mut series: Vec<Series> = vec![Series::default(); dims.len()];
    let filter = if only.is_some() {
        " WHERE campaign_id IN (SELECT value FROM json_each(?1))"
    } else {
        ""
    };
    let sql = format!(
        "SELECT campaign_id, date, spend_micros, impressions, clicks, conversions, conversion_value_micros \
         FROM campaign_daily_metrics{filter}"
    );
    let mut rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(named).fetch(&mut *tx);
    let mut last: Option<(String, usize)> = None;
    while let Some(r) = rows.try_next().await.map_err(storage)? {
        let campaign: &str = r.get(0);
        let slot = match &last {
            Some((id, slot)) if id == campaign => *slot,
            _ => match at.get(campaign) {
                Some(slot) => {
                    last = Some((campaign.to_owned(), *slot));
                    *slot
                }
                None => continue,
            },
        };
        let date = parse_date(r.get::<&str, _>(1))?;
        series[slot].push(
            date,
            &MetricValues {
                spend: Micros::new(r.get(2)),
                impressions: u64::try_from(r.get::<i64, _>(3)).unwrap_or(0),
                clicks: u64::try_from(r.get::<i64, _>(4)).unwrap_or(0),
                conversions: r.get(5),
                conversion_value: Micros::new(r.get(6)),
            },
        );
    }
    Ok(dims
        .into_iter()
        .zip(series)
        .map(|(dim, mut series)| {
            series.sort();
            CampaignFacts { dim, series }
        })
        .collect())
}

#[async_trait]
impl AnalyticsRepo for SqliteAnalyticsRepo {
    #[tracing::instrument(level = "debug", skip(self), err(Debug, level = "debug"))]
    async fn snapshot(&self) -> Result<Arc<Snapshot>, RepoError> {
        let held = self.held();
        if !self.stale(held.revision).await? {
            return Ok(held);
        }
        let _one_at_a_time = self.refresh.lock().await;
        let held = self.held();
        if !self.stale(held.revision).await? {
            return Ok(held);
        }
        let started = std::time::Instant::now();
        let next = Arc::new(self.reload(&held).await?);
        tracing::debug!(
            campaigns = next.facts.len(),
            rows = next.facts.rows(),
            ms = started.elapsed().as_millis() as u64,
            "analytics facts refreshed"
        );
        match self.current.write() {
            Ok(mut s) => *s = next.clone(),
            Err(poisoned) => *poisoned.into_inner() = next.clone(),
        }
        Ok(next)
    }

    #[tracing::instrument(skip(self, rates), err(Debug, level = "debug"))]
    async fn replace_exchange_rates(&self, rates: &[ExchangeRate]) -> Result<(), RepoError> {
        let mut tx = self.db.begin_write().await?;
        sqlx::query("DELETE FROM exchange_rates")
            .execute(&mut *tx)
            .await
            .map_err(storage)?;
        for r in rates {
            sqlx::query("INSERT INTO exchange_rates (currency, effective_from, per_usd) VALUES (?, ?, ?)")
                .bind(r.currency.as_str())
                .bind(date_text(r.effective_from))
                .bind(r.per_usd)
                .execute(&mut *tx)
                .await
                .map_err(storage)?;
        }
        tx.commit().await.map_err(storage)
    }

    #[tracing::instrument(skip(self), err(Debug, level = "debug"))]
    async fn set_report_currency(&self, currency: Currency) -> Result<(), RepoError> {
        sqlx::query(
            "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(REPORT_CURRENCY)
        .bind(currency.as_str())
        .execute(&self.db.write)
        .await
        .map_err(storage)?;
        Ok(())
    }
}
