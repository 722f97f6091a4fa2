//! Legacy JSON import and export: counts, idempotence, round trip, awkward records, broken files.

use serde_json::Value;
use server::legacy::{FileReport, export_dir, import_dir};
use sqlx::SqlitePool;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const FILES: [&str; 7] = [
    "projects.json",
    "workflows.json",
    "campaigns.json",
    "executions.json",
    "events.json",
    "activity.json",
    "campaign-metrics.json",
];

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

async fn fresh_pool(dir: &Path) -> (SqlitePool, String) {
    let url = format!("sqlite://{}/sb.db", dir.display());
    let pool = server::db::connect(server::db::connect_options(&url).expect("url"))
        .await
        .expect("open");
    server::db::migrate(&pool).await.expect("migrate");
    (pool, url)
}

fn quiet(_: &str) {}

fn records(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("json array")
}

/// A file's records as a multiset of canonical JSON texts (array order does not matter).
fn multiset(values: &[Value]) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for v in values {
        *m.entry(v.to_string()).or_insert(0) += 1;
    }
    m
}

fn file<'a>(report: &'a [FileReport], name: &str) -> &'a FileReport {
    report.iter().find(|f| f.file == name).expect("file in report")
}

#[tokio::test]
async fn the_sample_imports_completely_and_exports_equal() {
    let dir = tempfile::tempdir().expect("tmp");
    let (pool, _) = fresh_pool(dir.path()).await;
    let sample = fixture("legacy-sample");

    let report = import_dir(&pool, &sample, &quiet).await.expect("import");
    for name in FILES {
        let expected = records(&sample.join(name)).len();
        let r = file(&report.files, name);
        assert_eq!(r.records, expected, "{name}");
        assert_eq!(r.imported, expected, "{name}: every record is imported");
        assert!(
            r.refused.is_empty() && r.warnings.is_empty(),
            "{name}: {:?}",
            r.refused
        );
    }
    let metrics: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM campaign_daily_metrics")
        .fetch_one(&pool)
        .await
        .expect("q");
    assert_eq!(metrics, 5400);
    let stages: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM execution_stages")
        .fetch_one(&pool)
        .await
        .expect("q");
    let expected_stages: usize = records(&sample.join("executions.json"))
        .iter()
        .map(|e| e["stages"].as_array().map_or(0, Vec::len))
        .sum();
    assert_eq!(stages as usize, expected_stages);

    // A second run changes nothing.
    let again = import_dir(&pool, &sample, &quiet).await.expect("import again");
    for r in &again.files {
        assert_eq!((r.imported, r.updated), (0, 0), "{}", r.file);
        assert_eq!(r.unchanged, r.records, "{}", r.file);
    }

    let out = dir.path().join("export");
    let exported = export_dir(&pool, &out).await.expect("export");
    assert_eq!(exported.rejects, 0);
    for name in FILES {
        assert_eq!(
            multiset(&records(&out.join(name))),
            multiset(&records(&sample.join(name))),
            "{name} must round-trip"
        );
    }
}

