//! The notices Switchboard sends, made from what happened: a run that completed or failed, and the
//! test message of a channel.

use super::EventKind;
use super::message::{Notice, NoticeField, Severity};
use crate::execution::{ExecutionDetail, ExecutionStatus, StageStatus};
use crate::time::Timestamp;

fn duration_text(ms: i64) -> String {
    match ms {
        ..0 => "—".to_owned(),
        0..1_000 => format!("{ms} ms"),
        1_000..60_000 => format!("{:.1} s", ms as f64 / 1000.0),
        60_000..3_600_000 => format!("{} min {} s", ms / 60_000, (ms % 60_000) / 1000),
        _ => format!("{} h {} min", ms / 3_600_000, (ms % 3_600_000) / 60_000),
    }
}

/// A run that ended. `base_url` is the server's public address (links go to the run's page).
pub fn run_notice(detail: &ExecutionDetail, project_name: Option<&str>, base_url: &str) -> Notice {
    let e = &detail.execution;
    let failed = e.status == ExecutionStatus::Failed;
    let workflow = e.workflow_name.clone().unwrap_or_else(|| "A workflow".to_owned());
    let done = detail
        .stages
        .iter()
        .filter(|s| s.status == StageStatus::Completed)
        .count();
    let total = detail.stages.len();
    let took = match (e.started_at, e.completed_at) {
        (Some(a), Some(b)) => Some(duration_text(
            b.as_datetime()
                .signed_duration_since(a.as_datetime())
                .num_milliseconds(),
        )),
        _ => None,
    };
    let failed_stage = detail.stages.iter().find(|s| s.status == StageStatus::Failed);
    // Stages that could not do their job (no connection for their platforms): said, never hidden.
    let skipped: Vec<&crate::execution::StageRun> = detail
        .stages
        .iter()
        .filter(|s| s.status == StageStatus::Skipped && s.output.is_some())
        .collect();
    let skipped_text = match skipped.first() {
        None => String::new(),
        Some(first) => {
            let why = first
                .output
                .as_ref()
                .and_then(|o| o.get("summary"))
                .and_then(serde_json::Value::as_str)
                .unwrap_or("it could not run");
            format!(" {} skipped ({}: {why}).", skipped.len(), first.name)
        }
    };
    let summary = if failed {
        let at = failed_stage.map_or_else(String::new, |s| {
            format!(" at stage {} ({})", s.position + 1, s.name)
        });
        let why = failed_stage
            .and_then(|s| s.error.as_deref())
            .or(e.error.as_deref())
            .unwrap_or("no reason was given");
        format!("{workflow} failed{at}: {why}")
    } else {
        format!(
            "{workflow} completed {done} of {total} stages{}.{skipped_text}",
            took.as_deref().map_or_else(String::new, |t| format!(" in {t}"))
        )
    };
    let mut fields = vec![NoticeField {
        name: "Workflow".to_owned(),
        value: workflow.clone(),
        inline: true,
    }];
    if let Some(p) = project_name {
        fields.push(NoticeField {
            name: "Project".to_owned(),
            value: p.to_owned(),
            inline: true,
        });
    }
    fields.push(NoticeField {
        name: "Stages".to_owned(),
        value: format!("{done} of {total} completed"),
        inline: true,
    });
    if let Some(t) = &took {
        fields.push(NoticeField {
            name: "Duration".to_owned(),
            value: t.clone(),
            inline: true,
        });
    }
    for s in &detail.stages {
        let mark = match s.status {
            StageStatus::Completed => "✓",
            StageStatus::Failed => "✗",
            StageStatus::Skipped | StageStatus::Cancelled => "–",
            StageStatus::Pending | StageStatus::Running => "…",
            StageStatus::AwaitingApproval => "⏸",
        };
        fields.push(NoticeField {
            name: format!("{}. {}", s.position + 1, s.name),
            value: format!("{mark} {}", s.status.as_str()),
            inline: false,
        });
    }
    Notice {
        event: if failed {
            EventKind::ExecutionFailed
        } else {
            EventKind::ExecutionCompleted
        },
        severity: if failed {
            Severity::Failure
        } else if skipped.is_empty() {
            Severity::Success
        } else {
            Severity::Warning
        },
        title: format!(
            "{}: {workflow}",
            if failed { "Run failed" } else { "Run completed" }
        ),
        summary,
        fields,
        link: Some(format!("{}/executions/{}", base_url.trim_end_matches('/'), e.id)),
        footer: match project_name {
            Some(p) => format!("Switchboard · {p} · {}", e.id),
            None => format!("Switchboard · {}", e.id),
        },
        occurred_at: e.completed_at.unwrap_or(e.created_at),
    }
}

