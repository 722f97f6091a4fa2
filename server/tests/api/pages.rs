use crate::helpers::spawn_app;

#[tokio::test]
async fn pages_are_complete_html_with_hydration_scripts() {
    let app = spawn_app().await;
    let response = app.get("/").await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap_or_default()
            .starts_with("text/html")
    );
    let html = response.text().await.expect("body");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<title>Dashboard · Switchboard</title>"));
    assert!(html.contains("/pkg/switchboard.js"), "hydration script");
    assert!(html.contains("/pkg/switchboard.css"), "stylesheet");
    assert!(
        html.contains("aria-current=\"page\""),
        "the current area is marked in the sidebar"
    );
}

#[tokio::test]
async fn system_page_shows_health() {
    let app = spawn_app().await;
    let response = app.get("/system").await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.expect("body");
    assert!(html.contains("data-testid=\"system-health\""));
    assert!(html.contains("Healthy"));
    assert!(html.contains(env!("CARGO_PKG_VERSION")));
}

#[tokio::test]
async fn unknown_paths_are_404_pages() {
    let app = spawn_app().await;
    let response = app.get("/no/such/page").await;
    assert_eq!(response.status(), 404);
    let html = response.text().await.expect("body");
    assert!(html.contains("This page does not exist"));
}
