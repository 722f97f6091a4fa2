//! The statistics against statsmodels, scipy and gbstats (`testdata/ab_reference.py` wrote
//! `testdata/ab_reference.json`).

use super::proportions::{self, Arm};
use super::welch::{MeanArm, welch};
use super::{fdr, normal, power, sequential, srm};
use serde_json::Value;

fn reference() -> Value {
    serde_json::from_str(include_str!("testdata/ab_reference.json")).expect("reference JSON")
}

fn f(v: &Value) -> f64 {
    v.as_f64().expect("number")
}

fn pair(v: &Value) -> (f64, f64) {
    (f(&v[0]), f(&v[1]))
}

/// Equal to 1e-6 relative (so a p-value of 1e-26 must be right to its 6th digit); 1e-15
/// absolute for values that are 0 but for rounding.
fn close(what: &str, got: f64, want: f64) {
    let tolerance = 1e-6 * want.abs() + 1e-15;
    assert!(
        (got - want).abs() <= tolerance || got == want,
        "{what}: got {got:e}, statsmodels/scipy/gbstats {want:e}"
    );
}

fn arm(v: &Value) -> Arm {
    Arm {
        conversions: v["conversions"].as_u64().expect("conversions"),
        visitors: v["visitors"].as_u64().expect("visitors"),
    }
}

#[test]
fn fixed_mode_equals_statsmodels() {
    let r = reference();
    let cases = r["proportions"].as_array().expect("cases");
    assert!(cases.len() >= 30);
    let mut tiny_p = 0;
    for (i, c) in cases.iter().enumerate() {
        let (a, b, alpha) = (arm(&c["a"]), arm(&c["b"]), f(&c["alpha"]));
        let t = proportions::fixed(a, b, alpha).expect("valid counts");
        if let Some(z) = c.get("z") {
            close(&format!("case {i} z"), t.z, f(z));
            close(&format!("case {i} p"), t.p_value, f(&c["p_value"]));
            if f(&c["p_value"]) < 1e-12 {
                tiny_p += 1;
            }
        }
        close(&format!("case {i} diff"), t.diff, f(&c["diff"]));
        let (lo, hi) = pair(&c["diff_ci"]);
        close(&format!("case {i} diff lo"), t.diff_ci.0, lo);
        close(&format!("case {i} diff hi"), t.diff_ci.1, hi);
        match c.get("relative_lift_ci") {
            Some(ci) => {
                let (lo, hi) = pair(ci);
                let got = t.relative_lift_ci.expect("a lift");
                close(
                    &format!("case {i} lift"),
                    t.relative_lift.unwrap_or_default(),
                    f(&c["relative_lift"]),
                );
                close(&format!("case {i} lift lo"), got.0, lo);
                close(&format!("case {i} lift hi"), got.1, hi);
            }
            None => assert!(
                t.relative_lift.is_none(),
                "case {i}: no lift without A's conversions"
            ),
        }
        for s in c["sequential"].as_array().expect("sequential") {
            let tuning = f(&s["tuning"]);
            let q = proportions::always_valid(a, b, alpha, tuning).expect("valid");
            let (lo, hi) = pair(&s["diff_ci"]);
            close(&format!("case {i} seq lo"), q.diff_ci.0, lo);
            close(&format!("case {i} seq hi"), q.diff_ci.1, hi);
            close(&format!("case {i} seq p"), q.p_value, f(&s["diff_p_value"]));
            if let Some(ci) = s.get("relative_ci") {
                let (lo, hi) = pair(ci);
                let got = q.relative_lift_ci.expect("a lift");
                close(&format!("case {i} seq lift lo"), got.0, lo);
                close(&format!("case {i} seq lift hi"), got.1, hi);
                close(
                    &format!("case {i} seq lift p"),
                    q.relative_lift_p_value.unwrap_or(2.0),
                    f(&s["relative_p_value"]),
                );
            }
        }
    }
    assert!(tiny_p >= 3, "the reference has p-values below 1e-12 ({tiny_p})");
}

#[test]
fn normal_tails_equal_scipy() {
    for c in reference()["tails"].as_array().expect("tails") {
        let z = f(&c["z"]);
        close(&format!("p at z={z}"), normal::two_sided_p(z), f(&c["p_value"]));
        close(&format!("p at z=-{z}"), normal::two_sided_p(-z), f(&c["p_value"]));
    }
    assert!(normal::two_sided_p(37.0) > 0.0 && normal::two_sided_p(37.0) < 1e-290);
    close("critical 0.05", normal::critical(0.05), 1.959963984540054);
}