#[tokio::test]
async fn normalized_metrics_match_the_raw_records() {
    let dir = tempfile::tempdir().expect("tmp");
    let (pool, _) = fresh_pool(dir.path()).await;
    let sample = fixture("legacy-sample");
    import_dir(&pool, &sample, &quiet).await.expect("import");
    // Sums computed independently from the raw files.
    let mut google_spend: i64 = 0;
    let mut meta_spend_cents: i64 = 0;
    let mut meta_conversions = 0.0;
    for m in records(&sample.join("campaign-metrics.json")) {
        let raw = &m["raw"];
        if m["platform"] == "google" {
            google_spend += raw["metrics"]["costMicros"]
                .as_str()
                .and_then(|s| s.parse::<i64>().ok())
                .unwrap_or(0);
        } else {
            let spend = raw["spend"].as_str().unwrap_or("0");
            let (units, cents) = spend.split_once('.').unwrap_or((spend, "0"));
            meta_spend_cents +=
                units.parse::<i64>().unwrap_or(0) * 100 + format!("{cents:0<2}").parse::<i64>().unwrap_or(0);
            meta_conversions += raw["actions"][0]["value"]
                .as_str()
                .and_then(|s| s.parse::<f64>().ok())
                .unwrap_or(0.0);
        }
    }
    let db: Vec<(String, i64, f64)> = sqlx::query_as(
        "SELECT platform, SUM(spend_micros), SUM(conversions) FROM campaign_daily_metrics GROUP BY platform ORDER BY platform",
    )
    .fetch_all(&pool)
    .await
    .expect("q");
    assert_eq!(db[0].0, "google");
    assert_eq!(db[0].1, google_spend);
    assert_eq!(db[1].0, "meta");
    assert_eq!(db[1].1, meta_spend_cents * 10_000);
    assert!((db[1].2 - meta_conversions).abs() < 1e-9);
}

#[tokio::test]
async fn awkward_records_each_get_a_defined_outcome() {
    let dir = tempfile::tempdir().expect("tmp");
    let (pool, _) = fresh_pool(dir.path()).await;
    let edge = fixture("legacy-edge");
    let report = import_dir(&pool, &edge, &quiet).await.expect("import");

    // Non-ASCII ids and names, numbers written as strings, missing optional fields: imported.
    let (name, budget, currency): (String, i64, String) =
        sqlx::query_as("SELECT name, monthly_budget_micros, currency FROM projects WHERE id = 'proj_ü01'")
            .fetch_one(&pool)
            .await
            .expect("edge project");
    assert_eq!(name, "Café Müller — 東京 🚀");
    assert_eq!((budget, currency.as_str()), (12_000_000_000, "EUR"));
    let daily: i64 = sqlx::query_scalar("SELECT daily_budget_micros FROM campaigns WHERE id = 'camp_edge1'")
        .fetch_one(&pool)
        .await
        .expect("edge campaign");
    assert_eq!(daily, 75_500_000);
    // A reference to a workflow that no longer exists: imported with a warning, link kept.
    let executions = file(&report.files, "executions.json");
    assert_eq!(executions.warnings.len(), 1);
    assert!(executions.warnings[0].message.contains("wf_deleted"));
    let wf: Option<String> =
        sqlx::query_scalar("SELECT workflow_id FROM executions WHERE id = 'exec_orphan'")
            .fetch_one(&pool)
            .await
            .expect("orphan");
    assert_eq!(wf, None);
    // An exact duplicate: skipped once.
    assert_eq!(file(&report.files, "activity.json").duplicates, 1);

    // Export gives the same records back (the duplicate once).
    let out = dir.path().join("export");
    export_dir(&pool, &out).await.expect("export");
    for name in FILES {
        let original: BTreeMap<String, usize> = multiset(&records(&edge.join(name)))
            .into_keys()
            .map(|k| (k, 1))
            .collect();
        assert_eq!(multiset(&records(&out.join(name))), original, "{name}");
    }
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).expect("write");
}

