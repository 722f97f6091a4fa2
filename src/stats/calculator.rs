//! The stateless A/B calculator (`POST /api/v1/stats/ab`): many two-arm tests in one call, each
//! answered with the fixed-horizon statistics and, in sequential mode, the always-valid ones.
//! Parsing names every bad field by its place (`tests[3].b.conversions`).

use super::proportions::{self, Arm, Side};
use super::sequential::DEFAULT_TUNING;
use crate::validation::FieldErrors;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The most tests one call may hold.
pub const TESTS_MAX: usize = 10_000;

/// How a test's significance is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TestMode {
    /// One look at a planned sample: the z-test.
    Fixed,
    /// Looked at as often as wanted: the always-valid p-value and interval.
    Sequential,
}

/// One test to work out.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AbInput {
    pub a: Arm,
    pub b: Arm,
    pub mode: TestMode,
    pub alpha: f64,
    /// Sequential mode's tuning: the total sample (both arms) it is tightest at.
    pub tuning: f64,
}

/// One test's answer; every difference is B minus A.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AbResult {
    pub mode: TestMode,
    pub alpha: f64,
    /// Pooled z statistic (0 when neither arm varies).
    pub z: f64,
    /// Two-sided p-value of the fixed-horizon z-test.
    pub p_value: f64,
    pub rate_a: f64,
    pub rate_b: f64,
    /// B's rate minus A's.
    pub diff: f64,
    /// Unpooled Wald interval of `diff` at 1 - alpha.
    pub diff_ci: [f64; 2],
    /// B's rate over A's, minus 1; null when A converted no one.
    pub relative_lift: Option<f64>,
    /// Delta-method interval of the relative lift; null when A converted no one.
    pub relative_lift_ci: Option<[f64; 2]>,
    /// Sequential mode: the always-valid p-value (GrowthBook's confidence sequences).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub always_valid_p_value: Option<f64>,
    /// Sequential mode: the always-valid interval of `diff`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub always_valid_diff_ci: Option<[f64; 2]>,
    /// Sequential mode: the always-valid interval of the relative lift.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub always_valid_relative_lift_ci: Option<[f64; 2]>,
    /// Sequential mode: the tuning used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tuning: Option<f64>,
    /// Whether the mode's interval of the difference leaves out 0.
    pub significant: bool,
    /// `a` or `b` when significant (the one with the higher rate), else null.
    pub winner: Option<Side>,
}

fn pair((lo, hi): (f64, f64)) -> [f64; 2] {
    [lo, hi]
}

/// Works out one test. The inputs were checked by [`parse`].
pub fn calculate(t: &AbInput) -> Result<AbResult, proportions::StatsError> {
    let fixed = proportions::fixed(t.a, t.b, t.alpha)?;
    let sequential = match t.mode {
        TestMode::Sequential => Some(proportions::always_valid(t.a, t.b, t.alpha, t.tuning)?),
        TestMode::Fixed => None,
    };
    let ci = sequential.as_ref().map_or(fixed.diff_ci, |s| s.diff_ci);
    let winner = if ci.0 > 0.0 {
        Some(Side::B)
    } else if ci.1 < 0.0 {
        Some(Side::A)
    } else {
        None
    };
    Ok(AbResult {
        mode: t.mode,
        alpha: t.alpha,
        z: fixed.z,
        p_value: fixed.p_value,
        rate_a: t.a.rate(),
        rate_b: t.b.rate(),
        diff: fixed.diff,
        diff_ci: pair(fixed.diff_ci),
        relative_lift: fixed.relative_lift,
        relative_lift_ci: fixed.relative_lift_ci.map(pair),
        always_valid_p_value: sequential.as_ref().map(|s| s.p_value),
        always_valid_diff_ci: sequential.as_ref().map(|s| pair(s.diff_ci)),
        always_valid_relative_lift_ci: sequential.as_ref().and_then(|s| s.relative_lift_ci.map(pair)),
        tuning: sequential.as_ref().map(|_| t.tuning),
        significant: winner.is_some(),
        winner,
    })
}

/// A whole count at `path`, or an error naming it.
fn count(v: Option<&Value>, path: &str, errors: &mut FieldErrors) -> Option<u64> {
    let c = whole_count(v, path, errors)?;
    if c > proportions::COUNT_MAX {
        errors.add(
            path,
            format!("must be at most {} (a quadrillion)", proportions::COUNT_MAX),
        );
        return None;
    }
    Some(c)
}

