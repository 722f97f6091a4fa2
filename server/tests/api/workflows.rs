//! Workflows end to end: a template becomes a workflow, a run of it goes through every stage in
//! test mode, its event stream arrives complete and in order, and a client that reconnects with
//! `Last-Event-ID` gets exactly what it missed.

use crate::helpers::{TestApp, spawn_app};
use serde_json::{Value, json};

/// The events of a Server-Sent Events body: (id, type, data).
fn parse_sse(body: &str) -> Vec<(i64, String, Value)> {
    body.split("\n\n")
        .filter_map(|block| {
            let mut id = None;
            let mut kind = None;
            let mut data = String::new();
            for line in block.lines() {
                if let Some(v) = line.strip_prefix("id:") {
                    id = v.trim().parse().ok();
                } else if let Some(v) = line.strip_prefix("event:") {
                    kind = Some(v.trim().to_owned());
                } else if let Some(v) = line.strip_prefix("data:") {
                    data.push_str(v.trim_start());
                }
            }
            Some((id?, kind?, serde_json::from_str(&data).ok()?))
        })
        .collect()
}

pub(crate) async fn stream(
    app: &TestApp,
    path: &str,
    last_event_id: Option<i64>,
) -> Vec<(i64, String, Value)> {
    let mut request = app.client.get(app.url(path));
    if let Some(last) = last_event_id {
        request = request.header("Last-Event-ID", last.to_string());
    }
    let response = tokio::time::timeout(std::time::Duration::from_secs(60), request.send())
        .await
        .expect("the stream answered")
        .expect("request");
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .is_ok_and(|t| t.starts_with("text/event-stream"))
    );
    let body = tokio::time::timeout(std::time::Duration::from_secs(60), response.text())
        .await
        .expect("the stream ended with the run")
        .expect("body");
    parse_sse(&body)
}

async fn connected_project(app: &TestApp) -> String {
    let project = app.new_project("Run Co", "USD").await;
    for (platform, seed) in [("google", 1), ("meta", 2), ("pinterest", 3)] {
        let (status, c) = app
            .post_json(
                "/api/v1/connections",
                json!({"project_id": project, "platform": platform, "seed": seed}),
            )
            .await;
        assert_eq!(status, 201, "{c}");
    }
    project
}

#[tokio::test]
async fn a_five_stage_template_runs_to_completion_and_streams_every_event_in_order() {
    let app = spawn_app().await;
    let project = connected_project(&app).await;

    let (status, templates) = app.get_json("/api/v1/workflow-templates").await;
    assert_eq!(status, 200);
    assert!(templates.as_array().is_some_and(|t| t.len() >= 6));
    let (status, workflow) = app
        .post_json(
            "/api/v1/workflows",
            json!({"template_id": "multi_platform_launch", "project_id": project, "name": "Spring launch",
                   "approval": {"mode": "auto"}}),
        )
        .await;
    assert_eq!(status, 201, "{workflow}");
    assert_eq!(workflow["stages"].as_array().map(Vec::len), Some(5));
    assert_eq!(workflow["template_id"], "multi_platform_launch");

    let (status, started) = app
        .post_json(
            "/api/v1/executions",
            json!({"workflow_id": workflow["id"], "project_id": project}),
        )
        .await;
    assert_eq!(status, 202, "{started}");
    let id = started["id"].as_str().expect("id").to_owned();

    let events = stream(&app, &format!("/api/v1/executions/{id}/events"), None).await;
    let kinds: Vec<&str> = events.iter().map(|(_, k, _)| k.as_str()).collect();
    assert_eq!(kinds.first(), Some(&"execution.created"));
    assert_eq!(kinds.last(), Some(&"execution.completed"), "{kinds:?}");
    assert!(events.windows(2).all(|w| w[0].0 < w[1].0), "ids increase");
    let started: Vec<i64> = events
        .iter()
        .filter(|(_, k, _)| k == "stage.started")
        .map(|(_, _, d)| d["data"]["position"].as_i64().unwrap_or(-1))
        .collect();
    assert_eq!(started, [0, 1, 2, 3, 4]);
    assert_eq!(kinds.iter().filter(|k| **k == "stage.completed").count(), 5);
    assert!(kinds.contains(&"tool.called") && kinds.contains(&"agent.reasoning"));
    // Every stage's tool calls come between its start and its end.
    for (seq, kind, e) in &events {
        if kind != "tool.called" {
            continue;
        }
        let stage = e["data"]["stageId"].as_str().expect("a stage");
        let bound = |k: &str| {
            events
                .iter()
                .find(|(_, kind, d)| kind == k && d["data"]["stageId"] == stage)
                .map(|(s, _, _)| *s)
                .expect("stage event")
        };
        assert!(
            bound("stage.started") < *seq && *seq < bound("stage.completed"),
            "{e}"
        );
    }

    let (_, detail) = app.get_json(&format!("/api/v1/executions/{id}")).await;
    assert_eq!(detail["status"], "completed", "{detail}");
    let stages = detail["stages"].as_array().expect("stages");
    assert!(
        stages
            .iter()
            .all(|s| s["status"] == "completed" && s["attempt"] == 1),
        "{detail}"
    );
    let launched = stages[2]["output"]["launched"].as_array().expect("launched");
    let platforms: Vec<&str> = launched.iter().filter_map(|l| l["platform"].as_str()).collect();
    assert_eq!(platforms.len(), 2);
    assert!(platforms.contains(&"meta") && platforms.contains(&"pinterest"));
    assert!(launched.iter().all(|l| l["campaign_id"].is_string()));
    assert!(
        stages[0]["output"]["report"]["total"]["spend_micros"]
            .as_i64()
            .is_some_and(|s| s > 0)
    );
    assert!(
        stages[1]["output"]["plan"]
            .as_array()
            .is_some_and(|p| p.len() == 3)
    );
    assert!(detail["result"]["after"].is_string());

    // Reconnecting after the seventh event replays exactly the rest.
    let cut = events[6].0;
    let rest = stream(&app, &format!("/api/v1/executions/{id}/events"), Some(cut)).await;
    assert_eq!(rest, events[7..].to_vec());
    // `?after=` does the same for clients that cannot set the header.
    let rest = stream(&app, &format!("/api/v1/executions/{id}/events?after={cut}"), None).await;
    assert_eq!(rest.len(), events.len() - 7);

    let (_, list) = app.get_json("/api/v1/executions?status=completed").await;
    assert!(
        list.as_array()
            .is_some_and(|l| l.iter().any(|e| e["id"] == id.as_str()))
    );
}

