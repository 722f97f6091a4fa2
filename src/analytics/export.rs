//! Export rows: one per campaign and day, in the report currency, and the text forms they take
//! (CSV by RFC 4180: UTF-8, CRLF, quotes only where needed, ISO dates, dot decimals).

use super::Snapshot;
use super::facts::{CampaignDim, Converter};
use super::range::DateRange;
use super::report::Source;
use crate::metrics::MetricValues;
use crate::money::{Currency, Micros};
use chrono::{Datelike, NaiveDate};

/// The columns of the CSV and JSON exports.
pub const COLUMNS: [&str; 20] = [
    "date",
    "project_id",
    "project_name",
    "platform",
    "campaign_id",
    "campaign_external_id",
    "campaign_name",
    "objective",
    "status",
    "currency",
    "spend",
    "impressions",
    "clicks",
    "conversions",
    "conversion_value",
    "ctr",
    "cpc",
    "cpm",
    "cvr",
    "roas",
];

/// The forms an export takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Json,
    /// The rows as CSV in a zip, with the dimension tables and a model description.
    PowerBi,
}

/// Writes an export's bytes to `out`, blocking; it fails when `out` does.
pub type ExportWriter = Box<dyn FnOnce(&mut dyn std::io::Write) -> std::io::Result<()> + Send>;

/// An export ready to write: its name and type, and what writes it. Large exports are written as
/// they are read, so the caller streams `write`'s output rather than holding the file.
pub struct ExportFile {
    pub file_name: String,
    pub content_type: &'static str,
    pub write: ExportWriter,
}

impl std::fmt::Debug for ExportFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExportFile")
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .finish_non_exhaustive()
    }
}

/// One campaign-day.
#[derive(Debug, Clone, Copy)]
pub struct ExportRow<'a> {
    pub date: NaiveDate,
    pub campaign: &'a CampaignDim,
    pub project_name: &'a str,
    pub currency: Currency,
    pub values: MetricValues,
}

/// Calls `f` for every campaign-day in scope and range, by project name, platform, campaign name,
/// then date. Answers the account currencies that could not be converted (left out).
pub fn for_each_row(
    snapshot: &Snapshot,
    src: &Source<'_>,
    range: DateRange,
    mut f: impl FnMut(&ExportRow<'_>),
) -> Vec<Currency> {
    let names: std::collections::HashMap<&crate::ids::ProjectId, &str> = snapshot
        .projects
        .iter()
        .map(|p| (&p.id, p.name.as_str()))
        .collect();
    let mut campaigns: Vec<_> = src
        .facts
        .campaigns()
        .filter(|c| src.scope.covers(&c.dim))
        .collect();
    campaigns.sort_by(|a, b| {
        let name = |c: &&super::CampaignFacts| names.get(&c.dim.project_id).copied().unwrap_or("");
        name(a)
            .cmp(name(b))
            .then_with(|| a.dim.project_id.cmp(&b.dim.project_id))
            .then_with(|| a.dim.platform.cmp(&b.dim.platform))
            .then_with(|| a.dim.name.cmp(&b.dim.name))
            .then_with(|| a.dim.id.cmp(&b.dim.id))
    });
    let mut conv = Converter::new(src.currency, range);
    for c in campaigns {
        if !conv.prepare(src.rates, c.dim.currency) {
            continue;
        }
        let project_name = names.get(&c.dim.project_id).copied().unwrap_or("");
        c.series
            .each_day(&range, conv.rate(c.dim.currency), |at, values| {
                let date = range.from + chrono::Days::new(at as u64);
                f(&ExportRow {
                    date,
                    campaign: &c.dim,
                    project_name,
                    currency: src.currency,
                    values,
                });
            });
    }
    conv.missing()
}

/// A ratio for a file: up to six decimals, no trailing zeros, empty when there is none.
pub fn ratio_text(v: Option<f64>) -> String {
    match v {
        None => String::new(),
        Some(x) => {
            let s = format!("{x:.6}");
            let s = s.trim_end_matches('0').trim_end_matches('.');
            if s == "-0" { "0".to_owned() } else { s.to_owned() }
        }
    }
}

/// A fractional count (conversions) for a file.
pub fn number_text(x: f64) -> String {
    ratio_text(Some(x))
}

pub fn money_text(m: Micros) -> String {
    m.to_decimal()
}

impl ExportRow<'_> {
    /// The fields in `COLUMNS` order, as text.
    pub fn fields(&self) -> [String; 20] {
        let v = &self.values;
        [
            crate::time::date_text(self.date),
            self.campaign.project_id.as_str().to_owned(),
            self.project_name.to_owned(),
            self.campaign.platform.as_str().to_owned(),
            self.campaign.id.as_str().to_owned(),
            self.campaign.external_id.clone(),
            self.campaign.name.clone(),
            self.campaign.objective.clone().unwrap_or_default(),
            self.campaign.status.as_str().to_owned(),
            self.currency.as_str().to_owned(),
            money_text(v.spend),
            v.impressions.to_string(),
            v.clicks.to_string(),
            number_text(v.conversions),
            money_text(v.conversion_value),
            ratio_text(v.ctr()),
            ratio_text(v.cpc()),
            ratio_text(v.cpm()),
            ratio_text(v.cvr()),
            ratio_text(v.roas()),
        ]
    }
}