#[tokio::test]
async fn refused_records_are_kept_with_their_reason() {
    let dir = tempfile::tempdir().expect("tmp");
    let (pool, _) = fresh_pool(dir.path()).await;
    let src = dir.path().join("legacy");
    std::fs::create_dir_all(&src).expect("mkdir");
    write(
        &src,
        "projects.json",
        r#"[
        {"id": "proj_1", "name": "One", "budget": {"monthly": "1,000", "currency": "USD"}, "createdAt": "2026-06-01T09:00:00Z"},
        {"id": "proj_2", "name": "", "createdAt": "2026-06-01T09:00:00Z"},
        {"id": "proj_3", "name": "Three", "createdAt": "not a date"}
    ]"#,
    );
    write(
        &src,
        "campaigns.json",
        r#"[
        {"id": "camp_1", "projectId": "proj_1", "platform": "google", "externalId": 123, "name": "A", "status": "ENABLED", "dailyBudget": "10", "createdAt": "2026-06-01T09:00:00Z"},
        {"id": "camp_2", "projectId": "proj_missing", "platform": "google", "externalId": "9", "name": "B", "status": "ENABLED", "createdAt": "2026-06-01T09:00:00Z"},
        {"id": "camp_3", "projectId": "proj_1", "platform": "google", "externalId": "123", "name": "C", "status": "ENABLED", "createdAt": "2026-06-01T09:00:00Z"},
        {"id": "camp_4", "projectId": "proj_1", "platform": "meta", "externalId": "77", "name": "D", "status": "ENABLED", "createdAt": "2026-06-01T09:00:00Z"},
        {"id": "camp_1", "projectId": "proj_1", "platform": "google", "externalId": "123", "name": "A changed", "status": "ENABLED", "createdAt": "2026-06-01T09:00:00Z"}
    ]"#,
    );
    write(
        &src,
        "campaign-metrics.json",
        r#"[
        {"campaignId": "camp_1", "platform": "google", "date": "2026-06-01", "raw": {"metrics": {"costMicros": "1500000", "impressions": "10", "clicks": "2"}}},
        {"campaignId": "camp_404", "platform": "google", "date": "2026-06-01", "raw": {"metrics": {}}},
        {"campaignId": "camp_1", "platform": "google", "date": "2026-06-02", "raw": {"metrics": {"costMicros": "lots"}}}
    ]"#,
    );
    let report = import_dir(&pool, &src, &quiet).await.expect("import");

    let projects = file(&report.files, "projects.json");
    assert_eq!(projects.imported, 1);
    let reasons: Vec<String> = projects.refused.iter().map(|i| i.to_string()).collect();
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert!(
        reasons[0].contains("proj_2") && reasons[0].contains("name"),
        "{reasons:?}"
    );
    assert!(
        reasons[1].contains("proj_3") && reasons[1].contains("createdAt"),
        "{reasons:?}"
    );
    // "1,000" is not an amount: the budget is kept as it was, with a warning, and the project imported.
    assert_eq!(projects.warnings.len(), 1);

    let campaigns = file(&report.files, "campaigns.json");
    assert_eq!(campaigns.imported, 1, "{:?}", campaigns.refused);
    let reasons: Vec<String> = campaigns.refused.iter().map(|i| i.to_string()).collect();
    assert_eq!(reasons.len(), 4, "{reasons:?}");
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("camp_2") && r.contains("proj_missing"))
    );
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("camp_3") && r.contains("already has google id '123'"))
    );
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("camp_4") && r.contains("status"))
    );
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("camp_1") && r.contains("different content"))
    );

    let metrics = file(&report.files, "campaign-metrics.json");
    assert_eq!(metrics.imported, 1);
    assert_eq!(metrics.refused.len(), 2);

    // Nothing is lost: every refused record is stored whole with its reason.
    let kept: Vec<(String, String, String)> =
        sqlx::query_as("SELECT file, reason, record FROM import_rejects ORDER BY id")
            .fetch_all(&pool)
            .await
            .expect("q");
    assert_eq!(kept.len(), 8);
    assert!(
        kept.iter()
            .any(|(f, _, rec)| f == "campaigns.json" && rec.contains("proj_missing"))
    );
    // Importing again stores nothing twice.
    import_dir(&pool, &src, &quiet).await.expect("again");
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM import_rejects")
        .fetch_one(&pool)
        .await
        .expect("q");
    assert_eq!(n, 8);
    // Export writes them beside the legacy files.
    let out = dir.path().join("export");
    let exported = export_dir(&pool, &out).await.expect("export");
    assert_eq!(exported.rejects, 8);
    assert_eq!(records(&out.join("import-rejects.json")).len(), 8);
}

fn switchboard(url: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .args(args)
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run")
}

