//! Test mode: a seeded, stateful ad account per connection that answers every tool in the
//! platform's own shapes and units, without credentials or network.
//!
//! The account is plain data (it serializes, so the server can keep it between calls and restarts).
//! Campaigns, ad groups and ads are generated from the seed; tools that create or change them
//! change the account, and what a list call returns next. Daily metrics are drawn from the seed,
//! the campaign and the date, so they are the same on every call, and follow the campaign's
//! budget and status as they were on that day (changes are kept with the date they took effect).
//! Rates stay inside the benchmark bands of `../shared/reference/ad-platforms.md` section 5.

pub mod ads;
mod google;
pub mod latency;
mod meta;
mod pinterest;
pub mod rng;
mod seasonality;

use super::error::ConnectorError;
use crate::money::Currency;
use crate::platform::Platform;
use chrono::NaiveDate;
use rng::Rng;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The rate bands a platform's synthetic metrics stay inside (fractions and account-currency units).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bands {
    pub ctr: (f64, f64),
    pub cpc: (f64, f64),
    pub cpm: (f64, f64),
    pub cvr: (f64, f64),
    pub roas: (f64, f64),
}

impl Bands {
    pub fn of(platform: Platform) -> Bands {
        match platform {
            // Google Search (WordStream/LocaliQ 2024): CTR 2-12%, CPC $1-9, CVR 2-12%, CPM $40-300.
            Platform::Google => Bands {
                ctr: (0.02, 0.12),
                cpc: (1.0, 9.0),
                cpm: (40.0, 300.0),
                cvr: (0.02, 0.12),
                roas: (0.5, 5.0),
            },
            // Meta: CTR 0.8-3%, CPC $0.4-3, CPM $8-35, purchase CVR 1-10%, ROAS 0.5-5.
            Platform::Meta => Bands {
                ctr: (0.008, 0.03),
                cpc: (0.4, 3.0),
                cpm: (8.0, 35.0),
                cvr: (0.01, 0.10),
                roas: (0.5, 5.0),
            },
            // Pinterest (unverified working band): CTR 0.2-1.5%, CPC $0.15-2, CPM $2-15, CVR 0.5-3%.
            // CPC starts at $0.15 so that the best CTR still reaches the lowest CPM.
            Platform::Pinterest => Bands {
                ctr: (0.002, 0.015),
                cpc: (0.15, 2.0),
                cpm: (2.0, 15.0),
                cvr: (0.005, 0.03),
                roas: (0.5, 4.0),
            },
        }
    }
}

/// Something that changed on a date: the value holds from that day on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dated<T> {
    pub from: NaiveDate,
    pub value: T,
}

/// The value in effect on `day`, if any was set by then.
fn on<T: Clone>(history: &[Dated<T>], day: NaiveDate) -> Option<T> {
    history
        .iter()
        .rev()
        .find(|d| d.from <= day)
        .map(|d| d.value.clone())
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestCampaign {
    pub id: String,
    pub name: String,
    /// Google's advertising channel type or Meta's objective.
    pub kind: String,
    /// The platform's own status word, with the day each took effect.
    pub status: Vec<Dated<String>>,
    /// Daily budget in micros of the account currency, with the day each took effect.
    pub budget_micros: Vec<Dated<i64>>,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    /// Google's campaign budget resource id.
    pub budget_id: String,
}

impl TestCampaign {
    pub fn current_status(&self) -> &str {
        self.status.last().map(|d| d.value.as_str()).unwrap_or("PAUSED")
    }

    pub fn current_budget(&self) -> i64 {
        self.budget_micros.last().map(|d| d.value).unwrap_or(0)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestAdGroup {
    pub id: String,
    pub campaign_id: String,
    pub name: String,
    pub status: String,
    /// CPC bid (Google) or bid amount (Meta), micros.
    pub bid_micros: Option<i64>,
    /// Meta ad sets may carry their own daily budget, micros.
    pub budget_micros: Option<i64>,
    /// Pinterest: the ad group's targeting spec as the platform writes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub targeting: Option<Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestAd {
    pub id: String,
    pub ad_group_id: String,
    pub campaign_id: String,
    pub name: String,
    pub status: String,
    pub headline: String,
    pub final_url: String,
    /// Pinterest: the Pin the ad promotes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pin_id: Option<String>,
    /// Its status over time once it changed (empty: `status` all along); see `ads.rs`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub status_history: Vec<Dated<String>>,
    /// Its hidden quality when set (the demo and tests make one ad better); otherwise drawn from
    /// the seed. Never shown by any tool.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quality: Option<ads::AdQuality>,
}

/// A Pinterest Pin (the creative a Pinterest ad promotes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestPin {
    pub id: String,
    pub board_id: String,
    pub title: String,
    pub description: String,
    pub link: String,
    pub image_url: String,
    pub created: NaiveDate,
    pub promoted: bool,
}

/// A Pinterest audience.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestAudience {
    pub id: String,
    pub name: String,
    pub audience_type: String,
    pub description: Option<String>,
    pub rule: Value,
    pub size: Option<u64>,
    pub created: NaiveDate,
}

/// A Pinterest asynchronous report: what was asked, and when (Unix seconds).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestReport {
    pub token: String,
    pub requested_at: i64,
    pub request: Value,
}

