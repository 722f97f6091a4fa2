//! Memory benchmark (README: Benchmarks, Agent memory). Run with `make bench-memory`;
//! `ARGS="--memories 100000 --writes 1000 --recalls 1000 --runs 1000 --rounds 10"` are the defaults.
//!
//! 1. Fill: `--memories` learnings through the memory service's write path (`record`, one at a
//!    time, as a person or an outside system records them): outcomes, insights and notes over 100
//!    projects, every platform, objective, vertical and action, with topics in their words.
//! 2. Writes at that size: `--writes` calls of `record`, half new learnings and half repeats that
//!    merge into one already there, each timed (p50, p95, p99).
//! 3. Recall at that size: `--recalls` questions, a quarter each by context only, text only, both,
//!    and for a project, each timed through `recall` (which also notes what it recalled).
//! 4. Growth: the learnings of `--runs` finished runs (one budget change each) captured from their
//!    runs `--rounds` times over (the same changes, made again by later runs): the learnings stay as
//!    many (merged), their sightings grow by one a round; the same runs captured again (a resumed
//!    run) add nothing; and one learning seen 300 times keeps 100 sightings.

#[path = "common/mod.rs"]
mod common;

use common::{arg, percentile};

use std::sync::Arc;
use std::time::Instant;
use switchboard_core::approval::{ChangeDecision, ChangeKind, ProposedChange};
use switchboard_core::execution::{Execution, ExecutionDetail, ExecutionStatus, StageRun, StageStatus};
use switchboard_core::memory::input::{MemoryFilter, NewMemory, NewOutcome};
use switchboard_core::memory::{
    BudgetBand, MemoryAction, MemoryAgent, MemoryContext, MemoryKind, MemorySource, Metric, Objective,
    RecallQuery, SourceKind,
};
use switchboard_core::project::ProjectInput;
use switchboard_core::seeded::Seeded as Draw;
use switchboard_core::service::MemoryService;
use switchboard_core::time::Timestamp;
use switchboard_core::vertical::Vertical;
use switchboard_core::workflow::Agent;
use switchboard_core::{ExecutionId, Platform, ProjectId};

// The allocator the server runs with.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// p50 / p95 / p99 / max of times in ms.
fn spread(times: &mut [f64]) -> (f64, f64, f64, f64) {
    times.sort_by(f64::total_cmp);
    (
        percentile(times, 0.50),
        percentile(times, 0.95),
        percentile(times, 0.99),
        times.last().copied().unwrap_or(0.0),
    )
}

const TOPICS: &[&str] = &[
    "carousel",
    "video",
    "catalog",
    "holiday",
    "summer",
    "spring",
    "clearance",
    "loyalty",
    "bundle",
    "shipping",
    "discount",
    "newsletter",
    "webinar",
    "trial",
    "checkout",
    "landing",
    "mobile",
    "desktop",
    "weekend",
    "evening",
    "frequency",
    "fatigue",
    "headline",
    "testimonial",
    "influencer",
    "keyword",
    "phrase",
    "negative",
    "feed",
    "price",
    "coupon",
    "seasonal",
    "school",
    "valentine",
    "mothers",
    "cyber",
    "arrivals",
    "bestsellers",
    "subscription",
    "app",
    "install",
    "form",
    "calculator",
    "quiz",
    "guide",
    "review",
    "rating",
    "sustainability",
    "premium",
    "local",
    "stores",
    "geo",
    "morning",
    "lunchtime",
    "collection",
    "launch",
    "gift",
    "wishlist",
    "outlet",
    "membership",
];
const AUDIENCES: &[Option<&str>] = &[
    Some("retargeting"),
    Some("prospecting"),
    Some("lookalike"),
    Some("broad"),
    Some("brand"),
    None,
    None,
];
const BRANDS: &[&str] = &[
    "Northwind",
    "Bluebird",
    "Acme",
    "Evergreen",
    "Lumen",
    "Harbor",
    "Copper",
    "Juniper",
    "Alpine",
    "Bright",
];
const CHANGES: &[MemoryAction] = &[
    MemoryAction::BudgetIncrease,
    MemoryAction::BudgetDecrease,
    MemoryAction::Pause,
    MemoryAction::Resume,
    MemoryAction::BidIncrease,
    MemoryAction::BidDecrease,
    MemoryAction::CreativeRefresh,
    MemoryAction::AudienceExpansion,
    MemoryAction::AudienceNarrowing,
    MemoryAction::Launch,
    MemoryAction::Rebalance,
    MemoryAction::BidStrategyChange,
    MemoryAction::Promote,
];
const PLATFORMS: [Platform; 3] = [Platform::Google, Platform::Meta, Platform::Pinterest];

