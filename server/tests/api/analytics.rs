//! The analytics API over the shared legacy sample: totals against sums made here straight from
//! the raw files, every report's validation, exports, and the facts following the database.

use crate::helpers::{TestApp, spawn_app};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/legacy-sample")
}

fn read(name: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(sample().join(name)).expect("sample file");
    serde_json::from_str(&text).expect("json array")
}

/// A decimal amount in currency units as micros, by string arithmetic.
fn micros(text: &str) -> i64 {
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    let frac = format!("{frac:0<6}");
    whole.parse::<i64>().expect("whole") * 1_000_000 + frac[..6].parse::<i64>().expect("fraction")
}

fn int(v: &Value) -> i64 {
    match v {
        Value::String(s) => s.parse().expect("integer text"),
        Value::Number(n) => n.as_i64().expect("integer"),
        _ => 0,
    }
}

#[derive(Default, Debug, Clone, Copy)]
struct Sums {
    spend: i64,
    impressions: i64,
    clicks: i64,
    conversions: f64,
    value: i64,
}

/// Sums of the raw records with `from <= date <= to`, for campaigns `keep` accepts; by platform.
fn raw_sums(from: &str, to: &str, keep: impl Fn(&str) -> bool) -> BTreeMap<String, Sums> {
    let mut out: BTreeMap<String, Sums> = BTreeMap::new();
    for r in read("campaign-metrics.json") {
        let date = r["date"].as_str().expect("date");
        if date < from || date > to || !keep(r["campaignId"].as_str().expect("id")) {
            continue;
        }
        let platform = r["platform"].as_str().expect("platform").to_owned();
        let raw = &r["raw"];
        let s = out.entry(platform.clone()).or_default();
        match platform.as_str() {
            "google" => {
                let m = &raw["metrics"];
                s.spend += int(&m["costMicros"]);
                s.impressions += int(&m["impressions"]);
                s.clicks += int(&m["clicks"]);
                s.conversions += m["conversions"].as_f64().unwrap_or(0.0);
                s.value += micros(&m["conversionsValue"].as_f64().unwrap_or(0.0).to_string());
            }
            "meta" => {
                s.spend += micros(raw["spend"].as_str().expect("spend"));
                s.impressions += int(&raw["impressions"]);
                s.clicks += int(&raw["clicks"]);
                let first = |list: &str| {
                    raw[list]
                        .as_array()
                        .and_then(|a| a.first())
                        .map(|a| a["value"].as_str().unwrap_or("0").to_owned())
                };
                s.conversions += first("actions").map_or(0.0, |v| v.parse::<f64>().expect("count"));
                s.value += first("action_values").map_or(0, |v| micros(&v));
            }
            other => panic!("the sample has no {other} records"),
        }
    }
    out
}

async fn imported() -> TestApp {
    let app = spawn_app().await;
    let pool = app.pool().await;
    server::legacy::import_dir(&pool, &sample(), &|_: &str| {})
        .await
        .expect("import");
    app
}

fn total(sums: &BTreeMap<String, Sums>) -> Sums {
    sums.values().fold(Sums::default(), |a, s| Sums {
        spend: a.spend + s.spend,
        impressions: a.impressions + s.impressions,
        clicks: a.clicks + s.clicks,
        conversions: a.conversions + s.conversions,
        value: a.value + s.value,
    })
}

fn check(kpis: &Value, want: &Sums, what: &str) {
    assert_eq!(kpis["spend_micros"].as_i64(), Some(want.spend), "{what}: spend");
    assert_eq!(
        kpis["impressions"].as_i64(),
        Some(want.impressions),
        "{what}: impressions"
    );
    assert_eq!(kpis["clicks"].as_i64(), Some(want.clicks), "{what}: clicks");
    assert_eq!(
        kpis["conversion_value_micros"].as_i64(),
        Some(want.value),
        "{what}: value"
    );
    let conv = kpis["conversions"].as_f64().expect("conversions");
    assert!(
        (conv - want.conversions).abs() < 1e-6,
        "{what}: conversions {conv} vs {}",
        want.conversions
    );
}

