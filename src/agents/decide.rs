//! The decisions agents make, as pure functions of what they read: the budget split across
//! platforms, which campaigns to pause, how budgets move between campaigns, how bids move, and the
//! report. Each decision carries its reason in words a media buyer would use.

use crate::metrics::MetricValues;
use crate::platform::Platform;
use serde::{Deserialize, Serialize};

/// A campaign as an agent sees it: its settings and its performance over the period read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CampaignPerf {
    pub platform: Platform,
    pub id: String,
    pub name: String,
    pub active: bool,
    /// Daily budget in micros of the account currency (0 when it has none of its own).
    pub daily_budget_micros: i64,
    pub metrics: MetricValues,
}

fn units(micros: i64) -> f64 {
    micros as f64 / 1e6
}

fn money(micros: i64) -> String {
    format!("{:.2}", units(micros))
}

/// One platform's part of a budget plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlatformShare {
    pub platform: Platform,
    pub spend_micros: i64,
    pub conversions: f64,
    pub conversion_value_micros: i64,
    pub roas: Option<f64>,
    pub cpa_micros: Option<i64>,
    pub share: f64,
    pub daily_budget_micros: i64,
    pub reason: String,
}

/// Splits `daily_budget_micros` across platforms by return per unit spent (conversion value, or
/// conversions when no value is tracked, or clicks when nothing converts), each share kept between
/// `min_share` and `max_share`. Platforms without spend get the floor: nothing is known of them yet.
pub fn plan_split(
    platforms: &[(Platform, MetricValues)],
    daily_budget_micros: i64,
    min_share: f64,
    max_share: f64,
) -> Vec<PlatformShare> {
    if platforms.is_empty() {
        return Vec::new();
    }
    let n = platforms.len() as f64;
    let (min_share, max_share) = (min_share.min(1.0 / n), max_share.max(1.0 / n));
    let any_value = platforms.iter().any(|(_, m)| m.conversion_value.get() > 0);
    let any_conv = platforms.iter().any(|(_, m)| m.conversions > 0.0);
    let (basis, efficiency): (&str, Vec<Option<f64>>) = if any_value {
        (
            "return on ad spend",
            platforms.iter().map(|(_, m)| m.roas()).collect(),
        )
    } else if any_conv {
        (
            "conversions per unit spent",
            platforms
                .iter()
                .map(|(_, m)| (m.spend.get() > 0).then(|| m.conversions / units(m.spend.get())))
                .collect(),
        )
    } else {
        (
            "clicks per unit spent",
            platforms
                .iter()
                .map(|(_, m)| (m.spend.get() > 0).then(|| m.clicks as f64 / units(m.spend.get())))
                .collect(),
        )
    };
    // Shares by efficiency. Platforms without data hold the floor; then the largest share over the
    // cap is held at the cap (or the smallest under the floor at the floor) and the rest spread
    // again by efficiency, until every share is inside the bounds.
    let weights: Vec<f64> = efficiency.iter().map(|e| e.unwrap_or(0.0).max(0.0)).collect();
    let mut held: Vec<Option<f64>> = efficiency
        .iter()
        .map(|e| if e.is_none() { Some(min_share) } else { None })
        .collect();
    let spread = |held: &[Option<f64>]| -> Vec<f64> {
        let room = (1.0 - held.iter().flatten().sum::<f64>()).max(0.0);
        let free: Vec<usize> = (0..held.len()).filter(|i| held[*i].is_none()).collect();
        let wsum: f64 = free.iter().map(|i| weights[*i]).sum();
        (0..held.len())
            .map(|i| match held[i] {
                Some(h) => h,
                None if wsum > 0.0 => weights[i] / wsum * room,
                None => room / free.len().max(1) as f64,
            })
            .collect()
    };
    let mut shares = spread(&held);
    for _ in 0..held.len() {
        let over = (0..shares.len())
            .filter(|i| held[*i].is_none() && shares[*i] > max_share + 1e-12)
            .max_by(|a, b| shares[*a].total_cmp(&shares[*b]));
        let under = (0..shares.len())
            .filter(|i| held[*i].is_none() && shares[*i] < min_share - 1e-12)
            .min_by(|a, b| shares[*a].total_cmp(&shares[*b]));
        match (over, under) {
            (Some(i), _) => held[i] = Some(max_share),
            (None, Some(i)) => held[i] = Some(min_share),
            (None, None) => break,
        }
        shares = spread(&held);
    }
    let total: f64 = shares.iter().sum();
    if total > 0.0 {
        shares.iter_mut().for_each(|s| *s /= total);
    }
    // Budgets in whole cents that add up to the total exactly (largest remainder).
    let cents = daily_budget_micros / 10_000;
    let exact: Vec<f64> = shares.iter().map(|s| cents as f64 * s).collect();
    let mut budgets: Vec<i64> = exact.iter().map(|e| e.floor() as i64).collect();
    let mut order: Vec<usize> = (0..budgets.len()).collect();
    order.sort_by(|a, b| (exact[*b] - exact[*b].floor()).total_cmp(&(exact[*a] - exact[*a].floor())));
    let short = usize::try_from(cents - budgets.iter().sum::<i64>()).unwrap_or(0);
    for i in order.into_iter().take(short) {
        budgets[i] += 1;
    }
    let mut budgets: Vec<i64> = budgets.into_iter().map(|c| c * 10_000).collect();
    // Sub-cent micros of the total go to the largest share.
    let rest = daily_budget_micros - budgets.iter().sum::<i64>();
    if let Some(top) = (0..budgets.len()).max_by(|a, b| shares[*a].total_cmp(&shares[*b])) {
        budgets[top] += rest;
    }
    platforms
        .iter()
        .zip(efficiency.iter())
        .zip(shares.iter().zip(budgets))
        .map(|(((platform, m), e), (share, budget))| {
            let reason = match e {
                None => format!(
                    "{}: no spend in the period, so it keeps the floor of {:.0}% to keep learning",
                    platform.label(),
                    min_share * 100.0
                ),
                Some(e) => format!(
                    "{}: {basis} {e:.2} → {:.0}% of the budget{}",
                    platform.label(),
                    share * 100.0,
                    if (*share - max_share).abs() < 1e-9 {
                        " (capped)"
                    } else if (*share - min_share).abs() < 1e-9 {
                        " (floor)"
                    } else {
                        ""
                    }
                ),
            };
            PlatformShare {
                platform: *platform,
                spend_micros: m.spend.get(),
                conversions: m.conversions,
                conversion_value_micros: m.conversion_value.get(),
                roas: m.roas(),
                cpa_micros: m.cpa().map(|c| (c * 1e6).round() as i64),
                share: (*share * 10_000.0).round() / 10_000.0,
                daily_budget_micros: budget,
                reason,
            }
        })
        .collect()
}