fn title(word: &str) -> String {
    let mut c = word.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// One learning to record: 70% outcomes of the agents' changes (most measured), 20% the
/// Analyst's insights, 10% people's notes; `n` makes its campaign (and so its merge key) its own.
fn learning(d: &mut Draw, n: usize, projects: &[(ProjectId, Vertical)]) -> NewMemory {
    let (project, vertical) = if d.chance(0.9) {
        let (p, v) = d.pick(projects);
        (Some(p.clone()), Some(*v))
    } else {
        (None, d.chance(0.5).then(|| *d.pick(Vertical::ALL)))
    };
    let platform = *d.pick(&PLATFORMS);
    let objective = d.chance(0.9).then(|| *d.pick(Objective::ALL));
    let t: Vec<&str> = (0..3).map(|_| *d.pick(TOPICS)).collect();
    let audience = d.pick(AUDIENCES).map(str::to_owned);
    let source = MemorySource::sent_by(SourceKind::Api, "bench");
    let roll = d.below(10);
    if roll < 7 {
        let action = *d.pick(CHANGES);
        let metric = match action {
            MemoryAction::BidIncrease
            | MemoryAction::BidDecrease
            | MemoryAction::Pause
            | MemoryAction::Resume
            | MemoryAction::AudienceNarrowing
            | MemoryAction::AudienceExpansion => Metric::Cpa,
            MemoryAction::CreativeRefresh => Metric::Ctr,
            _ => Metric::Roas,
        };
        let before = d.between(1.0, 6.0);
        let measured = d.chance(0.8);
        let after = measured.then(|| before * (1.0 + d.between(-0.25, 0.25)));
        let brand = d.pick(BRANDS);
        let pct = 5 + d.below(26);
        let verb = match action {
            MemoryAction::BudgetIncrease => "Raised the daily budget of",
            MemoryAction::BudgetDecrease => "Lowered the daily budget of",
            MemoryAction::BidIncrease => "Raised the CPC bid of",
            MemoryAction::BidDecrease => "Lowered the CPC bid of",
            MemoryAction::Pause => "Paused",
            MemoryAction::Resume => "Turned back on",
            MemoryAction::CreativeRefresh => "Refreshed the creative of",
            MemoryAction::AudienceExpansion => "Widened the audience of",
            MemoryAction::AudienceNarrowing => "Narrowed the audience of",
            MemoryAction::Launch => "Launched",
            MemoryAction::Promote => "Promoted",
            _ => "Changed",
        };
        NewMemory {
            agent: *d.pick(&[
                MemoryAgent::Trader,
                MemoryAgent::Trader,
                MemoryAgent::SocialMediaBuyer,
                MemoryAgent::Strategist,
            ]),
            kind: MemoryKind::Outcome,
            project_id: project,
            context: MemoryContext {
                platform: Some(platform),
                objective,
                vertical,
                audience,
                budget_band: d.chance(0.8).then(|| *d.pick(BudgetBand::ALL)),
                month: Some(u8::try_from(1 + d.below(12)).unwrap_or(1)),
            },
            action: Some(action),
            subject: Some(format!("{} campaign {}", platform.label(), 100_000 + n)),
            summary: format!(
                "{verb} '{brand} | {} {}' on {} by {pct}% ({} {}): {} {before:.2} against the account average {:.2}",
                title(t[0]),
                title(t[1]),
                platform.label(),
                t[2],
                audience_word(d),
                metric.label(),
                before * d.between(0.7, 1.3),
            ),
            tags: vec![action.as_str().replace('_', " "), t[0].to_owned()],
            outcome: Some(NewOutcome {
                metric,
                before: Some(before),
                after,
                days: Some(7),
                spend_micros: None,
            }),
            source,
            pinned: false,
        }
    } else {
        let insight = roll < 9;
        let extra: Vec<&str> = (0..3).map(|_| *d.pick(TOPICS)).collect();
        let summary = if insight {
            format!(
                "{} {} {} convert {:.1}% against {:.1}% for {} {} in {}",
                platform.label(),
                t[0],
                t[1],
                d.between(0.5, 4.0),
                d.between(0.5, 4.0),
                extra[0],
                extra[1],
                extra[2]
            )
        } else {
            format!(
                "{} {}: {} {} {} works best with {}",
                title(t[0]),
                t[1],
                t[2],
                extra[0],
                extra[1],
                extra[2]
            )
        };
        NewMemory {
            agent: if insight {
                MemoryAgent::Analyst
            } else {
                MemoryAgent::Person
            },
            kind: if insight {
                MemoryKind::Insight
            } else {
                MemoryKind::Note
            },
            project_id: project,
            context: MemoryContext {
                platform: Some(platform),
                objective,
                vertical,
                ..Default::default()
            },
            action: None,
            subject: None,
            summary,
            tags: vec![t[0].to_owned()],
            outcome: None,
            source,
            pinned: false,
        }
    }
}

fn audience_word(d: &mut Draw) -> &'static str {
    const WHO: &[&str] = &[
        "buyers",
        "visitors",
        "subscribers",
        "shoppers",
        "students",
        "savers",
        "travellers",
        "gamers",
    ];
    WHO[d.below(WHO.len())]
}

