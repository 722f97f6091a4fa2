use crate::helpers::{TestApp, spawn_app};
use sqlx::SqlitePool;

/// The number shown on a dashboard tile, read from the server-rendered HTML.
fn tile_value(html: &str, testid: &str) -> String {
    let marker = format!("data-testid=\"{testid}\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("tile {testid} missing"));
    let rest = &html[start..];
    let value_at = rest.find("stat-card__value").expect("value");
    let rest = &rest[value_at..];
    let open = rest.find('>').expect(">") + 1;
    let close = rest[open..].find('<').expect("<") + open;
    rest[open..close].replace('\u{202f}', "")
}

async fn dashboard_html(app: &TestApp) -> String {
    let response = app.get("/").await;
    assert_eq!(response.status(), 200);
    response.text().await.expect("body")
}

async fn seed(pool: &SqlitePool) {
    let now = "2026-11-01T09:00:00Z";
    for (id, status) in [("proj_a", "active"), ("proj_b", "archived")] {
        sqlx::query("INSERT INTO projects (id, name, status, created_at) VALUES (?, ?, ?, ?)")
            .bind(id)
            .bind(format!("Project {id}"))
            .bind(status)
            .bind(now)
            .execute(pool)
            .await
            .expect("project");
    }
    let campaigns = [
        ("camp_1", "google", "active", "ENABLED"),
        ("camp_2", "google", "paused", "PAUSED"),
        ("camp_3", "meta", "active", "ACTIVE"),
        ("camp_4", "pinterest", "active", "ACTIVE"),
        ("camp_5", "pinterest", "removed", "ARCHIVED"),
    ];
    for (id, platform, status, native) in campaigns {
        sqlx::query(
            "INSERT INTO campaigns (id, project_id, platform, external_id, name, status, platform_status, created_at) \
             VALUES (?, 'proj_a', ?, ?, ?, ?, ?, ?)",
        )
        .bind(id)
        .bind(platform)
        .bind(format!("ext-{id}"))
        .bind(format!("Campaign {id}"))
        .bind(status)
        .bind(native)
        .bind(now)
        .execute(pool)
        .await
        .expect("campaign");
    }
    sqlx::query("INSERT INTO workflows (id, name, created_at) VALUES ('wf_1', 'Weekly report', ?)")
        .bind(now)
        .execute(pool)
        .await
        .expect("workflow");
    for (id, status) in [
        ("exec_1", "running"),
        ("exec_2", "failed"),
        ("exec_3", "completed"),
    ] {
        sqlx::query("INSERT INTO executions (id, workflow_id, project_id, status, created_at) VALUES (?, 'wf_1', 'proj_a', ?, ?)")
            .bind(id)
            .bind(status)
            .bind(now)
            .execute(pool)
            .await
            .expect("execution");
    }
}

#[tokio::test]
async fn empty_database_shows_zeros_and_the_empty_state() {
    let app = spawn_app().await;
    let html = dashboard_html(&app).await;
    for tile in [
        "stat-projects",
        "stat-campaigns",
        "stat-workflows",
        "stat-executions",
    ] {
        assert_eq!(tile_value(&html, tile), "0", "{tile}");
    }
    assert!(html.contains("data-testid=\"empty-state\""));
    assert!(html.contains("Google Ads") && html.contains("Meta Ads") && html.contains("Pinterest Ads"));
}

#[tokio::test]
async fn dashboard_counts_what_is_in_the_database() {
    let app = spawn_app().await;
    seed(&app.pool().await).await;
    let html = dashboard_html(&app).await;
    assert_eq!(tile_value(&html, "stat-projects"), "2");
    assert!(html.contains("1 active"), "one active project");
    assert_eq!(tile_value(&html, "stat-campaigns"), "5");
    assert!(html.contains("3 active"), "three active campaigns");
    assert_eq!(tile_value(&html, "stat-workflows"), "1");
    assert_eq!(tile_value(&html, "stat-executions"), "3");
    assert!(html.contains("1 running · 1 failed"));
    assert!(!html.contains("data-testid=\"empty-state\""));
    // Per platform: Google 2, Meta 1, Pinterest 2.
    let list_at = html
        .find("data-testid=\"platform-counts\"")
        .expect("platform list");
    let list = &html[list_at..];
    let counts: Vec<String> = list
        .match_indices("platform-list__count\">")
        .take(3)
        .map(|(i, m)| {
            let rest = &list[i + m.len()..];
            rest[..rest.find('<').expect("<")].to_owned()
        })
        .collect();
    assert_eq!(counts, ["2", "1", "2"]);
}
