//! Number, money, percent, date and time formatting shared by the domain and the UI, in the user's
//! locale. One module so every page (rendered on the server and hydrated in the browser) shows
//! figures the same way: the server reads the locale from `Accept-Language`, the browser from
//! `navigator.language`; both give the same [`Locale`] for the same preference.
//!
//! The locale table covers the separators, where the currency goes and how dates are written for
//! the common languages; anything else falls back to en-US. The words ("3 minutes ago") are English,
//! like the rest of the UI.

use crate::money::{Currency, Micros};
use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};

/// Inserts `separator` between groups of three digits: `group_digits("1234567", ',')` is `1,234,567`.
/// `digits` is expected to hold ASCII digits only.
pub fn group_digits(digits: &str, separator: char) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * separator.len_utf8());
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(ch);
    }
    out
}

/// A count for people to read, grouped with narrow no-break spaces: `12 345`.
pub fn format_count(n: u64) -> String {
    group_digits(&n.to_string(), '\u{202f}')
}

/// How a locale writes a full date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateStyle {
    /// `Dec 4, 2026` (US English).
    MonthDayYear,
    /// `4 Dec 2026` (British English).
    DayMonthYear,
    /// `04.12.2026`, `04/12/2026`, `04-12-2026`: day, month, year with this separator.
    NumericDmy(char),
    /// `2026-12-04`, `2026/12/04`.
    NumericYmd(char),
}

/// What a locale needs to write numbers, money and dates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Locale {
    /// The BCP 47 tag it was read from, normalized (`de-DE`); `en-US` by default.
    pub tag: String,
    pub decimal: char,
    pub group: char,
    /// The currency after the amount (`1.234,56 €`) rather than before (`$1,234.56`).
    pub currency_after: bool,
    /// A space between a currency symbol placed before the amount and the amount (`€ 1.234,56`).
    pub space_before_amount: bool,
    /// A space before `%` (`12,5 %`).
    pub percent_space: bool,
    pub date: DateStyle,
    /// 12-hour clock with AM/PM.
    pub hour12: bool,
}

impl Default for Locale {
    fn default() -> Self {
        Locale::en_us()
    }
}

const NBSP: char = '\u{a0}';
const NNBSP: char = '\u{202f}';
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

impl Locale {
    pub fn en_us() -> Locale {
        Locale {
            tag: "en-US".to_owned(),
            decimal: '.',
            group: ',',
            currency_after: false,
            space_before_amount: false,
            percent_space: false,
            date: DateStyle::MonthDayYear,
            hour12: true,
        }
    }

    /// The locale for a BCP 47 tag (`de-DE`, `fr`, `en_GB`, `pt-BR`); unknown languages are en-US.
    pub fn parse(tag: &str) -> Locale {
        let tag = tag.trim().replace('_', "-");
        let mut parts = tag.split('-').filter(|p| !p.is_empty());
        let lang = parts.next().unwrap_or("").to_ascii_lowercase();
        // The region is the first two-letter (or three-digit) subtag after the language.
        let region = parts
            .find(|p| p.len() == 2 || (p.len() == 3 && p.bytes().all(|b| b.is_ascii_digit())))
            .map(|r| r.to_ascii_uppercase());
        let comma = |group: char, after: bool, date: DateStyle| Locale {
            tag: String::new(),
            decimal: ',',
            group,
            currency_after: after,
            space_before_amount: !after,
            percent_space: true,
            date,
            hour12: false,
        };
        let mut l = match lang.as_str() {
            "en" => {
                let mut l = Locale::en_us();
                if matches!(region.as_deref(), Some("GB" | "IE" | "AU" | "NZ" | "IN" | "ZA")) {
                    l.date = DateStyle::DayMonthYear;
                    l.hour12 = !matches!(region.as_deref(), Some("GB" | "IE"));
                }
                l
            }
            "de" => {
                if matches!(region.as_deref(), Some("CH" | "LI")) {
                    let mut l = comma('’', false, DateStyle::NumericDmy('.'));
                    l.decimal = '.';
                    l
                } else {
                    comma('.', true, DateStyle::NumericDmy('.'))
                }
            }
            "fr" => comma(NNBSP, true, DateStyle::NumericDmy('/')),
            "es" | "it" => {
                let mut l = comma('.', true, DateStyle::NumericDmy('/'));
                l.percent_space = lang == "es";
                l
            }
            "nl" => comma('.', false, DateStyle::NumericDmy('-')),
            "pt" => {
                if region.as_deref() == Some("BR") {
                    comma('.', false, DateStyle::NumericDmy('/'))
                } else {
                    comma(NBSP, true, DateStyle::NumericDmy('/'))
                }
            }
            "sv" => comma(NBSP, true, DateStyle::NumericYmd('-')),
            "da" | "nb" | "no" | "fi" | "pl" | "cs" | "sk" | "ru" | "uk" => {
                let group = if lang == "da" { '.' } else { NBSP };
                comma(group, true, DateStyle::NumericDmy('.'))
            }
            "ja" | "zh" | "ko" => Locale {
                date: DateStyle::NumericYmd('/'),
                hour12: false,
                ..Locale::en_us()
            },
            _ => return Locale::en_us(),
        };
        l.tag = match &region {
            Some(r) => format!("{lang}-{r}"),
            None => lang,
        };
        l
    }