#[tokio::test]
async fn summary_totals_match_the_raw_legacy_files() {
    let app = imported().await;
    // The whole sample: 2026-06-01 to 2026-08-29, all USD.
    let (status, body) = app
        .get_json("/api/v1/analytics/summary?from=2026-06-01&to=2026-08-29")
        .await;
    assert_eq!(status, 200, "{body}");
    let sums = raw_sums("2026-06-01", "2026-08-29", |_| true);
    check(&body["total"]["current"], &total(&sums), "all");
    assert_eq!(body["currency"], "USD");
    for p in body["platforms"].as_array().expect("platforms") {
        let name = p["platform"].as_str().expect("platform");
        let want = sums.get(name).copied().unwrap_or_default();
        check(&p["current"], &want, name);
    }
    // Derived once, for all: CTR = clicks / impressions.
    let t = total(&sums);
    let ctr = body["total"]["current"]["ctr"].as_f64().expect("ctr");
    assert!((ctr - t.clicks as f64 / t.impressions as f64).abs() < 1e-12);

    // One project, one month, with the month before for comparison.
    let campaigns = read("campaigns.json");
    let of_project: Vec<String> = campaigns
        .iter()
        .filter(|c| c["projectId"] == "proj_0001")
        .map(|c| c["id"].as_str().expect("id").to_owned())
        .collect();
    let keep = |id: &str| of_project.iter().any(|c| c == id);
    let (status, body) = app
        .get_json("/api/v1/analytics/summary?from=2026-07-01&to=2026-07-31&project_id=proj_0001")
        .await;
    assert_eq!(status, 200, "{body}");
    check(
        &body["total"]["current"],
        &total(&raw_sums("2026-07-01", "2026-07-31", keep)),
        "July",
    );
    check(
        &body["total"]["previous"],
        &total(&raw_sums("2026-05-31", "2026-06-30", keep)),
        "June",
    );
    let change = body["total"]["change"]["spend"].as_f64().expect("change");
    let (jul, jun) = (
        total(&raw_sums("2026-07-01", "2026-07-31", keep)).spend as f64,
        total(&raw_sums("2026-05-31", "2026-06-30", keep)).spend as f64,
    );
    assert!((change - (jul - jun) / jun).abs() < 1e-12);
}

