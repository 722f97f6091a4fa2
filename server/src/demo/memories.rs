//! The demo's memory: what the agents and the agency's people learned over the four months before
//! the demo begins, as one story per client. Budget raises on Meta lowered return on ad spend for
//! the retail and travel clients again and again while Google search scaled; lower Google bids
//! brought the cost per enrolment (Bright Path) and per lead (Harbor Bank) down; pausing the Meta
//! campaigns far above the account's cost per conversion helped; the Analyst's findings and a few
//! notes by the owner sit beside them.
//!
//! Each learning names a real campaign of the demo's accounts (the `pick`th one that was running
//! then) and is worded as the run would have worded it (`memory::capture::summary_of`). Every
//! sighting goes through the memory service's write path (`record_history`) on its own date, so
//! repeats merge, and evidence, averaged outcomes and confidence are the service's own. The figures
//! are drawn from the seed: the same seed makes the same memories.

use super::PROJECTS;
use chrono::{Datelike, Duration, NaiveDate, TimeZone, Utc};
use serde_json::{Value, json};
use switchboard_core::approval::{ChangeDecision, ChangeKind, ProposedChange};
use switchboard_core::memory::capture::{action_of, audience_of, summary_of};
use switchboard_core::memory::input::{NewMemory, NewOutcome};
use switchboard_core::memory::{
    BudgetBand, MemoryAction, MemoryAgent, MemoryContext, MemoryKind, MemorySource, Metric, Objective,
    Observation, OutcomeStatus, SourceKind,
};
use switchboard_core::seeded::Seeded as Draw;
use switchboard_core::time::Timestamp;
use switchboard_core::{Platform, ProjectId};

/// A campaign of a demo account, as the learnings name it.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoCampaign {
    pub connection_id: String,
    pub external_id: String,
    pub name: String,
    pub objective: Option<String>,
    pub daily_budget_micros: i64,
    pub start_date: NaiveDate,
}

/// The campaigns of each demo project (index into [`PROJECTS`]) on each platform.
pub type Shelf = Vec<(usize, Platform, Vec<DemoCampaign>)>;

/// When a sighting happened: a day of the month `n` months back, or `n` days ago.
#[derive(Debug, Clone, Copy)]
enum When {
    Month(u32, u32),
    DaysAgo(i64),
}

/// What followed a change.
#[derive(Debug, Clone, Copy)]
enum Res {
    /// Measured: the net effect (difference in differences, or the plain change where no untouched
    /// campaign compares).
    Net(f64),
    /// Its days have not passed yet.
    Pending,
    /// Measured but nothing could be said, and why.
    Unclear(&'static str),
}

/// One sighting of a change: when, how big a step (budget or bid, relative), what followed.
#[derive(Debug, Clone, Copy)]
struct Seen {
    when: When,
    step: f64,
    res: Res,
}

const fn seen(months_ago: u32, day: u32, step: f64, net: f64) -> Seen {
    Seen {
        when: When::Month(months_ago, day),
        step,
        res: Res::Net(net),
    }
}

const fn pending(days_ago: i64, step: f64) -> Seen {
    Seen {
        when: When::DaysAgo(days_ago),
        step,
        res: Res::Pending,
    }
}

const fn unclear(months_ago: u32, day: u32, step: f64, why: &'static str) -> Seen {
    Seen {
        when: When::Month(months_ago, day),
        step,
        res: Res::Unclear(why),
    }
}

/// A kind of change a run made.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Move {
    Budget,
    Bid,
    Pause,
    Launch,
    Promote,
}

#[derive(Debug, Clone)]
enum What {
    /// A change a run of `agent` made to the `pick`th campaign that was running on `platform`.
    Change {
        agent: MemoryAgent,
        platform: Platform,
        how: Move,
        pick: usize,
        why: &'static str,
        seen: Vec<Seen>,
    },
    /// One of the Analyst's findings, seen on each date (worded so that none of the demo runs' own
    /// findings, "Meta Ads took 46% of the spend", reads as a repeat of it).
    Insight {
        platform: Option<Platform>,
        text: &'static str,
        seen: Vec<When>,
    },
    /// A note by the owner.
    Note {
        platform: Option<Platform>,
        action: Option<MemoryAction>,
        text: &'static str,
        tags: &'static [&'static str],
        pinned: bool,
        when: When,
    },
    /// An outcome the owner recorded with its values: the metric before, and the net change, on each date.
    Told {
        platform: Option<Platform>,
        objective: Option<Objective>,
        action: MemoryAction,
        metric: Metric,
        text: &'static str,
        tags: &'static [&'static str],
        seen: Vec<(When, f64)>,
    },
}

/// A learning: the client it is about (an index into [`PROJECTS`]; agency-wide without one).
#[derive(Debug, Clone)]
struct Lesson {
    project: Option<usize>,
    what: What,
}

const NORTHWIND: Option<usize> = Some(1);
const ALPINE: Option<usize> = Some(0);
const BRIGHT: Option<usize> = Some(2);
const HARBOR: Option<usize> = Some(3);

const NOT_NETTED: &str = "no untouched campaign in the account to compare with: the change is not netted";

