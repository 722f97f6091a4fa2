//! The repositories directly, against a temporary SQLite file holding the legacy sample.

use server::db;
use sqlx::SqlitePool;
use std::path::Path;
use switchboard_core::campaign::{CampaignQuery, CampaignSort, CampaignStatus};
use switchboard_core::ports::Repos;
use switchboard_core::project::{ProjectFilter, ProjectInput, ProjectStatus};
use switchboard_core::{CampaignId, Platform, ProjectId, RepoError};

/// The services over `pool`, with default connector settings and a throwaway key.
pub fn wired(pool: &SqlitePool) -> Repos {
    let settings = std::sync::Arc::new(server::connectors::ConnectorSettings {
        test_latency: switchboard_core::connectors::testmode::latency::Latency::Off,
        ..server::connectors::ConnectorSettings::from_env()
    });
    let keyring = std::sync::Arc::new(server::secrets::Keyring::new(&[3; 32], &[]));
    server::wiring::infrastructure(pool, settings, keyring, server::sync::SyncSettings::default())
        .expect("services")
        .repos
}

async fn services() -> (Repos, SqlitePool, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tmp");
    let url = format!("sqlite://{}/sb.db", dir.path().display());
    let pool = db::connect(db::connect_options(&url).expect("url"))
        .await
        .expect("open");
    db::migrate(&pool).await.expect("migrate");
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/legacy-sample");
    server::legacy::import_dir(&pool, &sample, &|_| {})
        .await
        .expect("import");
    (wired(&pool), pool, dir)
}

/// A test connection on `project`, its account generated from `seed`.
async fn test_connection(
    services: &Repos,
    project: &str,
    platform: Platform,
    seed: u64,
) -> switchboard_core::connection::Connection {
    let draft = switchboard_core::connection::ConnectionInput {
        project_id: project.into(),
        platform: platform.as_str().into(),
        seed: Some(seed),
        ..Default::default()
    }
    .validate()
    .expect("draft");
    let today = chrono::Utc::now().date_naive();
    let account =
        switchboard_core::connectors::testmode::TestAccount::generate(platform, seed, draft.currency, today);
    services
        .connections
        .create_test(draft, &account, "user")
        .await
        .expect("connection")
}

fn id(s: &str) -> ProjectId {
    ProjectId::parse(s).expect("id")
}

#[tokio::test]
async fn project_repo_lists_creates_updates_and_archives() {
    let (s, _pool, _dir) = services().await;
    let all = s.projects.list(&ProjectFilter::default()).await.expect("list");
    assert_eq!(all.len(), 5);
    assert!(all.iter().all(|p| p.campaigns == 12));
    // Archived projects sort last.
    assert_eq!(
        all.last().map(|p| p.project.status),
        Some(ProjectStatus::Archived)
    );
    let found = s
        .projects
        .list(&ProjectFilter {
            status: None,
            search: Some("finance".into()),
        })
        .await
        .expect("search");
    assert_eq!(found.len(), 1);
    let none = s
        .projects
        .list(&ProjectFilter {
            status: None,
            search: Some("100%_".into()),
        })
        .await
        .expect("wildcards are literal");
    assert!(none.is_empty());

    let draft = ProjectInput {
        name: "Repo Test".into(),
        ..Default::default()
    }
    .validate()
    .expect("valid");
    let created = s.projects.create(draft, "user").await.expect("create");
    assert_eq!(s.projects.get(&created.id).await.expect("get"), created);
    let renamed = ProjectInput {
        name: "Repo Test 2".into(),
        ..Default::default()
    }
    .validate()
    .expect("valid");
    let updated = s
        .projects
        .update(&created.id, renamed, "user")
        .await
        .expect("update");
    assert_eq!(updated.name, "Repo Test 2");
    assert!(updated.updated_at.is_some());
    let archived = s
        .projects
        .set_status(&created.id, ProjectStatus::Archived, "user")
        .await
        .expect("archive");
    assert_eq!(archived.status, ProjectStatus::Archived);

    let feed = s.activity.recent(Some(&created.id), 10).await.expect("feed");
    let actions: Vec<&str> = feed.iter().map(|a| a.action.as_str()).collect();
    assert_eq!(
        actions,
        ["project.archived", "project.updated", "project.created"]
    );

    let missing = s.projects.get(&id("proj_nothere")).await;
    assert!(matches!(missing, Err(RepoError::NotFound { .. })));
    let draft = ProjectInput {
        name: "x".into(),
        ..Default::default()
    }
    .validate()
    .expect("valid");
    assert!(matches!(
        s.projects.update(&id("proj_nothere"), draft, "user").await,
        Err(RepoError::NotFound { .. })
    ));
}

