//! The one way pages show numbers, money, percentages, dates and times: in the user's locale
//! (`Accept-Language` when rendered on the server, `navigator.language` in the browser; both give
//! the same [`Locale`], so hydration finds the text it expects), through `switchboard_core::format`.
//! Times are `<time datetime="ISO">` elements: in UTC as rendered on the server, then in the
//! browser's own time zone and relative to now ("3 minutes ago") once the page hydrates.

use chrono::{DateTime, NaiveDate, Utc};
use leptos::prelude::*;
use switchboard_core::format::{Locale, relative};
use switchboard_core::time::Timestamp;
use switchboard_core::{Currency, Micros};

/// The user's locale, in the context of every page.
#[derive(Debug, Clone, PartialEq)]
pub struct UserLocale(pub Locale);

/// The browser's clock, once the page has hydrated: `None` while rendering on the server (times
/// are then shown in UTC, the same on both sides).
#[derive(Debug, Clone, Copy)]
pub struct Clock(pub RwSignal<Option<DateTime<Utc>>>);

/// Puts the user's locale and the clock in the context; the App calls it once.
pub fn provide_locale() {
    provide_context(UserLocale(detect_locale()));
    let now = RwSignal::new(None);
    provide_context(Clock(now));
    #[cfg(feature = "hydrate")]
    {
        // After hydration: local times, kept current every 30 seconds.
        Effect::new(move |started: Option<()>| {
            if started.is_none() {
                now.set(Some(browser_now()));
                let _ = set_interval_with_handle(
                    move || now.set(Some(browser_now())),
                    std::time::Duration::from_secs(30),
                );
            }
        });
    }
}

#[cfg(feature = "hydrate")]
fn browser_now() -> DateTime<Utc> {
    DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default()
}

fn detect_locale() -> Locale {
    #[cfg(feature = "ssr")]
    {
        let header = use_context::<http::request::Parts>().and_then(|p| {
            p.headers
                .get(http::header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        });
        Locale::from_accept_language(header.as_deref().unwrap_or(""))
    }
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        window()
            .navigator()
            .language()
            .map_or_else(Locale::en_us, |tag| Locale::parse(&tag))
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        Locale::en_us()
    }
}

/// The locale of the page being rendered (en-US outside one).
pub fn locale() -> Locale {
    use_context::<UserLocale>().map_or_else(Locale::en_us, |l| l.0)
}

/// `$12,500.00` (`12.500,00 €` in German), or an em dash when there is no amount.
pub fn money(amount: Option<Micros>, currency: Currency) -> String {
    match amount {
        Some(m) => locale().money(m, currency),
        None => "—".to_owned(),
    }
}

/// An amount in micros (the analytics figures carry plain micros).
pub fn amount(micros: i64, currency: Currency) -> String {
    money(Some(Micros::new(micros)), currency)
}

/// A ratio as a percentage with two decimals, or an em dash when it has no value.
pub fn percent(value: Option<f64>) -> String {
    value.map_or_else(|| "—".to_owned(), |v| locale().percent(v, 2))
}

/// A number with two decimals, or an em dash.
pub fn decimal(value: Option<f64>) -> String {
    value.map_or_else(|| "—".to_owned(), |v| locale().number(v, 2))
}

/// A number with `decimals` decimals.
pub fn number(value: f64, decimals: usize) -> String {
    locale().number(value, decimals)
}

/// A whole count, grouped: `12,345`.
pub fn count(n: u64) -> String {
    locale().count(n)
}

/// An amount per unit in the currency (CPA, CPC), or an em dash.
pub fn unit_cost(value: Option<f64>, currency: Currency) -> String {
    value
        .and_then(|v| Micros::from_units_f64(v).ok())
        .map_or_else(|| "—".to_owned(), |m| locale().money(m, currency))
}

/// A calendar date: `Dec 4, 2026`.
pub fn date(d: NaiveDate) -> String {
    locale().date(d)
}

/// A date, or an em dash.
pub fn date_or_dash(d: Option<NaiveDate>) -> String {
    d.map_or_else(|| "—".to_owned(), date)
}

/// A date range: `Nov 5, 2026 – Dec 4, 2026`.
pub fn date_range(from: NaiveDate, to: NaiveDate) -> String {
    let l = locale();
    format!("{} – {}", l.date(from), l.date(to))
}

/// The date part of a timestamp (in UTC), for tables.
pub fn day(t: &Timestamp) -> String {
    date(t.date())
}

/// A timestamp's text: in the browser's time zone once hydrated, in UTC (so labelled) before.
fn time_text(at: &Timestamp, local: bool, l: &Locale) -> String {
    if local {
        l.date_time(local_naive(at))
    } else {
        format!("{} UTC", l.date_time(at.as_datetime().naive_utc()))
    }
}

/// The timestamp in the browser's time zone (in UTC outside the browser).
fn local_naive(at: &Timestamp) -> chrono::NaiveDateTime {
    let utc = at.as_datetime();
    #[cfg(feature = "hydrate")]
    {
        let ms = utc.timestamp_millis() as f64;
        let offset = js_sys::Date::new(&leptos::wasm_bindgen::JsValue::from_f64(ms)).get_timezone_offset();
        // getTimezoneOffset is UTC minus local, in minutes.
        utc.naive_utc() - chrono::Duration::minutes(offset as i64)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        utc.naive_utc()
    }
}

/// A point in time as `<time datetime="2026-12-04T10:15:00.000Z">`: the date and time in the
/// user's locale (local once hydrated), or with `relative`, "3 minutes ago" with the date and time
/// as its title.
#[component]
pub fn Time(
    at: Timestamp,
    #[prop(optional)] relative: bool,
    #[prop(optional, into)] class: String,
) -> impl IntoView {
    let l = locale();
    let clock = use_context::<Clock>();
    let now = move || clock.and_then(|c| c.0.get());
    let (l2, at2) = (l.clone(), at);
    let full = move || time_text(&at2, now().is_some(), &l2);
    let text = move || match now() {
        Some(now) if relative => relative_text(&at, now).unwrap_or_else(|| time_text(&at, true, &l)),
        Some(_) => time_text(&at, true, &l),
        None => time_text(&at, false, &l),
    };
    view! { <time datetime=at.to_text() title=full class=class>{text}</time> }
}

fn relative_text(at: &Timestamp, now: DateTime<Utc>) -> Option<String> {
    relative(at.as_datetime().naive_utc(), now.naive_utc())
}

/// Percent-encodes a query value.
pub fn query_value(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