/// A campaign to pause and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pause {
    pub platform: Platform,
    pub campaign_id: String,
    pub name: String,
    pub reason: String,
}

/// Active campaigns whose cost per conversion is over `cpa_multiple` times their platform's, or
/// that spent twice that CPA without converting, once they spent `min_spend_micros`. The best
/// campaign of a platform is never paused, so no platform goes dark.
pub fn underperformers(campaigns: &[CampaignPerf], min_spend_micros: i64, cpa_multiple: f64) -> Vec<Pause> {
    let mut out = Vec::new();
    let mut platforms: Vec<Platform> = campaigns.iter().map(|c| c.platform).collect();
    platforms.dedup();
    platforms.sort_by_key(|p| p.as_str());
    platforms.dedup();
    for platform in platforms {
        let active: Vec<&CampaignPerf> = campaigns
            .iter()
            .filter(|c| c.platform == platform && c.active && c.metrics.spend.get() > 0)
            .collect();
        let spend: i64 = active.iter().map(|c| c.metrics.spend.get()).sum();
        let conversions: f64 = active.iter().map(|c| c.metrics.conversions).sum();
        if conversions <= 0.0 || active.len() < 2 {
            continue;
        }
        let account_cpa = spend as f64 / conversions;
        let best = active
            .iter()
            .filter(|c| c.metrics.conversions > 0.0)
            .min_by(|a, b| {
                let ca = a.metrics.spend.get() as f64 / a.metrics.conversions;
                let cb = b.metrics.spend.get() as f64 / b.metrics.conversions;
                ca.total_cmp(&cb)
            })
            .map(|c| c.id.clone());
        for c in &active {
            let spent = c.metrics.spend.get();
            if spent < min_spend_micros || Some(&c.id) == best.as_ref() {
                continue;
            }
            let reason = if c.metrics.conversions <= 0.0 {
                (spent as f64 >= 2.0 * account_cpa).then(|| {
                    format!(
                        "spent {} with no conversion, twice the {} cost per conversion of {}",
                        money(spent),
                        platform.label(),
                        money(account_cpa.round() as i64)
                    )
                })
            } else {
                let cpa = spent as f64 / c.metrics.conversions;
                (cpa > cpa_multiple * account_cpa).then(|| {
                    format!(
                        "cost per conversion {} is {:.1}× the {} average of {} (limit {cpa_multiple}×)",
                        money(cpa.round() as i64),
                        cpa / account_cpa,
                        platform.label(),
                        money(account_cpa.round() as i64)
                    )
                })
            };
            if let Some(reason) = reason {
                out.push(Pause {
                    platform,
                    campaign_id: c.id.clone(),
                    name: c.name.clone(),
                    reason,
                });
            }
        }
    }
    out
}

