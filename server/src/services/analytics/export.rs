//! The exports' files: the campaign-days of a report window as CSV, JSON, or a Power BI zip (the
//! rows as CSV with the dimension tables and a model description). Each is written as it is read,
//! so a large export never sits whole in memory (the zip goes through a temporary file: a zip's
//! index comes last).

use super::Resolved;
use std::io::{Seek, Write};
use switchboard_core::analytics::export::{
    COLUMNS, ExportFile, ExportFormat, TEXT_COLUMNS, csv_record, date_key, for_each_row, money_text,
    number_text,
};
use switchboard_core::platform::Platform;
use switchboard_core::time::date_text;

/// Text is handed on in pieces of about this size.
const CHUNK: usize = 64 * 1024;

/// The file for `r` in `format`, named after its project, platform and window.
pub(super) fn file(r: Resolved, format: ExportFormat) -> ExportFile {
    let stem = format!(
        "switchboard-{}{}-{}-to-{}",
        r.scope.project_id.as_ref().map_or("all-projects", |p| p.as_str()),
        r.scope
            .platform
            .map_or(String::new(), |p| format!("-{}", p.as_str())),
        r.range.from,
        r.range.to
    );
    let (content_type, file_name) = match format {
        ExportFormat::Csv => ("text/csv; charset=utf-8", format!("{stem}.csv")),
        ExportFormat::Json => ("application/json", format!("{stem}.json")),
        ExportFormat::PowerBi => ("application/zip", format!("{stem}-powerbi.zip")),
    };
    ExportFile {
        file_name,
        content_type,
        write: Box::new(move |out: &mut dyn Write| match format {
            ExportFormat::Csv => write_csv(&r, out),
            ExportFormat::Json => write_json(&r, out),
            ExportFormat::PowerBi => write_powerbi(&r, out),
        }),
    }
}

/// Text gathered and written in pieces of about [`CHUNK`]; the first failure to write stops it.
struct Pieces<'a> {
    out: &'a mut dyn Write,
    buf: String,
    failed: Option<std::io::Error>,
}

impl<'a> Pieces<'a> {
    fn new(out: &'a mut dyn Write) -> Self {
        Pieces {
            out,
            buf: String::with_capacity(CHUNK * 2),
            failed: None,
        }
    }

    /// Writes what is gathered once there is a piece's worth.
    fn maybe_write(&mut self) {
        if self.failed.is_none() && self.buf.len() >= CHUNK {
            if let Err(e) = self.out.write_all(self.buf.as_bytes()) {
                self.failed = Some(e);
            }
            self.buf.clear();
        }
    }

    fn push(&mut self, s: &str) -> std::io::Result<()> {
        self.buf.push_str(s);
        self.maybe_write();
        self.check()
    }

    fn check(&mut self) -> std::io::Result<()> {
        self.failed.take().map_or(Ok(()), Err)
    }

    fn finish(mut self) -> std::io::Result<()> {
        self.check()?;
        self.out.write_all(self.buf.as_bytes())
    }
}

fn write_csv(r: &Resolved, out: &mut dyn Write) -> std::io::Result<()> {
    let mut out = Pieces::new(out);
    // The byte-order mark tells Excel the file is UTF-8.
    out.buf.push('\u{feff}');
    csv_record(&mut out.buf, &COLUMNS, &[]);
    for_each_row(
        &r.snapshot,
        &r.snapshot.source(&r.scope, r.currency),
        r.range,
        |row| {
            if out.failed.is_some() {
                return;
            }
            csv_record(&mut out.buf, &row.fields(), &TEXT_COLUMNS);
            out.maybe_write();
        },
    );
    out.finish()
}

