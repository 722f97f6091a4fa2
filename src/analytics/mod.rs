//! Analytics over the normalized daily metrics: reporting windows, exchange rates, the in-memory
//! fact store, the reports (summary, platforms, trend, campaign table), budget pacing and
//! benchmarks. Pure: the server loads the facts and serves what these compute.

pub mod benchmarks;
pub mod facts;
pub mod fx;
pub mod kpis;
pub mod pacing;
pub mod pacing_report;
pub mod range;
pub mod report;

pub use facts::{CampaignDim, CampaignFacts, Facts, Scope, Series};
pub use fx::{ExchangeRate, ExchangeRates};
pub use kpis::{Compared, Kpis, Metric};
pub use range::{DateRange, Granularity};
pub use report::Source;

#[cfg(test)]
mod tests;