#[tokio::test]
async fn every_report_answers_and_refuses_bad_input() {
    let app = imported().await;
    let window = "from=2026-06-01&to=2026-08-29";
    for path in [
        "summary",
        "platforms",
        "spend-trend?granularity=week&group_by=campaign&limit=5",
        "spend-trend?granularity=month&group_by=project",
        "campaigns?sort=-roas&limit=10&offset=5",
        "pacing?period=custom",
        "pacing?as_of=2026-07-15&mode=weekday",
        "benchmarks?min_impressions=10",
    ] {
        let sep = if path.contains('?') { '&' } else { '?' };
        let (status, body) = app
            .get_json(&format!("/api/v1/analytics/{path}{sep}{window}"))
            .await;
        assert_eq!(status, 200, "{path}: {body}");
    }
    let (_, trend) = app
        .get_json(&format!(
            "/api/v1/analytics/spend-trend?granularity=month&{window}"
        ))
        .await;
    assert_eq!(trend["buckets"].as_array().map(Vec::len), Some(3));
    let (_, table) = app
        .get_json(&format!("/api/v1/analytics/campaigns?limit=7&{window}"))
        .await;
    assert_eq!(table["total"], 60);
    assert_eq!(table["items"].as_array().map(Vec::len), Some(7));
    let spends: Vec<i64> = table["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["spend_micros"].as_i64().unwrap_or(0))
        .collect();
    assert!(
        spends.windows(2).all(|w| w[0] >= w[1]),
        "biggest spend first: {spends:?}"
    );
    let (_, pacing) = app
        .get_json("/api/v1/analytics/pacing?as_of=2026-07-15&project_id=proj_0001")
        .await;
    assert_eq!(pacing["period"]["from"], "2026-07-01");
    assert_eq!(pacing["projects"][0]["budget_source"], "project");
    assert_eq!(pacing["projects"][0]["budget_micros"], 25_000_000_000i64);
    let (_, bench) = app
        .get_json(&format!("/api/v1/analytics/benchmarks?{window}"))
        .await;
    assert!(
        bench["groups"].as_array().is_some_and(|g| !g.is_empty()),
        "{bench}"
    );

    for (path, status) in [
        ("summary?from=2026-13-01", 400),
        ("summary?from=2026-08-01&to=2026-07-01", 400),
        ("summary?from=2020-01-01&to=2026-01-01", 400),
        ("summary?project_id=proj_nope", 404),
        ("summary?project_id=not%20an%20id", 400),
        ("summary?platform=tiktok", 400),
        ("summary?currency=XX", 400),
        ("summary?currency=XYZ", 400),
        ("spend-trend?granularity=hour", 400),
        ("spend-trend?group_by=country", 400),
        ("campaigns?sort=-colour", 400),
        ("campaigns?limit=5000", 400),
        ("pacing?period=decade", 400),
        ("pacing?mode=fast", 400),
        ("export?format=xlsx", 400),
    ] {
        let (got, body) = app.get_json(&format!("/api/v1/analytics/{path}")).await;
        assert_eq!(got, status, "{path}: {body}");
        assert!(
            body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{path}: {body}"
        );
    }
}

#[tokio::test]
async fn csv_json_and_power_bi_exports_hold_the_same_totals() {
    let app = imported().await;
    let window = "from=2026-06-01&to=2026-08-29";
    let (_, summary) = app.get_json(&format!("/api/v1/analytics/summary?{window}")).await;
    let spend = summary["total"]["current"]["spend_micros"]
        .as_i64()
        .expect("spend");

    let res = app
        .get(&format!("/api/v1/analytics/export?format=csv&{window}"))
        .await;
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap_or("")
            .contains(".csv")
    );
    let text = res.text().await.expect("csv");
    assert!(text.starts_with('\u{feff}'), "a UTF-8 byte-order mark for Excel");
    let mut lines = text
        .trim_start_matches('\u{feff}')
        .split("\r\n")
        .filter(|l| !l.is_empty());
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let at = header.iter().position(|h| *h == "spend").expect("spend column");
    let rows: Vec<String> = lines.map(str::to_owned).collect();
    assert_eq!(rows.len(), 5_400);
    // Names hold no commas in the sample, so splitting on commas is enough here.
    let csv_spend: i64 = rows
        .iter()
        .map(|r| micros(r.split(',').nth(at).expect("field")))
        .sum();
    assert_eq!(csv_spend, spend);

    // Browsers ask for compression: the compressed stream must end cleanly and hold the same file.
    let res = app
        .client
        .get(app.url(&format!("/api/v1/analytics/export?format=csv&{window}")))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .expect("request");
    assert_eq!(res.headers()["content-encoding"], "gzip");
    let packed = res.bytes().await.expect("the whole compressed body");
    let mut unpacked = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&packed[..]), &mut unpacked)
        .expect("valid gzip");
    assert_eq!(unpacked, text);

    let (status, json) = app
        .get_json(&format!("/api/v1/analytics/export?format=json&{window}"))
        .await;
    assert_eq!(status, 200);
    let rows = json["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 5_400);
    assert_eq!(
        rows.iter()
            .map(|r| r["spend_micros"].as_i64().unwrap_or(0))
            .sum::<i64>(),
        spend
    );

    let res = app
        .get(&format!("/api/v1/analytics/export?format=powerbi&{window}"))
        .await;
    assert_eq!(res.status(), 200);
    let bytes = res.bytes().await.expect("zip");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).expect("a zip");
    let mut names: Vec<String> = zip.file_names().map(str::to_owned).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "README.md",
            "dim_campaign.csv",
            "dim_date.csv",
            "dim_platform.csv",
            "dim_project.csv",
            "fact_daily_performance.csv"
        ]
    );
    let mut fact = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("fact_daily_performance.csv").expect("fact"),
        &mut fact,
    )
    .expect("read");
    let fact_spend: i64 = fact
        .lines()
        .skip(1)
        .map(|l| micros(l.split(',').nth(5).expect("spend")))
        .sum();
    assert_eq!(fact_spend, spend);
    let mut dates = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("dim_date.csv").expect("dates"), &mut dates)
        .expect("read");
    assert_eq!(dates.lines().count(), 1 + 90);
}