    /// The first language of an `Accept-Language` header by preference (`de-DE,de;q=0.9,en;q=0.8`);
    /// en-US when there is none.
    pub fn from_accept_language(header: &str) -> Locale {
        let mut best: Option<(f32, &str)> = None;
        for item in header.split(',') {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or("").trim();
            if tag.is_empty() || tag == "*" {
                continue;
            }
            let q = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            // Earlier entries win ties.
            if q > 0.0 && best.is_none_or(|(b, _)| q > b) {
                best = Some((q, tag));
            }
        }
        best.map_or_else(Locale::en_us, |(_, tag)| Locale::parse(tag))
    }

    /// Digits of `value` rounded to `decimals`, grouped: `1,234.57`.
    pub fn number(&self, value: f64, decimals: usize) -> String {
        if !value.is_finite() {
            return "—".to_owned();
        }
        let text = format!("{:.*}", decimals, value.abs());
        let (whole, frac) = text.split_once('.').unwrap_or((&text, ""));
        let negative = value < 0.0 && text.bytes().any(|b| (b'1'..=b'9').contains(&b));
        let mut out = String::new();
        if negative {
            out.push('−');
        }
        out.push_str(&group_digits(whole, self.group));
        if !frac.is_empty() {
            out.push(self.decimal);
            out.push_str(frac);
        }
        out
    }

    /// A whole count, grouped: `12,345`.
    pub fn count(&self, n: u64) -> String {
        group_digits(&n.to_string(), self.group)
    }

    /// An amount with the currency's decimals and symbol: `$12,500.00`, `12.500,00 €`,
    /// `CHF 1,200.00`.
    pub fn money(&self, amount: Micros, currency: Currency) -> String {
        self.money_with(amount, currency, currency.decimals() as usize)
    }

    /// An amount rounded to whole units, for large round figures: `€9,000`.
    pub fn money_whole(&self, amount: Micros, currency: Currency) -> String {
        self.money_with(amount, currency, 0)
    }

    fn money_with(&self, amount: Micros, currency: Currency, decimals: usize) -> String {
        let digits = self.number(amount.as_units_f64(), decimals);
        let (symbol, is_code) = currency_symbol(currency);
        if self.currency_after {
            format!("{digits}{NBSP}{symbol}")
        } else {
            let (sign, digits) = match digits.strip_prefix('−') {
                Some(rest) => ("−", rest),
                None => ("", digits.as_str()),
            };
            let space = if self.space_before_amount || is_code {
                "\u{a0}"
            } else {
                ""
            };
            format!("{sign}{symbol}{space}{digits}")
        }
    }

    /// A ratio as a percentage: `0.125` is `12.5%` (`12,5 %`).
    pub fn percent(&self, ratio: f64, decimals: usize) -> String {
        let n = self.number(ratio * 100.0, decimals);
        if self.percent_space {
            format!("{n}{NBSP}%")
        } else {
            format!("{n}%")
        }
    }

    /// A multiple: `3.0×`.
    pub fn times(&self, value: f64) -> String {
        format!("{}×", self.number(value, 1))
    }

    /// A date: `Dec 4, 2026`, `4 Dec 2026`, `04.12.2026`, `2026/12/04`.
    pub fn date(&self, d: NaiveDate) -> String {
        let (y, m, day) = (d.year(), d.month(), d.day());
        match self.date {
            DateStyle::MonthDayYear => format!("{} {day}, {y}", MONTHS[m as usize - 1]),
            DateStyle::DayMonthYear => format!("{day} {} {y}", MONTHS[m as usize - 1]),
            DateStyle::NumericDmy(s) => format!("{day:02}{s}{m:02}{s}{y}"),
            DateStyle::NumericYmd(s) => format!("{y}{s}{m:02}{s}{day:02}"),
        }
    }