fn change(
    project: Option<usize>,
    agent: MemoryAgent,
    platform: Platform,
    how: Move,
    pick: usize,
    why: &'static str,
    seen: Vec<Seen>,
) -> Lesson {
    Lesson {
        project,
        what: What::Change {
            agent,
            platform,
            how,
            pick,
            why,
            seen,
        },
    }
}

fn insight(
    project: Option<usize>,
    platform: Option<Platform>,
    text: &'static str,
    seen: Vec<When>,
) -> Lesson {
    Lesson {
        project,
        what: What::Insight { platform, text, seen },
    }
}

fn note(
    project: Option<usize>,
    platform: Option<Platform>,
    action: Option<MemoryAction>,
    text: &'static str,
    tags: &'static [&'static str],
    pinned: bool,
    when: When,
) -> Lesson {
    Lesson {
        project,
        what: What::Note {
            platform,
            action,
            text,
            tags,
            pinned,
            when,
        },
    }
}

/// The history, client by client.
#[allow(clippy::too_many_lines)]
fn lessons() -> Vec<Lesson> {
    use MemoryAgent::{SocialMediaBuyer as Buyer, Trader};
    use Move::{Bid, Budget, Launch, Pause, Promote};
    use Platform::{Google, Meta, Pinterest};
    let roas_up = "return on ad spend above the account average: budget up";
    let roas_down = "return on ad spend under the account average: budget down";
    let cpa_high = "campaign cost per conversion above the target: bid down";
    let cpa_low = "campaign cost per conversion well under the target: bid up";
    let pause_why = "cost per conversion 2.3× the account average (limit 1.5×)";
    vec![
        // Northwind Outfitters (retail): Meta stops scaling, Google and Pinterest do.
        change(
            NORTHWIND,
            Trader,
            Meta,
            Budget,
            0,
            roas_up,
            vec![
                seen(2, 3, 0.20, -0.07),
                seen(2, 10, 0.15, -0.04),
                seen(2, 17, 0.20, -0.09),
                seen(2, 24, 0.10, 0.01),
            ],
        ),
        change(
            NORTHWIND,
            Trader,
            Meta,
            Budget,
            1,
            roas_up,
            vec![
                seen(1, 4, 0.20, -0.05),
                seen(1, 11, 0.20, -0.08),
                seen(1, 18, 0.15, -0.03),
            ],
        ),
        change(
            NORTHWIND,
            Trader,
            Meta,
            Budget,
            2,
            roas_up,
            vec![seen(3, 12, 0.25, -0.06)],
        ),
        change(
            NORTHWIND,
            Trader,
            Meta,
            Budget,
            3,
            roas_down,
            vec![seen(1, 6, -0.20, 0.06), seen(1, 13, -0.15, 0.04)],
        ),
        change(
            NORTHWIND,
            Trader,
            Google,
            Budget,
            0,
            roas_up,
            vec![
                seen(2, 5, 0.20, 0.05),
                seen(2, 12, 0.20, 0.08),
                seen(2, 19, 0.15, 0.02),
            ],
        ),
        change(
            NORTHWIND,
            Trader,
            Google,
            Bid,
            1,
            cpa_high,
            vec![
                seen(1, 3, -0.15, -0.09),
                seen(1, 10, -0.10, -0.06),
                seen(1, 17, -0.15, -0.11),
            ],
        ),
        change(
            NORTHWIND,
            Trader,
            Google,
            Bid,
            2,
            cpa_low,
            vec![seen(3, 9, 0.15, 0.12)],
        ),
        change(
            NORTHWIND,
            Trader,
            Pinterest,
            Budget,
            0,
            roas_up,
            vec![seen(2, 8, 0.20, 0.07), seen(2, 15, 0.20, 0.05)],
        ),
        change(
            NORTHWIND,
            Buyer,
            Meta,
            Pause,
            4,
            pause_why,
            vec![seen(2, 21, 0.0, -0.08)],
        ),
        change(
            NORTHWIND,
            Buyer,
            Pinterest,
            Promote,
            1,
            "three newest Pins with the most saves",
            vec![seen(3, 14, 0.0, 0.06)],
        ),
        change(
            NORTHWIND,
            Trader,
            Pinterest,
            Bid,
            2,
            cpa_high,
            vec![unclear(
                1,
                9,
                -0.10,
                "CPA is not defined in the days after the change",
            )],
        ),
        change(
            NORTHWIND,
            Trader,
            Google,
            Budget,
            3,
            roas_down,
            vec![pending(2, -0.15)],
        ),
        change(
            NORTHWIND,
            Trader,
            Pinterest,
            Budget,
            3,
            roas_down,
            vec![pending(4, -0.20)],
        ),
        insight(
            NORTHWIND,
            Some(Meta),
            "On Meta, ROAS fell three weeks running while the budget rose 18%: the prospecting audiences are saturating",
            vec![When::Month(1, 22)],
        ),
        insight(
            NORTHWIND,
            Some(Google),
            "Google brings 52% of the conversions on 38% of the budget",
            vec![When::Month(2, 7), When::Month(1, 7)],
        ),
        insight(
            NORTHWIND,
            Some(Pinterest),
            "Pinterest catalog campaigns convert 1.4% of clicks against 0.9% for the rest of the account",
            vec![When::Month(2, 14)],
        ),
        insight(
            NORTHWIND,
            None,
            "Retargeting campaigns return 6.2 per unit spent against 2.9 for prospecting",
            vec![When::Month(3, 20), When::Month(2, 20), When::Month(1, 20)],
        ),
        note(
            NORTHWIND,
            Some(Meta),
            Some(MemoryAction::BudgetIncrease),
            "Northwind's Black Friday: keep Meta budgets flat from 20 November and put the extra into Google Shopping",
            &["black friday", "seasonal"],
            true,
            When::Month(1, 25),
        ),
        Lesson {
            project: NORTHWIND,
            what: What::Told {
                platform: None,
                objective: Some(Objective::Sales),
                action: MemoryAction::Rebalance,
                metric: Metric::Roas,
                text: "Moving 15% of the Meta budget to Google Shopping raised Northwind's blended ROAS",
                tags: &["rebalance", "google shopping"],
                seen: vec![(When::Month(3, 16), 0.07), (When::Month(2, 16), 0.04)],
            },
        },
        // Alpine Trails Travel (travel): the same Meta story; Google search pays in the booking season.
        change(
            ALPINE,
            Trader,
            Meta,
            Budget,
            0,
            roas_up,
            vec![
                seen(1, 2, 0.20, -0.06),
                seen(1, 9, 0.20, -0.10),
                seen(1, 16, 0.10, -0.02),
            ],
        ),
        change(
            ALPINE,
            Trader,
            Google,
            Budget,
            0,
            roas_up,
            vec![seen(3, 4, 0.20, 0.09), seen(3, 11, 0.20, 0.12)],
        ),
        change(
            ALPINE,
            Trader,
            Google,
            Bid,
            1,
            cpa_high,
            vec![
                seen(2, 6, -0.15, -0.07),
                seen(2, 13, -0.10, -0.05),
                seen(2, 20, -0.15, -0.10),
            ],
        ),
        change(
            ALPINE,
            Trader,
            Google,
            Bid,
            2,
            cpa_low,
            vec![seen(1, 12, 0.15, 0.06)],
        ),
        change(
            ALPINE,
            Trader,
            Google,
            Budget,
            3,
            roas_down,
            vec![seen(2, 22, -0.10, 0.01)],
        ),
        change(
            ALPINE,
            Buyer,
            Pinterest,
            Promote,
            0,
            "promoting the newest hiking Pins in Germany, Austria and Switzerland",
            vec![seen(2, 4, 0.0, 0.11), seen(2, 18, 0.0, 0.05)],
        ),
        change(
            ALPINE,
            Buyer,
            Meta,
            Launch,
            1,
            "the summer hiking weeks, launched paused for the client's review",
            vec![unclear(
                2,
                26,
                0.0,
                "ROAS is not defined in the days after the change",
            )],
        ),
        change(
            ALPINE,
            Buyer,
            Meta,
            Pause,
            2,
            pause_why,
            vec![seen(3, 18, 0.0, -0.05)],
        ),
        change(
            ALPINE,
            Trader,
            Pinterest,
            Budget,
            1,
            roas_down,
            vec![seen(3, 7, -0.15, 0.03)],
        ),
        change(
            ALPINE,
            Trader,
            Meta,
            Budget,
            3,
            roas_down,
            vec![pending(3, -0.15)],
        ),
        change(
            ALPINE,
            Buyer,
            Pinterest,
            Promote,
            2,
            "promoting the autumn trail Pins",
            vec![pending(1, 0.0)],
        ),
        insight(
            ALPINE,
            Some(Pinterest),
            "Pinterest brings the cheapest clicks for hiking content: CPC 0.38 against 0.71 on Meta",
            vec![When::Month(2, 28), When::Month(1, 28)],
        ),
        insight(
            ALPINE,
            Some(Google),
            "Searches for hiking holidays double from February: bookings for the summer weeks start in March",
            vec![When::Month(3, 2)],
        ),
        insight(
            ALPINE,
            Some(Meta),
            "Meta CPM rose 35% in four weeks as holiday advertisers bid up the same audiences",
            vec![When::Month(1, 27)],
        ),
        note(
            ALPINE,
            Some(Pinterest),
            Some(MemoryAction::Promote),
            "Alpine Trails: no promoted Pins for Switzerland until the client has CHF landing pages",
            &["switzerland", "landing pages"],
            false,
            When::Month(2, 11),
        ),
        Lesson {
            project: ALPINE,
            what: What::Told {
                platform: Some(Meta),
                objective: Some(Objective::Traffic),
                action: MemoryAction::CreativeRefresh,
                metric: Metric::Ctr,
                text: "New trail videos in the Meta ads lifted the click-through rate by a sixth",
                tags: &["creative", "video"],
                seen: vec![(When::Month(3, 22), 0.18), (When::Month(1, 21), 0.14)],
            },
        },
        // Bright Path Learning (education): lower Google bids bring the cost per enrolment down.
        change(
            BRIGHT,
            Trader,
            Google,
            Bid,
            0,
            cpa_high,
            vec![
                seen(1, 2, -0.15, -0.08),
                seen(1, 9, -0.10, -0.06),
                seen(1, 16, -0.15, -0.11),
                seen(1, 23, -0.10, -0.04),
            ],
        ),
        change(
            BRIGHT,
            Trader,
            Google,
            Bid,
            1,
            cpa_high,
            vec![seen(2, 5, -0.10, -0.05), seen(2, 12, -0.15, -0.07)],
        ),
        change(
            BRIGHT,
            Trader,
            Google,
            Bid,
            2,
            cpa_low,
            vec![seen(3, 6, 0.15, 0.10), seen(3, 13, 0.10, 0.07)],
        ),
        change(
            BRIGHT,
            Buyer,
            Meta,
            Pause,
            0,
            pause_why,
            vec![seen(2, 9, 0.0, -0.12)],
        ),
        change(
            BRIGHT,
            Buyer,
            Meta,
            Pause,
            1,
            "spent 420.00 with no conversion, twice the Meta Ads cost per conversion",
            vec![seen(1, 14, 0.0, -0.10)],
        ),
        change(
            BRIGHT,
            Buyer,
            Meta,
            Pause,
            2,
            pause_why,
            vec![unclear(
                3,
                20,
                0.0,
                "CPA is not defined in the days after the change",
            )],
        ),
        change(
            BRIGHT,
            Trader,
            Meta,
            Budget,
            0,
            roas_up,
            vec![seen(3, 3, 0.20, -0.05)],
        ),
        change(
            BRIGHT,
            Trader,
            Meta,
            Budget,
            1,
            roas_down,
            vec![seen(2, 17, -0.20, 0.05), seen(2, 24, -0.15, 0.08)],
        ),
        change(
            BRIGHT,
            Trader,
            Google,
            Bid,
            3,
            cpa_high,
            vec![unclear(
                2,
                27,
                -0.10,
                "CPA is not defined in the days before the change",
            )],
        ),
        change(BRIGHT, Trader, Google, Budget, 3, roas_up, vec![pending(3, 0.15)]),
        change(BRIGHT, Buyer, Meta, Pause, 3, pause_why, vec![pending(2, 0.0)]),
        insight(
            BRIGHT,
            Some(Meta),
            "On Meta the cost per enrolment is 2.1 times Google's over the last 14 days",
            vec![When::Month(2, 2), When::Month(1, 2)],
        ),
        insight(
            BRIGHT,
            None,
            "Enrolments peak in August and January: the cost per lead falls by a fifth in those months",
            vec![When::Month(3, 25)],
        ),
        note(
            BRIGHT,
            None,
            None,
            "Bright Path counts an enrolment after the trial class: platform conversions run about 30% ahead of the CRM",
            &["tracking", "crm"],
            true,
            When::Month(3, 1),
        ),
        Lesson {
            project: BRIGHT,
            what: What::Told {
                platform: Some(Meta),
                objective: Some(Objective::Leads),
                action: MemoryAction::AudienceExpansion,
                metric: Metric::Cpa,
                text: "Widening the Meta lookalike from 1% to 5% raised the cost per enrolment by a fifth",
                tags: &["lookalike"],
                seen: vec![(When::Month(2, 10), 0.22)],
            },
        },
        // Harbor Bank Savings (finance): lower Google bids and fewer Meta pounds.
        change(
            HARBOR,
            Trader,
            Google,
            Bid,
            0,
            cpa_high,
            vec![
                seen(2, 2, -0.10, -0.06),
                seen(2, 9, -0.15, -0.09),
                seen(2, 16, -0.10, -0.03),
            ],
        ),
        change(
            HARBOR,
            Trader,
            Google,
            Bid,
            1,
            cpa_low,
            vec![seen(1, 5, 0.15, 0.08)],
        ),
        change(
            HARBOR,
            Trader,
            Google,
            Budget,
            2,
            roas_up,
            vec![seen(3, 10, 0.15, 0.04)],
        ),
        change(
            HARBOR,
            Trader,
            Meta,
            Budget,
            0,
            roas_up,
            vec![seen(1, 3, 0.20, -0.08), seen(1, 10, 0.20, -0.05)],
        ),
        change(
            HARBOR,
            Trader,
            Meta,
            Budget,
            1,
            roas_down,
            vec![seen(3, 15, -0.10, 0.015)],
        ),
        change(
            HARBOR,
            Buyer,
            Meta,
            Pause,
            2,
            pause_why,
            vec![seen(2, 23, 0.0, -0.07)],
        ),
        change(
            HARBOR,
            Trader,
            Meta,
            Budget,
            2,
            roas_down,
            vec![unclear(
                2,
                5,
                -0.20,
                "ROAS is not defined in the days after the change",
            )],
        ),
        change(HARBOR, Trader, Meta, Budget, 3, roas_up, vec![pending(5, 0.10)]),
        insight(
            HARBOR,
            Some(Google),
            "Savings-account leads from Google open accounts at three times the rate of Meta leads",
            vec![When::Month(3, 5), When::Month(2, 5), When::Month(1, 5)],
        ),
        insight(
            HARBOR,
            Some(Meta),
            "Meta frequency passed 4 in the last 14 days: the same people see the same adverts too often",
            vec![When::Month(1, 19)],
        ),
        note(
            HARBOR,
            None,
            Some(MemoryAction::Launch),
            "Harbor Bank: every ad text needs the compliance team's sign-off; allow 3 working days before a launch",
            &["compliance"],
            true,
            When::Month(3, 8),
        ),
        note(
            HARBOR,
            None,
            Some(MemoryAction::BudgetIncrease),
            "Harbor Bank's ISA season runs February to April: plan budgets 30% higher for those months",
            &["seasonal", "isa"],
            false,
            When::Month(2, 3),
        ),
        Lesson {
            project: HARBOR,
            what: What::Told {
                platform: Some(Meta),
                objective: Some(Objective::Leads),
                action: MemoryAction::AudienceNarrowing,
                metric: Metric::Cpa,
                text: "Narrowing Meta to existing current-account customers cut the cost per lead by 14%",
                tags: &["audience"],
                seen: vec![(When::Month(2, 19), -0.14)],
            },
        },
        // Agency-wide.
        note(
            None,
            Some(Meta),
            Some(MemoryAction::BudgetIncrease),
            "Meta restarts a campaign's learning phase when its budget moves more than 20%: step budgets up in smaller moves",
            &["learning phase"],
            true,
            When::Month(3, 2),
        ),
        note(
            None,
            Some(Google),
            Some(MemoryAction::BidDecrease),
            "Google smart bidding needs about 30 conversions a month per campaign before a bid change can be judged",
            &["smart bidding"],
            false,
            When::Month(2, 1),
        ),
        note(
            None,
            Some(Pinterest),
            Some(MemoryAction::Promote),
            "Promoted Pins need two weeks before their results settle: judge them after 14 days, not 7",
            &["pins"],
            false,
            When::Month(1, 8),
        ),
        Lesson {
            project: None,
            what: What::Told {
                platform: Some(Meta),
                objective: Some(Objective::Sales),
                action: MemoryAction::BudgetIncrease,
                metric: Metric::Roas,
                text: "Across clients, raising a Meta budget more than 20% at once lowered its ROAS within a week",
                tags: &["scaling"],
                seen: vec![
                    (When::Month(3, 28), -0.09),
                    (When::Month(2, 28), -0.06),
                    (When::Month(1, 28), -0.04),
                ],
            },
        },
    ]
}

