//! Analytics over the normalized daily metrics: reporting windows, exchange rates, the in-memory
//! fact store, the reports (summary, platforms, trend, campaign table), budget pacing and
//! benchmarks. Pure: the server loads the facts and serves what these compute.

pub mod benchmarks;
pub mod campaign_figures;
pub mod export;
pub mod facts;
pub mod fx;
pub mod gauge;
pub mod kpis;
pub mod overview;
pub mod pacing;
pub mod pacing_finding;
pub mod pacing_report;
pub mod query;
pub mod range;
pub mod report;

pub use facts::{CampaignDim, CampaignFacts, Facts, Scope, Series};
pub use fx::{ExchangeRate, ExchangeRates, RateTable};
pub use kpis::{Compared, Kpis, Metric};
pub use query::ReportQuery;
pub use range::{DateRange, Granularity};
pub use report::Source;

use crate::ids::ProjectId;
use crate::money::Currency;
use pacing_report::ProjectBudget;

/// Everything reports read, at one moment: the facts, the exchange rates, the projects' budgets
/// and the currency cross-project reports are in.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub facts: Facts,
    pub rates: ExchangeRates,
    pub projects: Vec<ProjectBudget>,
    /// The currency of reports over several projects (a one-project report is in its currency).
    pub report_currency: Currency,
    /// The change stamp this snapshot includes.
    pub revision: i64,
}

impl Default for Snapshot {
    fn default() -> Self {
        Snapshot {
            facts: Facts::default(),
            rates: ExchangeRates::default(),
            projects: Vec::new(),
            report_currency: Currency::USD,
            revision: 0,
        }
    }
}

impl Snapshot {
    pub fn project(&self, id: &ProjectId) -> Option<&ProjectBudget> {
        self.projects.iter().find(|p| p.id == *id)
    }

    /// The currency a report is in: the project's own, or the report currency across projects.
    pub fn currency_for(&self, project: Option<&ProjectId>) -> Currency {
        project
            .and_then(|id| self.project(id))
            .map_or(self.report_currency, |p| p.currency)
    }

    /// A report source over `scope` in `currency`.
    pub fn source<'a>(&'a self, scope: &'a Scope, currency: Currency) -> Source<'a> {
        Source {
            facts: &self.facts,
            rates: &self.rates,
            currency,
            scope,
        }
    }
}

#[cfg(test)]
mod tests;