    /// A day without its year, for chart axes: `Dec 4`, `4 Dec`, `04.12.`, `12/04`.
    pub fn day_month(&self, d: NaiveDate) -> String {
        let (m, day) = (d.month(), d.day());
        match self.date {
            DateStyle::MonthDayYear => format!("{} {day}", MONTHS[m as usize - 1]),
            DateStyle::DayMonthYear => format!("{day} {}", MONTHS[m as usize - 1]),
            DateStyle::NumericDmy('.') => format!("{day:02}.{m:02}."),
            DateStyle::NumericDmy(s) => format!("{day:02}{s}{m:02}"),
            DateStyle::NumericYmd(s) => format!("{m:02}{s}{day:02}"),
        }
    }

    /// A time of day: `10:15 AM` or `10:15`.
    pub fn time(&self, t: NaiveDateTime) -> String {
        let (h, min) = (t.hour(), t.minute());
        if self.hour12 {
            let h12 = if h % 12 == 0 { 12 } else { h % 12 };
            format!("{h12}:{min:02}{NNBSP}{}", if h < 12 { "AM" } else { "PM" })
        } else {
            format!("{h:02}:{min:02}")
        }
    }

    /// A date and time: `Dec 4, 2026, 10:15 AM`, `04.12.2026, 10:15`.
    pub fn date_time(&self, t: NaiveDateTime) -> String {
        format!("{}, {}", self.date(t.date()), self.time(t))
    }
}

/// The currency's symbol where it is unambiguous (`$` only for the US dollar), else its code; and
/// whether it is a code (codes are spaced from the amount).
pub fn currency_symbol(currency: Currency) -> (String, bool) {
    let symbol = match currency.as_str() {
        "USD" => "$",
        "EUR" => "€",
        "GBP" => "£",
        "JPY" => "¥",
        "INR" => "₹",
        "KRW" => "₩",
        "ILS" => "₪",
        "VND" => "₫",
        "NGN" => "₦",
        "PHP" => "₱",
        "UAH" => "₴",
        "TRY" => "₺",
        "BRL" => "R$",
        "CAD" => "CA$",
        "AUD" => "A$",
        "NZD" => "NZ$",
        "MXN" => "MX$",
        "HKD" => "HK$",
        "CNY" => "CN¥",
        code => return (code.to_owned(), true),
    };
    (symbol.to_owned(), false)
}

