//! Approval before money moves: a budget rebalance stops at a proposal (campaign, field, from, to,
//! why), approving some changes applies exactly those on the platform and nothing else, rejecting
//! applies nothing, a dry run writes nothing, a proposal that expires applies nothing, `auto` and
//! small-change policies go through, and every decision is in the audit trail with who made it.

use crate::helpers::{TestApp, spawn_app};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::time::Duration;

/// A project with one Google Ads test account (seeded so a rebalance has budget to move), and its
/// connection id.
async fn google_project(app: &TestApp) -> (String, String) {
    let project = app.new_project("Approval Co", "USD").await;
    let (status, c) = app
        .post_json(
            "/api/v1/connections",
            json!({"project_id": project, "platform": "google", "seed": 11}),
        )
        .await;
    assert_eq!(status, 201, "{c}");
    (project, c["id"].as_str().expect("id").to_owned())
}

async fn rebalance_workflow(app: &TestApp, project: &str, approval: Option<Value>) -> String {
    let mut body = json!({
        "name": "Budget rebalance",
        "project_id": project,
        "stages": [{"agent": "Trader", "action": "rebalance_budgets", "params": {"max_change": 0.2}}]
    });
    if let Some(a) = approval {
        body["approval"] = a;
    }
    let (status, w) = app.post_json("/api/v1/workflows", body).await;
    assert_eq!(status, 201, "{w}");
    w["id"].as_str().expect("id").to_owned()
}

async fn start(app: &TestApp, workflow: &str, dry_run: bool) -> String {
    let (status, run) = app
        .post_json(
            "/api/v1/executions",
            json!({"workflow_id": workflow, "dry_run": dry_run}),
        )
        .await;
    assert_eq!(status, 202, "{run}");
    run["id"].as_str().expect("id").to_owned()
}