/// What a tool call needs from outside the account: the time, and where the server serves
/// test-mode report downloads (`{download_base}/{token}`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CallContext<'a> {
    pub now: chrono::DateTime<chrono::Utc>,
    pub download_base: &'a str,
}

/// A write tool's call on a test account, as its change log keeps it. The generator is
/// deterministic, so the calls since a snapshot, replayed in order at their moments, give the
/// account back: a write stores this small record instead of the whole account.
#[derive(Debug, Clone, PartialEq)]
pub struct TestChange {
    pub tool: String,
    /// The parameters as the tool got them (checked against its schema).
    pub params: Value,
    pub at: chrono::DateTime<chrono::Utc>,
}

/// A test account as stored: its snapshot with the logged changes replayed, and how many
/// changes that took (the store folds them into a new snapshot after a while).
#[derive(Debug, Clone, PartialEq)]
pub struct LoggedAccount {
    pub account: TestAccount,
    pub changes: usize,
}

/// One campaign-day of delivery, in account-currency micros and counts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DayMetrics {
    pub spend_micros: i64,
    pub impressions: u64,
    pub clicks: u64,
    pub conversions: u64,
    pub conversion_value_micros: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestAccount {
    pub platform: Platform,
    pub seed: u64,
    /// Digits only (Google's customer id; Meta's account id without `act_`).
    pub account_id: String,
    pub name: String,
    pub currency: Currency,
    pub time_zone: String,
    pub campaigns: Vec<TestCampaign>,
    pub ad_groups: Vec<TestAdGroup>,
    pub ads: Vec<TestAd>,
    /// How many objects this account has created: the next id's offset.
    pub serial: u64,
    /// Pinterest: boards, Pins, audiences and asynchronous reports.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub boards: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pins: Vec<TestPin>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub audiences: Vec<TestAudience>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reports: Vec<TestReport>,
}

const BRANDS: [&str; 8] = [
    "Northwind",
    "Bluebird",
    "Acme",
    "Evergreen",
    "Lumen",
    "Harbor",
    "Copper & Co",
    "Juniper",
];
const THEMES: [&str; 10] = [
    "Brand",
    "Spring Sale",
    "Retargeting",
    "Prospecting",
    "Best Sellers",
    "New Arrivals",
    "Holiday",
    "Lookalike",
    "Clearance",
    "Loyalty",
];
const AUDIENCES: [&str; 6] = [
    "US 25-44",
    "Cart abandoners",
    "Site visitors 30d",
    "Interests: home",
    "Broad",
    "UK & IE",
];
const TIME_ZONES: [&str; 4] = [
    "America/New_York",
    "America/Los_Angeles",
    "Europe/London",
    "Europe/Berlin",
];

