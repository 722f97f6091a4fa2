//! Analytics: the reports over the in-memory facts, the exchange rates they convert with, and the
//! exports. Every report reads a [`ReportQuery`]: the window (the 30 days ending today by default,
//! at most 1,100 days), a project that must exist, and a currency that must have a rate.

use super::ServiceError;
use crate::analytics::benchmarks::Benchmarks;
use crate::analytics::export::{ExportFile, ExportFormat};
use crate::analytics::overview::AnalyticsOverview;
use crate::analytics::pacing_report::PacingReport;
use crate::analytics::query::{BenchmarkOptions, PacingOptions, TrendOptions};
use crate::analytics::report::{CampaignTable, CampaignTableQuery, PlatformComparison, Summary, Trend};
use crate::analytics::{RateTable, ReportQuery};
use async_trait::async_trait;

#[async_trait]
pub trait AnalyticsService: Send + Sync {
    /// Totals and KPIs for the window, the previous window of the same length, and each platform.
    async fn summary(&self, query: &ReportQuery) -> Result<Summary, ServiceError>;
    /// The platforms side by side, with the previous window's figures.
    async fn platforms(&self, query: &ReportQuery) -> Result<PlatformComparison, ServiceError>;
    /// Spend and results over time; series by project are labelled with the project's name.
    async fn trend(&self, query: &ReportQuery, options: TrendOptions) -> Result<Trend, ServiceError>;
    /// Each campaign's figures for the window: filtered, sorted, paged.
    async fn campaigns(
        &self,
        query: &ReportQuery,
        table: &CampaignTableQuery,
    ) -> Result<CampaignTable, ServiceError>;
    /// Budget pacing per project and platform for a period.
    async fn pacing(&self, query: &ReportQuery, options: PacingOptions)
    -> Result<PacingReport, ServiceError>;
    /// Each campaign's KPIs against its platform and objective.
    async fn benchmarks(
        &self,
        query: &ReportQuery,
        options: BenchmarkOptions,
    ) -> Result<Benchmarks, ServiceError>;
    /// The Analytics page (and the dashboard's charts): summary, trend, this month's pacing and
    /// benchmarks for the window over one project or all, every platform, in the project's
    /// currency or the report currency. The query's platform and currency are not used, and a
    /// currency without a rate is listed in the figures' missing rates rather than refused.
    async fn overview(&self, query: &ReportQuery) -> Result<AnalyticsOverview, ServiceError>;
    /// Every campaign-day of the window, as a file to write.
    async fn export(&self, query: &ReportQuery, format: ExportFormat) -> Result<ExportFile, ServiceError>;
    /// The exchange rates and the report currency across projects.
    async fn exchange_rates(&self) -> Result<RateTable, ServiceError>;
    /// Replaces both; each rate must be positive and the report currency must have one.
    async fn replace_exchange_rates(&self, table: RateTable) -> Result<RateTable, ServiceError>;
}