#[tokio::test]
async fn reports_follow_the_database_and_rates_are_editable() {
    let app = imported().await;
    let window = "from=2026-06-01&to=2026-08-29";
    let (_, before) = app.get_json(&format!("/api/v1/analytics/summary?{window}")).await;
    // A project deleted by another writer: its campaigns and their days leave the reports.
    let pool = app.pool().await;
    sqlx::query("DELETE FROM projects WHERE id = 'proj_0001'")
        .execute(&pool)
        .await
        .expect("delete");
    let (_, after) = app.get_json(&format!("/api/v1/analytics/summary?{window}")).await;
    assert!(
        after["total"]["current"]["spend_micros"].as_i64()
            < before["total"]["current"]["spend_micros"].as_i64()
    );
    let (_, table) = app
        .get_json(&format!(
            "/api/v1/analytics/campaigns?{window}&project_id=proj_0002"
        ))
        .await;
    assert!(table["total"].as_u64().is_some_and(|n| n > 0));
    let (status, _) = app
        .get_json(&format!(
            "/api/v1/analytics/summary?{window}&project_id=proj_0001"
        ))
        .await;
    assert_eq!(status, 404);

    // Reports in EUR at a rate set here: every USD amount × 0.5.
    let usd = after["total"]["current"]["spend_micros"].as_i64().expect("spend");
    let rates = serde_json::json!({"report_currency": "EUR", "rates": [
        {"currency": "USD", "effective_from": "2000-01-01", "per_usd": 1.0},
        {"currency": "EUR", "effective_from": "2000-01-01", "per_usd": 0.5}]});
    let res = app
        .client
        .put(app.url("/api/v1/analytics/exchange-rates"))
        .json(&rates)
        .send()
        .await
        .expect("put");
    assert_eq!(res.status(), 200);
    let (_, eur) = app.get_json(&format!("/api/v1/analytics/summary?{window}")).await;
    assert_eq!(eur["currency"], "EUR");
    let got = eur["total"]["current"]["spend_micros"].as_i64().expect("spend");
    assert!((got - usd / 2).abs() <= 5_400, "{got} vs {}", usd / 2);
    let bad = serde_json::json!({"report_currency": "GBP", "rates": [{"currency": "EUR", "effective_from": "2000-01-01", "per_usd": 0.5}]});
    let res = app
        .client
        .put(app.url("/api/v1/analytics/exchange-rates"))
        .json(&bad)
        .send()
        .await
        .expect("put");
    assert_eq!(res.status(), 400);
    let bad = serde_json::json!({"report_currency": "USD", "rates": [{"currency": "EUR", "effective_from": "2000-01-01", "per_usd": -1}]});
    let res = app
        .client
        .put(app.url("/api/v1/analytics/exchange-rates"))
        .json(&bad)
        .send()
        .await
        .expect("put");
    assert_eq!(res.status(), 400);
}

/// Sum of the daily budgets of each project's active campaigns in the sample, in micros.
fn active_daily_budgets(project: &str) -> i64 {
    read("campaigns.json")
        .iter()
        .filter(|c| c["projectId"] == project)
        .filter(|c| matches!(c["status"].as_str(), Some("ENABLED" | "ACTIVE")))
        .map(|c| micros(&c["dailyBudget"].as_f64().unwrap_or(0.0).to_string()))
        .sum()
}