/// A run that stopped at changes waiting for approval: what would change, and the link to decide.
/// `base_url` is the server's public address; the link opens the run's approval panel.
pub fn approval_notice(
    proposal: &crate::approval::Proposal,
    project_name: Option<&str>,
    base_url: &str,
) -> Notice {
    let workflow = proposal
        .workflow_name
        .clone()
        .unwrap_or_else(|| "A workflow".to_owned());
    let waiting: Vec<&crate::approval::ProposedChange> = proposal.waiting().collect();
    let money = |c: &crate::approval::ProposedChange, v: Option<&serde_json::Value>| -> String {
        match (v.and_then(serde_json::Value::as_i64), c.currency) {
            (Some(m), Some(cur)) if c.field.ends_with("_micros") => {
                crate::format::Locale::en_us().money(crate::Micros::new(m), cur)
            }
            _ => v.map_or_else(
                || "new".to_owned(),
                |v| v.as_str().map_or_else(|| "new".to_owned(), str::to_owned),
            ),
        }
    };
    let mut fields = vec![NoticeField {
        name: "Workflow".to_owned(),
        value: workflow.clone(),
        inline: true,
    }];
    if let Some(p) = project_name {
        fields.push(NoticeField {
            name: "Project".to_owned(),
            value: p.to_owned(),
            inline: true,
        });
    }
    fields.push(NoticeField {
        name: "Expires".to_owned(),
        value: proposal
            .expires_at
            .as_datetime()
            .format("%Y-%m-%d %H:%M UTC")
            .to_string(),
        inline: true,
    });
    for c in waiting.iter().take(8) {
        let pct = c
            .change_pct()
            .map(|p| format!(" ({}{p:.0}%)", if p > 0.0 { "+" } else { "" }))
            .unwrap_or_default();
        fields.push(NoticeField {
            name: format!("{} · {}", c.object_name, c.platform.label()),
            value: format!(
                "{}: {} → {}{pct}. {}",
                c.field.trim_end_matches("_micros").replace('_', " "),
                money(c, c.from.as_ref()),
                money(c, Some(&c.to)),
                c.why
            ),
            inline: false,
        });
    }
    if waiting.len() > 8 {
        fields.push(NoticeField {
            name: "More".to_owned(),
            value: format!("{} more change(s) on the run's page", waiting.len() - 8),
            inline: false,
        });
    }
    Notice {
        event: EventKind::ApprovalRequested,
        severity: Severity::Warning,
        title: format!("Approval needed: {workflow}"),
        summary: format!(
            "{} ({}) proposes {} change(s). Nothing changes until you approve; open the link to approve or reject.",
            proposal.stage_name,
            proposal.agent,
            waiting.len()
        ),
        fields,
        link: Some(format!(
            "{}/executions/{}#approval",
            base_url.trim_end_matches('/'),
            proposal.execution_id
        )),
        footer: match project_name {
            Some(p) => format!("Switchboard · {p} · {}", proposal.id),
            None => format!("Switchboard · {}", proposal.id),
        },
        occurred_at: proposal.created_at,
    }
}

/// "Send test" on a channel.
pub fn test_notice(channel_name: &str, base_url: &str, at: Timestamp) -> Notice {
    Notice {
        event: EventKind::Test,
        severity: Severity::Info,
        title: "Test message from Switchboard".to_owned(),
        summary: format!("The channel \"{channel_name}\" is set up: run results will arrive here."),
        fields: vec![NoticeField {
            name: "Channel".to_owned(),
            value: channel_name.to_owned(),
            inline: true,
        }],
        link: Some(format!("{}/integrations", base_url.trim_end_matches('/'))),
        footer: "Switchboard".to_owned(),
        occurred_at: at,
    }
}

