//! The REST API over a database holding the legacy sample.

use crate::helpers::{TestApp, spawn_app};
use serde_json::{Value, json};
use std::path::Path;

async fn app_with_sample() -> TestApp {
    let app = spawn_app().await;
    let pool = app.pool().await;
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/legacy-sample");
    server::legacy::import_dir(&pool, &sample, &|_| {})
        .await
        .expect("import");
    pool.close().await;
    app
}

async fn json(app: &TestApp, path: &str) -> (u16, Value) {
    let r = app.get(path).await;
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn error_code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn projects_can_be_listed_created_read_and_patched() {
    let app = app_with_sample().await;
    let (status, list) = json(&app, "/api/v1/projects").await;
    assert_eq!(status, 200);
    assert_eq!(list.as_array().map(Vec::len), Some(5));
    assert_eq!(
        list[0]["campaigns"], 12,
        "counts of campaigns come with each project"
    );
    let (_, active) = json(&app, "/api/v1/projects?status=active").await;
    assert_eq!(active.as_array().map(Vec::len), Some(3));

    let created = app
        .client
        .post(app.url("/api/v1/projects"))
        .json(
            &json!({"name": "Nordic Outdoor", "client": "Fjäll AB", "monthly_budget": "42000.50",
                      "currency": "sek", "platforms": ["meta", "pinterest"]}),
        )
        .send()
        .await
        .expect("post");
    assert_eq!(created.status(), 201);
    let project: Value = created.json().await.expect("json");
    let id = project["id"].as_str().expect("id").to_owned();
    assert!(id.starts_with("proj_"));
    assert_eq!(project["monthly_budget"], 42_000_500_000_i64);
    assert_eq!(project["currency"], "SEK");
    assert_eq!(project["platforms"], json!(["meta", "pinterest"]));

    let (status, read) = json(&app, &format!("/api/v1/projects/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(read["name"], "Nordic Outdoor");

    let patched = app
        .client
        .patch(app.url(&format!("/api/v1/projects/{id}")))
        .json(&json!({"status": "archived", "client": null}))
        .send()
        .await
        .expect("patch");
    assert_eq!(patched.status(), 200);
    let patched: Value = patched.json().await.expect("json");
    assert_eq!(patched["status"], "archived");
    assert_eq!(patched["client"], Value::Null);
    assert_eq!(
        patched["name"], "Nordic Outdoor",
        "fields left out keep their value"
    );
    assert!(patched["updated_at"].is_string());

    // The changes are in the activity feed.
    let pool = app.pool().await;
    let actions: Vec<String> =
        sqlx::query_scalar("SELECT action FROM activity WHERE project_id = ? ORDER BY occurred_at")
            .bind(&id)
            .fetch_all(&pool)
            .await
            .expect("q");
    assert_eq!(actions, ["project.created", "project.archived"]);
}

#[tokio::test]
async fn bad_project_input_is_a_4xx_with_a_message() {
    let app = app_with_sample().await;
    let post = |body: Value| app.client.post(app.url("/api/v1/projects")).json(&body).send();
    let r = post(json!({"name": "  ", "monthly_budget": "lots", "platforms": ["tiktok"]}))
        .await
        .expect("post");
    assert_eq!(r.status(), 422);
    let body: Value = r.json().await.expect("json");
    assert_eq!(error_code(&body), "validation_failed");
    let fields: Vec<&str> = body["error"]["fields"]
        .as_array()
        .map(|a| a.iter().filter_map(|f| f["field"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(fields, ["name", "monthly_budget", "platforms"]);

    let r = app
        .client
        .post(app.url("/api/v1/projects"))
        .header("content-type", "application/json")
        .body("{\"name\": ")
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 400);
    assert_eq!(error_code(&r.json().await.expect("json")), "bad_request");

    let r = app
        .client
        .post(app.url("/api/v1/projects"))
        .body("name=x")
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 400);

    let r = app
        .client
        .patch(app.url("/api/v1/projects/proj_0001"))
        .json(&json!({"nmae": "typo"}))
        .send()
        .await
        .expect("patch");
    assert_eq!(r.status(), 400, "unknown fields are refused");

    for path in [
        "/api/v1/projects/proj_9999",
        "/api/v1/projects/not-an-id",
        "/api/v1/nothing-here",
    ] {
        let (status, body) = json(&app, path).await;
        assert_eq!(status, 404, "{path}");
        assert_eq!(error_code(&body), "not_found", "{path}");
    }
    let (status, body) = json(&app, "/api/v1/projects?status=deleted").await;
    assert_eq!((status, error_code(&body)), (400, "bad_request"));
}

#[tokio::test]
async fn a_project_vertical_is_one_of_the_names() {
    let app = app_with_sample().await;
    let created = app
        .client
        .post(app.url("/api/v1/projects"))
        .json(&json!({"name": "Casa Bella", "vertical": "Home Decor"}))
        .send()
        .await
        .expect("post");
    assert_eq!(created.status(), 201);
    let project: Value = created.json().await.expect("json");
    assert_eq!(project["vertical"], "home_decor");
    let id = project["id"].as_str().expect("id").to_owned();
    let pool = app.pool().await;
    let stored: Option<String> = sqlx::query_scalar("SELECT vertical FROM projects WHERE id = ?")
        .bind(&id)
        .fetch_one(&pool)
        .await
        .expect("q");
    assert_eq!(stored.as_deref(), Some("home_decor"));
    // The sample's free-text 'ecommerce' was imported as retail.
    let (_, sample) = json(&app, "/api/v1/projects/proj_0003").await;
    assert_eq!(sample["vertical"], "retail");

    let post = app
        .client
        .post(app.url("/api/v1/projects"))
        .json(&json!({"name": "Paws", "vertical": "pets"}))
        .send()
        .await
        .expect("post");
    assert_eq!(post.status(), 422);
    let body: Value = post.json().await.expect("json");
    assert_eq!(error_code(&body), "validation_failed");
    let fields = body["error"]["fields"].as_array().cloned().unwrap_or_default();
    assert_eq!(fields.len(), 1, "{body}");
    assert_eq!(fields[0]["field"], "vertical");
    let message = fields[0]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("'pets'") && message.contains("home_decor") && message.contains("other"),
        "{message}"
    );

    let patch = |body: Value| {
        app.client
            .patch(app.url(&format!("/api/v1/projects/{id}")))
            .json(&body)
            .send()
    };
    let r = patch(json!({"vertical": "E-Commerce"})).await.expect("patch");
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.expect("json")["vertical"], "retail");
    let r = patch(json!({"vertical": "pets"})).await.expect("patch");
    assert_eq!(r.status(), 422);
    let r = patch(json!({"vertical": null})).await.expect("patch");
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.expect("json")["vertical"], Value::Null);
    // Blank clears it too (a form's empty choice), as the document says; a blank status is refused.
    patch(json!({"vertical": "saas"})).await.expect("patch");
    let r = patch(json!({"vertical": " "})).await.expect("patch");
    assert_eq!(r.json::<Value>().await.expect("json")["vertical"], Value::Null);
    let r = patch(json!({"status": ""})).await.expect("patch");
    assert_eq!(r.status(), 422);
    let body = r.json::<Value>().await.expect("json");
    assert_eq!(body["error"]["fields"][0]["field"], "status", "{body}");
    let (_, doc) = json(&app, "/api/openapi.json").await;
    let documented = &doc["components"]["schemas"]["ProjectPatch"]["properties"]["vertical"]["oneOf"];
    assert_eq!(
        documented[0]["$ref"], "#/components/schemas/Vertical",
        "{documented}"
    );
    assert_eq!(documented[1]["pattern"], r"^\s*$", "{documented}");

    // A stored word that names no vertical (written by hand, say) reads as other.
    sqlx::query("UPDATE projects SET vertical = 'Pet supplies' WHERE id = ?")
        .bind(&id)
        .execute(&pool)
        .await
        .expect("q");
    let (status, read) = json(&app, &format!("/api/v1/projects/{id}")).await;
    assert_eq!((status, &read["vertical"]), (200, &json!("other")));
    let page = app.get(&format!("/projects/{id}")).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("body");
    let shown = html
        .split_once("data-testid=\"project-vertical\">")
        .map(|(_, rest)| rest.chars().take(40).collect::<String>())
        .unwrap_or_default();
    assert!(shown.contains("Other"), "the page shows the label: {shown}");
}

#[tokio::test]
async fn campaigns_filter_sort_and_page() {
    let app = app_with_sample().await;
    let (status, page) = json(&app, "/api/v1/campaigns?project_id=proj_0002&platform=meta").await;
    assert_eq!(status, 200);
    assert_eq!(page["total"], 6);
    assert!(page["items"].as_array().is_some_and(|a| {
        a.iter()
            .all(|c| c["platform"] == "meta" && c["project_id"] == "proj_0002")
    }));

    let (_, paused) = json(
        &app,
        "/api/v1/campaigns?status=paused&limit=5&offset=0&sort=-daily_budget",
    )
    .await;
    assert_eq!(paused["items"].as_array().map(Vec::len), Some(5));
    let budgets: Vec<i64> = paused["items"]
        .as_array()
        .map(|a| a.iter().filter_map(|c| c["daily_budget"].as_i64()).collect())
        .unwrap_or_default();
    assert!(
        budgets.windows(2).all(|w| w[0] >= w[1]),
        "sorted by budget, largest first: {budgets:?}"
    );
    assert_eq!(paused["total"], 28);

    for bad in [
        "platform=bing",
        "status=running",
        "sort=spend",
        "limit=100000",
        "project_id=camp_1",
        "offset=-1",
    ] {
        let (status, body) = json(&app, &format!("/api/v1/campaigns?{bad}")).await;
        assert_eq!((status, error_code(&body)), (400, "bad_request"), "{bad}");
        assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
}

#[tokio::test]
async fn campaign_detail_and_daily_metrics() {
    let app = app_with_sample().await;
    let (status, c) = json(&app, "/api/v1/campaigns/camp_00002").await;
    assert_eq!(status, 200);
    assert_eq!(c["platform"], "meta");
    assert_eq!(c["platform_status"], "ACTIVE");
    assert_eq!(c["status"], "active");

    let (status, m) = json(
        &app,
        "/api/v1/campaigns/camp_00002/metrics?from=2026-06-01&to=2026-06-07",
    )
    .await;
    assert_eq!(status, 200);
    let days = m["days"].as_array().cloned().unwrap_or_default();
    assert_eq!(days.len(), 7);
    assert_eq!(days[0]["date"], "2026-06-01");
    // From the raw record: spend "162.04", 28202 impressions, 279 clicks, 14 purchases worth 1668.32.
    assert_eq!(days[0]["values"]["spend"], 162_040_000);
    assert_eq!(days[0]["values"]["impressions"], 28_202);
    assert_eq!(days[0]["values"]["conversions"], 14.0);
    assert_eq!(days[0]["values"]["conversion_value"], 1_668_320_000_i64);

    let (_, all) = json(&app, "/api/v1/campaigns/camp_00002/metrics").await;
    assert_eq!(all["days"].as_array().map(Vec::len), Some(90));

    for (path, status) in [
        (
            "/api/v1/campaigns/camp_00002/metrics?from=2026-06-07&to=2026-06-01",
            400,
        ),
        ("/api/v1/campaigns/camp_00002/metrics?from=June", 400),
        ("/api/v1/campaigns/camp_99999/metrics", 404),
        ("/api/v1/campaigns/camp_99999", 404),
    ] {
        let (got, body) = json(&app, path).await;
        assert_eq!(got, status, "{path}");
        assert!(body["error"]["message"].is_string(), "{path}");
    }
}

#[tokio::test]
async fn every_api_refusal_is_json() {
    let app = app_with_sample().await;
    let r = app
        .client
        .delete(app.url("/api/v1/projects/proj_0001"))
        .send()
        .await
        .expect("delete");
    assert_eq!(r.status(), 405);
    assert_eq!(error_code(&r.json().await.expect("json")), "method_not_allowed");
    let r = app.get("/api/v1/projects/%FF%FE").await;
    assert_eq!(r.status(), 400);
    assert_eq!(error_code(&r.json().await.expect("json")), "bad_request");
    let r = app
        .client
        .post(app.url("/api/v1/projects"))
        .json(&json!({"name": "x", "colour": "red"}))
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 400, "unknown fields are refused on create too");
}

#[tokio::test]
async fn a_patch_keeps_an_exact_budget() {
    let app = app_with_sample().await;
    let created: Value = app
        .client
        .post(app.url("/api/v1/projects"))
        .json(&json!({"name": "Exact", "monthly_budget": "2500.505"}))
        .send()
        .await
        .expect("post")
        .json()
        .await
        .expect("json");
    let id = created["id"].as_str().expect("id");
    let patched: Value = app
        .client
        .patch(app.url(&format!("/api/v1/projects/{id}")))
        .json(&json!({"name": "Exact 2"}))
        .send()
        .await
        .expect("patch")
        .json()
        .await
        .expect("json");
    assert_eq!(patched["monthly_budget"], 2_500_505_000_i64);
}