#[test]
fn welch_equals_scipy() {
    for (i, c) in reference()["welch"].as_array().expect("welch").iter().enumerate() {
        let m = |v: &Value| MeanArm {
            mean: f(&v["mean"]),
            sd: f(&v["sd"]),
            n: v["n"].as_u64().expect("n"),
        };
        let t = welch(m(&c["a"]), m(&c["b"]), f(&c["alpha"])).expect("valid");
        close(&format!("welch {i} t"), t.t, f(&c["t"]));
        close(&format!("welch {i} df"), t.df, f(&c["df"]));
        close(&format!("welch {i} p"), t.p_value, f(&c["p_value"]));
        let (lo, hi) = pair(&c["diff_ci"]);
        close(&format!("welch {i} lo"), t.diff_ci.0, lo);
        close(&format!("welch {i} hi"), t.diff_ci.1, hi);
    }
}

#[test]
fn srm_equals_scipy() {
    for c in reference()["srm"].as_array().expect("srm") {
        let observed: Vec<u64> = c["observed"]
            .as_array()
            .expect("o")
            .iter()
            .map(|v| v.as_u64().expect("u"))
            .collect();
        let weights: Vec<f64> = c["weights"].as_array().expect("w").iter().map(f).collect();
        let s = srm::check(&observed, &weights).expect("valid");
        close(&format!("srm {observed:?} chi2"), s.chi2, f(&c["chi2"]));
        close(&format!("srm {observed:?} p"), s.p_value, f(&c["p_value"]));
        assert_eq!(s.mismatch, f(&c["p_value"]) < 0.001);
    }
}

#[test]
fn benjamini_hochberg_equals_statsmodels() {
    for c in reference()["benjamini_hochberg"].as_array().expect("bh") {
        let ps: Vec<f64> = c["p_values"].as_array().expect("p").iter().map(f).collect();
        let adjusted = fdr::adjust(&ps);
        for (got, want) in adjusted.iter().zip(c["adjusted"].as_array().expect("adj")) {
            close(&format!("bh {ps:?}"), *got, f(want));
        }
        let want: Vec<bool> = c["reject"]
            .as_array()
            .expect("r")
            .iter()
            .map(|v| v.as_bool().expect("b"))
            .collect();
        assert_eq!(fdr::reject(&ps, 0.05), want, "{ps:?}");
    }
}

#[test]
fn power_equals_statsmodels() {
    for c in reference()["power"].as_array().expect("power") {
        let input = power::PowerInput {
            baseline: f(&c["baseline"]),
            relative_lift: f(&c["relative_lift"]),
            daily_visitors_per_arm: f(&c["daily_visitors_per_arm"]),
            alpha: f(&c["alpha"]),
            power: f(&c["power"]),
        };
        let p = power::plan(input).expect("valid");
        close(
            &format!("{input:?} n"),
            p.visitors_per_arm,
            f(&c["visitors_per_arm"]),
        );
        assert_eq!(p.days, c["days"].as_u64().expect("days"), "{input:?}");
        assert!(
            p.sequential_visitors_per_arm > p.visitors_per_arm,
            "{input:?}: {p:?}"
        );
        assert!(p.sequential_days >= p.days);
    }
}

#[test]
fn sequential_p_does_not_overflow() {
    // A huge effect on a huge sample: the e-value overflows a float, its inverse does not.
    let p = sequential::p_value(0.05, 1e-10, 2e8, 0.05, 5000.0);
    assert!((0.0..1e-12).contains(&p), "{p}");
    assert_eq!(sequential::p_value(0.0, 0.0, 100.0, 0.05, 5000.0), 1.0);
}

#[test]
fn poisson_rates_equal_statsmodels() {
    use super::rates::{RateArm, fixed};
    for (i, c) in reference()["rates"].as_array().expect("rates").iter().enumerate() {
        let r = |v: &Value| RateArm {
            events: v["events"].as_u64().expect("events"),
            exposure: f(&v["exposure"]),
        };
        let t = fixed(r(&c["a"]), r(&c["b"]), f(&c["alpha"])).expect("valid");
        close(&format!("rates {i} z"), t.z, f(&c["z"]));
        close(&format!("rates {i} p"), t.p_value, f(&c["p_value"]));
        let (lo, hi) = pair(&c["diff_ci"]);
        close(&format!("rates {i} lo"), t.diff_ci.0, lo);
        close(&format!("rates {i} hi"), t.diff_ci.1, hi);
    }
}