/// A question: by context only, text only, both, or for a project (an index 0 to 3).
fn question(d: &mut Draw, kind: usize, projects: &[(ProjectId, Vertical)]) -> RecallQuery {
    let mut q = RecallQuery {
        limit: 10,
        ..Default::default()
    };
    let context = |d: &mut Draw, q: &mut RecallQuery| {
        q.context.platform = d.chance(0.9).then(|| *d.pick(&PLATFORMS));
        q.context.objective = d.chance(0.7).then(|| *d.pick(Objective::ALL));
        q.context.vertical = d.chance(0.7).then(|| *d.pick(Vertical::ALL));
        q.action = Some(*d.pick(CHANGES));
    };
    let text = |d: &mut Draw, q: &mut RecallQuery| {
        let words: Vec<&str> = (0..1 + d.below(3)).map(|_| *d.pick(TOPICS)).collect();
        q.q = Some(words.join(" "));
    };
    match kind {
        0 => context(d, &mut q),
        1 => text(d, &mut q),
        2 => {
            context(d, &mut q);
            text(d, &mut q);
        }
        _ => {
            q.project_id = Some(d.pick(projects).0.clone());
            q.action = Some(*d.pick(CHANGES));
            if d.chance(0.5) {
                q.context.platform = Some(*d.pick(&PLATFORMS));
            }
            if d.chance(0.3) {
                text(d, &mut q);
            }
        }
    }
    q
}