/// Appends one CSV record (RFC 4180) ending in CRLF. Text that a spreadsheet would run as a formula
/// (starting with `=`, `+`, `-`, `@`, tab or CR) is prefixed with `'` when `text` marks the field
/// as free text.
pub fn csv_record<S: AsRef<str>>(out: &mut String, fields: &[S], text: &[bool]) {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let f = f.as_ref();
        let guarded =
            text.get(i).copied().unwrap_or(false) && f.starts_with(['=', '+', '-', '@', '\t', '\r']);
        let needs_quotes = guarded || f.contains([',', '"', '\r', '\n']);
        if needs_quotes {
            out.push('"');
            if guarded {
                out.push('\'');
            }
            for ch in f.chars() {
                if ch == '"' {
                    out.push('"');
                }
                out.push(ch);
            }
            out.push('"');
        } else {
            out.push_str(f);
        }
    }
    out.push_str("\r\n");
}

/// Which `COLUMNS` are free text (names people typed).
pub const TEXT_COLUMNS: [bool; 20] = {
    let mut t = [false; 20];
    t[2] = true; // project_name
    t[6] = true; // campaign_name
    t[7] = true; // objective
    t[5] = true; // campaign_external_id
    t
};

/// `YYYYMMDD` as a number: the date key of the Power BI date dimension.
pub fn date_key(d: NaiveDate) -> u32 {
    (d.year().max(0) as u32) * 10_000 + d.month() * 100 + d.day()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_only_where_needed_and_guards_formulas() {
        let mut out = String::new();
        csv_record(
            &mut out,
            &["plain", "a,b", "say \"hi\"", "two\nlines", "=SUM(A1)", "-5"],
            &[false, true, true, true, true, false],
        );
        assert_eq!(
            out,
            "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"'=SUM(A1)\",-5\r\n"
        );
    }

    #[test]
    fn numbers_for_files() {
        assert_eq!(ratio_text(Some(0.0213)), "0.0213");
        assert_eq!(ratio_text(Some(2.0)), "2");
        assert_eq!(ratio_text(Some(1.0 / 3.0)), "0.333333");
        assert_eq!(ratio_text(None), "");
        assert_eq!(number_text(12.5), "12.5");
        assert_eq!(money_text(Micros::new(1_234_500_000)), "1234.5");
        assert_eq!(
            date_key(crate::time::parse_date("2026-03-07").unwrap_or_default()),
            20260307
        );
    }
}