/// The time zone an account in `currency` most likely keeps (its main market's), for a new test
/// account that is given none: a German client's EUR account is in Europe/Berlin, not Los Angeles.
pub fn time_zone_for(currency: Currency) -> &'static str {
    match currency.as_str() {
        "USD" => "America/New_York",
        "EUR" => "Europe/Berlin",
        "GBP" => "Europe/London",
        "CHF" => "Europe/Zurich",
        "SEK" => "Europe/Stockholm",
        "NOK" => "Europe/Oslo",
        "DKK" => "Europe/Copenhagen",
        "PLN" => "Europe/Warsaw",
        "CZK" => "Europe/Prague",
        "HUF" => "Europe/Budapest",
        "TRY" => "Europe/Istanbul",
        "CAD" => "America/Toronto",
        "MXN" => "America/Mexico_City",
        "BRL" => "America/Sao_Paulo",
        "ARS" => "America/Argentina/Buenos_Aires",
        "CLP" => "America/Santiago",
        "COP" => "America/Bogota",
        "AUD" => "Australia/Sydney",
        "NZD" => "Pacific/Auckland",
        "JPY" => "Asia/Tokyo",
        "KRW" => "Asia/Seoul",
        "CNY" => "Asia/Shanghai",
        "HKD" => "Asia/Hong_Kong",
        "TWD" => "Asia/Taipei",
        "SGD" => "Asia/Singapore",
        "INR" => "Asia/Kolkata",
        "IDR" => "Asia/Jakarta",
        "THB" => "Asia/Bangkok",
        "PHP" => "Asia/Manila",
        "AED" => "Asia/Dubai",
        "SAR" => "Asia/Riyadh",
        "ILS" => "Asia/Jerusalem",
        "ZAR" => "Africa/Johannesburg",
        "NGN" => "Africa/Lagos",
        "EGP" => "Africa/Cairo",
        _ => "UTC",
    }
}

/// What a new test account is told rather than drawing it: the brand its account and campaigns
/// are named after, and its time zone (the currency's when left out).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct AccountLook<'a> {
    pub brand: Option<&'a str>,
    pub time_zone: Option<&'a str>,
}

impl TestAccount {
    /// A new account for `platform`, generated from `seed` as of `today`.
    pub fn generate(platform: Platform, seed: u64, currency: Currency, today: NaiveDate) -> TestAccount {
        Self::generate_as(platform, seed, currency, today, AccountLook::default())
    }

    /// A new account as [`generate`](Self::generate) makes it, named after `look.brand` and in
    /// `look.time_zone` when they are given. The same draws are made either way, so the ids and
    /// metrics of a seed do not depend on the look.
    pub fn generate_as(
        platform: Platform,
        seed: u64,
        currency: Currency,
        today: NaiveDate,
        look: AccountLook<'_>,
    ) -> TestAccount {
        let mut r = Rng::for_parts(seed, &["account", platform.as_str()]);
        let digits = match platform {
            Platform::Google => 10,
            Platform::Meta => 15,
            Platform::Pinterest => 12,
        };
        let account_id = random_digits(&mut r, digits);
        let drawn_brand = *r.pick(&BRANDS);
        let brand = look
            .brand
            .map(str::trim)
            .filter(|b| !b.is_empty())
            .unwrap_or(drawn_brand);
        // The draw is still made, so what follows is drawn as before.
        let _drawn_zone = r.pick(&TIME_ZONES);
        let time_zone = look.time_zone.unwrap_or_else(|| time_zone_for(currency));
        let mut account = TestAccount {
            platform,
            seed,
            account_id,
            name: format!("{brand} — {}", platform.label()),
            currency,
            time_zone: time_zone.to_owned(),
            campaigns: Vec::new(),
            ad_groups: Vec::new(),
            ads: Vec::new(),
            serial: 0,
            boards: Vec::new(),
            pins: Vec::new(),
            audiences: Vec::new(),
            reports: Vec::new(),
        };
        let n = r.int(3, 7);
        for i in 0..n {
            let theme = THEMES[(i as usize + r.int(0, 9) as usize) % THEMES.len()];
            let kind = match platform {
                Platform::Google => *r.pick(&["SEARCH", "SEARCH", "SEARCH", "PERFORMANCE_MAX", "DISPLAY"]),
                Platform::Pinterest => *r.pick(&[
                    "WEB_CONVERSION",
                    "WEB_CONVERSION",
                    "CONSIDERATION",
                    "CATALOG_SALES",
                    "AWARENESS",
                ]),
                Platform::Meta => *r.pick(&[
                    "OUTCOME_SALES",
                    "OUTCOME_SALES",
                    "OUTCOME_TRAFFIC",
                    "OUTCOME_LEADS",
                ]),
            };
            let started = today - chrono::Days::new(r.int(20, 150));
            let budget_units = r.int(2, 40) * 10; // 20 to 400 a day
            let budget = i64::try_from(budget_units).unwrap_or(100) * 1_000_000 * unit_scale(currency);
            let mut status = vec![Dated {
                from: started,
                value: active_word(platform).to_owned(),
            }];
            if r.unit() < 0.25 {
                let paused = started + chrono::Days::new(r.int(5, 15));
                status.push(Dated {
                    from: paused.min(today),
                    value: "PAUSED".to_owned(),
                });
            }
            let id = account.next_id("campaign");
            let budget_id = account.next_id("budget");
            account.campaigns.push(TestCampaign {
                id: id.clone(),
                name: format!("{brand} | {theme}"),
                kind: kind.to_owned(),
                status,
                budget_micros: vec![Dated {
                    from: started,
                    value: budget,
                }],
                start_date: started,
                end_date: None,
                budget_id,
            });
            account.add_children(&id, &format!("{brand} | {theme}"), &mut r);
        }
        if platform == Platform::Pinterest {
            pinterest::add_generated(&mut account, &mut r, today);
        }
        account
    }