#[tokio::test]
async fn campaign_repo_filters_sorts_and_pages() {
    let (s, _pool, _dir) = services().await;
    let page = s.campaigns.list(&CampaignQuery::default()).await.expect("list");
    assert_eq!((page.total, page.items.len()), (60, 50));
    let second = s
        .campaigns
        .list(&CampaignQuery {
            offset: 50,
            ..Default::default()
        })
        .await
        .expect("page 2");
    assert_eq!(second.items.len(), 10);
    assert!(
        second.items.iter().all(|c| !page.items.contains(c)),
        "pages do not overlap"
    );

    let q = CampaignQuery {
        project_id: Some(id("proj_0001")),
        platform: Some(Platform::Google),
        status: Some(CampaignStatus::Active),
        sort: CampaignSort::DailyBudget,
        descending: true,
        ..Default::default()
    };
    let list = s.campaigns.list(&q).await.expect("filtered");
    assert!(
        list.items
            .iter()
            .all(|c| c.platform == Platform::Google && c.status == CampaignStatus::Active)
    );
    let budgets: Vec<i64> = list
        .items
        .iter()
        .filter_map(|c| c.daily_budget.map(|m| m.get()))
        .collect();
    assert!(budgets.windows(2).all(|w| w[0] >= w[1]));

    let by_text = s
        .campaigns
        .list(&CampaignQuery {
            search: Some("5664107866".into()),
            ..Default::default()
        })
        .await
        .expect("search by platform id");
    assert_eq!(by_text.total, 1);

    let one = s
        .campaigns
        .get(&CampaignId::parse("camp_00001").expect("id"))
        .await
        .expect("get");
    assert_eq!(one.external_id, "5664107866");
    assert!(matches!(
        s.campaigns
            .get(&CampaignId::parse("camp_nothere").expect("id"))
            .await,
        Err(RepoError::NotFound { .. })
    ));
}

#[tokio::test]
async fn metrics_repo_reads_a_date_range() {
    let (s, _pool, _dir) = services().await;
    let camp = CampaignId::parse("camp_00001").expect("id");
    let all = s.metrics.campaign_daily(&camp, None, None).await.expect("all");
    assert_eq!(all.len(), 90);
    assert!(all.windows(2).all(|w| w[0].date < w[1].date), "oldest first");
    let from = chrono::NaiveDate::from_ymd_opt(2026, 6, 10);
    let to = chrono::NaiveDate::from_ymd_opt(2026, 6, 19);
    let range = s.metrics.campaign_daily(&camp, from, to).await.expect("range");
    assert_eq!(range.len(), 10);
    assert_eq!(Some(range[0].date), from);
    // 2026-06-01 from the raw record: costMicros "38906681", 619 impressions, 19 clicks.
    let first = &all[0].values;
    assert_eq!(
        (first.spend.get(), first.impressions, first.clicks),
        (38_906_681, 619, 19)
    );
}

#[tokio::test]
async fn activity_repo_returns_the_newest_first() {
    let (s, _pool, _dir) = services().await;
    let recent = s.activity.recent(None, 5).await.expect("recent");
    assert_eq!(recent.len(), 5);
    assert!(recent.windows(2).all(|w| w[0].occurred_at >= w[1].occurred_at));
    let project = s
        .activity
        .recent(Some(&id("proj_0004")), 500)
        .await
        .expect("project");
    assert!(!project.is_empty());
    assert!(
        project
            .iter()
            .all(|a| a.project_id.as_ref().map(|p| p.as_str()) == Some("proj_0004"))
    );
}

// The demo (`seed-demo`) is tested whole in `demo.rs`.

