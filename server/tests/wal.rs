//! The WAL under thousands of commits, in a test binary of its own: it measures what the
//! checkpointer keeps up with, which two cores shared with a hundred tests running side by side
//! (the API suite) do not leave it room to show.

use server::db;

/// The journal's writer leaves checkpoints to a thread of its own: the WAL is still copied back
/// and reused, so thousands of commits leave it small (without checkpoints it would pass 3,000
/// pages, 48 MB at 16 KiB a page).
#[tokio::test]
// Fails about one run in three on this 2-core machine (the WAL reaching 20-60 MB: no checkpoint
// let it start over during the run), in the API suite and alone; the cause is not found yet
// (closing note of 2026-12-06). Run it with `cargo test -p server --test wal -- --ignored`.
#[ignore = "intermittent: the WAL sometimes never starts over; under investigation"]
async fn the_write_ahead_log_stays_small_over_thousands_of_commits() {
    use switchboard_core::ExecutionId;
    let dir = tempfile::tempdir().expect("tmp");
    let url = format!("sqlite://{}/sb.db", dir.path().display());
    let pool = db::connect(db::connect_options(&url).expect("url"))
        .await
        .expect("open");
    db::migrate(&pool).await.expect("migrate");
    // The legacy sample holds the run the events are appended to.
    let sample = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/legacy-sample");
    server::legacy::import_dir(&pool, &sample, &|_| {})
        .await
        .expect("import");
    let settings = std::sync::Arc::new(server::connectors::ConnectorSettings::from_env());
    let keyring = std::sync::Arc::new(server::secrets::Keyring::new(&[3; 32], &[]));
    let services =
        server::wiring::infrastructure(&pool, settings, keyring, server::sync::SyncSettings::default())
            .expect("services")
            .repos;
    let execution = ExecutionId::parse("exec_000001").expect("id");
    let data = serde_json::json!({"message": "x".repeat(200)});
    for _ in 0..3_000 {
        // Each append waits for its commit: one commit each.
        services
            .events
            .append(&execution, "test.noted", data.clone())
            .await
            .expect("append");
    }
    let wal = std::fs::metadata(dir.path().join("sb.db-wal")).map_or(0, |m| m.len());
    assert!(wal < 16 << 20, "the WAL grew to {wal} bytes");
}