/// How long ago `then` was at `now`, in words: `just now`, `3 minutes ago`, `yesterday`,
/// `in 2 hours`; past a month, `None` (show the date instead).
pub fn relative(then: NaiveDateTime, now: NaiveDateTime) -> Option<String> {
    let secs = (now - then).num_seconds();
    let future = secs < 0;
    let s = secs.unsigned_abs();
    let unit = |n: u64, word: &str| {
        let plural = if n == 1 { "" } else { "s" };
        if future {
            format!("in {n} {word}{plural}")
        } else {
            format!("{n} {word}{plural} ago")
        }
    };
    Some(match s {
        0..45 => "just now".to_owned(),
        45..3_600 => unit((s + 30) / 60, "minute").replace("60 minutes", "1 hour"),
        3_600..86_400 => unit((s + 1_800) / 3_600, "hour").replace("24 hours", "1 day"),
        86_400..172_800 if !future => "yesterday".to_owned(),
        86_400..2_592_000 => unit((s + 43_200) / 86_400, "day"),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        crate::time::parse_date(s).expect("date")
    }

    fn at(s: &str) -> NaiveDateTime {
        crate::time::Timestamp::parse(s)
            .expect("timestamp")
            .as_datetime()
            .naive_utc()
    }

    #[test]
    fn groups_in_threes() {
        assert_eq!(group_digits("", ','), "");
        assert_eq!(group_digits("12", ','), "12");
        assert_eq!(group_digits("123", ','), "123");
        assert_eq!(group_digits("1234", ','), "1,234");
        assert_eq!(group_digits("1234567", ','), "1,234,567");
        assert_eq!(format_count(0), "0");
        assert_eq!(format_count(1_234_567), "1\u{202f}234\u{202f}567");
    }

    #[test]
    fn locales_from_tags_and_headers() {
        assert_eq!(Locale::parse("de-DE").tag, "de-DE");
        assert_eq!(Locale::parse("de_at").tag, "de-AT");
        assert_eq!(Locale::parse("fr").decimal, ',');
        assert_eq!(Locale::parse("xx-YY"), Locale::en_us());
        assert_eq!(Locale::parse(""), Locale::en_us());
        assert_eq!(Locale::parse("zh-Hant-TW").tag, "zh-TW");
        assert_eq!(
            Locale::from_accept_language("de-DE,de;q=0.9,en-US;q=0.8,en;q=0.7"),
            Locale::parse("de-DE")
        );
        // Preference by q, not by order.
        assert_eq!(
            Locale::from_accept_language("en;q=0.5, fr-FR;q=0.9"),
            Locale::parse("fr-FR")
        );
        assert_eq!(Locale::from_accept_language(""), Locale::en_us());
        assert_eq!(Locale::from_accept_language("*"), Locale::en_us());
        // What Chromium sends and what its navigator.language says give the same locale.
        assert_eq!(
            Locale::from_accept_language("en-GB,en-US;q=0.9,en;q=0.8"),
            Locale::parse("en-GB")
        );
    }

    #[test]
    fn numbers_money_and_percent() {
        let us = Locale::en_us();
        let de = Locale::parse("de-DE");
        let fr = Locale::parse("fr-FR");
        let nl = Locale::parse("nl-NL");
        let m = Micros::new(1_234_567_890);
        assert_eq!(us.number(1234.567, 2), "1,234.57");
        assert_eq!(de.number(1234.567, 2), "1.234,57");
        assert_eq!(us.number(-0.001, 2), "0.00");
        assert_eq!(us.number(-1500.0, 0), "−1,500");
        assert_eq!(us.count(12_345), "12,345");
        assert_eq!(us.money(m, Currency::USD), "$1,234.57");
        assert_eq!(us.money(m, Currency::EUR), "€1,234.57");
        assert_eq!(de.money(m, Currency::EUR), "1.234,57\u{a0}€");
        assert_eq!(fr.money(m, Currency::EUR), "1\u{202f}234,57\u{a0}€");
        assert_eq!(nl.money(m, Currency::EUR), "€\u{a0}1.234,57");
        let chf = Currency::parse("CHF").expect("CHF");
        assert_eq!(us.money(m, chf), "CHF\u{a0}1,234.57");
        let jpy = Currency::parse("JPY").expect("JPY");
        assert_eq!(us.money(Micros::new(1_500_000_000), jpy), "¥1,500");
        assert_eq!(us.money(Micros::new(-2_500_000), Currency::USD), "−$2.50");
        assert_eq!(
            us.money_whole(Micros::new(9_000_400_000), Currency::EUR),
            "€9,000"
        );
        assert_eq!(us.percent(0.1234, 1), "12.3%");
        assert_eq!(de.percent(0.1234, 1), "12,3\u{a0}%");
        assert_eq!(us.times(3.04), "3.0×");
        assert_eq!(de.times(2.96), "3,0×");
    }

    #[test]
    fn dates_and_times() {
        let day = d("2026-12-04");
        let t = at("2026-12-04T22:15:00Z");
        assert_eq!(Locale::en_us().date(day), "Dec 4, 2026");
        assert_eq!(Locale::parse("en-GB").date(day), "4 Dec 2026");
        assert_eq!(Locale::parse("de").date(day), "04.12.2026");
        assert_eq!(Locale::parse("fr-FR").date(day), "04/12/2026");
        assert_eq!(Locale::parse("sv-SE").date(day), "2026-12-04");
        assert_eq!(Locale::parse("ja-JP").date(day), "2026/12/04");
        assert_eq!(Locale::en_us().day_month(day), "Dec 4");
        assert_eq!(Locale::parse("de").day_month(day), "04.12.");
        assert_eq!(Locale::en_us().date_time(t), "Dec 4, 2026, 10:15\u{202f}PM");
        assert_eq!(Locale::parse("en-GB").date_time(t), "4 Dec 2026, 22:15");
        assert_eq!(Locale::parse("de-DE").date_time(t), "04.12.2026, 22:15");
        assert_eq!(
            Locale::en_us().time(at("2026-12-04T00:05:00Z")),
            "12:05\u{202f}AM"
        );
    }

    #[test]
    fn relative_times() {
        let now = at("2026-12-04T10:15:00Z");
        let ago = |s: &str| relative(at(s), now);
        assert_eq!(ago("2026-12-04T10:14:30Z").as_deref(), Some("just now"));
        assert_eq!(ago("2026-12-04T10:12:00Z").as_deref(), Some("3 minutes ago"));
        assert_eq!(ago("2026-12-04T10:14:00Z").as_deref(), Some("1 minute ago"));
        assert_eq!(ago("2026-12-04T08:15:00Z").as_deref(), Some("2 hours ago"));
        assert_eq!(ago("2026-12-03T09:00:00Z").as_deref(), Some("yesterday"));
        assert_eq!(ago("2026-11-30T10:15:00Z").as_deref(), Some("4 days ago"));
        assert_eq!(ago("2026-12-04T12:15:00Z").as_deref(), Some("in 2 hours"));
        assert_eq!(ago("2026-10-01T10:15:00Z"), None);
    }
}