#[tokio::test]
async fn pacing_says_why_a_project_is_over_and_gives_no_status_without_campaigns() {
    let app = imported().await;
    // Finance Brand 2: 15,000 a month; its active campaigns' daily budgets over July's 31 days
    // come to far more.
    let daily = active_daily_budgets("proj_0002");
    assert_eq!(daily, 1_200_000_000, "the sample's active budgets");
    let (status, pacing) = app
        .get_json("/api/v1/analytics/pacing?as_of=2026-07-15&project_id=proj_0002")
        .await;
    assert_eq!(status, 200, "{pacing}");
    let p = &pacing["projects"][0];
    assert_eq!(p["project_id"], "proj_0002");
    assert_eq!(p["budget_micros"], 15_000_000_000i64);
    let m = &p["budget_mismatch"];
    assert_eq!(m["gap"], "campaigns_over", "{p}");
    assert_eq!(m["campaigns_monthly_micros"], daily * 31);
    assert_eq!(m["project_monthly_micros"], 15_000_000_000i64);
    assert_eq!(m["days_in_month"], 31);
    assert_eq!(m["campaigns_counted"], 7);
    let ratio = m["ratio"].as_f64().unwrap_or(0.0);
    assert!((ratio - 37_200.0 / 15_000.0).abs() < 1e-9, "{ratio}");
    assert_eq!(
        m["message"],
        "Campaign budgets add up to $37,200 a month, 2.5× the project's $15,000: \
         lower campaign budgets or raise the project budget."
    );

    // A project with a budget and no campaigns: nothing to pace, so no status (not "under").
    let (created, project) = app
        .post_json(
            "/api/v1/projects",
            serde_json::json!({"name": "Empty Brand", "currency": "USD", "monthly_budget": "3000"}),
        )
        .await;
    assert_eq!(created, 201, "{project}");
    let id = project["id"].as_str().unwrap_or_default();
    let (_, pacing) = app
        .get_json(&format!(
            "/api/v1/analytics/pacing?as_of=2026-07-15&project_id={id}"
        ))
        .await;
    let p = &pacing["projects"][0];
    assert_eq!(p["campaigns"], 0, "{p}");
    assert_eq!(p["status"], Value::Null, "{p}");
    assert_eq!(p["budget_mismatch"], Value::Null, "{p}");
    assert_eq!(p["budget_micros"], 3_000_000_000i64, "{p}");
    assert_eq!(
        p["expected_micros"], 1_451_612_903i64,
        "15 of July's 31 days of 3,000"
    );

    // The document describes the new fields.
    let (_, doc) = app.get_json("/api/openapi.json").await;
    let schemas = &doc["components"]["schemas"];
    // A property of a schema, also inside its `allOf` parts (flattened fields).
    fn has(schema: &Value, field: &str) -> bool {
        schema["properties"][field].is_object()
            || schema["allOf"]
                .as_array()
                .is_some_and(|parts| parts.iter().any(|p| has(p, field)))
    }
    assert!(
        has(&schemas["ProjectPacing"], "budget_mismatch"),
        "{}",
        schemas["ProjectPacing"]
    );
    assert!(has(&schemas["Pacing"], "status"), "{}", schemas["Pacing"]);
    // ...and says the status may be null.
    let status = &schemas["Pacing"]["properties"]["status"];
    assert!(
        status["oneOf"]
            .as_array()
            .is_some_and(|alts| alts.iter().any(|a| a["type"] == "null")),
        "{status}"
    );
    for field in [
        "gap",
        "campaigns_monthly_micros",
        "project_monthly_micros",
        "ratio",
        "message",
    ] {
        assert!(
            has(&schemas["BudgetMismatch"], field),
            "BudgetMismatch.{field}: {}",
            schemas["BudgetMismatch"]
        );
    }
    assert!(has(&schemas["Trend"], "partial_bucket"), "{}", schemas["Trend"]);
}

#[tokio::test]
async fn the_trend_marks_todays_partial_day() {
    let app = imported().await;
    // The default window ends today: its last day is still coming in.
    let (status, trend) = app.get_json("/api/v1/analytics/spend-trend").await;
    assert_eq!(status, 200, "{trend}");
    let buckets = trend["buckets"].as_array().map_or(0, Vec::len);
    assert_eq!(buckets, 30);
    assert_eq!(trend["partial_bucket"], 29);
    let today = chrono::Utc::now().date_naive().to_string();
    assert_eq!(trend["buckets"][29], today.as_str());
    // A window in the past has none.
    let (_, trend) = app
        .get_json("/api/v1/analytics/spend-trend?from=2026-07-01&to=2026-07-31")
        .await;
    assert_eq!(trend["partial_bucket"], Value::Null);
}
