//! The pacing gauge's scale: projected spend as a percentage of the budget on a dial that reads
//! 0–150% and extends to hold larger values, so 300% reads as 300% rather than sitting pinned at
//! the end. Pure: the chart builder draws what this decides.

use serde::{Deserialize, Serialize};

/// The dial's usual end, in percent.
pub const GAUGE_BASE_MAX: f64 = 150.0;
/// The furthest the dial extends; past it the needle stays at the end and the text says the value.
pub const GAUGE_LIMIT: f64 = 1_000.0;
/// The dial extends in steps of this many percent.
const STEP: f64 = 50.0;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GaugeScale {
    /// Where the needle points, in percent (the value, unless past [`GAUGE_LIMIT`]).
    pub needle: f64,
    /// The dial's end, in percent.
    pub max: f64,
    /// The on-track band, in percent.
    pub low: f64,
    pub high: f64,
    /// The true value, rounded, as the dial's text shows it (`300%`).
    pub text: String,
    /// The value is past the dial's end (the needle marks the end).
    pub overflow: bool,
}

/// The dial for `percent` of the budget with an on-track band of ±`tolerance` (a share).
pub fn gauge_scale(percent: f64, tolerance: f64) -> GaugeScale {
    let value = if percent.is_finite() {
        percent.max(0.0)
    } else {
        0.0
    };
    let max = if value <= GAUGE_BASE_MAX {
        GAUGE_BASE_MAX
    } else {
        ((value / STEP).ceil() * STEP).min(GAUGE_LIMIT)
    };
    GaugeScale {
        needle: value.min(max),
        max,
        low: 100.0 * (1.0 - tolerance),
        high: 100.0 * (1.0 + tolerance),
        text: format!("{}%", value.round()),
        overflow: value > max,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_on_the_usual_dial() {
        let g = gauge_scale(104.4, 0.15);
        assert_eq!((g.needle, g.max, g.overflow), (104.4, 150.0, false));
        assert_eq!(g.text, "104%");
        assert!((g.low - 85.0).abs() < 1e-9 && (g.high - 115.0).abs() < 1e-9);
        assert_eq!(gauge_scale(150.0, 0.1).max, 150.0);
    }

    #[test]
    fn three_hundred_percent_reads_as_three_hundred() {
        let g = gauge_scale(300.0, 0.1);
        assert_eq!(g.max, 300.0);
        assert_eq!(g.needle, 300.0);
        assert_eq!(g.text, "300%");
        assert!(!g.overflow);
        // 278% and 414% (the projects the issue saw) fit their dials too.
        let g = gauge_scale(278.2, 0.1);
        assert_eq!((g.max, g.needle, g.text.as_str()), (300.0, 278.2, "278%"));
        let g = gauge_scale(414.0, 0.1);
        assert_eq!((g.max, g.text.as_str()), (450.0, "414%"));
    }

    #[test]
    fn past_the_limit_the_text_keeps_the_value() {
        let g = gauge_scale(2_345.0, 0.1);
        assert_eq!((g.max, g.needle, g.overflow), (GAUGE_LIMIT, GAUGE_LIMIT, true));
        assert_eq!(g.text, "2345%");
        assert_eq!(gauge_scale(f64::NAN, 0.1).text, "0%");
        assert_eq!(gauge_scale(-5.0, 0.1).needle, 0.0);
    }
}