/// Whether a database file's header says WAL mode (bytes 18 and 19 are 2; 1 for a rollback journal).
fn wal_in_header(path: &Path) -> Option<bool> {
    let bytes = std::fs::read(path).ok()?;
    Some(bytes.get(18..20)? == [2, 2])
}

fn file_bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_default()
}

#[tokio::test]
async fn a_broken_file_stops_the_import_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("sb.db");
    let url = format!("sqlite://{}", db.display());
    // A database that already holds data.
    let edge = fixture("legacy-edge");
    let out = switchboard(&url, &["import-json", edge.to_str().expect("path")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let before = (file_bytes(&db), file_bytes(&dir.path().join("sb.db-wal")));

    // The sample with campaigns.json cut short in the middle of a record.
    let broken = dir.path().join("broken");
    std::fs::create_dir_all(&broken).expect("mkdir");
    for name in FILES {
        std::fs::copy(fixture("legacy-sample").join(name), broken.join(name)).expect("copy");
    }
    let text = std::fs::read_to_string(broken.join("campaigns.json")).expect("read");
    std::fs::write(broken.join("campaigns.json"), &text[..text.len() / 2]).expect("truncate");

    let out = switchboard(&url, &["import-json", broken.to_str().expect("path")]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    let error = stderr
        .lines()
        .find(|l| l.starts_with("error:"))
        .unwrap_or_default();
    assert!(error.contains("campaigns.json"), "{stderr}");
    assert!(error.contains("line ") && error.contains("column "), "{stderr}");
    assert!(error.contains("EOF"), "{stderr}");
    assert!(error.contains("nothing was imported"), "{stderr}");
    assert_eq!(
        (file_bytes(&db), file_bytes(&dir.path().join("sb.db-wal"))),
        before,
        "the database must not change"
    );

    // A file of the wrong shape stops it too.
    std::fs::copy(
        fixture("legacy-sample").join("campaigns.json"),
        broken.join("campaigns.json"),
    )
    .expect("copy");
    std::fs::write(broken.join("events.json"), r#"{"events": []}"#).expect("write");
    let out = switchboard(&url, &["import-json", broken.to_str().expect("path")]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("events.json") && stderr.contains("array"),
        "{stderr}"
    );
    assert_eq!(
        (file_bytes(&db), file_bytes(&dir.path().join("sb.db-wal"))),
        before
    );

    // A folder that is not there.
    let out = switchboard(&url, &["import-json", "/no/such/folder"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not a folder"));
}

#[test]
fn the_cli_prints_counts_per_file() {
    let dir = tempfile::tempdir().expect("tmp");
    let url = format!("sqlite://{}/sb.db", dir.path().display());
    let sample = fixture("legacy-sample");
    let out = switchboard(&url, &["import-json", sample.to_str().expect("path")]);
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout
        .lines()
        .find(|l| l.starts_with("campaign-metrics.json"))
        .expect("metrics line");
    let cols: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(cols[1..4], ["5400", "5400", "0"], "{line}");
    // The import wrote around the WAL (it was the database's only user) and put it back after.
    assert_eq!(wal_in_header(&dir.path().join("sb.db")), Some(true));
    let out = switchboard(
        &url,
        &["export-json", dir.path().join("out").to_str().expect("path")],
    );
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("campaign-metrics.json"));
}

#[tokio::test]
async fn a_corrected_record_imports_and_is_no_longer_a_reject() {
    let dir = tempfile::tempdir().expect("tmp");
    let (pool, _) = fresh_pool(dir.path()).await;
    let src = dir.path().join("legacy");
    std::fs::create_dir_all(&src).expect("mkdir");
    // proj_1 is refused (bad createdAt), then comes again corrected: the second one imports.
    write(
        &src,
        "projects.json",
        r#"[
        {"id": "proj_1", "name": "One", "createdAt": "soon"},
        {"id": "proj_1", "name": "One", "createdAt": "2026-06-01T09:00:00Z"}
    ]"#,
    );
    write(
        &src,
        "campaigns.json",
        r#"[
        {"id": "camp_1", "projectId": "proj_2", "platform": "meta", "externalId": "1", "name": "A", "status": "ACTIVE", "createdAt": "2026-06-01T09:00:00Z"}
    ]"#,
    );
    let report = import_dir(&pool, &src, &quiet).await.expect("import");
    assert_eq!(file(&report.files, "projects.json").imported, 1);
    assert_eq!(file(&report.files, "projects.json").refused.len(), 1);
    assert_eq!(file(&report.files, "campaigns.json").refused.len(), 1);

    // The campaign's project arrives later: the campaign imports and leaves the rejects.
    write(
        &src,
        "projects.json",
        r#"[
        {"id": "proj_1", "name": "One", "createdAt": "2026-06-01T09:00:00Z"},
        {"id": "proj_2", "name": "Two", "createdAt": "2026-06-01T09:00:00Z"}
    ]"#,
    );
    let report = import_dir(&pool, &src, &quiet).await.expect("import again");
    assert_eq!(file(&report.files, "campaigns.json").imported, 1);
    let left: Vec<(String, Option<String>)> =
        sqlx::query_as("SELECT file, record_id FROM import_rejects ORDER BY id")
            .fetch_all(&pool)
            .await
            .expect("q");
    assert!(
        left.is_empty(),
        "records now in the database are no longer rejects: {left:?}"
    );
}

#[tokio::test]
async fn a_record_repeated_in_another_layout_is_a_duplicate() {
    let dir = tempfile::tempdir().expect("tmp");
    let (pool, _) = fresh_pool(dir.path()).await;
    let src = dir.path().join("legacy");
    std::fs::create_dir_all(&src).expect("mkdir");
    write(
        &src,
        "activity.json",
        r#"[
        {"id": "act_1", "actor": "system", "action": "sync", "timestamp": "2026-06-01T09:00:00Z", "meta": {"n": 1}},
        {"id": "act_1", "actor": "system", "action": "sync", "timestamp": "2026-06-01T09:00:00Z", "meta": {"n": 1}},
        {  "meta" : { "n" : 1 }, "timestamp": "2026-06-01T09:00:00Z", "action": "sync",
           "actor": "system", "id": "act_1" },
        {"id": "act_1", "actor": "system", "action": "sync", "timestamp": "2026-06-01T09:00:00Z", "meta": {"n": 1.0}},
        {"id": "act_2", "actor": "system", "action": "sync", "timestamp": "2026-06-01T09:00:00Z"}
    ]"#,
    );
    let report = import_dir(&pool, &src, &quiet).await.expect("import");
    let activity = file(&report.files, "activity.json");
    assert_eq!(activity.imported, 2);
    // Byte for byte, and the same record with its keys in another order and other spacing.
    assert_eq!(activity.duplicates, 2);
    // 1.0 is not 1: a different record under a key already taken.
    assert_eq!(activity.refused.len(), 1, "{:?}", activity.refused);
    assert_eq!(activity.refused[0].position, 3);
    assert!(activity.refused[0].message.contains("different content"));
}

#[tokio::test]
async fn an_import_beside_other_connections_goes_through_the_wal() {
    let dir = tempfile::tempdir().expect("tmp");
    let (pool, _) = fresh_pool(dir.path()).await;
    // Another user of the database, as a running server would be.
    let mut other = pool.acquire().await.expect("conn");
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM projects")
        .fetch_one(&mut *other)
        .await
        .expect("q");
    assert_eq!(n, 0);
    let report = import_dir(&pool, &fixture("legacy-sample"), &quiet)
        .await
        .expect("import");
    assert_eq!(report.changed(), report.records());
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&mut *other)
        .await
        .expect("q");
    assert_eq!(mode, "wal");
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM campaign_daily_metrics")
        .fetch_one(&mut *other)
        .await
        .expect("q");
    assert_eq!(n, 5400);
    drop(other);
    pool.close().await;
    assert_eq!(wal_in_header(&dir.path().join("sb.db")), Some(true));
}
