use server::{Application, Config};
use sqlx::SqlitePool;
use sqlx::sqlite::SqlitePoolOptions;
use std::net::SocketAddr;
use tempfile::TempDir;
use tokio::sync::oneshot;

/// A running application with its own database file, stopped when dropped.
pub struct TestApp {
    pub address: SocketAddr,
    /// Sends the test's API key with every request.
    pub client: reqwest::Client,
    /// The API key `client` sends (`sbk_…`).
    pub api_key: String,
    pub database_url: String,
    _dir: TempDir,
    stop: Option<oneshot::Sender<()>>,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request failed")
    }

    /// POSTs JSON; answers the status and the JSON body (null when there is none).
    pub async fn post_json(&self, path: &str, body: serde_json::Value) -> (u16, serde_json::Value) {
        let r = self
            .client
            .post(self.url(path))
            .json(&body)
            .send()
            .await
            .expect("request failed");
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(serde_json::Value::Null))
    }

    pub async fn get_json(&self, path: &str) -> (u16, serde_json::Value) {
        let r = self.get(path).await;
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(serde_json::Value::Null))
    }

    /// Creates a project through the API; answers its id.
    pub async fn new_project(&self, name: &str, currency: &str) -> String {
        let (status, p) = self
            .post_json(
                "/api/v1/projects",
                serde_json::json!({"name": name, "currency": currency}),
            )
            .await;
        assert_eq!(status, 201, "{p}");
        p["id"].as_str().unwrap_or_default().to_owned()
    }

    /// A second connection to the same database, to arrange data as another process would.
    pub async fn pool(&self) -> SqlitePool {
        SqlitePoolOptions::new()
            .max_connections(1)
            .connect(&self.database_url)
            .await
            .expect("cannot open the test database")
    }
}

/// A client that sends no credentials (and follows no redirects).
pub fn anonymous() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// An application whose configuration `configure` adjusts first (live-mode settings, retries).
pub async fn spawn_app_with(configure: impl FnOnce(&mut Config)) -> TestApp {
    let dir = tempfile::tempdir().expect("no temp dir");
    spawn_app_in(dir, configure).await
}

/// An application over `dir/switchboard.db`, which may already hold data (the demo's).
pub async fn spawn_app_in(dir: TempDir, configure: impl FnOnce(&mut Config)) -> TestApp {
    if std::env::var("TEST_LOG").is_ok() {
        server::telemetry::init();
    }
    let database_url = format!("sqlite://{}/switchboard.db?mode=rwc", dir.path().display());
    let mut config = Config::load(&database_url, Some("127.0.0.1:0".parse().expect("addr"))).expect("config");
    // No scheduled sync landing in the middle of a test; tests sync on demand.
    config.sync.default_schedule = "off".to_owned();
    // Test-mode calls answer at once in the tests (a test that wants latency sets it).
    config.connectors.test_latency = switchboard_core::connectors::testmode::latency::Latency::Off;
    configure(&mut config);
    let app = Application::build(config).await.expect("the app did not build");
    let address = app.address();
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(app.run_until(async move {
        let _ = stopped.await;
    }));
    let (_, api_key) = server::auth::api_keys::create_in(&database_url, "tests")
        .await
        .expect("an API key");
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::AUTHORIZATION,
        format!("Bearer {api_key}").parse().expect("header"),
    );
    TestApp {
        address,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .default_headers(headers)
            .build()
            .expect("client"),
        api_key,
        database_url,
        _dir: dir,
        stop: Some(stop),
    }
}

/// A test account as the server rebuilds it from storage (its snapshot with the change log
/// replayed), read through the server's own repository.
pub async fn stored_test_account(
    pool: &SqlitePool,
    connection: &str,
) -> switchboard_core::connectors::testmode::LoggedAccount {
    let id = switchboard_core::ConnectionId::try_from(connection.to_owned()).expect("connection id");
    crate::repos::wired(pool)
        .connections
        .test_account(&id)
        .await
        .expect("test account")
}

/// Starts a sync and waits for it to finish; answers the finished run.
pub async fn sync(app: &TestApp) -> serde_json::Value {
    let response = app
        .client
        .post(app.url("/api/v1/analytics/sync"))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status().as_u16(), 202);
    let started: serde_json::Value = response.json().await.expect("json");
    let id = started["run_id"].as_i64().expect("run id");
    for _ in 0..600 {
        let (status, overview) = app.get_json("/api/v1/analytics/sync").await;
        assert_eq!(status, 200, "{overview}");
        let run = overview["runs"]
            .as_array()
            .and_then(|runs| runs.iter().find(|r| r["id"] == id))
            .cloned()
            .expect("the run is listed");
        if run["state"] != "running" {
            return run;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the sync did not finish");
}
