//! Each ad's delivery in a test account: a campaign's day shared out among its ads, as a
//! platform's rotation does. Impressions go evenly to the campaign's ad groups and, within one,
//! evenly to its ads active that day (each share a binomial draw, so a split is even only on
//! average); each ad has a hidden quality (its click-through and conversion rates against the
//! campaign's), so some ads really are better; clicks and conversions are binomial draws on those
//! rates, so two equal ads differ by chance only. Cost per click and value per conversion are
//! the campaign's.

use super::rng::Rng;
use super::{Dated, DayMetrics, TestAccount, TestAd, TestCampaign, active_word, on};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// An ad's rates against its campaign's: 1.2 converts 20% better.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AdQuality {
    pub ctr: f64,
    pub cvr: f64,
}

/// One ad's delivery on one day.
#[derive(Debug, Clone, PartialEq)]
pub struct AdDay {
    pub ad_id: String,
    pub ad_group_id: String,
    pub metrics: DayMetrics,
}

impl TestAd {
    /// Changes its status from `today` on, keeping what it was before.
    pub fn set_status(&mut self, status: &str, today: NaiveDate) {
        if self.status_history.is_empty() {
            self.status_history.push(Dated {
                from: NaiveDate::MIN,
                value: self.status.clone(),
            });
        }
        self.status_history.retain(|d| d.from < today);
        self.status_history.push(Dated {
            from: today,
            value: status.to_owned(),
        });
        self.status = status.to_owned();
    }

    /// Its status on `day` (before it existed: none).
    pub fn status_on(&self, day: NaiveDate) -> Option<String> {
        if self.status_history.is_empty() {
            Some(self.status.clone())
        } else {
            on(&self.status_history, day)
        }
    }
}

impl TestAccount {
    /// An ad's hidden quality: as set, or drawn from the seed (click-through 0.8 to 1.25 times the
    /// campaign's, conversion 0.75 to 1.35 times).
    pub fn ad_quality(&self, ad: &TestAd) -> AdQuality {
        ad.quality.unwrap_or_else(|| {
            let mut r = Rng::for_parts(self.seed, &["ad-quality", &ad.id]);
            AdQuality {
                ctr: r.between(0.8, 1.25),
                cvr: r.between(0.75, 1.35),
            }
        })
    }