fn whole_count(v: Option<&Value>, path: &str, errors: &mut FieldErrors) -> Option<u64> {
    match v {
        None | Some(Value::Null) => {
            errors.add(path, "is required: a whole number, 0 or more");
            None
        }
        Some(Value::Number(n)) => {
            if let Some(c) = n.as_u64() {
                Some(c)
            } else if n.as_i64().is_some_and(|c| c < 0) || n.as_f64().is_some_and(|c| c < 0.0) {
                errors.add(path, "must be 0 or more");
                None
            } else {
                match n.as_f64() {
                    // 1000.0 is a whole number written with a point.
                    Some(f) if f.fract() == 0.0 && f <= 9.0e15 => Some(f as u64),
                    _ => {
                        errors.add(path, "must be a whole number");
                        None
                    }
                }
            }
        }
        Some(_) => {
            errors.add(path, "must be a whole number, 0 or more");
            None
        }
    }
}

const TEST_FIELDS: [&str; 5] = ["a", "b", "mode", "alpha", "tuning"];
const ARM_FIELDS: [&str; 2] = ["conversions", "visitors"];

fn arm(v: Option<&Value>, path: &str, errors: &mut FieldErrors) -> Option<Arm> {
    let Some(map) = v.and_then(Value::as_object) else {
        errors.add(path, "is required: {\"conversions\", \"visitors\"}");
        return None;
    };
    for key in map.keys() {
        if !ARM_FIELDS.contains(&key.as_str()) {
            errors.add(
                &format!("{path}.{key}"),
                "is not a known field (known: conversions, visitors)",
            );
        }
    }
    let conversions = count(map.get("conversions"), &format!("{path}.conversions"), errors);
    let visitors = count(map.get("visitors"), &format!("{path}.visitors"), errors);
    let (conversions, visitors) = (conversions?, visitors?);
    if visitors == 0 {
        errors.add(&format!("{path}.visitors"), "must be at least 1");
        return None;
    }
    if conversions > visitors {
        errors.add(
            &format!("{path}.conversions"),
            format!("is more than {path}.visitors ({conversions} > {visitors})"),
        );
        return None;
    }
    Some(Arm {
        conversions,
        visitors,
    })
}

fn number(
    v: Option<&Value>,
    path: &str,
    default: f64,
    ok: impl Fn(f64) -> bool,
    rule: &str,
    errors: &mut FieldErrors,
) -> f64 {
    match v {
        None | Some(Value::Null) => default,
        Some(Value::Number(n)) => match n.as_f64() {
            Some(x) if ok(x) => x,
            _ => {
                errors.add(path, rule);
                default
            }
        },
        Some(_) => {
            errors.add(path, rule);
            default
        }
    }
}

