//! The A/B calculator over HTTP: results as statsmodels gives them, sequential answers with the
//! always-valid figures, bad counts named by test and field (422), and 10,000 tests in one call.

use crate::helpers::spawn_app;
use serde_json::{Value, json};

fn test(xa: u64, na: u64, xb: u64, nb: u64) -> Value {
    json!({"a": {"conversions": xa, "visitors": na}, "b": {"conversions": xb, "visitors": nb}})
}

#[tokio::test]
async fn the_calculator_answers_fixed_and_sequential_tests() {
    let app = spawn_app().await;
    let mut sequential = test(300, 10000, 360, 10000);
    sequential["mode"] = json!("sequential");
    let (status, body) = app
        .post_json(
            "/api/v1/stats/ab",
            json!({"tests": [test(300, 10000, 360, 10000), sequential]}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let fixed = &body["results"][0];
    // statsmodels: proportions_ztest([360, 300], [10000, 10000]) = (2.3750132976, 0.0175483180).
    assert!(
        (fixed["z"].as_f64().unwrap_or_default() - 2.3750132976377203).abs() < 1e-9,
        "{fixed}"
    );
    assert!((fixed["p_value"].as_f64().unwrap_or_default() - 0.01754831798120966).abs() < 1e-12);
    assert_eq!(fixed["significant"], true);
    assert_eq!(fixed["winner"], "b");
    assert!(fixed["diff_ci"].as_array().is_some_and(|a| a.len() == 2));
    assert!(fixed.get("always_valid_p_value").is_none(), "{fixed}");
    let seq = &body["results"][1];
    assert!(
        seq["always_valid_p_value"].as_f64().is_some_and(|p| p > 0.05),
        "{seq}"
    );
    assert!(
        seq["always_valid_diff_ci"][0].as_f64().is_some_and(|lo| lo < 0.0),
        "{seq}"
    );
    assert_eq!(seq["significant"], false);
    assert!(seq["winner"].is_null());
}

#[tokio::test]
async fn bad_counts_are_422_naming_the_test_and_field() {
    let app = spawn_app().await;
    let cases = [
        (
            test(5, 10, 3, 10),
            json!({"conversions": -1, "visitors": 10}),
            "tests[1].a.conversions",
        ),
        (
            test(5, 10, 3, 10),
            json!({"conversions": 11, "visitors": 10}),
            "tests[1].a.conversions",
        ),
        (
            test(5, 10, 3, 10),
            json!({"conversions": 0, "visitors": 0}),
            "tests[1].a.visitors",
        ),
    ];
    for (good, bad_arm, field) in cases {
        let mut bad = test(1, 10, 2, 10);
        bad["a"] = bad_arm;
        let (status, e) = app
            .post_json("/api/v1/stats/ab", json!({"tests": [good, bad]}))
            .await;
        assert_eq!(status, 422, "{e}");
        assert_eq!(e["error"]["code"], "validation_failed");
        let fields: Vec<&str> = e["error"]["fields"]
            .as_array()
            .map(|f| f.iter().filter_map(|x| x["field"].as_str()).collect())
            .unwrap_or_default();
        assert_eq!(fields, vec![field], "{e}");
    }
    let (status, e) = app
        .post_json(
            "/api/v1/stats/ab",
            json!({"tests": [test(1, 10, 2, 10)], "alpha": 2}),
        )
        .await;
    assert_eq!(status, 422, "{e}");
    let mut bad = test(1, 10, 2, 10);
    bad["alpha"] = json!(0.7);
    let (status, e) = app.post_json("/api/v1/stats/ab", json!({"tests": [bad]})).await;
    assert_eq!(status, 422, "{e}");
    assert_eq!(e["error"]["fields"][0]["field"], "tests[0].alpha");
}

#[tokio::test]
async fn ten_thousand_tests_in_one_call_and_no_more() {
    let app = spawn_app().await;
    let tests: Vec<Value> = (0..10_000u64)
        .map(|i| test(30 + i % 7, 1000, 33 + i % 11, 1000))
        .collect();
    let (status, body) = app.post_json("/api/v1/stats/ab", json!({"tests": tests})).await;
    assert_eq!(status, 200);
    assert_eq!(body["results"].as_array().map(Vec::len), Some(10_000));
    let mut tests = tests;
    tests.push(test(1, 10, 2, 10));
    let (status, e) = app.post_json("/api/v1/stats/ab", json!({"tests": tests})).await;
    assert_eq!(status, 422, "{e}");
    assert_eq!(e["error"]["fields"][0]["field"], "tests");
}
