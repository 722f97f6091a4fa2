use server::{Application, Config};
use sqlx::SqlitePool;
use sqlx::sqlite::SqlitePoolOptions;
use std::net::SocketAddr;
use tempfile::TempDir;
use tokio::sync::oneshot;

/// A running application with its own database file, stopped when dropped.
pub struct TestApp {
    pub address: SocketAddr,
    pub client: reqwest::Client,
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

    /// A second connection to the same database, to arrange data as another process would.
    pub async fn pool(&self) -> SqlitePool {
        SqlitePoolOptions::new()
            .max_connections(1)
            .connect(&self.database_url)
            .await
            .expect("cannot open the test database")
    }
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
    if std::env::var("TEST_LOG").is_ok() {
        server::telemetry::init();
    }
    let dir = tempfile::tempdir().expect("no temp dir");
    let database_url = format!("sqlite://{}/switchboard.db?mode=rwc", dir.path().display());
    let mut config = Config::load(&database_url, Some("127.0.0.1:0".parse().expect("addr"))).expect("config");
    configure(&mut config);
    let app = Application::build(config).await.expect("the app did not build");
    let address = app.address();
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(app.run_until(async move {
        let _ = stopped.await;
    }));
    TestApp {
        address,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client"),
        database_url,
        _dir: dir,
        stop: Some(stop),
    }
}