/// A call as the fast reading takes it: only the plain shape (whole counts, the two mode words);
/// anything else goes through [`parse`].
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlainCall {
    tests: Vec<PlainTest>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlainTest {
    a: PlainArm,
    b: PlainArm,
    #[serde(default)]
    mode: Option<String>,
    #[serde(default)]
    alpha: Option<f64>,
    #[serde(default)]
    tuning: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlainArm {
    conversions: u64,
    visitors: u64,
}

impl PlainArm {
    fn arm(&self) -> Option<Arm> {
        (self.visitors >= 1 && self.conversions <= self.visitors && self.visitors <= proportions::COUNT_MAX)
            .then_some(Arm {
                conversions: self.conversions,
                visitors: self.visitors,
            })
    }
}

impl PlainTest {
    /// The test when every field holds (as [`parse`] would take it), else `None`.
    fn input(&self) -> Option<AbInput> {
        let mode = match self.mode.as_deref() {
            None | Some("fixed") => TestMode::Fixed,
            Some("sequential") => TestMode::Sequential,
            Some(_) => return None,
        };
        let alpha = self.alpha.unwrap_or(0.05);
        let tuning = self.tuning.unwrap_or(DEFAULT_TUNING);
        (crate::stats::proportions::alpha_ok(alpha) && tuning.is_finite() && (1.0..=2e15).contains(&tuning))
            .then_some(())?;
        Some(AbInput {
            a: self.a.arm()?,
            b: self.b.arm()?,
            mode,
            alpha,
            tuning,
        })
    }
}

/// Why a call's bytes were refused: not JSON at all (a 400), or tests that do not hold (a 422
/// naming each field).
#[derive(Debug, Clone, PartialEq)]
pub enum BodyError {
    NotJson(String),
    Invalid(FieldErrors),
}

/// Parses a call from its bytes. A well-formed call is read straight into its tests, with no JSON
/// tree in between (reading the tree was most of a large call's time); anything else is read again
/// through [`parse`], which names every bad field the same way.
pub fn parse_bytes(bytes: &[u8]) -> Result<Vec<AbInput>, BodyError> {
    if let Ok(call) = serde_json::from_slice::<PlainCall>(bytes)
        && (1..=TESTS_MAX).contains(&call.tests.len())
        && let Some(tests) = call
            .tests
            .iter()
            .map(PlainTest::input)
            .collect::<Option<Vec<_>>>()
    {
        return Ok(tests);
    }
    let value: Value = serde_json::from_slice(bytes).map_err(|e| BodyError::NotJson(e.to_string()))?;
    parse(&value).map_err(BodyError::Invalid)
}

/// Parses `{"tests": [...]}`. Every bad field is named by its place; unknown fields are refused
/// so a misspelt one is not silently dropped.
pub fn parse(body: &Value) -> Result<Vec<AbInput>, FieldErrors> {
    let mut errors = FieldErrors::new();
    let Some(map) = body.as_object() else {
        return Err(FieldErrors::single(
            "body",
            "must be a JSON object: {\"tests\": [...]}",
        ));
    };
    for key in map.keys() {
        if key != "tests" {
            errors.add(key, "is not a known field (known: tests)");
        }
    }
    let Some(tests) = map.get("tests").and_then(Value::as_array) else {
        errors.add("tests", "is required: a list of tests");
        return Err(errors);
    };
    if tests.is_empty() {
        errors.add("tests", "must hold at least one test");
    }
    if tests.len() > TESTS_MAX {
        errors.add(
            "tests",
            format!("holds {} tests; at most {TESTS_MAX} a call", tests.len()),
        );
        return Err(errors);
    }
    let mut out = Vec::with_capacity(tests.len());
    for (i, t) in tests.iter().enumerate() {
        let path = format!("tests[{i}]");
        let Some(test) = t.as_object() else {
            errors.add(&path, "must be an object: {\"a\", \"b\", \"mode\"?, \"alpha\"?}");
            continue;
        };
        for key in test.keys() {
            if !TEST_FIELDS.contains(&key.as_str()) {
                errors.add(
                    &format!("{path}.{key}"),
                    format!("is not a known field (known: {})", TEST_FIELDS.join(", ")),
                );
            }
        }
        let a = arm(test.get("a"), &format!("{path}.a"), &mut errors);
        let b = arm(test.get("b"), &format!("{path}.b"), &mut errors);
        let mode = match test.get("mode") {
            None | Some(Value::Null) => Some(TestMode::Fixed),
            Some(Value::String(s)) if s == "fixed" => Some(TestMode::Fixed),
            Some(Value::String(s)) if s == "sequential" => Some(TestMode::Sequential),
            Some(_) => {
                errors.add(&format!("{path}.mode"), "must be fixed or sequential");
                None
            }
        };
        let alpha = number(
            test.get("alpha"),
            &format!("{path}.alpha"),
            0.05,
            crate::stats::proportions::alpha_ok,
            "must be a number from 1e-10 to below 0.5 (0.05 when left out)",
            &mut errors,
        );
        let tuning = number(
            test.get("tuning"),
            &format!("{path}.tuning"),
            DEFAULT_TUNING,
            |x| x.is_finite() && (1.0..=2e15).contains(&x),
            "must be a total sample (both arms) from 1 to 2e15 (5000 when left out)",
            &mut errors,
        );
        if let (Some(a), Some(b), Some(mode)) = (a, b, mode) {
            out.push(AbInput {
                a,
                b,
                mode,
                alpha,
                tuning,
            });
        }
    }
    errors.into_result(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn bad_counts_are_named_by_test_and_field() {
        let body = json!({"tests": [
            {"a": {"conversions": 3, "visitors": 100}, "b": {"conversions": 4, "visitors": 100}},
            {"a": {"conversions": -1, "visitors": 100}, "b": {"conversions": 4, "visitors": 0}},
            {"a": {"conversions": 30, "visitors": 20}, "b": {"conversions": 4.5, "visitors": 10}, "mode": "bayes"},
        ]});
        let errors = parse(&body).expect_err("bad counts").to_string();
        for field in [
            "tests[1].a.conversions",
            "tests[1].b.visitors",
            "tests[2].a.conversions",
            "tests[2].b.conversions",
            "tests[2].mode",
        ] {
            assert!(errors.contains(field), "{field} in {errors}");
        }
        assert!(!errors.contains("tests[0]"), "{errors}");
        // Counts past a quadrillion, and levels no float can hold a critical value for.
        let body = json!({"tests": [
            {"a": {"conversions": 30, "visitors": 1000}, "b": {"conversions": 30, "visitors": 9223372036854775808u64}},
            {"a": {"conversions": 3, "visitors": 100}, "b": {"conversions": 4, "visitors": 100}, "alpha": 5e-324},
            {"a": {"conversions": 3, "visitors": 100}, "b": {"conversions": 4, "visitors": 100}, "tuning": 1e300},
        ]});
        let errors = parse(&body).expect_err("out of range").to_string();
        for field in ["tests[0].b.visitors", "tests[1].alpha", "tests[2].tuning"] {
            assert!(errors.contains(field), "{field} in {errors}");
        }
    }

    #[test]
    fn reading_the_bytes_answers_as_the_tree_does() {
        let one = json!({"a": {"conversions": 3, "visitors": 100}, "b": {"conversions": 4, "visitors": 100}});
        let bodies = [
            // Taken by the fast reading.
            json!({"tests": [one, {"a": {"conversions": 30, "visitors": 1000}, "b": {"conversions": 45, "visitors": 1000},
                                    "mode": "sequential", "alpha": 0.01, "tuning": 20000}]}),
            json!({"tests": [{"a": {"conversions": 0, "visitors": 1}, "b": {"conversions": 1, "visitors": 1}, "mode": null}]}),
            // Read again through the tree: a count written with a point, then refusals.
            json!({"tests": [{"a": {"conversions": 3.0, "visitors": 100}, "b": {"conversions": 4, "visitors": 100}}]}),
            json!({"tests": [{"a": {"conversions": 30, "visitors": 20}, "b": {"conversions": 4, "visitors": 0}, "mode": "bayes"}]}),
            json!({"tests": [one, {"a": {"conversions": 3, "visitors": 100}, "b": {"conversions": 4, "visitors": 100}, "alpha": 0.7}]}),
            json!({"tests": [], "extra": 1}),
            json!({"tests": [{"a": {"conversions": 3, "visitors": 100, "rate": 1}, "b": {"conversions": 4, "visitors": 100}}]}),
        ];
        for body in bodies {
            let bytes = serde_json::to_vec(&body).expect("bytes");
            assert_eq!(
                parse_bytes(&bytes),
                parse(&body).map_err(BodyError::Invalid),
                "{body}"
            );
        }
        assert!(matches!(
            parse_bytes(b"{\"tests\": ["),
            Err(BodyError::NotJson(_))
        ));
    }

    #[test]
    fn too_many_or_no_tests_are_refused() {
        let one = json!({"a": {"conversions": 3, "visitors": 100}, "b": {"conversions": 4, "visitors": 100}});
        let many: Vec<Value> = (0..=TESTS_MAX).map(|_| one.clone()).collect();
        assert!(
            parse(&json!({"tests": many}))
                .expect_err("too many")
                .to_string()
                .contains("at most 10000")
        );
        assert!(parse(&json!({"tests": []})).is_err());
        assert!(parse(&json!({"test": [one]})).is_err());
    }

    #[test]
    fn sequential_answers_carry_the_always_valid_figures() {
        let body = json!({"tests": [
            {"a": {"conversions": 300, "visitors": 10000}, "b": {"conversions": 360, "visitors": 10000}},
            {"a": {"conversions": 300, "visitors": 10000}, "b": {"conversions": 360, "visitors": 10000}, "mode": "sequential"},
            {"a": {"conversions": 3000, "visitors": 100000}, "b": {"conversions": 3600, "visitors": 100000}, "mode": "sequential", "alpha": 0.01},
        ]});
        let tests = parse(&body).expect("valid");
        let r: Vec<AbResult> = tests.iter().map(|t| calculate(t).expect("valid")).collect();
        // p = 0.0175: the fixed test calls B; the always-valid interval is wider and does not yet.
        assert!(r[0].significant && r[0].winner == Some(Side::B) && r[0].always_valid_p_value.is_none());
        assert!(!r[1].significant && r[1].winner.is_none());
        assert!(r[1].always_valid_p_value.is_some_and(|p| p > 0.05));
        assert!(r[2].significant && r[2].winner == Some(Side::B));
        let json = serde_json::to_value(&r[1]).expect("json");
        assert!(json["always_valid_diff_ci"].is_array() && json["winner"].is_null());
    }
}