#[tokio::test]
async fn tool_calls_inside_a_run_are_recorded_in_its_event_log() {
    use serde_json::json;
    use switchboard_core::ExecutionId;
    use switchboard_core::execution::ToolCallScope;

    let (services, _pool, _dir) = services().await;
    let connection = test_connection(&services, "proj_0001", Platform::Meta, 3).await;
    let execution = ExecutionId::parse("exec_000001").expect("id");
    let last = services
        .events
        .list(&execution, 0)
        .await
        .expect("events")
        .last()
        .map_or(0, |e| e.seq);
    let scope = ToolCallScope {
        execution: execution.clone(),
        stage_id: Some("s2".into()),
        agent: Some("Trader".into()),
        idempotency_key: None,
        first_attempt: false,
        connection: None,
    };
    let listed = services
        .tools
        .run_in(
            &scope,
            Platform::Meta,
            "list_campaigns",
            &connection.id,
            json!({"limit": 3}),
        )
        .await
        .expect("runs");
    assert_eq!(listed["data"].as_array().map(Vec::len), Some(3));
    let refused = services
        .tools
        .run_in(
            &scope,
            Platform::Meta,
            "list_campaigns",
            &connection.id,
            json!({"limit": "many"}),
        )
        .await;
    assert!(refused.is_err());

    // Tool calls are recorded without waiting; a later awaited append commits after them.
    let marker = services
        .events
        .append(&execution, "test.marker", json!({}))
        .await
        .expect("marker");
    let events = services.events.list(&execution, last).await.expect("events");
    assert_eq!(events.len(), 3);
    assert_eq!(events[2].seq, marker.seq);
    assert!(events[0].seq > last && events[1].seq > events[0].seq);
    let ok = &events[0];
    assert_eq!(ok.kind, "tool.called");
    assert_eq!(ok.data["tool"], "list_campaigns");
    assert_eq!(ok.data["platform"], "meta");
    assert_eq!(ok.data["connectionId"], connection.id.as_str());
    assert_eq!(ok.data["params"], json!({"limit": 3}));
    assert_eq!(ok.data["outcome"], "ok");
    assert_eq!(ok.data["rows"], 3);
    assert_eq!(ok.data["stageId"], "s2");
    assert_eq!(ok.data["agent"], "Trader");
    assert!(ok.data["durationMs"].is_u64());
    let failed = &events[1].data;
    assert_eq!(failed["outcome"], "error");
    assert!(
        failed["error"]
            .as_str()
            .is_some_and(|e| e.contains("params.limit")),
        "{failed}"
    );

    // An unknown execution does not stop the tool; the log refuses the event.
    let unknown = ExecutionId::parse("exec_nope").expect("id");
    assert!(matches!(
        services.events.append(&unknown, "tool.called", json!({})).await,
        Err(RepoError::NotFound { .. })
    ));
}

#[tokio::test]
async fn the_scheduler_makes_up_a_missed_run_once() {
    use server::workflows::{Engine, EngineSettings, scheduler};
    use switchboard_core::workflow::WorkflowInput;
    let (services, pool, _dir) = services().await;
    let engine = Engine::new(
        services.clone(),
        server::workflows::EventBus::new(),
        EngineSettings::default(),
    );
    let draft = WorkflowInput {
        name: "Hourly report".into(),
        project_id: Some("proj_0001".into()),
        trigger: Some("schedule".into()),
        schedule: Some("0 * * * *".into()),
        stages: vec![switchboard_core::workflow::StageInput {
            agent: "Analyst".into(),
            action: "report".into(),
            ..Default::default()
        }],
        ..Default::default()
    }
    .validate()
    .expect("draft");
    let workflow = services.workflows.create(draft, "user").await.expect("create");
    // Made yesterday, never run since: one run now, not twenty-four.
    let yesterday = (chrono::Utc::now() - chrono::Duration::days(1))
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string();
    sqlx::query("UPDATE workflows SET created_at = ? WHERE id = ?")
        .bind(&yesterday)
        .bind(workflow.id.as_str())
        .execute(&pool)
        .await
        .expect("backdate");
    assert_eq!(
        scheduler::tick(&engine, services.workflows.as_ref())
            .await
            .expect("tick"),
        1
    );
    assert_eq!(
        scheduler::tick(&engine, services.workflows.as_ref())
            .await
            .expect("tick"),
        0
    );
    let runs = services
        .executions
        .list(&switchboard_core::execution::ExecutionFilter {
            status: None,
            project_id: None,
            workflow_id: None,
            limit: 500,
        })
        .await
        .expect("runs");
    let mine: Vec<_> = runs
        .iter()
        .filter(|r| r.workflow_id.as_ref() == Some(&workflow.id))
        .collect();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].input["trigger"], "schedule");
    assert!(
        services
            .workflows
            .get(&workflow.id)
            .await
            .expect("get")
            .scheduled_at
            .is_some()
    );
}