#[tokio::test]
async fn bad_definitions_name_the_stage_and_field_and_runs_can_be_cancelled() {
    let app = spawn_app().await;
    let project = connected_project(&app).await;
    let (status, body) = app
        .post_json(
            "/api/v1/workflows",
            json!({"name": "Broken", "project_id": project, "stages": [
                {"agent": "Analyst", "action": "report", "params": {"lookback_days": 7}},
                {"agent": "Trader", "action": "launch"},
                {"agent": "Strategist", "action": "plan", "params": {"lookback_days": 400}},
                {"agent": "Intern", "action": "report"}
            ]}),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    let fields: Vec<&str> = body["error"]["fields"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["field"].as_str())
        .collect();
    assert_eq!(
        fields,
        [
            "stages[1].action",
            "stages[2].params.lookback_days",
            "stages[3].agent"
        ]
    );
    let (status, _) = app
        .post_json(
            "/api/v1/workflows",
            json!({"template_id": "nope", "project_id": project}),
        )
        .await;
    assert_eq!(status, 404);

    let (_, workflow) = app
        .post_json(
            "/api/v1/workflows",
            json!({"template_id": "cross_channel_report", "project_id": project}),
        )
        .await;
    let (status, started) = app
        .post_json("/api/v1/executions", json!({"workflow_id": workflow["id"]}))
        .await;
    assert_eq!(status, 202);
    let id = started["id"].as_str().expect("id").to_owned();
    let r = app
        .client
        .post(app.url(&format!("/api/v1/executions/{id}/cancel")))
        .send()
        .await
        .expect("cancel");
    // Cancelled in time, or already done: either way the run ends and says how.
    let events = stream(&app, &format!("/api/v1/executions/{id}/events"), None).await;
    let last = events.last().map(|(_, k, _)| k.clone()).unwrap_or_default();
    if r.status() == 202 {
        assert!(
            last == "execution.cancelled" || last == "execution.completed",
            "{last}"
        );
    } else {
        assert_eq!(r.status(), 409);
    }
    let again = app
        .client
        .post(app.url(&format!("/api/v1/executions/{id}/cancel")))
        .send()
        .await
        .expect("cancel");
    assert_eq!(again.status(), 409);
    let (status, _) = app.get_json("/api/v1/executions/exec_nope/events").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_run_that_could_do_nothing_is_not_reported_completed() {
    let app = spawn_app().await;
    // A project with no connection: neither stage has an account to work on.
    let project = app.new_project("Empty Co", "USD").await;
    let (status, workflow) = app
        .post_json(
            "/api/v1/workflows",
            json!({"name": "Report and plan", "project_id": project, "stages": [
                {"agent": "Analyst", "action": "report"},
                {"agent": "Strategist", "action": "plan"}
            ]}),
        )
        .await;
    assert_eq!(status, 201, "{workflow}");
    let (status, run) = app
        .post_json(
            "/api/v1/executions",
            json!({"workflow_id": workflow["id"], "project_id": project}),
        )
        .await;
    assert_eq!(status, 202, "{run}");
    let id = run["id"].as_str().expect("id");
    let events = stream(&app, &format!("/api/v1/executions/{id}/events"), None).await;
    let kinds: Vec<&str> = events.iter().map(|(_, k, _)| k.as_str()).collect();
    assert_eq!(
        kinds.iter().filter(|k| **k == "stage.skipped").count(),
        2,
        "{kinds:?}"
    );
    assert!(!kinds.contains(&"stage.completed"), "{kinds:?}");
    assert_eq!(kinds.last(), Some(&"execution.failed"), "{kinds:?}");
    let skipped = events
        .iter()
        .find(|(_, k, _)| k == "stage.skipped")
        .map(|(_, _, d)| d.clone())
        .expect("a skipped stage");
    assert!(
        skipped["data"]["reason"]
            .as_str()
            .is_some_and(|r| r.contains("No active connection")),
        "{skipped}"
    );

    let (status, detail) = app.get_json(&format!("/api/v1/executions/{id}")).await;
    assert_eq!(status, 200, "{detail}");
    assert_eq!(detail["status"], "failed", "{detail}");
    assert!(
        detail["error"]
            .as_str()
            .is_some_and(|e| e.starts_with("every stage was skipped")),
        "{detail}"
    );
    let stages = detail["stages"].as_array().expect("stages");
    assert!(stages.iter().all(|s| s["status"] == "skipped"), "{detail}");
}

#[tokio::test]
async fn runs_are_listed_by_project_and_workflow() {
    let app = spawn_app().await;
    let project = connected_project(&app).await;
    let other = app.new_project("Other Co", "USD").await;
    let mut workflows = Vec::new();
    for name in ["Weekly report", "Daily report"] {
        let (status, w) = app
            .post_json(
                "/api/v1/workflows",
                json!({"name": name, "project_id": project, "stages": [{"agent": "Analyst", "action": "report"}]}),
            )
            .await;
        assert_eq!(status, 201, "{w}");
        workflows.push(w["id"].as_str().expect("id").to_owned());
    }
    let mut runs = Vec::new();
    for (workflow, times) in [(&workflows[0], 2), (&workflows[1], 1)] {
        for _ in 0..times {
            let (status, run) = app
                .post_json("/api/v1/executions", json!({"workflow_id": workflow}))
                .await;
            assert_eq!(status, 202, "{run}");
            runs.push((workflow.clone(), run["id"].as_str().expect("id").to_owned()));
        }
    }
    let ids = |list: &Value| -> Vec<String> {
        list.as_array()
            .expect("a list")
            .iter()
            .map(|r| r["id"].as_str().expect("id").to_owned())
            .collect()
    };
    let (status, first) = app
        .get_json(&format!("/api/v1/executions?workflow_id={}", workflows[0]))
        .await;
    assert_eq!(status, 200, "{first}");
    let mut expected: Vec<String> = runs
        .iter()
        .filter(|(w, _)| *w == workflows[0])
        .map(|(_, r)| r.clone())
        .collect();
    let mut got = ids(&first);
    expected.sort();
    got.sort();
    assert_eq!(got, expected);
    let (_, in_project) = app
        .get_json(&format!(
            "/api/v1/executions?project_id={project}&workflow_id={}",
            workflows[1]
        ))
        .await;
    assert_eq!(ids(&in_project).len(), 1, "{in_project}");
    let (_, elsewhere) = app
        .get_json(&format!(
            "/api/v1/executions?project_id={other}&workflow_id={}",
            workflows[1]
        ))
        .await;
    assert_eq!(ids(&elsewhere), Vec::<String>::new());
    let (status, bad) = app.get_json("/api/v1/executions?workflow_id=nope").await;
    assert_eq!(status, 400, "{bad}");
}