fn round(x: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (x * f).round() / f
}

/// The moment of a sighting: a working morning, yesterday at the latest (or, for a sighting that
/// was measured, at least its days plus one before today).
fn moment(today: NaiveDate, when: When, measured: bool, draw: &mut Draw) -> Timestamp {
    let latest = today - Duration::days(if measured { 8 } else { 1 });
    let day = match when {
        When::DaysAgo(n) => today - Duration::days(n),
        When::Month(back, day) => {
            let months = today.year() * 12 + today.month0() as i32 - back as i32;
            let first = NaiveDate::from_ymd_opt(months.div_euclid(12), months.rem_euclid(12) as u32 + 1, 1)
                .unwrap_or(today);
            first + Duration::days(i64::from(day.clamp(1, 28)) - 1)
        }
    }
    .min(latest);
    let minutes = 6 * 60 + (draw.next_u64() % 180) as i64;
    let at =
        Utc.from_utc_datetime(&day.and_hms_opt(0, 0, 0).unwrap_or_default()) + Duration::minutes(minutes);
    Timestamp::from_datetime(at)
}

/// The metric's level for a client before a change (ROAS, or CPA in the account's currency).
fn level(project: usize, metric: Metric) -> f64 {
    match (metric, project) {
        (Metric::Roas, 0) => 4.2,
        (Metric::Roas, 1) => 3.4,
        (Metric::Roas, 2) => 2.1,
        (Metric::Roas, _) => 1.6,
        (Metric::Cpa, 0) => 45.0,
        (Metric::Cpa, 1) => 28.0,
        (Metric::Cpa, 2) => 62.0,
        (Metric::Cpa, _) => 85.0,
        (Metric::Ctr, _) => 0.012,
        _ => 1.0,
    }
}

