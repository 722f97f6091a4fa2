//! Round trips of awkward records through read and write.

use super::records::*;
use crate::money::Currency;
use crate::platform::Platform;
use crate::time::Timestamp;
use serde_json::{Value, json};

struct Everything;

impl Known for Everything {
    fn project_currency(&self, id: &str) -> Option<Currency> {
        (id != "proj_gone").then_some(Currency::USD)
    }
    fn workflow_exists(&self, id: &str) -> bool {
        id != "wf_deleted"
    }
    fn execution_exists(&self, id: &str) -> bool {
        id != "exec_gone"
    }
    fn campaign(&self, id: &str) -> Option<(Platform, Currency)> {
        match id {
            "camp_g" => Some((Platform::Google, Currency::USD)),
            "camp_m" => Some((Platform::Meta, Currency::USD)),
            _ => None,
        }
    }
}

fn now() -> Timestamp {
    Timestamp::parse("2026-11-24T00:00:00Z").unwrap_or_else(|_| panic!("timestamp"))
}

#[test]
fn edge_project_round_trips() {
    let rec = json!({"id": "proj_ü01", "name": "Café Müller — 東京 🚀", "client": "Zoë & Co",
        "status": "active", "budget": {"monthly": "12000", "currency": "EUR"},
        "platforms": ["meta"], "createdAt": "2026-07-01T00:00:00Z", "custom": {"kept": true}});
    let read = read_project(&rec).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(read.row.monthly_budget_micros, Some(12_000_000_000));
    assert_eq!(read.row.currency, "EUR");
    assert_eq!(read.row.created_at, "2026-07-01T00:00:00.000Z");
    assert_eq!(write_project(&read.row), rec);
}

#[test]
fn sample_shaped_records_round_trip_without_notes() {
    let rec = json!({"id": "proj_0001", "name": "Travel Brand 1", "client": "Client A", "vertical": "travel",
        "description": "d", "status": "archived", "budget": {"monthly": 25000, "currency": "USD"},
        "platforms": ["google", "meta"], "createdAt": "2026-06-01T09:00:00.000Z",
        "updatedAt": "2026-07-01T09:00:00.000Z"});
    let read = read_project(&rec).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(read.row.extra, "{}", "a clean record needs no notes");
    assert_eq!(write_project(&read.row), rec);
}

#[test]
fn verticals_map_to_names_and_keep_the_word_they_had() {
    let rec = |word: Value| {
        json!({"id": "proj_0002", "name": "Shop", "vertical": word, "status": "active",
            "budget": {"monthly": 100, "currency": "USD"}, "platforms": [],
            "createdAt": "2026-06-01T09:00:00.000Z"})
    };
    // An alias is stored as the name; the export writes the file's word back while it still means
    // the project's vertical, and the name once it is changed in Switchboard.
    let alias = rec(json!("ecommerce"));
    let read = read_project(&alias).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(read.row.vertical.as_deref(), Some("retail"));
    assert!(read.warnings.is_empty(), "{:?}", read.warnings);
    assert_eq!(write_project(&read.row), alias);
    let mut edited = read.row.clone();
    edited.vertical = Some("fashion".to_owned());
    assert_eq!(write_project(&edited)["vertical"], "fashion");

    // An unknown word is `other`, with a warning; nothing is lost.
    let unknown = rec(json!("Pet supplies"));
    let read = read_project(&unknown).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(read.row.vertical.as_deref(), Some("other"));
    assert_eq!(read.warnings.len(), 1);
    assert!(read.warnings[0].contains("'Pet supplies'"), "{:?}", read.warnings);
    assert_eq!(write_project(&read.row), unknown);

    // A label in another case is that vertical too, without a warning.
    let label = read_project(&rec(json!("Home Decor"))).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(label.row.vertical.as_deref(), Some("home_decor"));
    assert!(label.warnings.is_empty());

    // Empty text is no vertical: kept as it was, with the reader's warning.
    let empty = rec(json!(""));
    let read = read_project(&empty).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(read.row.vertical, None);
    assert_eq!(read.warnings.len(), 1);
    assert_eq!(write_project(&read.row), empty);

    // A project made in Switchboard exports its vertical's name.
    let mut made = read_project(&rec(json!("travel")))
        .unwrap_or_else(|e| panic!("{e:?}"))
        .row;
    made.vertical = Some("home_decor".to_owned());
    made.extra = "{}".to_owned();
    assert_eq!(write_project(&made)["vertical"], "home_decor");
}

