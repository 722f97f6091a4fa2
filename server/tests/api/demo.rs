//! The demo as `make run` makes it (`switchboard seed-demo` on a fresh database): each project
//! holds its own brand's campaigns and connections in the client's currency and time zone, every
//! seeded workflow belongs to a project and starts from REST, and the run history is real agent
//! work. Beside it: a workflow without a project is asked for one (422 naming `project_id`), and
//! an imported workflow with the earlier version's words saves unchanged.

use crate::helpers::{spawn_app, spawn_app_in};
use crate::workflows::stream;
use serde_json::{Value, json};
use std::process::Command;
use std::time::{Duration, Instant};

fn seed_demo(url: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .arg("seed-demo")
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        // The test suites run without test-mode latency.
        .env("SWITCHBOARD_TESTMODE_LATENCY", "off")
        .output()
        .expect("seed-demo ran");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

fn array(v: &Value) -> &Vec<Value> {
    v.as_array().unwrap_or_else(|| panic!("not a list: {v}"))
}

/// Polls a run until it has ended or waits for approval.
async fn settle(app: &crate::helpers::TestApp, id: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (status, run) = app.get_json(&format!("/api/v1/executions/{id}")).await;
        assert_eq!(status, 200, "{run}");
        let s = run["status"].as_str().unwrap_or_default();
        if matches!(s, "completed" | "failed" | "cancelled" | "awaiting_approval") {
            return run;
        }
        assert!(Instant::now() < deadline, "run {id} still {s}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn the_demo_tells_one_story_and_every_seeded_workflow_runs() {
    let dir = tempfile::tempdir().expect("tmp");
    let url = format!("sqlite://{}/switchboard.db?mode=rwc", dir.path().display());
    let started = Instant::now();
    let said = seed_demo(&url);
    assert!(
        started.elapsed() < Duration::from_secs(45),
        "seeding took {:?}",
        started.elapsed()
    );
    assert!(
        said.contains("4 projects") && said.contains("6 workflows"),
        "{said}"
    );
    assert!(said.contains("runs made by the agents"), "{said}");
    // A second seed leaves the database alone.
    assert!(seed_demo(&url).contains("nothing was added"));

    let app = spawn_app_in(dir, |_| {}).await;
    let (_, projects) = app.get_json("/api/v1/projects").await;
    let projects = array(&projects);
    assert_eq!(projects.len(), 4, "{projects:?}");
    let (_, connections) = app.get_json("/api/v1/connections").await;
    let connections = array(&connections);
    let brand_of = |name: &str| match name {
        "Alpine Trails Travel" => ("Alpine Trails", "EUR", "Europe/Berlin"),
        "Northwind Outfitters" => ("Northwind", "USD", "America/Chicago"),
        "Bright Path Learning" => ("Bright Path", "USD", "America/New_York"),
        "Harbor Bank Savings" => ("Harbor Bank", "GBP", "Europe/London"),
        other => panic!("an unexpected demo project: {other}"),
    };
    for p in projects {
        let project = p.get("project").unwrap_or(p);
        let id = project["id"].as_str().expect("id");
        let (brand, currency, zone) = brand_of(project["name"].as_str().expect("name"));
        assert_eq!(project["currency"], currency, "{project}");
        // One connection per platform it uses, named after its brand, in its currency and zone.
        let own: Vec<&Value> = connections.iter().filter(|c| c["project_id"] == id).collect();
        let platforms = array(&project["platforms"]);
        assert_eq!(own.len(), platforms.len(), "{id}: {own:?}");
        for c in &own {
            let name = c["name"].as_str().unwrap_or_default();
            assert!(name.starts_with(brand), "{id}: connection {name}");
            assert_eq!(c["currency"], currency, "{c}");
            assert_eq!(c["time_zone"], zone, "{c}");
        }
        // Its campaigns carry only its brand.
        let (_, page) = app
            .get_json(&format!("/api/v1/campaigns?project_id={id}&limit=500"))
            .await;
        let campaigns = page["items"]
            .as_array()
            .or_else(|| page["campaigns"].as_array())
            .expect("campaigns");
        assert!(
            campaigns.len() >= 3 * platforms.len(),
            "{id}: {} campaigns",
            campaigns.len()
        );
        for c in campaigns {
            let name = c["name"].as_str().unwrap_or_default();
            assert!(
                name.starts_with(brand),
                "{id} holds another brand's campaign: {name}"
            );
        }
    }

    // The agents' memory holds the history: 60 and more learnings across the four clients, measured,
    // pending, inconclusive and merged ones, each with the sightings it was recorded from.
    let (status, page) = app.get_json("/api/v1/memories?limit=500").await;
    assert_eq!(status, 200, "{page}");
    let memories = array(&page["items"]);
    assert!(page["total"].as_u64() >= Some(60), "{} learnings", page["total"]);
    assert_eq!(page["total"].as_u64(), Some(memories.len() as u64));
    for p in projects {
        let id = p.get("project").unwrap_or(p)["id"].as_str().expect("id");
        let own = memories.iter().filter(|m| m["project_id"] == id).count();
        assert!(own >= 10, "{id} has {own} learnings");
    }
    let status_of = |s: &str| memories.iter().filter(|m| m["outcome"]["status"] == s).count();
    assert!(status_of("measured") >= 30, "{} measured", status_of("measured"));
    assert!(status_of("pending") >= 5, "{} pending", status_of("pending"));
    assert!(
        status_of("inconclusive") >= 3,
        "{} inconclusive",
        status_of("inconclusive")
    );
    let merged = memories
        .iter()
        .filter(|m| m["evidence"].as_u64() > Some(1))
        .count();
    assert!(merged >= 10, "{merged} learnings seen more than once");
    for kind in ["outcome", "insight", "note"] {
        assert!(memories.iter().any(|m| m["kind"] == kind), "no {kind}");
    }
    assert!(memories.iter().any(|m| m["agent"] == "person"));
    // Dated in the past as they happened, not when seeding ran.
    let oldest = memories
        .iter()
        .filter_map(|m| m["created_at"].as_str())
        .min()
        .expect("dates");
    let month_ago = (chrono::Utc::now() - chrono::Duration::days(30)).to_rfc3339();
    assert!(oldest < month_ago.as_str(), "oldest learning {oldest}");
    // The story recall tells: raising Meta budgets for the retail client lowered ROAS, repeatedly.
    let retail = projects
        .iter()
        .map(|p| p.get("project").unwrap_or(p))
        .find(|p| p["name"] == "Northwind Outfitters")
        .and_then(|p| p["id"].as_str())
        .expect("Northwind");
    let (status, recalled) = app
        .get_json(&format!(
            "/api/v1/memories/recall?project_id={retail}&platform=meta&action=budget_increase&limit=3"
        ))
        .await;
    assert_eq!(status, 200, "{recalled}");
    assert!(
        array(&recalled["items"])
            .iter()
            .map(|r| &r["memory"])
            .any(|m| m["action"] == "budget_increase"
                && m["outcome"]["verdict"] == "bad"
                && m["evidence"].as_u64() >= Some(3)),
        "{recalled}"
    );

    // Every seeded workflow belongs to a project and its runs are real agent work.
    let (_, workflows) = app.get_json("/api/v1/workflows").await;
    // Beside them, the workflow the demo's A/B test winner was applied through.
    let (seeded, appliers): (Vec<&Value>, Vec<&Value>) = array(&workflows)
        .iter()
        .partition(|w| w["template_id"] != "apply_experiment");
    let workflows = seeded;
    assert_eq!(workflows.len(), 6);
    assert!(appliers.len() <= 1, "{appliers:?}");

    // The A/B tests: a Pinterest ad test decided and its winner applied by a completed run, a
    // running (or decided) campaign test, and a draft.
    let (status, tests) = app.get_json("/api/v1/experiments").await;
    assert_eq!(status, 200, "{tests}");
    let tests = array(&tests["items"]);
    assert_eq!(tests.len(), 3, "{tests:?}");
    let named = |n: &str| {
        tests
            .iter()
            .find(|t| t["name"].as_str().is_some_and(|x| x.starts_with(n)))
            .unwrap_or_else(|| panic!("no test {n}: {tests:?}"))
    };
    let pins = named("Pin creative");
    assert_eq!(pins["status"], "applied", "{pins}");
    let run = pins["applied_by"].as_str().expect("the apply run");
    let (_, detail) = app.get_json(&format!("/api/v1/executions/{run}")).await;
    assert_eq!(detail["status"], "completed", "{detail}");
    assert!(
        pins["decision"].as_str().is_some_and(|d| d.contains("wins")),
        "{pins}"
    );
    assert_eq!(named("Pinterest audiences")["status"], "draft");
    assert!(named("Meta").is_object());
    let mut tool_calls = 0;
    for w in workflows {
        let wid = w["id"].as_str().expect("id");
        assert!(w["project_id"].is_string(), "{w}");
        let (_, runs) = app
            .get_json(&format!("/api/v1/executions?workflow_id={wid}"))
            .await;
        let runs = array(&runs);
        assert!(runs.len() >= 2, "{}: {} runs", w["name"], runs.len());
        for run in runs {
            let status = run["status"].as_str().unwrap_or_default();
            assert!(
                matches!(status, "completed" | "awaiting_approval" | "failed"),
                "{}: a seeded run is {status}",
                w["name"]
            );
            if status != "completed" {
                continue;
            }
            let rid = run["id"].as_str().expect("id");
            let events = stream(&app, &format!("/api/v1/executions/{rid}/events"), None).await;
            let kinds: Vec<&str> = events.iter().map(|(_, k, _)| k.as_str()).collect();
            assert!(
                kinds.contains(&"stage.started") && kinds.contains(&"stage.completed"),
                "{kinds:?}"
            );
            assert!(kinds.contains(&"agent.reasoning"), "{kinds:?}");
            for (_, kind, e) in &events {
                if kind == "tool.called" {
                    tool_calls += 1;
                    let data = &e["data"];
                    assert!(data["tool"].as_str().is_some_and(|t| !t.is_empty()), "{e}");
                    assert!(data["durationMs"].is_u64(), "{e}");
                    assert!(data["stageId"].is_string(), "{e}");
                }
            }
        }
        // And it starts from REST now, ending or stopping for approval.
        let (status, started) = app
            .post_json("/api/v1/executions", json!({"workflow_id": wid}))
            .await;
        assert_eq!(status, 202, "{}: {started}", w["name"]);
        let run = settle(&app, started["id"].as_str().expect("id")).await;
        assert!(
            matches!(run["status"].as_str(), Some("completed" | "awaiting_approval")),
            "{}: {run}",
            w["name"]
        );
    }
    assert!(tool_calls >= 10, "{tool_calls} tool calls in the demo's runs");
}

#[tokio::test]
async fn a_workflow_without_a_project_asks_for_one_and_earlier_words_save_unchanged() {
    let app = spawn_app().await;
    let (status, workflow) = app
        .post_json(
            "/api/v1/workflows",
            json!({"name": "Imported report", "stages": [
                {"agent": "Analyst", "action": "analyze", "params": {"lookbackDays": 7}},
                {"agent": "Trader", "action": "analyze", "params": {"lookbackDays": 30}}
            ]}),
        )
        .await;
    assert_eq!(status, 201, "{workflow}");
    // Stored in today's words (the Trader's review keeps its earlier action word).
    assert_eq!(workflow["stages"][0]["action"], "report");
    assert_eq!(workflow["stages"][0]["params"], json!({"lookback_days": 7}));
    assert_eq!(workflow["stages"][1]["action"], "analyze");
    assert_eq!(workflow["stages"][1]["params"], json!({"lookback_days": 30}));
    let id = workflow["id"].as_str().expect("id");

    let (status, refused) = app
        .post_json("/api/v1/executions", json!({"workflow_id": id}))
        .await;
    assert_eq!(status, 422, "{refused}");
    assert!(refused.to_string().contains("project_id"), "{refused}");
    let (_, runs) = app
        .get_json(&format!("/api/v1/executions?workflow_id={id}"))
        .await;
    assert_eq!(array(&runs).len(), 0, "nothing was started");

    // Given a project, it runs.
    let project = app.new_project("Imported Co", "EUR").await;
    let (status, started) = app
        .post_json(
            "/api/v1/executions",
            json!({"workflow_id": id, "project_id": project}),
        )
        .await;
    assert_eq!(status, 202, "{started}");

    // Saving the imported definition unchanged, camelCase parameters and all, works.
    let sample = json!({"name": "Imported report", "project_id": project, "stages": [
        {"id": "s1", "name": "Cross-channel step 1", "agent": "Strategist", "action": "analyze", "params": {"lookbackDays": 7}},
        {"id": "s2", "name": "Cross-channel step 2", "agent": "Trader", "action": "plan", "params": {"lookbackDays": 30}},
        {"id": "s3", "name": "Budget step 1", "agent": "Trader", "action": "report", "params": {"lookbackDays": 14}}
    ]});
    let saved = app
        .client
        .put(app.url(&format!("/api/v1/workflows/{id}")))
        .json(&sample)
        .send()
        .await
        .expect("request");
    assert_eq!(saved.status().as_u16(), 200);
    let saved: Value = saved.json().await.expect("json");
    assert_eq!(saved["project_id"], project.as_str());
    assert_eq!(saved["stages"][0]["action"], "analyze");
    assert_eq!(saved["stages"][0]["params"], json!({"lookback_days": 7}));
    assert_eq!(saved["stages"][1]["params"], json!({"lookback_days": 30}));
    assert_eq!(saved["stages"][2]["action"], "report");
    assert_eq!(saved["stages"][2]["params"], json!({"lookback_days": 14}));
    // Now the workflow's own project is used.
    let (status, _) = app
        .post_json("/api/v1/executions", json!({"workflow_id": id}))
        .await;
    assert_eq!(status, 202);
}
