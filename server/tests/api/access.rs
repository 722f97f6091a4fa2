//! Access control: the first-run page, login sessions (cookies, cross-site refusals, logout), API
//! keys (valid, revoked), rate limits with Retry-After, and the owner's password from the
//! environment and the command line.

use crate::helpers::{TestApp, anonymous, spawn_app, spawn_app_with};
use reqwest::StatusCode;

pub(crate) const PASSWORD: &str = "correct horse battery staple";

fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned()
}

/// The session cookie a response sets ("sb_session=…").
fn session_cookie(r: &reqwest::Response) -> String {
    let set = r
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .expect("a cookie was set");
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax") && set.contains("Path=/"),
        "{set}"
    );
    set.split(';').next().unwrap_or("").to_owned()
}

async fn form(app: &TestApp, path: &str, fields: &[(&str, &str)], origin: Option<&str>) -> reqwest::Response {
    let mut req = anonymous().post(app.url(path)).form(fields);
    if let Some(o) = origin {
        req = req.header("origin", o);
    }
    req.send().await.expect("post")
}

pub(crate) async fn login(app: &TestApp) -> String {
    let r = form(
        app,
        "/login",
        &[("password", PASSWORD), ("next", "/analytics")],
        None,
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/analytics");
    session_cookie(&r)
}

#[tokio::test]
async fn a_new_server_asks_for_the_owners_password_and_protects_everything_else() {
    let app = spawn_app().await;
    let none = anonymous();
    let r = none.get(app.url("/api/v1/projects")).send().await.expect("get");
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(r.headers()["www-authenticate"], "Bearer");
    assert_eq!(
        none.get(app.url("/healthz")).send().await.expect("get").status(),
        StatusCode::OK
    );
    let r = none.get(app.url("/projects")).send().await.expect("get");
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/setup");
    let r = none.get(app.url("/login")).send().await.expect("get");
    assert_eq!(location(&r), "/setup");
    let r = none
        .post(app.url("/rpc/dashboard_summary"))
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "server functions too");

    let page = none
        .get(app.url("/setup"))
        .send()
        .await
        .expect("get")
        .text()
        .await
        .expect("html");
    assert!(page.contains(r#"name="confirm""#));
    let r = form(
        &app,
        "/setup",
        &[("password", PASSWORD), ("confirm", "something else entirely")],
        None,
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = form(
        &app,
        "/setup",
        &[("password", "short"), ("confirm", "short")],
        None,
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap_or_default().contains("12 characters"));
    let r = form(
        &app,
        "/setup",
        &[("password", PASSWORD), ("confirm", PASSWORD)],
        None,
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let cookie = session_cookie(&r);

    let r = none
        .get(app.url("/projects"))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), StatusCode::OK);
    // Set once: the first-run page is gone.
    let r = none.get(app.url("/setup")).send().await.expect("get");
    assert_eq!(location(&r), "/login");
    let r = form(
        &app,
        "/setup",
        &[
            ("password", "another password!"),
            ("confirm", "another password!"),
        ],
        None,
    )
    .await;
    assert_eq!(location(&r), "/login");
    let r = none
        .get(app.url("/analytics?from=2026-06-01"))
        .send()
        .await
        .expect("get");
    assert_eq!(location(&r), "/login?next=/analytics%3Ffrom%3D2026-06-01");
}

#[tokio::test]
async fn sessions_log_in_change_things_from_this_site_only_and_log_out() {
    let app = spawn_app_with(|c| c.access.owner_password = Some(PASSWORD.to_owned())).await;
    let r = form(&app, "/login", &[("password", "not the password")], None).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r.headers().get("set-cookie").is_none());
    let cookie = login(&app).await;
    let none = anonymous();

    let r = none
        .get(app.url("/api/v1/projects"))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), StatusCode::OK, "the session works for the API too");
    let origin = format!("http://{}", app.address);
    let create = |o: &str| {
        none.post(app.url("/api/v1/projects"))
            .header("cookie", &cookie)
            .header("origin", o)
            .json(&serde_json::json!({"name": "From a page"}))
            .send()
    };
    assert_eq!(
        create("https://evil.example").await.expect("post").status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(create(&origin).await.expect("post").status(), StatusCode::CREATED);
    // A login form posted from another site is refused too.
    let r = form(
        &app,
        "/login",
        &[("password", PASSWORD)],
        Some("https://evil.example"),
    )
    .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    let r = none
        .post(app.url("/logout"))
        .header("cookie", &cookie)
        .header("origin", &origin)
        .send()
        .await
        .expect("logout");
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(
        r.headers()["set-cookie"]
            .to_str()
            .unwrap_or("")
            .contains("Max-Age=0")
    );
    let r = none
        .get(app.url("/api/v1/projects"))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "the session ended");
}

#[tokio::test]
async fn api_keys_open_the_api_until_revoked() {
    let app = spawn_app().await;
    let (status, made) = app
        .post_json("/api/v1/api-keys", serde_json::json!({"name": "CI"}))
        .await;
    assert_eq!(status, 201);
    let key = made["key"].as_str().expect("key").to_owned();
    let with = |k: &str| {
        anonymous()
            .get(app.url("/api/v1/projects"))
            .header("authorization", format!("Bearer {k}"))
            .send()
    };
    assert_eq!(with(&key).await.expect("get").status(), StatusCode::OK);
    let r = app
        .client
        .delete(app.url(&format!("/api/v1/api-keys/{}", made["id"].as_str().expect("id"))))
        .send()
        .await
        .expect("revoke");
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(with(&key).await.expect("get").status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        with("sbk_not-a-real-key").await.expect("get").status(),
        StatusCode::UNAUTHORIZED
    );
    assert!(app.api_key.starts_with("sbk_"));
}

#[tokio::test]
async fn callers_over_their_budget_get_429_with_retry_after() {
    let app = spawn_app_with(|c| {
        c.access.per_minute = 60;
        c.access.burst = 3;
        c.access.owner_password = Some(PASSWORD.to_owned());
    })
    .await;
    for _ in 0..3 {
        assert_eq!(app.get("/api/v1/projects").await.status(), StatusCode::OK);
    }
    let r = app.get("/api/v1/projects").await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = r.headers()["retry-after"]
        .to_str()
        .expect("text")
        .parse()
        .expect("seconds");
    assert!((1..=2).contains(&wait), "{wait}");

    // Guessing passwords: five tries at once, then a wait.
    for _ in 0..5 {
        let r = form(&app, "/login", &[("password", "a wrong guess!")], None).await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    let r = form(&app, "/login", &[("password", PASSWORD)], None).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers().contains_key("retry-after"));
}