#[test]
fn campaigns_with_strings_for_numbers_round_trip() {
    let rec = json!({"id": "camp_edge1", "projectId": "proj_ü01", "platform": "meta", "externalId": "2380000001",
        "name": "Ünïcödé 'quotes' \"double\" ; DROP TABLE campaigns;--", "objective": "OUTCOME_SALES",
        "status": "ACTIVE", "dailyBudget": "75.50", "currency": "EUR", "startDate": "2026-07-01",
        "createdAt": "2026-07-01T00:00:00Z"});
    let read = read_campaign(&rec, &Everything).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(read.row.daily_budget_micros, Some(75_500_000));
    assert_eq!(read.row.status, "active");
    assert_eq!(write_campaign(&read.row), rec);
    let plain = json!({"id": "camp_00001", "projectId": "proj_0001", "platform": "google", "externalId": "5664107866",
        "name": "x", "objective": "SEARCH", "status": "ENABLED", "dailyBudget": 50.0, "currency": "USD",
        "startDate": "2026-06-01", "endDate": null, "createdAt": "2026-06-01T09:00:00.000Z"});
    let read = read_campaign(&plain, &Everything).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(read.row.extra, "{}");
    assert_eq!(write_campaign(&read.row), plain);
}

#[test]
fn campaigns_of_missing_projects_or_with_bad_statuses_are_refused() {
    let orphan = json!({"id": "camp_1", "projectId": "proj_gone", "platform": "google", "externalId": "1",
        "name": "x", "status": "ENABLED", "createdAt": "2026-06-01T09:00:00Z"});
    let refusal = read_campaign(&orphan, &Everything)
        .err()
        .map(|r| r.0)
        .unwrap_or_default();
    assert!(refusal.contains("proj_gone"), "{refusal}");
    let bad_status = json!({"id": "camp_1", "projectId": "proj_1", "platform": "google", "externalId": "1",
        "name": "x", "status": "ACTIVE", "createdAt": "2026-06-01T09:00:00Z"});
    assert!(read_campaign(&bad_status, &Everything).is_err());
}

#[test]
fn orphan_executions_keep_their_links() {
    let rec = json!({"id": "exec_orphan", "workflowId": "wf_deleted", "projectId": "proj_0001",
        "status": "completed", "startedAt": "2026-07-02T00:00:00Z", "completedAt": "2026-07-02T00:01:00Z",
        "stages": []});
    let read = read_execution(&rec, &Everything, now()).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(read.row.workflow_id, None);
    assert_eq!(read.warnings.len(), 1, "{:?}", read.warnings);
    assert_eq!(write_execution(&read.row), rec);
}

#[test]
fn executions_with_stages_round_trip() {
    let rec = json!({"id": "exec_000001", "workflowId": "wf_007", "projectId": "proj_0004", "status": "running",
        "startedAt": "2026-06-01T09:07:00.000Z", "completedAt": null, "input": {"trigger": "schedule"},
        "stages": [
            {"stageId": "s1", "status": "completed", "startedAt": "2026-06-01T09:07:00.000Z",
             "completedAt": "2026-06-01T09:07:04.626Z", "output": {"summary": "ok", "toolCalls": 6}, "error": null},
            {"stageId": "s2", "status": "running", "startedAt": "2026-06-01T09:07:04.626Z",
             "completedAt": null, "output": {"summary": "x"}, "error": null}],
        "result": {"ok": false}});
    let read = read_execution(&rec, &Everything, now()).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(read.row.stages.len(), 2);
    assert_eq!(read.row.extra, "{}");
    assert_eq!(write_execution(&read.row), rec);
    let no_stages = json!({"id": "exec_2", "workflowId": "wf_1", "status": "pending", "stages": null});
    let read = read_execution(&no_stages, &Everything, now()).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(write_execution(&read.row), no_stages);
}