fn history_source() -> MemorySource {
    MemorySource {
        kind: SourceKind::Run,
        execution_id: None,
        stage_id: None,
        experiment_id: None,
        by: Some("an earlier run (demo history)".to_owned()),
    }
}

fn owner() -> MemorySource {
    MemorySource::sent_by(SourceKind::Person, "owner")
}

fn empty_sighting(at: Timestamp) -> Observation {
    Observation {
        key: None,
        status: OutcomeStatus::Measured,
        before: None,
        after: None,
        change: None,
        control_change: None,
        effect: None,
        days: None,
        spend_micros: None,
        note: None,
        at,
        target: None,
    }
}

fn project_of(n: usize) -> Option<ProjectId> {
    ProjectId::parse(&super::project_id(n)).ok()
}

/// The demo's learnings, each sighting as the write path is given it, in the order they happened.
pub fn history(seed: u64, today: NaiveDate, shelf: &Shelf) -> Vec<(NewMemory, Observation)> {
    let mut draw = Draw::new(seed ^ 0x6D65_6D6F_7279);
    let mut out: Vec<(NewMemory, Observation)> = Vec::new();
    for lesson in lessons() {
        let project = lesson.project.and_then(project_of);
        let vertical = lesson.project.map(|n| PROJECTS[n].vertical);
        match lesson.what {
            What::Change {
                agent,
                platform,
                how,
                pick,
                why,
                seen,
            } => {
                let Some(n) = lesson.project else { continue };
                let Some((_, _, campaigns)) = shelf.iter().find(|(p, pl, _)| *p == n && *pl == platform)
                else {
                    continue;
                };
                let first = seen.first().map_or(today, |s| {
                    moment(today, s.when, !matches!(s.res, Res::Pending), &mut Draw::new(0)).date()
                });
                // The `pick`th campaign that was running by the first sighting (any when none was).
                let running: Vec<&DemoCampaign> = campaigns.iter().filter(|c| c.start_date < first).collect();
                let pool: Vec<&DemoCampaign> = if running.is_empty() {
                    campaigns.iter().collect()
                } else {
                    running
                };
                let Some(campaign) = pool.get(pick % pool.len().max(1)).copied() else {
                    continue;
                };
                for s in seen {
                    out.push(sighting_of_change(
                        n,
                        project.clone(),
                        vertical,
                        agent,
                        platform,
                        how,
                        campaign,
                        why,
                        s,
                        today,
                        &mut draw,
                    ));
                }
            }
            What::Insight { platform, text, seen } => {
                for when in seen {
                    let at = moment(today, when, true, &mut draw);
                    let input = NewMemory {
                        agent: MemoryAgent::Analyst,
                        kind: MemoryKind::Insight,
                        project_id: project.clone(),
                        context: MemoryContext {
                            platform,
                            vertical,
                            ..Default::default()
                        },
                        action: None,
                        subject: None,
                        summary: text.to_owned(),
                        tags: vec!["report".to_owned()],
                        outcome: None,
                        source: history_source(),
                        pinned: false,
                    };
                    out.push((input, empty_sighting(at)));
                }
            }
            What::Note {
                platform,
                action,
                text,
                tags,
                pinned,
                when,
            } => {
                let at = moment(today, when, true, &mut draw);
                let input = NewMemory {
                    agent: MemoryAgent::Person,
                    kind: MemoryKind::Note,
                    project_id: project.clone(),
                    context: MemoryContext {
                        platform,
                        vertical,
                        ..Default::default()
                    },
                    action,
                    subject: None,
                    summary: text.to_owned(),
                    tags: tags.iter().map(|t| (*t).to_owned()).collect(),
                    outcome: None,
                    source: owner(),
                    pinned,
                };
                out.push((input, empty_sighting(at)));
            }
            What::Told {
                platform,
                objective,
                action,
                metric,
                text,
                tags,
                seen,
            } => {
                for (when, net) in seen {
                    let at = moment(today, when, true, &mut draw);
                    let before = round(
                        level(lesson.project.unwrap_or(1), metric) * draw.between(0.9, 1.1),
                        4,
                    );
                    let after = round(before * (1.0 + net + draw.between(-0.01, 0.01)), 4);
                    let outcome = NewOutcome {
                        metric,
                        before: Some(before),
                        after: Some(after),
                        days: Some(7),
                        spend_micros: None,
                    };
                    let mut sighting = empty_sighting(at);
                    sighting.before = Some(before);
                    sighting.after = Some(after);
                    sighting.change = outcome.change().map(|c| round(c, 4));
                    sighting.days = Some(7);
                    let input = NewMemory {
                        agent: MemoryAgent::Person,
                        kind: MemoryKind::Outcome,
                        project_id: project.clone(),
                        context: MemoryContext {
                            platform,
                            objective,
                            vertical,
                            ..Default::default()
                        },
                        action: Some(action),
                        subject: None,
                        summary: text.to_owned(),
                        tags: tags.iter().map(|t| (*t).to_owned()).collect(),
                        outcome: Some(outcome),
                        source: owner(),
                        pinned: false,
                    };
                    out.push((input, sighting));
                }
            }
        }
    }
    out.sort_by_key(|(_, s)| s.at);
    out
}