/// A finished run of the Trader that changed one campaign's budget (`round` makes it another run
/// of the same change).
fn run(i: usize, round: usize, project: &ProjectId, at: Timestamp) -> anyhow::Result<ExecutionDetail> {
    let change = ProposedChange {
        id: "c1".into(),
        connection_id: format!("conn_bench{:03}", i % 100),
        platform: PLATFORMS[i % 3],
        kind: ChangeKind::Budget,
        object_id: Some(format!("9{i:06}")),
        object_name: format!("Bench {i} | Prospecting"),
        field: "daily_budget_micros".into(),
        from: Some(serde_json::json!(100_000_000)),
        to: serde_json::json!(120_000_000),
        currency: None,
        why: "return on ad spend above the account average: budget up 20%".into(),
        decision: ChangeDecision::AutoApproved,
        applied: true,
        error: None,
        result: None,
    };
    Ok(ExecutionDetail {
        execution: Execution {
            id: ExecutionId::from_suffix(&format!("growth{round}x{i}"))?,
            workflow_id: None,
            workflow_name: Some("Budget rebalance".into()),
            project_id: Some(project.clone()),
            status: ExecutionStatus::Completed,
            input: serde_json::json!({}),
            result: None,
            error: None,
            created_at: at,
            started_at: Some(at),
            completed_at: Some(at),
            dry_run: false,
        },
        stages: vec![StageRun {
            position: 0,
            stage_id: "s1".into(),
            name: "Rebalance".into(),
            agent: Some(Agent::Trader),
            action: Some("rebalance_budgets".into()),
            params: serde_json::json!({}),
            status: StageStatus::Completed,
            attempt: 1,
            started_at: Some(at),
            completed_at: Some(at),
            output: Some(serde_json::json!({ "changes": [change] })),
            error: None,
        }],
    })
}