#[test]
fn events_activity_and_metrics_round_trip() {
    let ev = json!({"id": "evt_0000001", "executionId": "exec_gone", "type": "stage.started",
        "timestamp": "2026-06-01T09:07:00.000Z", "data": {"stageId": "s1", "agent": "Trader"}});
    let read = read_event(&ev, &Everything).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(read.row.execution_id, None);
    assert_eq!(write_event(&read.row), ev);

    let act = json!({"id": "act_000001", "projectId": "proj_0004", "actor": "agent:Trader",
        "action": "workflow.completed", "summary": "done", "timestamp": "2026-06-01T09:09:02.735Z",
        "meta": {"executionId": "exec_000001"}});
    let read = read_activity(&act, &Everything).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(write_activity(&read.row), act);
    let bad_actor =
        json!({"id": "act_2", "actor": "robot", "action": "x", "timestamp": "2026-06-01T09:09:02Z"});
    assert!(read_activity(&bad_actor, &Everything).is_err());

    let m = json!({"campaignId": "camp_m", "platform": "meta", "date": "2026-06-01", "raw": {"spend": "162.04",
        "impressions": "28202", "clicks": "279", "actions": [{"action_type": "purchase", "value": "14"}],
        "action_values": [{"action_type": "purchase", "value": "1668.32"}]}});
    let read = read_metric(&m, &Everything).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(read.row.values.spend.get(), 162_040_000);
    assert_eq!(write_metric(&read.row), m);
    let wrong_platform =
        json!({"campaignId": "camp_m", "platform": "google", "date": "2026-06-01", "raw": {}});
    assert!(read_metric(&wrong_platform, &Everything).is_err());
    let missing = json!({"campaignId": "camp_x", "platform": "google", "date": "2026-06-01", "raw": {}});
    assert!(read_metric(&missing, &Everything).is_err());
}

#[test]
fn workflows_need_known_agents() {
    let wf = json!({"id": "wf_001", "name": "Weekly", "description": "d", "trigger": "webhook",
        "stages": [{"id": "s1", "name": "n", "agent": "Strategist", "action": "analyze", "params": {"lookbackDays": 7}}],
        "createdAt": "2026-06-01T09:00:00.000Z"});
    let read = read_workflow(&wf).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(write_workflow(&read.row), wf);
    let bad: Value = json!({"id": "wf_2", "name": "x", "stages": [{"agent": "Intern", "action": "a"}],
        "createdAt": "2026-06-01T09:00:00.000Z"});
    assert!(read_workflow(&bad).is_err());
}

#[test]
fn missing_and_null_fields_with_defaults_round_trip() {
    let project = json!({"id": "proj_9", "name": "N", "budget": null, "platforms": null, "createdAt": "2026-06-01T09:00:00Z"});
    let read = read_project(&project).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(read.row.status, "active");
    assert_eq!(write_project(&read.row), project);
    let odd = json!({"id": "proj_8", "name": "N", "status": "deleted", "platforms": ["tiktok"], "createdAt": "2026-06-01T09:00:00Z"});
    let read = read_project(&odd).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(read.warnings.len(), 2, "{:?}", read.warnings);
    assert_eq!(
        write_project(&read.row),
        odd,
        "unusable values are written back as they were"
    );

    let campaign = json!({"id": "camp_9", "projectId": "proj_1", "platform": "google", "externalId": 42,
        "name": "x", "status": "ENABLED", "createdAt": "2026-06-01T09:00:00Z"});
    let read = read_campaign(&campaign, &Everything).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(read.row.currency, "USD");
    assert_eq!(write_campaign(&read.row), campaign);

    let exec = json!({"id": "exec_9", "workflowId": 42, "status": "pending"});
    let read = read_execution(&exec, &Everything, now()).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(
        write_execution(&read.row),
        exec,
        "a numeric dangling link stays a number"
    );

    let event = json!({"id": "evt_9", "type": "x", "timestamp": "2026-06-01T09:00:00Z", "data": null});
    let read = read_event(&event, &Everything).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(write_event(&read.row), event);
    let act = json!({"id": "act_9", "actor": "user", "action": "x", "timestamp": "2026-06-01T09:00:00Z", "$note": 1});
    let read = read_activity(&act, &Everything).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(write_activity(&read.row), act, "fields named like notes are kept");

    let spaced = json!({"campaignId": "camp_g", "platform": "google", "date": " 2026-06-01", "raw": {}});
    assert!(
        read_metric(&spaced, &Everything).is_err(),
        "a date with spaces would not match its key"
    );
}
