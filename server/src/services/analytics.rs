//! Analytics' use cases over the in-memory facts (the analytics repository's snapshot). Reports
//! run on a blocking thread: a large window reads a million rows.

mod export;

use async_trait::async_trait;
use std::sync::Arc;
use switchboard_core::analytics::benchmarks::{Benchmarks, benchmarks};
use switchboard_core::analytics::export::{ExportFile, ExportFormat};
use switchboard_core::analytics::overview::{AnalyticsOverview, overview};
use switchboard_core::analytics::pacing_report::{PacingReport, pacing_report};
use switchboard_core::analytics::query::{BenchmarkOptions, PacingOptions, PacingPeriod, TrendOptions};
use switchboard_core::analytics::report::{
    CampaignTable, CampaignTableQuery, PlatformComparison, Summary, Trend, TrendGroup, campaign_table,
    summary, trend,
};
use switchboard_core::analytics::{
    DateRange, ExchangeRate, ExchangeRates, RateTable, ReportQuery, Scope, Snapshot,
};
use switchboard_core::ports::AnalyticsRepo;
use switchboard_core::service::{AnalyticsService, ServiceError};
use switchboard_core::{Currency, ProjectId};

pub struct Analytics {
    pub analytics: Arc<dyn AnalyticsRepo>,
}

/// A report query checked against the snapshot it runs on.
struct Resolved {
    snapshot: Arc<Snapshot>,
    range: DateRange,
    scope: Scope,
    currency: Currency,
    /// The server's today (UTC), which the window's defaults count from.
    today: chrono::NaiveDate,
}

impl Analytics {
    /// The window, the project (which must exist) and the currency of `query`; with `need_rate`,
    /// the currency must have an exchange rate.
    async fn resolve(&self, query: &ReportQuery, need_rate: bool) -> Result<Resolved, ServiceError> {
        let today = chrono::Utc::now().date_naive();
        let range = DateRange::resolve(query.from, query.to, today)
            .map_err(|e| ServiceError::BadRequest(format!("'from' / 'to': {e}")))?;
        let snapshot = self.analytics.snapshot().await?;
        if let Some(id) = &query.project_id
            && snapshot.project(id).is_none()
        {
            return Err(ServiceError::NotFound(format!("project '{id}' was not found")));
        }
        let currency = query
            .currency
            .unwrap_or_else(|| snapshot.currency_for(query.project_id.as_ref()));
        if need_rate && snapshot.rates.per_usd(currency, range.to).is_none() {
            return Err(ServiceError::BadRequest(format!(
                "currency: there is no exchange rate for {currency}; add one under /api/v1/analytics/exchange-rates"
            )));
        }
        Ok(Resolved {
            snapshot,
            range,
            scope: query.scope(),
            currency,
            today,
        })
    }

    /// Resolves `query` and runs `f` over it off the async threads.
    async fn report<T: Send + 'static>(
        &self,
        query: &ReportQuery,
        f: impl FnOnce(&Resolved) -> T + Send + 'static,
    ) -> Result<T, ServiceError> {
        let r = self.resolve(query, true).await?;
        compute(r, f).await
    }
}

async fn compute<T: Send + 'static>(
    r: Resolved,
    f: impl FnOnce(&Resolved) -> T + Send + 'static,
) -> Result<T, ServiceError> {
    tokio::task::spawn_blocking(move || f(&r))
        .await
        .map_err(|e| ServiceError::internal("a report failed", &e))
}

#[async_trait]
impl AnalyticsService for Analytics {
    async fn summary(&self, query: &ReportQuery) -> Result<Summary, ServiceError> {
        self.report(query, |r| {
            summary(&r.snapshot.source(&r.scope, r.currency), r.range)
        })
        .await
    }

    async fn platforms(&self, query: &ReportQuery) -> Result<PlatformComparison, ServiceError> {
        Ok(self.summary(query).await?.into())
    }