    /// Ad groups and ads for a new campaign.
    fn add_children(&mut self, campaign_id: &str, campaign_name: &str, r: &mut Rng) {
        for _ in 0..r.int(1, 3) {
            let group_id = self.next_id("ad_group");
            let audience = *r.pick(&AUDIENCES);
            let bid = i64::try_from(r.int(50, 400)).unwrap_or(100) * 10_000 * unit_scale(self.currency);
            self.ad_groups.push(TestAdGroup {
                id: group_id.clone(),
                campaign_id: campaign_id.to_owned(),
                name: format!("{campaign_name} | {audience}"),
                status: active_word(self.platform).to_owned(),
                bid_micros: Some(bid),
                budget_micros: None,
                targeting: None,
            });
            for k in 0..r.int(1, 3) {
                let ad_id = self.next_id("ad");
                self.ads.push(TestAd {
                    id: ad_id,
                    ad_group_id: group_id.clone(),
                    campaign_id: campaign_id.to_owned(),
                    name: format!("{audience} — variant {}", k + 1),
                    status: active_word(self.platform).to_owned(),
                    headline: format!(
                        "{} — {}",
                        campaign_name.split(" | ").last().unwrap_or("Shop"),
                        audience
                    ),
                    final_url: format!("https://www.example.com/{}", campaign_id),
                    pin_id: None,
                    status_history: Vec::new(),
                    quality: None,
                });
            }
        }
    }

    /// A new id in the platform's format: Google's are 11 to 12 digits, Meta's 18 starting 120.
    fn next_id(&mut self, kind: &str) -> String {
        self.serial += 1;
        let mut r = Rng::for_parts(self.seed, &["id", kind, &self.account_id]);
        match self.platform {
            Platform::Google => {
                let digits = if kind == "campaign" || kind == "budget" {
                    11
                } else {
                    12
                };
                let base: u64 = random_digits(&mut r, digits).parse().unwrap_or(10_000_000_000);
                (base + self.serial * 1_009).to_string()
            }
            Platform::Meta => {
                let base = 120_200_000_000_000_000u64 + r.int(0, 99_999_999) * 1_000_000;
                (base + self.serial).to_string()
            }
            // Campaigns, ad groups and ads have 12 to 13 digits; Pins 18.
            Platform::Pinterest => {
                let (lo, hi) = if kind == "pin" {
                    (800_000_000_000_000_000u64, 899_000_000_000_000_000u64)
                } else {
                    (500_000_000_000u64, 2_600_000_000_000u64)
                };
                (r.int(lo, hi) + self.serial * 7_919).to_string()
            }
        }
    }