/// A write refused inside a batch (its run does not exist) is answered with its refusal; the
/// writes committed beside it are not lost.
#[tokio::test]
async fn a_refused_write_does_not_sink_the_writes_beside_it() {
    use switchboard_core::ExecutionId;
    let (services, _pool, _dir) = services().await;
    let known = ExecutionId::parse("exec_000001").expect("id");
    let missing = ExecutionId::parse("exec_missing").expect("id");
    let appends = (0..40).map(|i| {
        let (events, id) = (
            services.events.clone(),
            if i % 2 == 0 {
                known.clone()
            } else {
                missing.clone()
            },
        );
        tokio::spawn(async move {
            (
                id.clone(),
                events
                    .append(&id, "test.noted", serde_json::json!({"i": i}))
                    .await,
            )
        })
    });
    for joined in futures_util::future::join_all(appends).await {
        let (id, outcome) = joined.expect("task");
        match outcome {
            Ok(event) => assert_eq!(event.execution_id, known),
            Err(e) => {
                assert_eq!(id, missing);
                assert!(matches!(e, RepoError::NotFound { .. }), "{e:?}");
            }
        }
    }
    let noted = services
        .events
        .list(&known, 0)
        .await
        .expect("events")
        .into_iter()
        .filter(|e| e.kind == "test.noted")
        .count();
    assert_eq!(noted, 20);
}

/// Before the server stops, test accounts with logged changes are stored whole: the next start
/// reads them as they are, whatever generator it runs.
#[tokio::test]
async fn settling_stores_changed_test_accounts_whole_and_empties_their_logs() {
    use serde_json::json;
    let (services, pool, _dir) = services().await;
    let connection = test_connection(&services, "proj_0001", Platform::Google, 4).await;
    for n in 0..5 {
        services
            .tools
            .run(
                Platform::Google,
                "create_campaign",
                &connection.id,
                json!({"name": format!("Settled {n}"), "budget_micros": 1_000_000, "advertising_channel_type": "SEARCH"}),
            )
            .await
            .expect("write");
    }
    let logged = || async {
        sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM connector_test_account_changes WHERE connection_id = ?",
        )
        .bind(connection.id.as_str())
        .fetch_one(&pool)
        .await
        .expect("count")
    };
    assert_eq!(logged().await, 5);
    assert_eq!(services.tools.settle().await.expect("settle"), 1);
    assert_eq!(logged().await, 0);
    // Nothing left to store the second time.
    assert_eq!(services.tools.settle().await.expect("settle"), 0);
    let stored = services
        .connections
        .test_account(&connection.id)
        .await
        .expect("account");
    assert_eq!(stored.changes, 0);
    let settled = stored
        .account
        .campaigns
        .iter()
        .filter(|c| c.name.starts_with("Settled "))
        .count();
    assert_eq!(settled, 5);
}