    /// The campaign's ads' delivery on `day` (none when the campaign did not run).
    pub fn ad_days(&self, campaign: &TestCampaign, day: NaiveDate, today: NaiveDate) -> Vec<AdDay> {
        let Some(m) = self.day_metrics(campaign, day, today) else {
            return Vec::new();
        };
        let active = active_word(self.platform);
        let ads: Vec<&TestAd> = self.ads.iter().filter(|a| a.campaign_id == campaign.id).collect();
        let mut serving: Vec<&TestAd> = ads
            .iter()
            .copied()
            .filter(|a| a.status_on(day).as_deref() == Some(active))
            .collect();
        if serving.is_empty() {
            // A campaign that delivers serves something: its ads as they are.
            serving = ads;
        }
        let mut groups: Vec<&str> = serving.iter().map(|a| a.ad_group_id.as_str()).collect();
        groups.sort_unstable();
        groups.dedup();
        if groups.is_empty() {
            return Vec::new();
        }
        let date = crate::time::date_text(day);
        let mut r = Rng::for_parts(self.seed, &["ad-day", &campaign.id, &date]);
        let ctr = if m.impressions > 0 {
            m.clicks as f64 / m.impressions as f64
        } else {
            0.0
        };
        let cvr = if m.clicks > 0 {
            m.conversions as f64 / m.clicks as f64
        } else {
            0.0
        };
        let cpc = if m.clicks > 0 {
            m.spend_micros as f64 / m.clicks as f64
        } else {
            0.0
        };
        let value = if m.conversions > 0 {
            m.conversion_value_micros as f64 / m.conversions as f64
        } else {
            0.0
        };
        let mut out = Vec::new();
        let mut left_groups = m.impressions;
        for (gi, group) in groups.iter().enumerate() {
            // A multinomial split: each share drawn from what is left.
            let remaining = (groups.len() - gi) as f64;
            let group_impressions = if gi + 1 == groups.len() {
                left_groups
            } else {
                r.binomial(left_groups, 1.0 / remaining)
            };
            left_groups -= group_impressions;
            let in_group: Vec<&&TestAd> = serving.iter().filter(|a| a.ad_group_id == *group).collect();
            let mut left = group_impressions;
            for (ai, ad) in in_group.iter().enumerate() {
                let remaining = (in_group.len() - ai) as f64;
                let impressions = if ai + 1 == in_group.len() {
                    left
                } else {
                    r.binomial(left, 1.0 / remaining)
                };
                left -= impressions;
                let q = self.ad_quality(ad);
                let clicks = r.binomial(impressions, (ctr * q.ctr).clamp(0.0, 1.0));
                let conversions = r.binomial(clicks, (cvr * q.cvr).clamp(0.0, 1.0));
                out.push(AdDay {
                    ad_id: ad.id.clone(),
                    ad_group_id: ad.ad_group_id.clone(),
                    metrics: DayMetrics {
                        spend_micros: (clicks as f64 * cpc).round() as i64,
                        impressions,
                        clicks,
                        conversions,
                        conversion_value_micros: (conversions as f64 * value).round() as i64,
                    },
                });
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::Platform;

    fn account() -> TestAccount {
        let today = NaiveDate::from_ymd_opt(2026, 12, 1).expect("date");
        TestAccount::generate(Platform::Pinterest, 5, crate::Currency::USD, today)
    }

    #[test]
    fn ads_share_their_campaign_s_impressions_and_a_better_ad_converts_more() {
        let mut a = account();
        let today = NaiveDate::from_ymd_opt(2026, 12, 1).expect("date");
        let campaign = a
            .campaigns
            .iter()
            .find(|c| a.ads.iter().filter(|x| x.campaign_id == c.id).count() >= 2)
            .cloned()
            .expect("a campaign with two ads");
        let ids: Vec<String> = a
            .ads
            .iter()
            .filter(|x| x.campaign_id == campaign.id)
            .map(|x| x.id.clone())
            .collect();
        for x in a.ads.iter_mut().filter(|x| x.campaign_id == campaign.id) {
            x.quality = Some(AdQuality {
                ctr: 1.0,
                cvr: if x.id == ids[0] { 2.0 } else { 1.0 },
            });
        }
        let (mut best, mut other) = ((0u64, 0u64), (0u64, 0u64));
        let mut days = 0;
        for back in 1..=60 {
            let day = today - chrono::Days::new(back);
            let Some(m) = a.day_metrics(&campaign, day, today) else {
                continue;
            };
            let ads = a.ad_days(&campaign, day, today);
            days += 1;
            assert_eq!(
                ads.iter().map(|x| x.metrics.impressions).sum::<u64>(),
                m.impressions
            );
            for x in &ads {
                assert!(
                    x.metrics.clicks <= x.metrics.impressions && x.metrics.conversions <= x.metrics.clicks
                );
                let slot = if x.ad_id == ids[0] { &mut best } else { &mut other };
                slot.0 += x.metrics.clicks;
                slot.1 += x.metrics.conversions;
            }
        }
        assert!(days > 20, "{days}");
        let rate = |(c, v): (u64, u64)| v as f64 / c.max(1) as f64;
        assert!(rate(best) > 1.5 * rate(other), "{best:?} vs {other:?}");
        // The same day drawn twice is the same.
        let day = today - chrono::Days::new(3);
        assert_eq!(a.ad_days(&campaign, day, today), a.ad_days(&campaign, day, today));
    }

    #[test]
    fn a_paused_ad_stops_delivering_from_that_day_only() {
        let mut a = account();
        let today = NaiveDate::from_ymd_opt(2026, 12, 1).expect("date");
        let campaign = a
            .campaigns
            .iter()
            .find(|c| {
                a.ads.iter().filter(|x| x.campaign_id == c.id).count() >= 2
                    && a.day_metrics(c, today - chrono::Days::new(1), today).is_some()
            })
            .cloned()
            .expect("a running campaign with two ads");
        let paused_day = today - chrono::Days::new(5);
        let ad = a
            .ads
            .iter()
            .position(|x| x.campaign_id == campaign.id)
            .expect("ad");
        let id = a.ads[ad].id.clone();
        a.ads[ad].set_status("PAUSED", paused_day);
        let before = a.ad_days(&campaign, paused_day - chrono::Days::new(1), today);
        let after = a.ad_days(&campaign, today - chrono::Days::new(1), today);
        assert!(before.iter().any(|x| x.ad_id == id), "it delivered before");
        assert!(!after.iter().any(|x| x.ad_id == id), "not after");
        assert_eq!(
            a.ads[ad].status_on(paused_day - chrono::Days::new(10)).as_deref(),
            Some("ACTIVE")
        );
    }
}