    pub fn campaign(&self, id: &str) -> Result<&TestCampaign, ConnectorError> {
        self.campaigns
            .iter()
            .find(|c| c.id == id)
            .ok_or_else(|| ConnectorError::NotFound {
                what: "campaign",
                id: id.to_owned(),
            })
    }

    fn campaign_mut(&mut self, id: &str) -> Result<&mut TestCampaign, ConnectorError> {
        self.campaigns
            .iter_mut()
            .find(|c| c.id == id)
            .ok_or_else(|| ConnectorError::NotFound {
                what: "campaign",
                id: id.to_owned(),
            })
    }

    fn ad_group_mut(&mut self, id: &str, what: &'static str) -> Result<&mut TestAdGroup, ConnectorError> {
        self.ad_groups
            .iter_mut()
            .find(|g| g.id == id)
            .ok_or_else(|| ConnectorError::NotFound {
                what,
                id: id.to_owned(),
            })
    }

    /// A campaign's delivery on `day`, or `None` if it did not run that day (before its start,
    /// after its end, after `today`, or not active then).
    pub fn day_metrics(
        &self,
        campaign: &TestCampaign,
        day: NaiveDate,
        today: NaiveDate,
    ) -> Option<DayMetrics> {
        if day < campaign.start_date || day > today || campaign.end_date.is_some_and(|e| day > e) {
            return None;
        }
        if on(&campaign.status, day)? != active_word(self.platform) {
            return None;
        }
        let budget = on(&campaign.budget_micros, day)?;
        let bands = Bands::of(self.platform);
        let scale = unit_scale(self.currency) as f64;
        // The campaign's own level inside the bands, then the day's variation around it.
        let mut base = Rng::for_parts(self.seed, &["campaign", &campaign.id]);
        let cpc_level = base.between(bands.cpc.0, bands.cpc.1);
        let ctr_draw = base.unit();
        let cvr_level = base.between(bands.cvr.0, bands.cvr.1);
        let roas_level = base.between(bands.roas.0, bands.roas.1);
        // The CTR a click at this CPC allows (CPM = CPC x CTR x 1000 inside its band), for a CPC
        // in account-currency units.
        let ctr_range = |cpc_units: f64| {
            let lo = bands.ctr.0.max(bands.cpm.0 / (cpc_units * 1000.0));
            let hi = bands.ctr.1.min(bands.cpm.1 / (cpc_units * 1000.0));
            (lo.min(hi), hi)
        };
        // The campaign's CTR sits in the middle half of that range (geometrically), clear of its
        // edges, so the days' variation moves it instead of being cut off at a bound.
        let (lo, hi) = ctr_range(cpc_level);
        let ctr_level = lo * (hi / lo).powf(0.25 + 0.5 * ctr_draw);
        let date = crate::time::date_text(day);
        let mut r = Rng::for_parts(self.seed, &["day", &campaign.id, &date]);
        let weekday = if seasonality::is_weekend(day) { 0.9 } else { 1.0 };
        let f = seasonality::day_factors(self.platform, self.seed, &campaign.id, day);
        // Platforms pace to the budget: a day's spend is 70% to 105% of it.
        let spend = (budget as f64 * r.between(0.70, 1.05) * weekday).round();
        let cpc_units = (cpc_level * f.cpc).clamp(bands.cpc.0, bands.cpc.1);
        let cpc = cpc_units * scale;
        let (ctr_lo, ctr_hi) = ctr_range(cpc_units);
        let ctr = (ctr_level * f.ctr).clamp(ctr_lo, ctr_hi);
        let clicks = (spend / 1_000_000.0 / cpc).round().max(0.0);
        let impressions = (clicks / ctr).round().max(clicks);
        let cvr = (cvr_level * f.cvr).clamp(bands.cvr.0, bands.cvr.1);
        let conversions = (clicks * cvr).round().min(clicks);
        let roas = (roas_level * r.between(0.8, 1.2)).clamp(bands.roas.0, bands.roas.1);
        let value = if conversions > 0.0 {
            (spend * roas).round()
        } else {
            0.0
        };
        Some(DayMetrics {
            spend_micros: spend as i64,
            impressions: impressions as u64,
            clicks: clicks as u64,
            conversions: conversions as u64,
            conversion_value_micros: value as i64,
        })
    }