fn write_json(r: &Resolved, out: &mut dyn Write) -> std::io::Result<()> {
    let mut out = Pieces::new(out);
    let head = serde_json::json!({
        "from": r.range.from, "to": r.range.to, "currency": r.currency,
        "project_id": r.scope.project_id, "platform": r.scope.platform,
        "columns": COLUMNS,
    })
    .to_string();
    // `{"from":…,"columns":[…],"rows":[…]}` with the rows streamed as objects.
    out.push(&head[..head.len() - 1])?;
    out.push(",\"rows\":[")?;
    let mut first = true;
    let missing = for_each_row(
        &r.snapshot,
        &r.snapshot.source(&r.scope, r.currency),
        r.range,
        |row| {
            if out.failed.is_some() {
                return;
            }
            let fields = row.fields();
            let v = &row.values;
            let obj = serde_json::json!({
                "date": fields[0], "project_id": fields[1], "project_name": fields[2], "platform": fields[3],
                "campaign_id": fields[4], "campaign_external_id": fields[5], "campaign_name": fields[6],
                "objective": row.campaign.objective, "status": fields[8], "currency": fields[9],
                "spend_micros": v.spend.get(), "impressions": v.impressions, "clicks": v.clicks,
                "conversions": v.conversions, "conversion_value_micros": v.conversion_value.get(),
                "ctr": v.ctr(), "cpc": v.cpc(), "cpm": v.cpm(), "cvr": v.cvr(), "roas": v.roas(),
            });
            if !first {
                out.buf.push(',');
            }
            first = false;
            out.buf.push_str(&obj.to_string());
            out.maybe_write();
        },
    );
    out.check()?;
    out.push("],\"missing_rates\":")?;
    out.push(&serde_json::to_string(&missing).unwrap_or_else(|_| "[]".to_owned()))?;
    out.push("}")?;
    out.finish()
}

const POWERBI_README: &str = "# Switchboard export for Power BI\r\n\r\n\
A star schema of daily campaign performance. Load every CSV (UTF-8, comma-separated, header row),\r\n\
then relate the tables (Model view), each one-to-many from the dimension to the fact table:\r\n\r\n\
| fact_daily_performance column | dimension table | key column |\r\n\
|---|---|---|\r\n\
| date_key | dim_date | date_key |\r\n\
| campaign_key | dim_campaign | campaign_key |\r\n\
| project_key | dim_project | project_key |\r\n\
| platform_key | dim_platform | platform_key |\r\n\r\n\
dim_campaign also carries project_key and platform_key; keep those relationships inactive (the fact\r\n\
table already holds both keys). Money columns (spend, conversion_value) are in the currency named in\r\n\
the `currency` column, in units with a dot decimal. Derived rates are not stored: compute them\r\n\
from the sums, e.g. CTR = DIVIDE(SUM(clicks), SUM(impressions)), CPC = DIVIDE(SUM(spend), SUM(clicks)),\r\n\
CPM = DIVIDE(SUM(spend), SUM(impressions)) * 1000, ROAS = DIVIDE(SUM(conversion_value), SUM(spend)).\r\n\
Dates are the ad accounts' local dates. dim_date covers the whole exported window.\r\n";