async fn rows(pool: &sqlx::SqlitePool) -> anyhow::Result<(i64, i64)> {
    let m: i64 = sqlx::query_scalar("SELECT count(*) FROM memories")
        .fetch_one(pool)
        .await?;
    let o: i64 = sqlx::query_scalar("SELECT count(*) FROM memory_observations")
        .fetch_one(pool)
        .await?;
    Ok((m, o))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    server::telemetry::init();
    let target = arg("--memories", 100_000);
    let writes = arg("--writes", 1_000);
    let recalls = arg("--recalls", 1_000);
    let runs = arg("--runs", 1_000);
    let rounds = arg("--rounds", 10);

    // `BENCH_DIR` keeps the database there afterwards (to look into it); a temporary folder otherwise.
    let temp = tempfile::tempdir()?;
    let dir =
        std::env::var_os("BENCH_DIR").map_or_else(|| temp.path().to_path_buf(), std::path::PathBuf::from);
    std::fs::create_dir_all(&dir)?;
    // `--reuse 1` with `BENCH_DIR`: the learnings a run before left there (only to profile recall).
    let reuse = arg("--reuse", 0) == 1 && dir.join("bench.db").exists();
    if !reuse {
        for old in ["bench.db", "bench.db-wal", "bench.db-shm"] {
            let _ = std::fs::remove_file(dir.join(old));
        }
    }
    let url = format!("sqlite://{}/bench.db?mode=rwc", dir.display());
    let pool = server::db::connect(server::db::connect_options(&url)?).await?;
    server::db::migrate(&pool).await?;
    let settings = Arc::new(server::connectors::ConnectorSettings::from_env());
    let keyring = Arc::new(server::secrets::Keyring::new(&[9; 32], &[]));
    let infra =
        server::wiring::infrastructure(&pool, settings, keyring, server::sync::SyncSettings::default())?;
    let repos = infra.repos.clone();
    let memory = server::services::Memories::new(
        repos.memories.clone(),
        repos.projects.clone(),
        repos.campaigns.clone(),
        repos.connections.clone(),
        server::services::MemorySettings::default(),
    );

    let mut projects = Vec::new();
    if reuse {
        let rows: Vec<(String, String)> =
            sqlx::query_as("SELECT id, vertical FROM projects WHERE vertical IS NOT NULL")
                .fetch_all(&pool)
                .await?;
        for (id, vertical) in rows {
            projects.push((ProjectId::parse(&id)?, vertical.parse::<Vertical>()?));
        }
    }
    for p in 0..if reuse { 0 } else { 100 } {
        let vertical = Vertical::ALL[p % Vertical::ALL.len()];
        let draft = ProjectInput {
            name: format!("Bench client {p}"),
            vertical: Some(vertical.as_str().to_owned()),
            ..Default::default()
        }
        .validate()
        .map_err(|e| anyhow::anyhow!("{e}"))?;
        projects.push((repos.projects.create(draft, "user").await?.id, vertical));
    }

    // 1. Fill.
    let mut d = Draw::new(20_261_205);
    let started = Instant::now();
    let (mut made, mut merged_in_fill, mut n, mut printed) = (0usize, 0usize, 0usize, 0usize);
    let mut repeatable: Vec<NewMemory> = Vec::new();
    while made < target && !reuse {
        let input = learning(&mut d, n, &projects);
        n += 1;
        if repeatable.len() < 5_000 && n % 17 == 0 {
            repeatable.push(input.clone());
        }
        if memory.record(input).await?.merged {
            merged_in_fill += 1;
        } else {
            made += 1;
        }
        if made % 20_000 == 0 && made > printed {
            printed = made;
            eprintln!(
                "fill: {made} learnings in {:.1} s",
                started.elapsed().as_secs_f64()
            );
        }
    }
    let fill = started.elapsed().as_secs_f64();
    let (rows_after_fill, sightings_after_fill) = rows(&pool).await?;
    sqlx::query("PRAGMA optimize").execute(&pool).await?;
    let size = |name: &str| std::fs::metadata(dir.join(name)).map_or(0, |m| m.len()) as f64 / 1e6;

    // 2. Writes at this size: half new, half merging into a learning already there.
    let (mut new_t, mut merge_t) = (Vec::new(), Vec::new());
    let mut merges_seen = 0;
    for i in 0..writes {
        let repeat = i % 2 == 1 && !repeatable.is_empty();
        let input = if repeat {
            let mut again = d.pick(&repeatable).clone();
            if let Some(o) = &mut again.outcome {
                o.after = Some(o.before.unwrap_or(2.0) * (1.0 + d.between(-0.2, 0.2)));
            }
            again
        } else {
            let input = learning(&mut d, n, &projects);
            n += 1;
            input
        };
        let t = Instant::now();
        let done = memory.record(input).await?;
        let ms = t.elapsed().as_secs_f64() * 1e3;
        if repeat {
            merges_seen += usize::from(done.merged);
            merge_t.push(ms);
        } else {
            new_t.push(ms);
        }
    }
    let mut all_writes: Vec<f64> = new_t.iter().chain(merge_t.iter()).copied().collect();

    // 3. Recall at this size.
    let kinds = ["context only", "text only", "context and text", "for a project"];
    let mut recall_t: Vec<Vec<f64>> = vec![Vec::new(); 4];
    let mut found = 0usize;
    for i in 0..recalls {
        let q = question(&mut d, i % 4, &projects);
        let t = Instant::now();
        let got = memory.recall(&q).await?;
        recall_t[i % 4].push(t.elapsed().as_secs_f64() * 1e3);
        found += got.len();
    }
    let mut all_recalls: Vec<f64> = recall_t.iter().flatten().copied().collect();
    // `--detail 1`: where a recall's time goes (the store's candidates by text, by context, both).
    let mut detail: Vec<(&str, Vec<f64>)> = vec![
        ("store: text", Vec::new()),
        ("store: context", Vec::new()),
        ("store: both", Vec::new()),
    ];
    if arg("--detail", 0) == 1 {
        let mut dd = Draw::new(99);
        for _ in 0..300 {
            let both = question(&mut dd, 2, &projects);
            let text = RecallQuery {
                context: MemoryContext::default(),
                action: None,
                ..both.clone()
            };
            let context = RecallQuery {
                q: None,
                ..both.clone()
            };
            for (slot, q) in [(0, &text), (1, &context), (2, &both)] {
                let t = Instant::now();
                repos.memories.candidates(q, 50).await?;
                detail[slot].1.push(t.elapsed().as_secs_f64() * 1e3);
            }
        }
    }

    // 4. Growth: the same runs' learnings, captured round after round.
    let (base_rows, base_sightings) = rows(&pool).await?;
    let now = Timestamp::from_datetime(chrono::Utc::now());
    let mut growth = Vec::new();
    let growth_started = Instant::now();
    for round in 0..rounds {
        let mut added = 0;
        for i in 0..runs {
            added += memory
                .capture_run(&run(i, round, &projects[i % projects.len()].0, now)?)
                .await?;
        }
        let (m, o) = rows(&pool).await?;
        growth.push((round + 1, added, m - base_rows, o - base_sightings));
    }
    let growth_ms = growth_started.elapsed().as_secs_f64() * 1e3 / (runs * rounds).max(1) as f64;
    let mut resumed = 0;
    for i in 0..runs {
        resumed += memory
            .capture_run(&run(i, 0, &projects[i % projects.len()].0, now)?)
            .await?;
    }
    let after_resume = rows(&pool).await?;
    // One learning seen 300 times keeps its 100 newest settled sightings.
    let mut pick = Draw::new(7);
    let one = loop {
        let l = learning(&mut pick, 999_999_999, &projects);
        if l.kind == MemoryKind::Outcome {
            break l;
        }
    };
    let mut id = None;
    for _ in 0..300 {
        let mut again = one.clone();
        again.outcome = Some(NewOutcome {
            metric: Metric::Roas,
            before: Some(3.0),
            after: Some(d.between(2.5, 3.5)),
            days: Some(7),
            spend_micros: None,
        });
        id = Some(memory.record(again).await?.memory);
    }
    let one = id.ok_or_else(|| anyhow::anyhow!("nothing recorded"))?;
    let kept: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM memory_observations o JOIN memories m ON m.n = o.memory_n WHERE m.id = ?",
    )
    .bind(one.id.as_str())
    .fetch_one(&pool)
    .await?;
    let total = memory
        .list(&MemoryFilter {
            limit: 1,
            ..Default::default()
        })
        .await?
        .total;

    println!("\n## Agent memory benchmark ({target} learnings)\n");
    println!(
        "fill: {made} learnings (+{merged_in_fill} repeats merged) through `record` in {fill:.1} s ({:.0} writes/s, {:.2} ms each); \
         {rows_after_fill} rows, {sightings_after_fill} sightings; database {:.1} MB, WAL {:.1} MB",
        (made + merged_in_fill) as f64 / fill,
        fill * 1e3 / (made + merged_in_fill) as f64,
        size("bench.db"),
        size("bench.db-wal")
    );
    println!(
        "\n| measure | n | p50 ms | p95 ms | p99 ms | max ms |\n| --- | ---: | ---: | ---: | ---: | ---: |"
    );
    let line = |name: &str, t: &mut Vec<f64>| {
        let n = t.len();
        let (p50, p95, p99, max) = spread(t);
        println!("| {name} | {n} | {p50:.2} | {p95:.2} | {p99:.2} | {max:.2} |");
    };
    line("write: new learning", &mut new_t);
    line(
        &format!("write: repeat, merged ({merges_seen} merged)"),
        &mut merge_t,
    );
    line("write: all", &mut all_writes);
    for (k, t) in kinds.iter().zip(recall_t.iter_mut()) {
        line(&format!("recall: {k}"), t);
    }
    line(
        &format!(
            "recall: all ({:.1} results each)",
            found as f64 / recalls.max(1) as f64
        ),
        &mut all_recalls,
    );
    for (name, t) in &mut detail {
        if !t.is_empty() {
            line(name, t);
        }
    }
    println!(
        "\ngrowth: the same {runs} runs' learnings captured again each round ({growth_ms:.2} ms a run)\n"
    );
    println!(
        "| round | sightings added | learnings (rows) | sightings (rows) |\n| ---: | ---: | ---: | ---: |"
    );
    for (round, added, m, o) in &growth {
        println!("| {round} | {added} | {m} | {o} |");
    }
    println!(
        "\nthe same runs captured again (resumed): {resumed} added; rows {} learnings, {} sightings",
        after_resume.0 - base_rows,
        after_resume.1 - base_sightings
    );
    println!(
        "one learning recorded 300 times: evidence {}, {kept} sightings kept",
        one.evidence
    );
    println!("learnings in all: {total}");
    Ok(())
}
