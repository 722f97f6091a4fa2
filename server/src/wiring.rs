//! Composition: builds the repositories over one database, the connectors, the tool runner, the
//! syncer, the event bus, the executor, the webhooks, the notifier and access control, then the
//! application services over them. Nothing else in the server builds these; start-up starts what
//! this builds.

use crate::auth::access::{Access, AccessSettings};
use crate::connectors::{ConnectorSettings, LiveConnectors, LocalToolRunner};
use crate::db::{self, Db};
use crate::notifications::{Notifier, NotifySettings};
use crate::outbound::{OutboundClient, OutboundSettings};
use crate::secrets::Keyring;
use crate::services;
use crate::sync::{SyncSettings, Syncer};
use crate::webhooks::Hooks;
use crate::workflows::{Engine, EngineSettings, EventBus};
use sqlx::SqlitePool;
use std::sync::Arc;
use switchboard_core::ports::{ConnectionRepo, EventLog, Repos, ToolRunner};
use switchboard_core::service::{MemoryService, ProjectService, Services};

/// The repositories and the infrastructure beside them (what tests and benchmarks drive directly).
pub struct Infrastructure {
    pub repos: Repos,
    /// Live mode's connectors and OAuth flow.
    pub live: Arc<LiveConnectors>,
    /// Where the journal publishes each event it stores.
    pub bus: EventBus,
    /// The performance sync, whose schedule start-up starts.
    pub syncer: Arc<Syncer>,
    /// The owner's password and the login sessions, on the same write connection as the rest.
    pub access_store: db::AccessStore,
    /// The database's keyring (connection tokens, webhook secrets, channel addresses).
    pub keyring: Arc<Keyring>,
}

/// Every repository over one database, the connectors and the tool runner.
pub fn infrastructure(
    pool: &SqlitePool,
    settings: Arc<ConnectorSettings>,
    keyring: Arc<Keyring>,
    sync: SyncSettings,
) -> anyhow::Result<Infrastructure> {
    let bus = EventBus::new();
    let db = Db::new(pool, Arc::new(bus.clone()));
    let connections: Arc<dyn ConnectionRepo> = Arc::new(db::SqliteConnectionRepo::new(db.clone()));
    let live = Arc::new(LiveConnectors::new(
        settings,
        keyring.clone(),
        connections.clone(),
    )?);
    let events: Arc<dyn EventLog> = Arc::new(db::SqliteEventLog::new(db.clone()));
    let tools: Arc<dyn ToolRunner> = Arc::new(LocalToolRunner::new(
        connections.clone(),
        live.clone(),
        events.clone(),
    ));
    let syncer = Syncer::new(
        db::SqliteSyncRepo::new(db.clone()),
        connections.clone(),
        tools.clone(),
        sync,
    );
    let repos = Repos {
        dashboard: Arc::new(db::SqliteDashboardRepo::new(db.clone())),
        health: Arc::new(db::SqliteHealthProbe::new(db.clone())),
        projects: Arc::new(db::SqliteProjectRepo::new(db.clone())),
        campaigns: Arc::new(db::SqliteCampaignRepo::new(db.clone())),
        metrics: Arc::new(db::SqliteMetricsRepo::new(db.clone())),
        analytics: Arc::new(db::SqliteAnalyticsRepo::new(db.clone())),
        activity: Arc::new(db::SqliteActivityRepo::new(db.clone())),
        connections,
        tools,
        events,
        workflows: Arc::new(db::SqliteWorkflowRepo::new(db.clone())),
        executions: Arc::new(db::SqliteExecutionRepo::new(db.clone())),
        webhooks: Arc::new(db::SqliteWebhookRepo::new(db.clone())),
        api_keys: Arc::new(db::SqliteApiKeyRepo::new(db.clone())),
        notifications: Arc::new(db::SqliteNotificationRepo::new(db.clone())),
        proposals: Arc::new(db::SqliteProposalRepo::new(db.clone())),
        memories: Arc::new(db::SqliteMemoryRepo::new(db.clone())),
        experiments: Arc::new(db::SqliteExperimentRepo::new(db.clone())),
    };
    Ok(Infrastructure {
        repos,
        live,
        bus,
        syncer,
        access_store: db::AccessStore::new(db),
        keyring,
    })
}

/// The settings of the parts built over the infrastructure.
pub struct AppSettings {
    pub engine: EngineSettings,
    pub outbound: OutboundSettings,
    pub notify: NotifySettings,
    pub access: AccessSettings,
}

/// The whole application, built but not started.
pub struct Wiring {
    pub services: Services,
    /// The repositories, for start-up (resuming runs, the scheduler, settling test accounts).
    pub repos: Repos,
    pub live: Arc<LiveConnectors>,
    pub bus: EventBus,
    pub syncer: Arc<Syncer>,
    pub engine: Arc<Engine>,
    pub notifier: Arc<Notifier>,
    pub access: Arc<Access>,
}

