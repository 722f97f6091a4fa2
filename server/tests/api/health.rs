use crate::helpers::spawn_app;
use serde_json::Value;

#[tokio::test]
async fn healthz_reports_version_and_database() {
    let app = spawn_app().await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap_or_default()
            .starts_with("application/json")
    );
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["status"], "ok");
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(body["database"]["reachable"], true);
    assert!(body["database"]["latency_ms"].is_u64());
}

#[tokio::test]
async fn database_runs_in_wal_mode_with_foreign_keys() {
    let app = spawn_app().await;
    let pool = app.pool().await;
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&pool)
        .await
        .expect("pragma");
    assert_eq!(mode, "wal");
    // The app's own connections enforce foreign keys: a campaign needs an existing project.
    sqlx::query("PRAGMA foreign_keys = ON")
        .execute(&pool)
        .await
        .expect("pragma");
    let orphan = sqlx::query(
        "INSERT INTO campaigns (id, project_id, platform, external_id, name, status, platform_status, created_at) \
         VALUES ('camp_1', 'proj_missing', 'google', '123', 'x', 'active', 'ENABLED', '2026-01-01T00:00:00Z')",
    )
    .execute(&pool)
    .await;
    assert!(orphan.is_err(), "a campaign without its project must be refused");
}