/// An A/B test that found its winner. `base_url` is the server's public address (the link goes
/// to the experiment's page).
pub fn experiment_notice(
    experiment: &crate::experiments::Experiment,
    evaluation: &crate::experiments::Evaluation,
    project_name: Option<&str>,
    base_url: &str,
    at: Timestamp,
) -> Notice {
    let winner = evaluation
        .decision
        .winner()
        .and_then(|k| experiment.variant(k))
        .map_or_else(|| "A variant".to_owned(), |v| v.name.clone());
    let mut fields = vec![
        NoticeField {
            name: "Experiment".to_owned(),
            value: experiment.name.clone(),
            inline: true,
        },
        NoticeField {
            name: "Winner".to_owned(),
            value: winner.clone(),
            inline: true,
        },
        NoticeField {
            name: "Metric".to_owned(),
            value: experiment.metric.label().to_owned(),
            inline: true,
        },
    ];
    if let crate::experiments::Decision::Winner {
        lift: Some(lift),
        lift_ci,
        p_value,
        ..
    } = &evaluation.decision
    {
        let interval = lift_ci.map_or_else(String::new, |[lo, hi]| {
            format!(" [{:+.1}%, {:+.1}%]", lo * 100.0, hi * 100.0)
        });
        fields.push(NoticeField {
            name: "Lift".to_owned(),
            value: format!("{:+.1}%{interval}, p = {p_value:.4}", lift * 100.0),
            inline: false,
        });
    }
    if let Some(p) = project_name {
        fields.push(NoticeField {
            name: "Project".to_owned(),
            value: p.to_owned(),
            inline: true,
        });
    }
    Notice {
        event: EventKind::AbTestWinner,
        severity: Severity::Success,
        title: format!("A/B test winner: {}", experiment.name),
        summary: evaluation.decision.message().to_owned(),
        fields,
        link: Some(format!(
            "{}/experiments/{}",
            base_url.trim_end_matches('/'),
            experiment.id
        )),
        footer: format!("Switchboard · {}", experiment.platform.label()),
        occurred_at: at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::execution::{Execution, StageRun};
    use crate::ids::ExecutionId;

    fn stage(position: u32, name: &str, status: StageStatus, error: Option<&str>) -> StageRun {
        StageRun {
            position,
            stage_id: format!("s{position}"),
            name: name.to_owned(),
            agent: None,
            action: None,
            params: serde_json::Value::Null,
            status,
            attempt: 1,
            started_at: None,
            completed_at: None,
            output: None,
            error: error.map(str::to_owned),
        }
    }

    fn detail(status: ExecutionStatus, stages: Vec<StageRun>) -> ExecutionDetail {
        let t = |s: &str| Timestamp::parse(s).expect("time");
        ExecutionDetail {
            execution: Execution {
                id: ExecutionId::parse("exec_1").expect("id"),
                workflow_id: None,
                workflow_name: Some("Spring launch".to_owned()),
                project_id: None,
                status,
                input: serde_json::json!({}),
                result: None,
                error: None,
                created_at: t("2026-11-25T09:00:00Z"),
                started_at: Some(t("2026-11-25T09:00:01Z")),
                completed_at: Some(t("2026-11-25T09:00:05.250Z")),
                dry_run: false,
            },
            stages,
        }
    }

    #[test]
    fn a_completed_run_says_what_ran_and_how_long() {
        let d = detail(
            ExecutionStatus::Completed,
            vec![
                stage(0, "Report", StageStatus::Completed, None),
                stage(1, "Plan", StageStatus::Completed, None),
            ],
        );
        let n = run_notice(&d, Some("Alpine Trails"), "https://sb.example/");
        assert_eq!(n.event, EventKind::ExecutionCompleted);
        assert_eq!(n.title, "Run completed: Spring launch");
        assert_eq!(n.summary, "Spring launch completed 2 of 2 stages in 4.2 s.");
        assert_eq!(n.link.as_deref(), Some("https://sb.example/executions/exec_1"));
        assert!(
            n.fields
                .iter()
                .any(|f| f.name == "Project" && f.value == "Alpine Trails")
        );
        assert!(
            n.fields
                .iter()
                .any(|f| f.name == "2. Plan" && f.value == "✓ completed")
        );
    }

    #[test]
    fn a_run_with_skipped_stages_says_so_and_warns() {
        let mut skipped = stage(1, "Launch on Pinterest", StageStatus::Skipped, None);
        skipped.output = Some(serde_json::json!({
            "summary": "No active connection on Pinterest Ads for this project: nothing to do",
            "skipped": true
        }));
        let d = detail(
            ExecutionStatus::Completed,
            vec![stage(0, "Report", StageStatus::Completed, None), skipped],
        );
        let n = run_notice(&d, None, "http://localhost:3000");
        assert_eq!(n.severity, Severity::Warning);
        assert_eq!(
            n.summary,
            "Spring launch completed 1 of 2 stages in 4.2 s. 1 skipped (Launch on Pinterest: No active \
             connection on Pinterest Ads for this project: nothing to do)."
        );
        assert!(
            n.fields
                .iter()
                .any(|f| f.name == "2. Launch on Pinterest" && f.value == "– skipped")
        );
    }

    #[test]
    fn a_failed_run_names_the_stage_and_the_reason() {
        let d = detail(
            ExecutionStatus::Failed,
            vec![
                stage(0, "Report", StageStatus::Completed, None),
                stage(
                    1,
                    "Launch on Meta",
                    StageStatus::Failed,
                    Some("Meta refused the budget"),
                ),
                stage(2, "Rebalance", StageStatus::Skipped, None),
            ],
        );
        let n = run_notice(&d, None, "http://localhost:3000");
        assert_eq!(n.event, EventKind::ExecutionFailed);
        assert_eq!(n.severity, Severity::Failure);
        assert_eq!(
            n.summary,
            "Spring launch failed at stage 2 (Launch on Meta): Meta refused the budget"
        );
        assert_eq!(n.footer, "Switchboard · exec_1");
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration_text(250), "250 ms");
        assert_eq!(duration_text(4_250), "4.2 s");
        assert_eq!(duration_text(125_000), "2 min 5 s");
        assert_eq!(duration_text(7_500_000), "2 h 5 min");
    }

    #[test]
    fn an_approval_notice_lists_the_changes_and_links_to_them() {
        use crate::approval::{ChangeDecision, ChangeKind, Proposal, ProposalStatus, ProposedChange};
        let t = |s: &str| Timestamp::parse(s).expect("time");
        let change = |id: &str, decision: ChangeDecision| ProposedChange {
            id: id.to_owned(),
            connection_id: "conn_1".to_owned(),
            platform: crate::Platform::Meta,
            kind: ChangeKind::Budget,
            object_id: Some("120".to_owned()),
            object_name: "Prospecting DE".to_owned(),
            field: "daily_budget_micros".to_owned(),
            from: Some(serde_json::json!(100_000_000)),
            to: serde_json::json!(120_000_000),
            currency: Some(crate::Currency::parse("EUR").expect("eur")),
            why: "ROAS 4.1 against 2.3".to_owned(),
            decision,
            applied: false,
            error: None,
            result: None,
        };
        let p = Proposal {
            id: "prop_9".to_owned(),
            execution_id: ExecutionId::parse("exec_7").expect("id"),
            project_id: None,
            workflow_name: Some("Budget rebalance".to_owned()),
            stage_position: 0,
            stage_id: "rebalance".to_owned(),
            stage_name: "Rebalance".to_owned(),
            agent: crate::workflow::Agent::Trader,
            action: "rebalance_budgets".to_owned(),
            status: ProposalStatus::Pending,
            changes: vec![
                change("c1", ChangeDecision::Pending),
                change("c2", ChangeDecision::AutoApproved),
            ],
            created_at: t("2026-12-05T09:00:00Z"),
            expires_at: t("2026-12-07T09:00:00Z"),
            decided_at: None,
            decided_by: None,
            note: None,
        };
        let n = approval_notice(&p, Some("Alpine Trails"), "https://sb.example/");
        assert_eq!(n.event, EventKind::ApprovalRequested);
        assert_eq!(n.title, "Approval needed: Budget rebalance");
        assert_eq!(
            n.link.as_deref(),
            Some("https://sb.example/executions/exec_7#approval")
        );
        assert!(n.summary.contains("proposes 1 change(s)"), "{}", n.summary);
        let line = n
            .fields
            .iter()
            .find(|f| f.name == "Prospecting DE · Meta Ads")
            .expect("the waiting change is listed");
        assert!(line.value.contains("→"), "{}", line.value);
        assert!(line.value.contains("(+20%)"), "{}", line.value);
        assert!(line.value.contains("ROAS 4.1 against 2.3"));
        assert_eq!(
            n.fields
                .iter()
                .filter(|f| f.name.starts_with("Prospecting"))
                .count(),
            1
        );
    }
}
