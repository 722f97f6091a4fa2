//! Builds the application (database, services, router) and runs it until a shutdown signal.

use crate::config::Config;
use crate::db;
use crate::routes;
use crate::secrets::Keyring;
use crate::state::AppState;
use crate::wiring;
use anyhow::Context;
use app::{App, shell};
use axum::Router;
use axum::routing::get;
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, file_and_error_handler_with_context, generate_route_list};
use sqlx::SqlitePool;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;

/// A built application: the listener is bound (so the port is known) but nothing is served yet.
pub struct Application {
    listener: TcpListener,
    address: SocketAddr,
    router: Router,
    pool: SqlitePool,
    tools: Arc<dyn switchboard_core::ports::ToolRunner>,
}

impl Application {
    /// Opens and migrates the database, wires the services and binds the address (port 0 picks a
    /// free one, which tests use).
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        let pool = db::connect(config.database.clone()).await?;
        let applied = db::migrate(&pool).await?;
        if applied > 0 {
            tracing::info!(applied, "database migrations applied");
        }
        let listener = TcpListener::bind(config.addr)
            .await
            .with_context(|| format!("cannot listen on {}", config.addr))?;
        let address = listener.local_addr().context("cannot read the bound address")?;

        let database_file = config.database.get_filename();
        let (keyring, source) = Keyring::load(Some(database_file))?;
        tracing::info!(
            key = keyring.current_key_id(),
            ?source,
            "connection tokens are sealed with AES-256-GCM"
        );
        let mut connectors = config.connectors;
        connectors
            .public_url
            .get_or_insert_with(|| format!("http://{address}"));
        let infra = wiring::infrastructure(&pool, Arc::new(connectors), Arc::new(keyring), config.sync)?;
        let wiring = wiring::application(
            infra,
            wiring::AppSettings {
                engine: config.engine,
                outbound: config.outbound,
                notify: config.notify,
                access: config.access,
            },
        )?;
        // Runs that were under way when the server stopped carry on where they were.
        wiring.engine.resume_all().await?;
        crate::workflows::scheduler::spawn(wiring.engine.clone(), wiring.repos.workflows.clone());
        wiring.syncer.spawn_schedule();
        crate::sync::outcomes::spawn_schedule(
            wiring.services.memory.clone(),
            wiring.services.experiments.clone(),
            crate::sync::outcomes::EVERY,
        );
        wiring
            .notifier
            .start(&wiring.bus)
            .await
            .map_err(|e| anyhow::anyhow!("notifications could not start: {e}"))?;
        wiring.access.apply_owner_password().await?;
        let tools = wiring.repos.tools.clone();
        // Load the reports' facts now rather than on the first report.
        let analytics = wiring.repos.analytics.clone();
        tokio::spawn(async move {
            if let Err(e) = analytics.snapshot().await {
                tracing::warn!(error = ?e, "the analytics facts could not be loaded yet");
            }
        });
        let mut leptos_options = config.leptos;
        leptos_options.site_addr = address;

        let router = router(AppState {
            leptos_options,
            services: wiring.services,
            public_url: wiring.live.public_url().to_owned(),
            access: wiring.access,
        })?;
        Ok(Application {
            listener,
            address,
            router,
            pool,
            tools,
        })
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    pub fn port(&self) -> u16 {
        self.address.port()
    }

    /// Serves until `shutdown` resolves, then lets requests in flight finish and closes the database.
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send + 'static) -> anyhow::Result<()> {
        axum::serve(
            self.listener,
            self.router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await
        .context("the HTTP server failed")?;
        match self.tools.settle().await {
            Ok(0) => {}
            Ok(accounts) => tracing::info!(accounts, "test accounts stored whole"),
            Err(e) => {
                tracing::warn!(error = %e, "test accounts could not be stored whole; their change logs stand")
            }
        }
        self.pool.close().await;
        tracing::info!("Switchboard stopped");
        Ok(())
    }
}

fn router(state: AppState) -> anyhow::Result<Router> {
    let routes = generate_route_list(App);
    let services = state.services.clone();
    let context = move || provide_context(services.clone());
    let leptos_options = state.leptos_options.clone();
    let (api, doc) = crate::api::router();
    let document = routes::api_docs::ApiDocument::new(&doc).context("the OpenAPI document")?;

    Ok(Router::new()
        .route("/healthz", get(routes::healthz))
        .route(
            "/login",
            get(crate::auth::pages::show_login).post(crate::auth::pages::login),
        )
        .route(
            "/setup",
            get(crate::auth::pages::show_setup).post(crate::auth::pages::setup),
        )
        .route("/logout", axum::routing::post(crate::auth::pages::logout))
        .route("/oauth/start", get(routes::oauth::start_from_form))
        .route("/oauth/{platform}/start", get(routes::oauth::start))
        .route("/oauth/{platform}/callback", get(routes::oauth::callback))
        .route(
            crate::api::DOCUMENT_PATH,
            get(move || routes::api_docs::document(document.clone())),
        )
        .route("/api/docs", get(routes::api_docs::page))
        .nest("/api/v1", api)
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let leptos_options = leptos_options.clone();
            move || shell(leptos_options.clone())
        })
        .fallback(file_and_error_handler_with_context::<AppState, _>(context, shell))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::auth::guard::guard,
        ))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state))
}

/// Resolves on Ctrl-C (SIGINT) or SIGTERM. The handlers are installed when this is called, not when
/// the future is first polled, so a signal that arrives right after start-up is never missed.
pub fn shutdown_signal() -> impl Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let interrupt = signal(SignalKind::interrupt());
        let terminate = signal(SignalKind::terminate());
        async move {
            match (interrupt, terminate) {
                (Ok(mut interrupt), Ok(mut terminate)) => {
                    tokio::select! {
                        _ = interrupt.recv() => {},
                        _ = terminate.recv() => {},
                    }
                }
                (Err(error), _) | (_, Err(error)) => {
                    tracing::error!(%error, "cannot listen for shutdown signals; stop the process with SIGKILL");
                    std::future::pending::<()>().await;
                }
            }
            tracing::info!("shutdown signal received, finishing requests in flight");
        }
    }
    #[cfg(not(unix))]
    {
        async move {
            if let Err(error) = tokio::signal::ctrl_c().await {
                tracing::error!(%error, "cannot listen for Ctrl-C");
                std::future::pending::<()>().await;
            }
            tracing::info!("shutdown signal received, finishing requests in flight");
        }
    }
}