    /// Runs a tool (its parameters already checked against its schema) as of `today`.
    pub fn call(&mut self, tool: &str, params: &Value, today: NaiveDate) -> Result<Value, ConnectorError> {
        let now = today.and_time(chrono::NaiveTime::MIN).and_utc();
        self.call_at(
            tool,
            params,
            CallContext {
                now,
                download_base: "",
            },
        )
    }

    /// Runs a tool at a moment (reports finish after a while) with the server's download address.
    pub fn call_at(
        &mut self,
        tool: &str,
        params: &Value,
        at: CallContext<'_>,
    ) -> Result<Value, ConnectorError> {
        let today = at.now.date_naive();
        match self.platform {
            Platform::Google => google::call(self, tool, params, today),
            Platform::Meta => meta::call(self, tool, params, today),
            Platform::Pinterest => pinterest::call(self, tool, params, at),
        }
    }

    /// Makes a logged change again (its answer is not needed).
    pub fn replay(&mut self, change: &TestChange) -> Result<(), ConnectorError> {
        let at = CallContext {
            now: change.at,
            download_base: "",
        };
        self.call_at(&change.tool, &change.params, at).map(drop)
    }

    /// A finished test-mode report's file: its content type and body (`None` for an unknown token).
    pub fn report_file(&self, token: &str, today: NaiveDate) -> Option<(&'static str, String)> {
        pinterest::report_file(self, token, today)
    }
}

/// The platform's word for a running object.
fn active_word(platform: Platform) -> &'static str {
    match platform {
        Platform::Google => "ENABLED",
        _ => "ACTIVE",
    }
}

/// Budgets and bands are written for dollars; zero-decimal currencies (JPY, KRW, …) get a
/// hundred times the units so amounts look like real ones.
fn unit_scale(currency: Currency) -> i64 {
    if currency.decimals() == 0 { 100 } else { 1 }
}

fn random_digits(r: &mut Rng, digits: u32) -> String {
    let lo = 10u64.pow(digits - 1);
    r.int(lo, 10 * lo - 1).to_string()
}

/// A JSON object from its members, moved in (`json!` would copy each value through `Serialize`,
/// which costs a deep copy of a list of rows).
fn object<const N: usize>(members: [(&str, Value); N]) -> Value {
    Value::Object(members.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

// Parameter readers for the handlers (the schema has been checked; these only extract).
fn text<'a>(params: &'a Value, key: &str) -> Option<&'a str> {
    params.get(key).and_then(Value::as_str)
}

fn int(params: &Value, key: &str) -> Option<i64> {
    params
        .get(key)
        .and_then(|v| v.as_i64().or_else(|| v.as_f64().map(|f| f as i64)))
}

fn date(params: &Value, key: &str) -> Result<NaiveDate, ConnectorError> {
    let t = text(params, key).unwrap_or_default();
    crate::time::parse_date(t).map_err(|e| ConnectorError::invalid(format!("params.{key}"), e.to_string()))
}

/// A date range of at most `max_days`, start before end.
fn range(
    params: &Value,
    from: &str,
    to: &str,
    max_days: i64,
) -> Result<(NaiveDate, NaiveDate), ConnectorError> {
    let (a, b) = (date(params, from)?, date(params, to)?);
    if b < a {
        return Err(ConnectorError::invalid(
            format!("params.{to}"),
            format!("must not be before {from}"),
        ));
    }
    if (b - a).num_days() >= max_days {
        return Err(ConnectorError::invalid(
            format!("params.{to}"),
            format!("the range may cover at most {max_days} days"),
        ));
    }
    Ok((a, b))
}

#[cfg(test)]
mod tests;