fn write_powerbi(req: &Resolved, out: &mut dyn Write) -> std::io::Result<()> {
    let file = tempfile::tempfile()?;
    let mut zip = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1))
        .large_file(true);
    let zerr = |e: zip::result::ZipError| std::io::Error::other(e.to_string());
    let snapshot = &req.snapshot;
    let src = snapshot.source(&req.scope, req.currency);

    // The fact table, written as it is read; the campaigns and projects it meets are kept.
    zip.start_file("fact_daily_performance.csv", options)
        .map_err(zerr)?;
    let mut buf = String::with_capacity(CHUNK * 2);
    csv_record(
        &mut buf,
        &[
            "date_key",
            "campaign_key",
            "project_key",
            "platform_key",
            "currency",
            "spend",
            "impressions",
            "clicks",
            "conversions",
            "conversion_value",
        ],
        &[],
    );
    let mut campaigns = std::collections::BTreeMap::new();
    let mut failed = None;
    for_each_row(snapshot, &src, req.range, |row| {
        if failed.is_some() {
            return;
        }
        campaigns
            .entry(row.campaign.id.clone())
            .or_insert_with(|| row.campaign.clone());
        let v = &row.values;
        csv_record(
            &mut buf,
            &[
                date_key(row.date).to_string(),
                row.campaign.id.as_str().to_owned(),
                row.campaign.project_id.as_str().to_owned(),
                row.campaign.platform.as_str().to_owned(),
                row.currency.as_str().to_owned(),
                money_text(v.spend),
                v.impressions.to_string(),
                v.clicks.to_string(),
                number_text(v.conversions),
                money_text(v.conversion_value),
            ],
            &[],
        );
        if buf.len() >= CHUNK {
            if let Err(e) = zip.write_all(buf.as_bytes()) {
                failed = Some(e);
            }
            buf.clear();
        }
    });
    if let Some(e) = failed {
        return Err(e);
    }
    zip.write_all(buf.as_bytes())?;

    let mut text = String::new();
    csv_record(
        &mut text,
        &[
            "campaign_key",
            "project_key",
            "platform_key",
            "external_id",
            "name",
            "objective",
            "status",
            "account_currency",
            "daily_budget",
        ],
        &[],
    );
    for c in campaigns.values() {
        csv_record(
            &mut text,
            &[
                c.id.as_str().to_owned(),
                c.project_id.as_str().to_owned(),
                c.platform.as_str().to_owned(),
                c.external_id.clone(),
                c.name.clone(),
                c.objective.clone().unwrap_or_default(),
                c.status.as_str().to_owned(),
                c.currency.as_str().to_owned(),
                c.daily_budget.map(money_text).unwrap_or_default(),
            ],
            &[false, false, false, true, true, true, false, false, false],
        );
    }
    zip.start_file("dim_campaign.csv", options).map_err(zerr)?;
    zip.write_all(text.as_bytes())?;

    text.clear();
    csv_record(
        &mut text,
        &["project_key", "name", "currency", "monthly_budget"],
        &[],
    );
    for p in snapshot
        .projects
        .iter()
        .filter(|p| req.scope.project_id.as_ref().is_none_or(|id| *id == p.id))
    {
        csv_record(
            &mut text,
            &[
                p.id.as_str().to_owned(),
                p.name.clone(),
                p.currency.as_str().to_owned(),
                p.monthly.map(money_text).unwrap_or_default(),
            ],
            &[false, true, false, false],
        );
    }
    zip.start_file("dim_project.csv", options).map_err(zerr)?;
    zip.write_all(text.as_bytes())?;

    text.clear();
    csv_record(&mut text, &["platform_key", "name"], &[]);
    for p in Platform::ALL {
        csv_record(&mut text, &[p.as_str(), p.label()], &[]);
    }
    zip.start_file("dim_platform.csv", options).map_err(zerr)?;
    zip.write_all(text.as_bytes())?;

    text.clear();
    use chrono::Datelike;
    csv_record(
        &mut text,
        &[
            "date_key",
            "date",
            "year",
            "quarter",
            "month",
            "month_name",
            "iso_week",
            "day_of_week",
            "day_name",
            "is_weekend",
        ],
        &[],
    );
    for d in req.range.iter_days() {
        let dow = d.weekday().number_from_monday();
        csv_record(
            &mut text,
            &[
                date_key(d).to_string(),
                date_text(d),
                d.year().to_string(),
                (d.month0() / 3 + 1).to_string(),
                d.month().to_string(),
                d.format("%B").to_string(),
                d.iso_week().week().to_string(),
                dow.to_string(),
                d.format("%A").to_string(),
                (dow >= 6).to_string(),
            ],
            &[],
        );
    }
    zip.start_file("dim_date.csv", options).map_err(zerr)?;
    zip.write_all(text.as_bytes())?;
    zip.start_file("README.md", options).map_err(zerr)?;
    zip.write_all(POWERBI_README.as_bytes())?;

    let mut file = zip.finish().map_err(zerr)?;
    file.rewind()?;
    std::io::copy(&mut file, out)?;
    Ok(())
}