    async fn trend(&self, query: &ReportQuery, options: TrendOptions) -> Result<Trend, ServiceError> {
        self.report(query, move |r| {
            let mut t = trend(
                &r.snapshot.source(&r.scope, r.currency),
                r.range,
                options.granularity,
                options.group_by,
                options.limit,
            );
            t.mark_partial(r.today);
            if options.group_by == TrendGroup::Project {
                for s in &mut t.series {
                    if let Some(p) = ProjectId::parse(&s.key)
                        .ok()
                        .and_then(|id| r.snapshot.project(&id))
                    {
                        s.label = p.name.clone();
                    }
                }
            }
            t
        })
        .await
    }

    async fn campaigns(
        &self,
        query: &ReportQuery,
        table: &CampaignTableQuery,
    ) -> Result<CampaignTable, ServiceError> {
        let table = table.clone();
        self.report(query, move |r| {
            campaign_table(&r.snapshot.source(&r.scope, r.currency), r.range, &table)
        })
        .await
    }

    async fn pacing(
        &self,
        query: &ReportQuery,
        options: PacingOptions,
    ) -> Result<PacingReport, ServiceError> {
        let r = self.resolve(query, true).await?;
        // Yesterday by default: today's spend is still coming in.
        let as_of = options
            .as_of
            .unwrap_or_else(|| r.today.pred_opt().unwrap_or(r.today));
        let period = match options.period {
            PacingPeriod::Custom => r.range,
            PacingPeriod::Week => DateRange::week_of(as_of),
            PacingPeriod::Quarter => DateRange::quarter_of(as_of),
            PacingPeriod::Month => DateRange::month_of(as_of),
        };
        if options.period == PacingPeriod::Custom && query.from.is_none() {
            return Err(ServiceError::BadRequest(
                "period: custom needs 'from' and 'to'".to_owned(),
            ));
        }
        compute(r, move |r| {
            pacing_report(
                &r.snapshot.source(&r.scope, r.currency),
                &r.snapshot.rates,
                period,
                as_of,
                options.mode,
                &r.snapshot.projects,
            )
        })
        .await
    }

    async fn benchmarks(
        &self,
        query: &ReportQuery,
        options: BenchmarkOptions,
    ) -> Result<Benchmarks, ServiceError> {
        self.report(query, move |r| {
            benchmarks(
                &r.snapshot.source(&r.scope, r.currency),
                r.range,
                options.min_impressions,
                options.limit,
            )
        })
        .await
    }

    async fn overview(&self, query: &ReportQuery) -> Result<AnalyticsOverview, ServiceError> {
        let r = self.resolve(query, false).await?;
        let project_id = query.project_id.clone();
        compute(r, move |r| overview(&r.snapshot, r.range, project_id, r.today)).await
    }

    async fn export(&self, query: &ReportQuery, format: ExportFormat) -> Result<ExportFile, ServiceError> {
        let r = self.resolve(query, true).await?;
        Ok(export::file(r, format))
    }

    async fn exchange_rates(&self) -> Result<RateTable, ServiceError> {
        let snapshot = self.analytics.snapshot().await?;
        Ok(RateTable {
            report_currency: snapshot.report_currency,
            rates: snapshot.rates.rows(),
        })
    }

    async fn replace_exchange_rates(&self, table: RateTable) -> Result<RateTable, ServiceError> {
        let mut checked = Vec::with_capacity(table.rates.len());
        for (i, r) in table.rates.into_iter().enumerate() {
            checked.push(
                ExchangeRate::new(r.currency, r.effective_from, r.per_usd)
                    .map_err(|e| ServiceError::BadRequest(format!("rates[{i}]: {e}")))?,
            );
        }
        let today = chrono::Utc::now().date_naive();
        if ExchangeRates::new(checked.clone())
            .per_usd(table.report_currency, today)
            .is_none()
        {
            return Err(ServiceError::BadRequest(format!(
                "report_currency: there is no rate for {}",
                table.report_currency
            )));
        }
        self.analytics.replace_exchange_rates(&checked).await?;
        self.analytics.set_report_currency(table.report_currency).await?;
        self.exchange_rates().await
    }
}