/// The executor, webhooks, notifier, access control and the application services over `infra`.
pub fn application(infra: Infrastructure, settings: AppSettings) -> anyhow::Result<Wiring> {
    let Infrastructure {
        repos,
        live,
        bus,
        syncer,
        access_store,
        keyring,
    } = infra;
    let public_url = live.public_url().to_owned();
    let hooks = Hooks::new(repos.webhooks.clone(), keyring.clone(), &public_url);
    let engine = Engine::new(repos.clone(), bus.clone(), settings.engine);
    let outbound = OutboundClient::new(settings.outbound)?;
    let notifier = Notifier::new(repos.clone(), keyring, outbound, settings.notify, public_url)?;
    // The flash cookie is `Secure` when the session cookie is.
    let secure_cookies = settings.access.secure_cookies;
    let access = Arc::new(Access::new(access_store, repos.api_keys.clone(), settings.access));
    // The agents' memory: the engine recalls it and hands it each run's changes; the sync has it
    // measure the outcomes whose days have passed.
    let memory: Arc<dyn MemoryService> = Arc::new(services::Memories::new(
        repos.memories.clone(),
        repos.projects.clone(),
        repos.campaigns.clone(),
        repos.connections.clone(),
        services::MemorySettings::from_env(),
    ));
    engine.set_memory(memory.clone());
    syncer.set_memory(memory.clone());
    let projects: Arc<dyn ProjectService> = Arc::new(services::Projects {
        projects: repos.projects.clone(),
        campaigns: repos.campaigns.clone(),
        activity: repos.activity.clone(),
        analytics: repos.analytics.clone(),
    });
    let experiments: Arc<dyn switchboard_core::service::ExperimentService> =
        Arc::new(services::Experiments {
            experiments: repos.experiments.clone(),
            projects: repos.projects.clone(),
            campaigns: repos.campaigns.clone(),
            metrics: repos.metrics.clone(),
            connections: repos.connections.clone(),
            tools: repos.tools.clone(),
            memory: memory.clone(),
            notifier: notifier.clone(),
            evaluating: tokio::sync::Mutex::new(()),
            engine: engine.clone(),
            workflows: repos.workflows.clone(),
            executions: repos.executions.clone(),
        });
    syncer.set_experiments(experiments.clone());
    engine.set_experiments(experiments.clone());
    let services = Services {
        experiments,
        flash: Arc::new(services::Flashes::new(secure_cookies)),
        analytics: Arc::new(services::Analytics {
            analytics: repos.analytics.clone(),
        }),
        sync: Arc::new(services::PerformanceSync {
            syncer: syncer.clone(),
        }),
        campaigns: Arc::new(services::Campaigns {
            campaigns: repos.campaigns.clone(),
            metrics: repos.metrics.clone(),
            projects: repos.projects.clone(),
            analytics: repos.analytics.clone(),
        }),
        system: Arc::new(services::System {
            health: repos.health.clone(),
            dashboard: repos.dashboard.clone(),
        }),
        connections: Arc::new(services::Connections {
            connections: repos.connections.clone(),
            projects: repos.projects.clone(),
            tools: repos.tools.clone(),
            live: live.clone(),
        }),
        notifications: Arc::new(services::Notifications {
            notifier: notifier.clone(),
            notifications: repos.notifications.clone(),
            projects: repos.projects.clone(),
            executions: repos.executions.clone(),
        }),
        projects: projects.clone(),
        webhooks: Arc::new(services::Webhooks {
            hooks,
            workflows: repos.workflows.clone(),
            api_keys: repos.api_keys.clone(),
            projects,
            engine: engine.clone(),
        }),
        api_keys: Arc::new(services::ApiKeys {
            repo: repos.api_keys.clone(),
        }),
        workflows: Arc::new(services::Workflows {
            workflows: repos.workflows.clone(),
            executions: repos.executions.clone(),
            projects: repos.projects.clone(),
        }),
        executions: Arc::new(services::Executions {
            engine: engine.clone(),
            workflows: repos.workflows.clone(),
            executions: repos.executions.clone(),
            events: repos.events.clone(),
            projects: repos.projects.clone(),
            proposals: repos.proposals.clone(),
        }),
        memory,
        approvals: Arc::new(services::Approvals {
            engine: engine.clone(),
            proposals: repos.proposals.clone(),
            events: repos.events.clone(),
            projects: repos.projects.clone(),
        }),
    };
    Ok(Wiring {
        services,
        repos,
        live,
        bus,
        syncer,
        engine,
        notifier,
        access,
    })
}