/// A budget change and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BudgetChange {
    pub platform: Platform,
    pub campaign_id: String,
    pub name: String,
    pub from_micros: i64,
    pub to_micros: i64,
    pub reason: String,
}

/// How far a decision may move a value each way: `raise` up and `cut` down, as shares (`0.2` is
/// 20%). They differ when the memory says one direction went badly before (its step is smaller).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Steps {
    pub raise: f64,
    pub cut: f64,
}

impl Steps {
    /// The same step both ways.
    pub fn even(max_change: f64) -> Self {
        Steps {
            raise: max_change,
            cut: max_change,
        }
    }
}

/// Moves budget between a platform's active campaigns toward those with a higher return on spend
/// (conversions per spend where no value is tracked): each budget rises by at most `steps.raise`
/// and falls by at most `steps.cut`, the platform's total stays the same (the larger side is scaled
/// down to the smaller), amounts are whole cents, changes under 1% are left out.
pub fn rebalance(campaigns: &[CampaignPerf], steps: Steps) -> Vec<BudgetChange> {
    let mut out = Vec::new();
    let mut platforms: Vec<Platform> = campaigns.iter().map(|c| c.platform).collect();
    platforms.sort_by_key(|p| p.as_str());
    platforms.dedup();
    for platform in platforms {
        let pool: Vec<&CampaignPerf> = campaigns
            .iter()
            .filter(|c| {
                c.platform == platform && c.active && c.daily_budget_micros > 0 && c.metrics.spend.get() > 0
            })
            .collect();
        if pool.len() < 2 {
            continue;
        }
        let use_value = pool.iter().any(|c| c.metrics.conversion_value.get() > 0);
        let score = |c: &CampaignPerf| {
            let spend = units(c.metrics.spend.get());
            if use_value {
                units(c.metrics.conversion_value.get()) / spend
            } else {
                c.metrics.conversions / spend
            }
        };
        let spend: f64 = pool.iter().map(|c| units(c.metrics.spend.get())).sum();
        let mean: f64 = pool
            .iter()
            .map(|c| score(c) * units(c.metrics.spend.get()))
            .sum::<f64>()
            / spend;
        if mean <= 0.0 {
            continue;
        }
        // Proposed relative change, then the larger side scaled down so the total holds.
        let mut deltas: Vec<f64> = pool
            .iter()
            .map(|c| c.daily_budget_micros as f64 * (score(c) / mean - 1.0).clamp(-steps.cut, steps.raise))
            .collect();
        let up: f64 = deltas.iter().filter(|d| **d > 0.0).sum();
        let down: f64 = -deltas.iter().filter(|d| **d < 0.0).sum::<f64>();
        if up <= 0.0 || down <= 0.0 {
            continue;
        }
        let (scale_up, scale_down) = if up > down {
            (down / up, 1.0)
        } else {
            (1.0, up / down)
        };
        for d in &mut deltas {
            *d *= if *d > 0.0 { scale_up } else { scale_down };
        }
        let mut to: Vec<i64> = pool
            .iter()
            .zip(&deltas)
            .map(|(c, d)| ((c.daily_budget_micros as f64 + d) / 10_000.0).round() as i64 * 10_000)
            .collect();
        let total_before: i64 = pool.iter().map(|c| c.daily_budget_micros).sum();
        let drift = total_before - to.iter().sum::<i64>();
        if let Some(top) = (0..to.len()).max_by_key(|i| to[*i]) {
            to[top] += drift;
        }
        for (c, new) in pool.iter().zip(to) {
            let change = (new - c.daily_budget_micros) as f64 / c.daily_budget_micros as f64;
            if change.abs() < 0.01 {
                continue;
            }
            let measure = if use_value {
                "return on ad spend"
            } else {
                "conversions per unit"
            };
            out.push(BudgetChange {
                platform,
                campaign_id: c.id.clone(),
                name: c.name.clone(),
                from_micros: c.daily_budget_micros,
                to_micros: new,
                reason: format!(
                    "{measure} {:.2} against the {} average {:.2}: budget {} {:.0}%",
                    score(c),
                    platform.label(),
                    mean,
                    if change > 0.0 { "up" } else { "down" },
                    change.abs() * 100.0
                ),
            });
        }
    }
    out
}