/// One sighting of a change a run made, worded and measured as the run and the evaluator would.
#[allow(clippy::too_many_arguments)]
fn sighting_of_change(
    n: usize,
    project: Option<ProjectId>,
    vertical: Option<switchboard_core::vertical::Vertical>,
    agent: MemoryAgent,
    platform: Platform,
    how: Move,
    campaign: &DemoCampaign,
    why: &str,
    s: Seen,
    today: NaiveDate,
    draw: &mut Draw,
) -> (NewMemory, Observation) {
    let at = moment(today, s.when, !matches!(s.res, Res::Pending), draw);
    let budget = campaign.daily_budget_micros.max(10_000_000);
    let step = |from: i64| ((from as f64 * (1.0 + s.step)) / 10_000.0).round() as i64 * 10_000;
    let bid = 1_200_000 + (draw.next_u64() % 8) as i64 * 100_000;
    let active = if platform == Platform::Google {
        "ENABLED"
    } else {
        "ACTIVE"
    };
    let (kind, field, from, to, object_id, result) = match how {
        Move::Budget => (
            ChangeKind::Budget,
            "daily_budget_micros",
            Some(json!(budget)),
            json!(step(budget)),
            Some(campaign.external_id.clone()),
            None,
        ),
        Move::Bid => (
            ChangeKind::Bid,
            "cpc_bid_micros",
            Some(json!(bid)),
            json!(step(bid)),
            Some(campaign.external_id.clone()),
            None,
        ),
        Move::Pause => (
            ChangeKind::Status,
            "status",
            Some(json!(active)),
            json!("PAUSED"),
            Some(campaign.external_id.clone()),
            None,
        ),
        Move::Launch => (
            ChangeKind::Create,
            "campaign",
            None,
            json!({"name": campaign.name, "daily_budget_micros": budget, "goal": "traffic"}),
            None,
            Some(json!({"campaign_id": campaign.external_id})),
        ),
        Move::Promote => (
            ChangeKind::Create,
            "promotion",
            None,
            json!({"name": campaign.name, "daily_budget_micros": budget}),
            None,
            Some(json!({"campaign_id": campaign.external_id})),
        ),
    };
    let why = match how {
        Move::Budget => format!("{why} {:.0}%", s.step.abs() * 100.0),
        _ => why.to_owned(),
    };
    let proposed = ProposedChange {
        id: "c1".to_owned(),
        connection_id: campaign.connection_id.clone(),
        platform,
        kind,
        object_id,
        object_name: campaign.name.clone(),
        field: field.to_owned(),
        from: from.clone(),
        to: to.clone(),
        currency: None,
        why,
        decision: ChangeDecision::AutoApproved,
        applied: true,
        error: None,
        result,
    };
    let (action, metric) = action_of(&proposed).unwrap_or((MemoryAction::Rebalance, Metric::Roas));
    let objective = campaign
        .objective
        .as_deref()
        .and_then(Objective::parse_word)
        .or_else(|| {
            to.get("goal")
                .and_then(Value::as_str)
                .and_then(Objective::parse_word)
        });
    let band_of = match how {
        Move::Budget => from.as_ref().and_then(Value::as_i64),
        Move::Launch | Move::Promote => to.get("daily_budget_micros").and_then(Value::as_i64),
        _ => Some(budget),
    };
    let before = round(level(n, metric) * draw.between(0.85, 1.15), 4);
    let days = 7;
    let spend_micros = (budget as f64 * f64::from(days) * draw.between(0.8, 1.0)).round() as i64;
    let (scope, netted) = match how {
        Move::Pause => ("account", false),
        Move::Launch | Move::Promote => ("new", false),
        _ => ("campaign", true),
    };
    let mut o = Observation {
        key: None,
        status: OutcomeStatus::Pending,
        before: Some(before),
        after: None,
        change: None,
        control_change: None,
        effect: None,
        days: Some(days),
        spend_micros: None,
        note: None,
        at,
        target: Some(json!({
            "connection_id": campaign.connection_id,
            "platform": platform,
            "scope": scope,
            "campaigns": if scope == "account" { Vec::new() } else { vec![campaign.external_id.clone()] },
            "changed": if scope == "account" { Vec::new() } else { vec![campaign.external_id.clone()] },
        })),
    };
    match s.res {
        Res::Pending => {}
        Res::Net(net) => {
            let net = net + draw.between(-0.008, 0.008);
            let control = netted.then(|| round(draw.between(-0.03, 0.025), 4));
            let change = round(net + control.unwrap_or(0.0), 4);
            o.status = OutcomeStatus::Measured;
            o.after = Some(round(before * (1.0 + change), 4));
            o.change = Some(change);
            o.control_change = control;
            o.effect = control.map(|c| round(change - c, 4));
            o.spend_micros = Some(spend_micros);
            o.note = (!netted).then(|| NOT_NETTED.to_owned());
        }
        Res::Unclear(why) => {
            o.status = OutcomeStatus::Inconclusive;
            if why.contains("before") {
                o.before = None;
            }
            o.spend_micros = Some(if why.contains("after") {
                spend_micros / 20
            } else {
                spend_micros
            });
            o.note = Some(why.to_owned());
        }
    }
    let input = NewMemory {
        agent,
        kind: MemoryKind::Outcome,
        project_id: project,
        context: MemoryContext {
            platform: Some(platform),
            objective,
            vertical,
            audience: audience_of(&campaign.name),
            budget_band: band_of.map(BudgetBand::of_daily_micros),
            month: u8::try_from(at.date().month()).ok(),
        },
        action: Some(action),
        subject: Some(format!("{} campaign {}", platform.label(), campaign.external_id)),
        summary: summary_of(&proposed, action),
        tags: vec![action.as_str().replace('_', " ")],
        outcome: Some(NewOutcome {
            metric,
            before: o.before,
            after: o.after,
            days: Some(days),
            spend_micros: o.spend_micros,
        }),
        source: history_source(),
        pinned: false,
    };
    (input, o)
}