/// Waits for the run to reach one of `statuses`; answers its detail.
async fn run_reaches(app: &TestApp, run: &str, statuses: &[&str]) -> Value {
    for _ in 0..400 {
        let (_, d) = app.get_json(&format!("/api/v1/executions/{run}")).await;
        if statuses.iter().any(|s| d["status"] == *s) {
            return d;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("run {run} never reached {statuses:?}");
}

/// Campaign id → daily budget (micros) on the Google test account.
async fn budgets(app: &TestApp, connection: &str) -> HashMap<String, i64> {
    let (status, answer) = app
        .post_json(
            "/api/v1/connectors/google/tools/list_campaigns",
            json!({"connection_id": connection, "params": {}}),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    answer["results"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            (
                r["campaign"]["id"].as_str().expect("id").to_owned(),
                r["campaignBudget"]["amountMicros"]
                    .as_str()
                    .and_then(|m| m.parse().ok())
                    .expect("budget"),
            )
        })
        .collect()
}

async fn pending_proposal(app: &TestApp, run: &str) -> Value {
    let (status, list) = app.get_json("/api/v1/approvals?status=pending").await;
    assert_eq!(status, 200, "{list}");
    list.as_array()
        .expect("list")
        .iter()
        .find(|p| p["execution_id"] == run)
        .cloned()
        .expect("the run's proposal is listed as pending")
}

#[tokio::test]
async fn a_rebalance_waits_and_applies_exactly_the_approved_changes() {
    let app = spawn_app().await;
    let (project, connection) = google_project(&app).await;
    let workflow = rebalance_workflow(&app, &project, None).await;
    let before = budgets(&app, &connection).await;

    let run = start(&app, &workflow, false).await;
    let waiting = run_reaches(&app, &run, &["awaiting_approval", "completed", "failed"]).await;
    assert_eq!(waiting["status"], "awaiting_approval", "{waiting}");
    assert_eq!(waiting["stages"][0]["status"], "awaiting_approval");
    // Nothing moved yet.
    assert_eq!(budgets(&app, &connection).await, before);

    let proposal = pending_proposal(&app, &run).await;
    let changes = proposal["changes"].as_array().expect("changes").clone();
    assert!(
        changes.len() >= 2,
        "a rebalance moves at least two budgets: {proposal}"
    );
    for c in &changes {
        assert_eq!(c["field"], "daily_budget_micros");
        assert_eq!(c["decision"], "pending");
        assert!(c["why"].as_str().is_some_and(|w| !w.is_empty()));
        let id = c["object_id"].as_str().expect("campaign");
        assert_eq!(
            c["from"].as_i64(),
            before.get(id).copied(),
            "from is the live budget"
        );
        assert_ne!(c["from"], c["to"]);
    }
    assert_eq!(proposal["stage_name"], "Trader: rebalance_budgets");

    // Approve the first change only.
    let first = changes[0]["id"].as_str().expect("id");
    let id = proposal["id"].as_str().expect("id");
    let (status, decided) = app
        .post_json(
            &format!("/api/v1/approvals/{id}/decision"),
            json!({"decision": "approve", "change_ids": [first], "note": "only the first for now"}),
        )
        .await;
    assert_eq!(status, 200, "{decided}");
    assert_eq!(decided["status"], "decided");
    assert!(
        decided["decided_by"]
            .as_str()
            .is_some_and(|w| w.starts_with("api key key_")),
        "{decided}"
    );

    let done = run_reaches(&app, &run, &["completed", "failed"]).await;
    assert_eq!(done["status"], "completed", "{done}");
    let after = budgets(&app, &connection).await;
    for c in &changes {
        let campaign = c["object_id"].as_str().expect("campaign");
        let expected = if c["id"] == first { &c["to"] } else { &c["from"] };
        assert_eq!(
            after.get(campaign).copied(),
            expected.as_i64(),
            "campaign {campaign}"
        );
    }
    // Campaigns nobody proposed to change kept their budgets.
    for (campaign, budget) in &before {
        if !changes.iter().any(|c| c["object_id"] == campaign.as_str()) {
            assert_eq!(after.get(campaign), Some(budget));
        }
    }
    let output = &done["stages"][0]["output"];
    assert_eq!(output["applied"], 1, "{output}");
    assert!(
        output["summary"]
            .as_str()
            .is_some_and(|s| s.starts_with("Moved budget on 1 campaign(s)") && s.contains("not approved")),
        "{output}"
    );

    // The decision is final.
    let (status, again) = app
        .post_json(
            &format!("/api/v1/approvals/{id}/decision"),
            json!({"decision": "reject"}),
        )
        .await;
    assert_eq!(status, 409, "{again}");

    // The run's log and the project's activity say who decided.
    let pool = app.pool().await;
    let audit: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT actor, action, summary FROM activity WHERE project_id = ? AND action LIKE 'approval.%' ORDER BY occurred_at",
    )
    .bind(&project)
    .fetch_all(&pool)
    .await
    .expect("activity");
    let actions: Vec<&str> = audit.iter().map(|(_, a, _)| a.as_str()).collect();
    assert_eq!(actions, ["approval.requested", "approval.decided"], "{audit:?}");
    assert_eq!(audit[1].0, "user", "{audit:?}");
    assert!(audit[1].2.contains("(by api key key_"), "{audit:?}");
    assert!(audit[1].2.contains("only the first for now"), "{audit:?}");
    let logged: Vec<String> =
        sqlx::query_scalar("SELECT type FROM events WHERE execution_id = ? ORDER BY seq")
            .bind(&run)
            .fetch_all(&pool)
            .await
            .expect("events");
    for kind in [
        "stage.awaiting_approval",
        "approval.requested",
        "approval.decided",
        "execution.resumed",
    ] {
        assert!(logged.iter().any(|k| k == kind), "{kind} missing from {logged:?}");
    }
}

#[tokio::test]
async fn rejecting_applies_nothing_and_a_dry_run_writes_nothing() {
    let app = spawn_app().await;
    let (project, connection) = google_project(&app).await;
    let workflow = rebalance_workflow(&app, &project, None).await;
    let before = budgets(&app, &connection).await;

    let run = start(&app, &workflow, false).await;
    run_reaches(&app, &run, &["awaiting_approval"]).await;
    let proposal = pending_proposal(&app, &run).await;
    let id = proposal["id"].as_str().expect("id");
    let (status, decided) = app
        .post_json(
            &format!("/api/v1/approvals/{id}/decision"),
            json!({"decision": "reject"}),
        )
        .await;
    assert_eq!(status, 200, "{decided}");
    assert!(
        decided["changes"]
            .as_array()
            .is_some_and(|c| c.iter().all(|c| c["decision"] == "rejected"))
    );
    let done = run_reaches(&app, &run, &["completed", "failed"]).await;
    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!(done["stages"][0]["output"]["applied"], 0);
    assert_eq!(
        budgets(&app, &connection).await,
        before,
        "rejecting applied nothing"
    );

    let dry = start(&app, &workflow, true).await;
    let done = run_reaches(&app, &dry, &["completed", "failed", "awaiting_approval"]).await;
    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!(done["dry_run"], true);
    let output = &done["stages"][0]["output"];
    assert_eq!(output["dry_run"], true, "{output}");
    assert!(output["changes"].as_array().is_some_and(|c| !c.is_empty()));
    assert!(
        output["summary"]
            .as_str()
            .is_some_and(|s| s.starts_with("Dry run: would make"))
    );
    assert_eq!(
        budgets(&app, &connection).await,
        before,
        "a dry run wrote nothing"
    );
    let (_, pending) = app.get_json("/api/v1/approvals?status=pending").await;
    assert_eq!(pending.as_array().map(Vec::len), Some(0), "{pending}");
}

#[tokio::test]
async fn auto_mode_and_small_changes_go_through_and_bad_decisions_name_the_field() {
    let app = spawn_app().await;
    let (project, connection) = google_project(&app).await;
    let before = budgets(&app, &connection).await;

    // `auto`: applied at once.
    let auto = rebalance_workflow(&app, &project, Some(json!({"mode": "auto"}))).await;
    let run = start(&app, &auto, false).await;
    let done = run_reaches(&app, &run, &["completed", "failed", "awaiting_approval"]).await;
    assert_eq!(done["status"], "completed", "{done}");
    let applied = done["stages"][0]["output"]["applied"].as_i64().expect("applied");
    assert!(applied >= 2, "{done}");
    assert_ne!(budgets(&app, &connection).await, before);

    // Every move is under 20%: a 25% limit lets the policy approve them all.
    let small = rebalance_workflow(
        &app,
        &project,
        Some(json!({"mode": "propose", "auto_approve_under_pct": 25})),
    )
    .await;
    let run = start(&app, &small, false).await;
    let done = run_reaches(&app, &run, &["completed", "failed", "awaiting_approval"]).await;
    assert_eq!(done["status"], "completed", "{done}");
    assert!(
        done["stages"][0]["output"]["changes"]
            .as_array()
            .is_some_and(|c| c
                .iter()
                .all(|c| c["decision"] == "auto_approved" && c["applied"] == true)),
        "{done}"
    );

    // Bad policies and decisions name their field.
    let (status, e) = app
        .post_json(
            "/api/v1/workflows",
            json!({"name": "x", "project_id": project, "approval": {"mode": "propose", "expires_after_hours": 0},
                   "stages": [{"agent": "Trader", "action": "rebalance_budgets"}]}),
        )
        .await;
    assert_eq!(status, 422, "{e}");
    assert!(e.to_string().contains("approval.expires_after_hours"), "{e}");

    let waits = rebalance_workflow(&app, &project, None).await;
    let run = start(&app, &waits, false).await;
    run_reaches(&app, &run, &["awaiting_approval"]).await;
    let proposal = pending_proposal(&app, &run).await;
    let id = proposal["id"].as_str().expect("id");
    let (status, e) = app
        .post_json(
            &format!("/api/v1/approvals/{id}/decision"),
            json!({"decision": "approve", "change_ids": ["c99"]}),
        )
        .await;
    assert_eq!(status, 422, "{e}");
    assert!(e.to_string().contains("change_ids"), "{e}");
    let (status, e) = app
        .post_json(
            &format!("/api/v1/approvals/{id}/decision"),
            json!({"decision": "reject", "change_ids": ["c1"]}),
        )
        .await;
    assert_eq!(status, 422, "{e}");
    let (status, _) = app
        .post_json(
            "/api/v1/approvals/prop_nope/decision",
            json!({"decision": "approve"}),
        )
        .await;
    assert_eq!(status, 404);
    let (status, _) = app.get_json(&format!("/api/v1/approvals/{id}")).await;
    assert_eq!(status, 200);

    // Cancelling the run withdraws its proposal.
    let (status, _) = app
        .post_json(&format!("/api/v1/executions/{run}/cancel"), json!({}))
        .await;
    assert!(status == 200 || status == 202 || status == 204, "{status}");
    let (_, p) = app.get_json(&format!("/api/v1/approvals/{id}")).await;
    assert_eq!(p["status"], "withdrawn", "{p}");
    let (status, _) = app
        .post_json(
            &format!("/api/v1/approvals/{id}/decision"),
            json!({"decision": "approve"}),
        )
        .await;
    assert_eq!(status, 409);
}

#[tokio::test]
async fn an_expired_proposal_applies_nothing_and_the_run_goes_on() {
    let app = spawn_app().await;
    let (project, connection) = google_project(&app).await;
    let workflow = rebalance_workflow(&app, &project, None).await;
    let before = budgets(&app, &connection).await;
    let run = start(&app, &workflow, false).await;
    run_reaches(&app, &run, &["awaiting_approval"]).await;
    let proposal = pending_proposal(&app, &run).await;
    let id = proposal["id"].as_str().expect("id");
    sqlx::query("UPDATE proposals SET expires_at = '2020-01-01T00:00:00.000Z' WHERE id = ?")
        .bind(id)
        .execute(&app.pool().await)
        .await
        .expect("expire");
    let (status, e) = app
        .post_json(
            &format!("/api/v1/approvals/{id}/decision"),
            json!({"decision": "approve"}),
        )
        .await;
    assert_eq!(status, 409, "{e}");
    assert!(e.to_string().contains("expired"), "{e}");
    let done = run_reaches(&app, &run, &["completed", "failed"]).await;
    assert_eq!(done["status"], "completed", "{done}");
    let (_, p) = app.get_json(&format!("/api/v1/approvals/{id}")).await;
    assert_eq!(p["status"], "expired", "{p}");
    assert_eq!(p["decided_by"], "expiry");
    assert_eq!(budgets(&app, &connection).await, before);
}

#[tokio::test]
async fn a_rule_on_approval_requested_sends_the_changes_with_a_link_to_decide() {
    use crate::stub::Stub;
    use axum::http::StatusCode;
    let discord = Stub::start(|_, _| (StatusCode::NO_CONTENT, vec![], Value::Null)).await;
    let allow = discord.address.to_string();
    let app = crate::helpers::spawn_app_with(move |c| {
        c.outbound.allow = switchboard_core::net::AllowList::parse(&allow).expect("allow list");
    })
    .await;
    let (status, channel) = app
        .post_json(
            "/api/v1/notification-channels",
            json!({"name": "Approvals", "kind": "discord", "url": format!("{}/api/webhooks/1/t", discord.url())}),
        )
        .await;
    assert_eq!(status, 201, "{channel}");
    let (project, _) = google_project(&app).await;
    let (status, rule) = app
        .post_json(
            "/api/v1/notification-rules",
            json!({"name": "Ask me", "project_id": project, "events": ["approval.requested"], "channel_id": channel["id"]}),
        )
        .await;
    assert_eq!(status, 201, "{rule}");
    let workflow = rebalance_workflow(&app, &project, None).await;
    let run = start(&app, &workflow, false).await;
    run_reaches(&app, &run, &["awaiting_approval"]).await;
    let proposal = pending_proposal(&app, &run).await;

    let mut body = Value::Null;
    for _ in 0..200 {
        if let Some(seen) = discord.seen().first() {
            body = seen.json();
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let embed = &body["embeds"][0];
    assert!(
        embed["title"]
            .as_str()
            .is_some_and(|t| t.ends_with("Approval needed: Budget rebalance")),
        "{body}"
    );
    assert!(
        embed["url"]
            .as_str()
            .is_some_and(|u| u.ends_with(&format!("/executions/{run}#approval"))),
        "{body}"
    );
    let first = &proposal["changes"][0];
    let fields = embed["fields"].as_array().expect("fields");
    assert!(
        fields.iter().any(|f| f["name"]
            .as_str()
            .is_some_and(|n| n.starts_with(first["object_name"].as_str().unwrap_or("?")))),
        "{body}"
    );
    assert!(
        fields.iter().any(|f| f["value"]
            .as_str()
            .is_some_and(|v| v.contains(first["why"].as_str().unwrap_or("?")))),
        "{body}"
    );
}