/// A bid change and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BidChange {
    pub ad_group_id: String,
    pub campaign_id: String,
    pub from_micros: i64,
    pub to_micros: i64,
    pub reason: String,
}

/// Moves each ad group's bid by target CPA ÷ its campaign's CPA, up by at most `steps.raise` and
/// down by at most `steps.cut`; a campaign that spent twice the target without converting lowers
/// its bids by the cut's limit. Bids are whole cents, at least one cent; changes under 1% are left
/// out.
pub fn bid_changes(
    groups: &[(String, String, i64)],
    campaigns: &[CampaignPerf],
    target_cpa_micros: i64,
    steps: Steps,
) -> Vec<BidChange> {
    let mut out = Vec::new();
    for (group, campaign, bid) in groups {
        let Some(c) = campaigns.iter().find(|c| &c.id == campaign) else {
            continue;
        };
        if *bid <= 0 || c.metrics.spend.get() <= 0 {
            continue;
        }
        let spend = c.metrics.spend.get() as f64;
        let (factor, why) = if c.metrics.conversions > 0.0 {
            let cpa = spend / c.metrics.conversions;
            (
                (target_cpa_micros as f64 / cpa).clamp(1.0 - steps.cut, 1.0 + steps.raise),
                format!(
                    "campaign cost per conversion {} against a target of {}",
                    money(cpa.round() as i64),
                    money(target_cpa_micros)
                ),
            )
        } else if spend >= 2.0 * target_cpa_micros as f64 {
            (
                1.0 - steps.cut,
                format!(
                    "campaign spent {} without a conversion (target {})",
                    money(spend as i64),
                    money(target_cpa_micros)
                ),
            )
        } else {
            continue;
        };
        let new = ((*bid as f64 * factor / 10_000.0).round() as i64 * 10_000).max(10_000);
        if ((new - bid) as f64 / *bid as f64).abs() < 0.01 {
            continue;
        }
        out.push(BidChange {
            ad_group_id: group.clone(),
            campaign_id: campaign.clone(),
            from_micros: *bid,
            to_micros: new,
            reason: format!("{why}: bid {} → {}", money(*bid), money(new)),
        });
    }
    out
}

/// One line of a report: a platform, a campaign, or the total.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportLine {
    pub label: String,
    pub platform: Option<Platform>,
    pub spend_micros: i64,
    pub impressions: u64,
    pub clicks: u64,
    pub conversions: f64,
    pub conversion_value_micros: i64,
    pub ctr: Option<f64>,
    pub cpc: Option<f64>,
    pub cpa: Option<f64>,
    pub roas: Option<f64>,
}