/// The campaigns of the demo's accounts, found in the fact store after the sync.
pub async fn shelf(app: &crate::wiring::Wiring) -> Result<Shelf, switchboard_core::RepoError> {
    let mut shelf = Vec::new();
    for (n, plan) in PROJECTS.iter().enumerate() {
        let Some(project) = project_of(n) else { continue };
        let connections = app.repos.connections.list(Some(&project)).await?;
        for platform in plan.platforms {
            let Some(connection) = connections.iter().find(|c| c.platform == *platform) else {
                continue;
            };
            let query = switchboard_core::campaign::CampaignQuery {
                project_id: Some(project.clone()),
                platform: Some(*platform),
                limit: 200,
                ..Default::default()
            };
            let mut campaigns: Vec<DemoCampaign> = app
                .repos
                .campaigns
                .list(&query)
                .await?
                .items
                .into_iter()
                .map(|c| DemoCampaign {
                    connection_id: connection.id.to_string(),
                    external_id: c.external_id,
                    name: c.name,
                    objective: c.objective,
                    daily_budget_micros: c.daily_budget.map_or(50_000_000, |b| b.get()),
                    start_date: c.start_date.unwrap_or_else(|| c.created_at.date()),
                })
                .collect();
            campaigns.sort_by(|a, b| {
                a.start_date
                    .cmp(&b.start_date)
                    .then_with(|| a.external_id.cmp(&b.external_id))
            });
            shelf.push((n, *platform, campaigns));
        }
    }
    Ok(shelf)
}