/// Every spelling `Vertical::parse_word` reads (names, labels, aliases), some in other cases and
/// with other separators, and words it does not.
const OLD_VERTICALS: &[&str] = &[
    "home_decor",
    "Home decor",
    "home",
    "home_garden",
    "Home & Garden",
    "home and garden",
    "furniture",
    "interior",
    "Interiors",
    "fashion",
    "apparel",
    "Clothing",
    "beauty",
    "cosmetics",
    "skincare",
    "food",
    "Food & drink",
    "food-and-drink",
    "restaurants",
    "grocery",
    "travel",
    "TRAVEL",
    " travel ",
    "hospitality",
    "tourism",
    "outdoor",
    "saas",
    "Software (SaaS)",
    "software",
    "B2B SaaS",
    "tech",
    "finance",
    "Financial services",
    "banking",
    "insurance",
    "fintech",
    "health",
    "healthcare",
    "wellness",
    "fitness",
    "education",
    "EdTech",
    "learning",
    "automotive",
    "auto",
    "cars",
    "retail",
    "Retail & e-commerce",
    "ecommerce",
    "E-Commerce",
    "e commerce",
    "shop",
    "shopping",
    "gaming",
    "games",
    "video games",
    "Video-Games",
    "other",
    "Other",
    "pets",
    "Pet supplies",
    "B2B",
    "42",
];

#[tokio::test]
async fn the_vertical_migration_turns_free_text_into_names() {
    let dir = tempfile::tempdir().expect("tmp");
    let url = format!("sqlite://{}/sb.db", dir.path().display());
    let pool = db::connect(db::connect_options(&url).expect("url"))
        .await
        .expect("open");
    // A database from before the fixed list, with free-text verticals.
    db::MIGRATOR
        .run_to(20261205000015, &pool)
        .await
        .expect("migrate to 15");
    let mut rows: Vec<(String, Option<&str>)> = OLD_VERTICALS
        .iter()
        .enumerate()
        .map(|(i, word)| (format!("proj_m{i:03}"), Some(*word)))
        .collect();
    rows.push(("proj_mempty".into(), Some("  ")));
    rows.push(("proj_mnone".into(), None));
    for (id, word) in &rows {
        sqlx::query("INSERT INTO projects (id, name, vertical, created_at) VALUES (?, ?, ?, ?)")
            .bind(id)
            .bind(format!("Project {id}"))
            .bind(word)
            .bind("2026-06-01T09:00:00.000Z")
            .execute(&pool)
            .await
            .expect("insert");
    }
    db::migrate(&pool).await.expect("migrate");

    let repos = wired(&pool);
    for (id, word) in &rows {
        let stored: Option<String> = sqlx::query_scalar("SELECT vertical FROM projects WHERE id = ?")
            .bind(id)
            .fetch_one(&pool)
            .await
            .expect("q");
        // The migration reads each word as the code does.
        let expected = switchboard_core::project::stored_vertical(*word);
        assert_eq!(stored.as_deref(), expected.map(|v| v.as_str()), "{word:?}");
        let project = repos
            .projects
            .get(&ProjectId::parse(id).expect("id"))
            .await
            .expect("get");
        assert_eq!(project.vertical, expected, "{word:?}");
    }
    let named = |word: &str| {
        let i = OLD_VERTICALS.iter().position(|w| *w == word).expect("listed");
        rows[i].0.clone()
    };
    use switchboard_core::vertical::Vertical;
    let vertical = |id: String| {
        let repos = &repos;
        async move {
            repos
                .projects
                .get(&ProjectId::parse(&id).expect("id"))
                .await
                .expect("get")
                .vertical
        }
    };
    assert_eq!(vertical(named("E-Commerce")).await, Some(Vertical::Retail));
    assert_eq!(vertical(named("Home & Garden")).await, Some(Vertical::HomeDecor));
    assert_eq!(vertical(named("Pet supplies")).await, Some(Vertical::Other));
    assert_eq!(vertical("proj_mempty".into()).await, None);

    // The words as they were are kept for the legacy export, which writes them back.
    let out = dir.path().join("export");
    server::legacy::export_dir(&pool, &out).await.expect("export");
    let text = std::fs::read_to_string(out.join("projects.json")).expect("projects.json");
    let exported: Vec<serde_json::Value> = serde_json::from_str(&text).expect("json");
    for (id, word) in &rows {
        let record = exported
            .iter()
            .find(|r| r["id"] == id.as_str())
            .expect("exported");
        let expected = word.map_or(serde_json::Value::Null, |w| {
            serde_json::Value::String(w.to_owned())
        });
        assert_eq!(record["vertical"], expected, "{id}");
    }
}