fn line(label: String, platform: Option<Platform>, m: &MetricValues) -> ReportLine {
    let round = |x: Option<f64>, d: i32| x.map(|v| (v * 10f64.powi(d)).round() / 10f64.powi(d));
    ReportLine {
        label,
        platform,
        spend_micros: m.spend.get(),
        impressions: m.impressions,
        clicks: m.clicks,
        conversions: m.conversions,
        conversion_value_micros: m.conversion_value.get(),
        ctr: round(m.ctr(), 5),
        cpc: round(m.cpc(), 2),
        cpa: round(m.cpa(), 2),
        roas: round(m.roas(), 2),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub total: ReportLine,
    pub platforms: Vec<ReportLine>,
    /// Campaigns by spend, largest first.
    pub campaigns: Vec<ReportLine>,
    pub findings: Vec<String>,
}

/// The cross-platform report of a period.
pub fn report(campaigns: &[CampaignPerf]) -> Report {
    let mut total = MetricValues::default();
    let mut by_platform: Vec<(Platform, MetricValues)> = Vec::new();
    for c in campaigns {
        total.add(&c.metrics);
        match by_platform.iter_mut().find(|(p, _)| *p == c.platform) {
            Some((_, m)) => m.add(&c.metrics),
            None => by_platform.push((c.platform, c.metrics)),
        }
    }
    by_platform.sort_by_key(|(p, _)| p.as_str());
    let mut lines: Vec<ReportLine> = campaigns
        .iter()
        .filter(|c| c.metrics.spend.get() > 0 || c.metrics.impressions > 0)
        .map(|c| line(c.name.clone(), Some(c.platform), &c.metrics))
        .collect();
    lines.sort_by(|a, b| b.spend_micros.cmp(&a.spend_micros).then(a.label.cmp(&b.label)));
    let mut findings = Vec::new();
    let platforms: Vec<ReportLine> = by_platform
        .iter()
        .map(|(p, m)| line(p.label().to_owned(), Some(*p), m))
        .collect();
    if let Some(best) = platforms
        .iter()
        .filter(|l| l.roas.is_some())
        .max_by(|a, b| a.roas.unwrap_or(0.0).total_cmp(&b.roas.unwrap_or(0.0)))
    {
        findings.push(format!(
            "{} returns the most per unit spent: ROAS {:.2}",
            best.label,
            best.roas.unwrap_or(0.0)
        ));
    }
    if total.spend.get() > 0 {
        for l in &platforms {
            let share = l.spend_micros as f64 / total.spend.get() as f64;
            findings.push(format!(
                "{} took {:.0}% of the spend ({})",
                l.label,
                share * 100.0,
                money(l.spend_micros)
            ));
        }
    }
    let idle: Vec<&CampaignPerf> = campaigns
        .iter()
        .filter(|c| c.active && c.metrics.spend.get() == 0)
        .collect();
    if !idle.is_empty() {
        findings.push(format!(
            "{} active campaign(s) did not spend in the period",
            idle.len()
        ));
    }
    Report {
        total: line("Total".to_owned(), None, &total),
        platforms,
        campaigns: lines,
        findings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Micros;

    fn m(spend: f64, clicks: u64, conversions: f64, value: f64) -> MetricValues {
        MetricValues {
            spend: Micros::new((spend * 1e6) as i64),
            impressions: clicks * 50,
            clicks,
            conversions,
            conversion_value: Micros::new((value * 1e6) as i64),
        }
    }

    fn camp(platform: Platform, id: &str, budget: f64, metrics: MetricValues) -> CampaignPerf {
        CampaignPerf {
            platform,
            id: id.to_owned(),
            name: format!("Campaign {id}"),
            active: true,
            daily_budget_micros: (budget * 1e6) as i64,
            metrics,
        }
    }

    #[test]
    fn the_split_follows_roas_inside_the_floor_and_cap() {
        // ROAS 4, 2, 1 → raw 4/7, 2/7, 1/7 = 57.1%, 28.6%, 14.3%; all inside [10%, 70%].
        let platforms = [
            (Platform::Google, m(1000.0, 500, 40.0, 4000.0)),
            (Platform::Meta, m(1000.0, 800, 30.0, 2000.0)),
            (Platform::Pinterest, m(500.0, 600, 5.0, 500.0)),
        ];
        let plan = plan_split(&platforms, 300_000_000, 0.1, 0.7);
        let shares: Vec<f64> = plan.iter().map(|p| p.share).collect();
        assert_eq!(shares, [0.5714, 0.2857, 0.1429]);
        assert_eq!(
            plan.iter().map(|p| p.daily_budget_micros).sum::<i64>(),
            300_000_000
        );
        assert_eq!(plan[0].daily_budget_micros, 171_430_000);
        // A dominant platform is capped and the rest spread by their ROAS: 70%, then 30% split 2:1.
        let skewed = [
            (Platform::Google, m(100.0, 50, 10.0, 5000.0)),
            (Platform::Meta, m(100.0, 50, 5.0, 200.0)),
            (Platform::Pinterest, m(100.0, 50, 1.0, 100.0)),
        ];
        let plan = plan_split(&skewed, 100_000_000, 0.1, 0.7);
        assert_eq!(plan.iter().map(|p| p.share).collect::<Vec<_>>(), [0.7, 0.2, 0.1]);
        assert!(plan[0].reason.contains("capped") && plan[2].reason.contains("floor"));
        // A platform with no spend keeps the floor.
        let new = [
            (Platform::Google, m(100.0, 50, 10.0, 500.0)),
            (Platform::Pinterest, m(0.0, 0, 0.0, 0.0)),
        ];
        let plan = plan_split(&new, 100_000_000, 0.1, 0.9);
        assert_eq!(plan[1].share, 0.1);
        assert!(plan[1].reason.contains("no spend"));
    }

    #[test]
    fn underperformers_are_judged_against_their_platform() {
        // Meta: 310 spent, 9 conversions → CPA 34.44. B: 150/2 = 75 = 2.2× → paused.
        // C: 70 spent without a conversion, over 2 × 34.44 → paused. A is the best: kept.
        let cs = [
            camp(Platform::Meta, "a", 50.0, m(90.0, 100, 7.0, 0.0)),
            camp(Platform::Meta, "b", 50.0, m(150.0, 100, 2.0, 0.0)),
            camp(Platform::Meta, "c", 50.0, m(70.0, 40, 0.0, 0.0)),
            camp(Platform::Meta, "d", 50.0, m(0.0, 0, 1.0, 0.0)),
        ];
        let paused = underperformers(&cs, 50_000_000, 1.5);
        let ids: Vec<&str> = paused.iter().map(|p| p.campaign_id.as_str()).collect();
        assert_eq!(ids, ["b", "c"]);
        assert!(paused[0].reason.contains("2.2×"), "{}", paused[0].reason);
        // Under the minimum spend nothing is judged.
        assert!(underperformers(&cs, 200_000_000, 1.5).is_empty());
    }

    #[test]
    fn rebalancing_moves_budget_to_the_better_return_and_keeps_the_total() {
        // ROAS 6 and 2, equal spend: mean 4 → +50% and -50%, clamped to ±20%.
        let cs = [
            camp(Platform::Google, "x", 100.0, m(100.0, 100, 10.0, 600.0)),
            camp(Platform::Google, "y", 100.0, m(100.0, 100, 10.0, 200.0)),
            camp(Platform::Google, "z", 0.0, m(0.0, 0, 0.0, 0.0)),
        ];
        let changes = rebalance(&cs, Steps::even(0.2));
        assert_eq!(changes.len(), 2);
        assert_eq!(
            (changes[0].campaign_id.as_str(), changes[0].to_micros),
            ("x", 120_000_000)
        );
        assert_eq!(
            (changes[1].campaign_id.as_str(), changes[1].to_micros),
            ("y", 80_000_000)
        );
        let before: i64 = changes.iter().map(|c| c.from_micros).sum();
        let after: i64 = changes.iter().map(|c| c.to_micros).sum();
        assert_eq!(before, after);
        // Uneven proposals are scaled so the total still holds.
        let uneven = [
            camp(Platform::Meta, "p", 50.0, m(100.0, 10, 5.0, 500.0)),
            camp(Platform::Meta, "q", 200.0, m(100.0, 10, 5.0, 300.0)),
        ];
        let changes = rebalance(&uneven, Steps::even(0.2));
        assert_eq!(
            changes.iter().map(|c| c.to_micros - c.from_micros).sum::<i64>(),
            0
        );
    }

    #[test]
    fn bids_move_toward_the_target_cpa_within_the_limit() {
        let cs = [
            camp(Platform::Google, "c1", 100.0, m(100.0, 100, 5.0, 0.0)), // CPA 20
            camp(Platform::Google, "c2", 100.0, m(100.0, 100, 10.0, 0.0)), // CPA 10
            camp(Platform::Google, "c3", 100.0, m(60.0, 100, 0.0, 0.0)),  // none
        ];
        let groups = [
            ("g1".to_owned(), "c1".to_owned(), 2_000_000),
            ("g2".to_owned(), "c2".to_owned(), 2_000_000),
            ("g3".to_owned(), "c3".to_owned(), 1_000_000),
        ];
        let changes = bid_changes(&groups, &cs, 15_000_000, Steps::even(0.2));
        // 15/20 = 0.75 → clamped 0.8; 15/10 = 1.5 → clamped 1.2; no conversions, 60 ≥ 2×15 → 0.8.
        let to: Vec<i64> = changes.iter().map(|c| c.to_micros).collect();
        assert_eq!(to, [1_600_000, 2_400_000, 800_000]);
    }

    #[test]
    fn a_smaller_raise_step_holds_the_raises_and_the_cuts_shrink_to_match() {
        // ROAS 6 and 2 on equal budgets: +50% and -50% wanted. Raises held to 10%, cuts to 20%:
        // x +10, y -20, then the cut side scaled to the raise side so the total holds: y -10.
        let cs = [
            camp(Platform::Google, "x", 100.0, m(100.0, 100, 10.0, 600.0)),
            camp(Platform::Google, "y", 100.0, m(100.0, 100, 10.0, 200.0)),
        ];
        let changes = rebalance(&cs, Steps { raise: 0.1, cut: 0.2 });
        let to: Vec<(&str, i64)> = changes
            .iter()
            .map(|c| (c.campaign_id.as_str(), c.to_micros))
            .collect();
        assert_eq!(to, [("x", 110_000_000), ("y", 90_000_000)]);
        assert!(
            changes[0].reason.ends_with("budget up 10%"),
            "{}",
            changes[0].reason
        );
        // Cuts held to 5%: x +20 wanted, y -5, so x is scaled down to +5.
        let changes = rebalance(
            &cs,
            Steps {
                raise: 0.2,
                cut: 0.05,
            },
        );
        let to: Vec<i64> = changes.iter().map(|c| c.to_micros).collect();
        assert_eq!(to, [105_000_000, 95_000_000]);
    }

    #[test]
    fn bid_raises_and_cuts_have_their_own_limits() {
        let cs = [
            camp(Platform::Google, "c1", 100.0, m(100.0, 100, 5.0, 0.0)), // CPA 20
            camp(Platform::Google, "c2", 100.0, m(100.0, 100, 10.0, 0.0)), // CPA 10
            camp(Platform::Google, "c3", 100.0, m(60.0, 100, 0.0, 0.0)),  // none
        ];
        let groups = [
            ("g1".to_owned(), "c1".to_owned(), 2_000_000),
            ("g2".to_owned(), "c2".to_owned(), 2_000_000),
            ("g3".to_owned(), "c3".to_owned(), 1_000_000),
        ];
        // Raises held to 10%: 0.75 → 0.8 (cut 20%), 1.5 → 1.1, no conversions → 0.8.
        let to: Vec<i64> = bid_changes(&groups, &cs, 15_000_000, Steps { raise: 0.1, cut: 0.2 })
            .iter()
            .map(|c| c.to_micros)
            .collect();
        assert_eq!(to, [1_600_000, 2_200_000, 800_000]);
        // Cuts held to 10%: 0.75 → 0.9, 1.5 → 1.2, no conversions → 0.9.
        let to: Vec<i64> = bid_changes(&groups, &cs, 15_000_000, Steps { raise: 0.2, cut: 0.1 })
            .iter()
            .map(|c| c.to_micros)
            .collect();
        assert_eq!(to, [1_800_000, 2_400_000, 900_000]);
    }

    #[test]
    fn the_report_adds_up() {
        let cs = [
            camp(Platform::Google, "a", 10.0, m(100.0, 100, 4.0, 400.0)),
            camp(Platform::Meta, "b", 10.0, m(50.0, 200, 2.0, 50.0)),
            camp(Platform::Meta, "c", 10.0, m(0.0, 0, 0.0, 0.0)),
        ];
        let r = report(&cs);
        assert_eq!(r.total.spend_micros, 150_000_000);
        assert_eq!(r.total.roas, Some(3.0));
        assert_eq!(r.platforms.len(), 2);
        assert_eq!(r.campaigns.len(), 2);
        assert_eq!(r.campaigns[0].label, "Campaign a");
        assert!(r.findings[0].starts_with("Google Ads returns the most"));
        assert!(r.findings.iter().any(|f| f.contains("did not spend")));
    }
}