/// Records the history through the memory service, sighting by sighting in the order they happened.
pub async fn seed(app: &crate::wiring::Wiring, seed: u64, today: NaiveDate) -> Result<(), String> {
    let shelf = shelf(app).await.map_err(|e| e.to_string())?;
    for (input, sighting) in history(seed, today, &shelf) {
        let summary: String = input.summary.chars().take(60).collect();
        app.services
            .memory
            .record_history(input, sighting)
            .await
            .map_err(|e| format!("{summary}: {e}"))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_core::memory::merge::merge_key;

    fn shelf() -> Shelf {
        let today = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap_or_default();
        let mut shelf = Vec::new();
        for (n, plan) in PROJECTS.iter().enumerate() {
            for (k, platform) in plan.platforms.iter().enumerate() {
                let campaigns = (0..5)
                    .map(|i| DemoCampaign {
                        connection_id: format!("conn_{n}{k}"),
                        external_id: format!("{n}{k}{i:03}"),
                        name: format!(
                            "{} | {}",
                            plan.brand,
                            ["Prospecting", "Retargeting", "Brand", "Best Sellers", "Holiday"][i]
                        ),
                        objective: Some("OUTCOME_SALES".to_owned()),
                        daily_budget_micros: 60_000_000 + i as i64 * 40_000_000,
                        start_date: today - Duration::days(150 - i as i64 * 5),
                    })
                    .collect();
                shelf.push((n, *platform, campaigns));
            }
        }
        shelf
    }

    fn key(m: &NewMemory) -> String {
        merge_key(
            m.kind,
            m.agent,
            m.project_id.as_ref(),
            &m.context,
            m.action,
            m.subject.as_deref(),
            m.outcome.as_ref().map(|o| o.metric),
        )
    }

    #[test]
    fn the_history_is_sixty_learnings_and_more_over_every_client_with_repeats_pending_and_unclear_ones() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap_or_default();
        let shelf = shelf();
        let h = history(7, today, &shelf);
        let keys: std::collections::BTreeSet<String> = h.iter().map(|(m, _)| key(m)).collect();
        assert!(keys.len() >= 60, "{} learnings", keys.len());
        assert!(
            h.len() >= keys.len() + 25,
            "{} sightings for {} learnings",
            h.len(),
            keys.len()
        );
        for n in 0..PROJECTS.len() {
            let project = project_of(n);
            assert!(
                h.iter().filter(|(m, _)| m.project_id == project).count() >= 12,
                "project {n}"
            );
        }
        assert!(h.iter().any(|(m, _)| m.project_id.is_none()));
        let status = |s: OutcomeStatus| {
            h.iter()
                .filter(|(m, o)| o.status == s && m.kind == MemoryKind::Outcome)
                .count()
        };
        assert!(status(OutcomeStatus::Pending) >= 6);
        assert!(status(OutcomeStatus::Inconclusive) >= 4);
        // Every sighting is in the past and its month is the learning's.
        for (m, o) in &h {
            assert!(o.at.date() < today, "{}", m.summary);
            if let Some(month) = m.context.month {
                assert_eq!(u32::from(month), o.at.date().month(), "{}", m.summary);
            }
            if o.status == OutcomeStatus::Pending {
                // Still pending when the demo starts: its days have not passed.
                assert!(o.at.date() + Duration::days(8) > today, "{}", m.summary);
            } else if m.kind == MemoryKind::Outcome {
                assert!(
                    o.at.date() + Duration::days(8) <= today,
                    "measured before its days passed: {}",
                    m.summary
                );
            }
        }
        // The story: Meta budget raises for the retail client lowered ROAS, Google bid cuts for the
        // education client lowered CPA.
        let net = |platform: Platform, action: MemoryAction, project: usize| -> Vec<f64> {
            h.iter()
                .filter(|(m, _)| {
                    m.context.platform == Some(platform)
                        && m.action == Some(action)
                        && m.project_id == project_of(project)
                        && m.agent != MemoryAgent::Person
                })
                .filter_map(|(_, o)| o.net())
                .collect()
        };
        let raises = net(Platform::Meta, MemoryAction::BudgetIncrease, 1);
        assert!(
            raises.len() >= 7 && raises.iter().filter(|x| **x < 0.0).count() >= 6,
            "{raises:?}"
        );
        let cuts = net(Platform::Google, MemoryAction::BidDecrease, 2);
        assert!(cuts.len() >= 5 && cuts.iter().all(|x| *x < 0.0), "{cuts:?}");
        // The same seed makes the same history; another seed other figures.
        assert_eq!(history(7, today, &shelf), h);
        assert_ne!(history(8, today, &shelf), h);
    }
}
