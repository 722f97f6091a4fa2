//! The memory's REST API: recording (201 new, 200 merged), bad fields named (422), list, search,
//! get, patch, forget and undo, recall with its score parts, recommendations, the empty memory; and
//! a labelled recall set of 120 synthetic learnings (platform x objective x vertical x action, a topic
//! in each text): precision at 5 of context queries and of text queries, and 30 reworded repeats that
//! add no rows.

use crate::helpers::{TestApp, spawn_app};
use serde_json::{Value, json};

async fn post(app: &TestApp, body: Value) -> (u16, Value) {
    app.post_json("/api/v1/memories", body).await
}

async fn total(app: &TestApp, query: &str) -> u64 {
    let (status, page) = app.get_json(&format!("/api/v1/memories?{query}")).await;
    assert_eq!(status, 200, "{page}");
    page["total"].as_u64().expect("total")
}

#[tokio::test]
async fn a_learning_is_recorded_merged_found_changed_forgotten_and_brought_back() {
    let app = spawn_app().await;
    let body = json!({"agent": "trader", "kind": "outcome", "platform": "meta", "objective": "sales",
        "vertical": "home_decor", "action": "budget_increase",
        "summary": "Raising Meta budgets by 20% lowered ROAS for home decor", "tags": ["scaling"],
        "outcome": {"metric": "roas", "before": 3.2, "after": 2.88, "days": 7}});
    let (status, first) = post(&app, body.clone()).await;
    assert_eq!(status, 201, "{first}");
    assert_eq!(first["merged"], false);
    for field in [
        "id",
        "agent",
        "kind",
        "platform",
        "objective",
        "vertical",
        "action",
        "summary",
        "tags",
        "outcome",
        "evidence",
        "confidence",
        "source",
        "created_at",
        "updated_at",
    ] {
        assert!(first.get(field).is_some(), "{field} missing: {first}");
    }
    assert_eq!(first["outcome"]["status"], "measured");
    assert_eq!(first["outcome"]["change"], -0.1);
    assert_eq!(first["outcome"]["verdict"], "bad");
    assert_eq!(first["evidence"], 1);
    let id = first["id"].as_str().expect("id").to_owned();

    // A reworded repeat of the same decision merges: evidence 2, averaged outcome, confidence up.
    let mut again = body.clone();
    again["summary"] = json!("Increasing the Meta budget a fifth cut return on ad spend (home decor)");
    again["outcome"] = json!({"metric": "roas", "before": 3.0, "after": 2.94, "days": 7});
    let (status, merged) = post(&app, again).await;
    assert_eq!(status, 200, "{merged}");
    assert_eq!(
        (merged["merged"].clone(), merged["id"].as_str()),
        (json!(true), Some(id.as_str()))
    );
    assert_eq!(merged["evidence"], 2);
    assert_eq!(merged["outcome"]["change"], -0.06, "mean of -10% and -2%");
    assert_eq!(merged["outcome"]["measured"], 2);
    assert!(merged["confidence"].as_f64() > first["confidence"].as_f64());
    assert_eq!(total(&app, "").await, 1);

    // Found by search (a word only the second wording used), by filter, and by id.
    let (_, found) = app.get_json("/api/v1/memories?q=fifth").await;
    assert_eq!(found["items"][0]["id"], id.as_str(), "{found}");
    assert_eq!(total(&app, "outcome=bad&platform=meta").await, 1);
    assert_eq!(total(&app, "outcome=good").await, 0);
    let (status, got) = app.get_json(&format!("/api/v1/memories/{id}")).await;
    assert_eq!((status, got["summary"].clone()), (200, body["summary"].clone()));

    // Edit and pin; forget; undo.
    let r = app
        .client
        .patch(app.url(&format!("/api/v1/memories/{id}")))
        .json(&json!({"summary": "Meta budget raises of 20% cost home decor clients ROAS", "pinned": true}))
        .send()
        .await
        .expect("patch");
    assert_eq!(r.status(), 200);
    let changed: Value = r.json().await.expect("json");
    assert_eq!(
        (changed["pinned"].clone(), changed["summary"].as_str()),
        (
            json!(true),
            Some("Meta budget raises of 20% cost home decor clients ROAS")
        )
    );
    let r = app
        .client
        .delete(app.url(&format!("/api/v1/memories/{id}")))
        .send()
        .await
        .expect("delete");
    assert_eq!(r.status(), 200);
    assert_eq!(total(&app, "").await, 0, "a forgotten learning is left out");
    assert_eq!(total(&app, "include_forgotten=true").await, 1);
    let (status, _) = app.get_json(&format!("/api/v1/memories/{id}")).await;
    assert_eq!(status, 404, "a forgotten learning is gone unless asked for");
    let (status, got) = app
        .get_json(&format!("/api/v1/memories/{id}?include_forgotten=true"))
        .await;
    assert_eq!((status, got["forgotten"].clone()), (200, json!(true)));
    let (_, recalled) = app.get_json("/api/v1/memories/recall?platform=meta").await;
    assert_eq!(recalled["items"].as_array().map(Vec::len), Some(0));
    let r = app
        .client
        .patch(app.url(&format!("/api/v1/memories/{id}")))
        .json(&json!({"forgotten": false}))
        .send()
        .await
        .expect("undo");
    assert_eq!(r.status(), 200);
    assert_eq!(total(&app, "").await, 1);
    let r = app
        .client
        .patch(app.url("/api/v1/memories/mem_nope"))
        .json(&json!({"pinned": true}))
        .send()
        .await
        .expect("patch");
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn bad_fields_are_named_and_nothing_is_stored() {
    let app = spawn_app().await;
    let cases = [
        (json!({"agent": "robot", "summary": "x"}), "agent"),
        (json!({"summary": "x"}), "agent"),
        (json!({"agent": "person"}), "summary"),
        (
            json!({"agent": "person", "summary": "x", "platform": "tiktok"}),
            "platform",
        ),
        (
            json!({"agent": "person", "summary": "x", "vertical": "pets"}),
            "vertical",
        ),
        (
            json!({"agent": "person", "summary": "x", "objective": "fame"}),
            "objective",
        ),
        (
            json!({"agent": "trader", "kind": "outcome", "summary": "x", "outcome": {"metric": "roas"}}),
            "action",
        ),
        (
            json!({"agent": "trader", "action": "budget_increase", "summary": "x", "outcome": {"metric": "likes"}}),
            "outcome.metric",
        ),
        (
            json!({"agent": "trader", "action": "budget_increase", "summary": "x", "outcome": {"metric": "roas", "days": 0}}),
            "outcome.days",
        ),
        (
            json!({"agent": "person", "summary": "x", "project_id": "proj_missing"}),
            "project_id",
        ),
        (
            json!({"agent": "person", "summary": "x", "tags": "a,b", "colour": "red"}),
            "colour",
        ),
    ];
    for (body, field) in cases {
        let (status, e) = post(&app, body.clone()).await;
        assert_eq!(status, 422, "{body} -> {e}");
        assert_eq!(e["error"]["code"], "validation_failed");
        let named = e["error"]["fields"]
            .as_array()
            .is_some_and(|f| f.iter().any(|x| x["field"] == field));
        assert!(named, "{field} not named for {body}: {e}");
    }
    let (status, _) = app.get_json("/api/v1/memories?limit=0").await;
    assert_eq!(status, 422);
    let (status, _) = app.get_json("/api/v1/memories/recall?action=explode").await;
    assert_eq!(status, 422);
    // An empty choice is refused by name (leave it out to mean any); empty words search nothing.
    let (status, e) = app
        .get_json("/api/v1/memories/recall?budget_band=&platform=meta")
        .await;
    assert_eq!(status, 422, "{e}");
    assert_eq!(e["error"]["fields"][0]["field"], "budget_band");
    let (status, e) = app.get_json("/api/v1/memories?action=&agent=").await;
    assert_eq!(status, 422, "{e}");
    let (status, _) = app.get_json("/api/v1/memories?q=").await;
    assert_eq!(status, 200);
    // A body that is not JSON is a 400 in the API's shape, also without a content type.
    let r = app
        .client
        .post(app.url("/api/v1/memories"))
        .body("\u{0}")
        .send()
        .await
        .expect("request");
    assert_eq!(r.status(), 400);
    let e: serde_json::Value = r.json().await.expect("json body");
    assert!(e["error"]["message"].is_string(), "{e}");
    assert_eq!(total(&app, "").await, 0);
}

#[tokio::test]
async fn an_empty_memory_answers_nothing_yet_never_an_error() {
    let app = spawn_app().await;
    let (status, page) = app.get_json("/api/v1/memories").await;
    assert_eq!((status, page["total"].as_u64()), (200, Some(0)));
    let (status, r) = app
        .get_json("/api/v1/memories/recall?platform=meta&action=budget_increase&q=roas")
        .await;
    assert_eq!((status, r["items"].as_array().map(Vec::len)), (200, Some(0)));
    let (status, r) = app.get_json("/api/v1/recommendations?platform=meta&objective=sales&vertical=home_decor&action=budget_increase").await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["items"].as_array().map(Vec::len), Some(0));
    assert!(
        r["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("No learnings yet")),
        "{r}"
    );
}

#[tokio::test]
async fn recommendations_give_the_median_and_range_of_past_outcomes() {
    let app = spawn_app().await;
    // Five raises on Meta sales for home decor (different campaigns), ROAS -12%, -7%, -4%, +1%, +3%.
    for (i, after) in [2.64, 2.79, 2.88, 3.03, 3.09].iter().enumerate() {
        let (status, m) = post(&app, json!({"agent": "trader", "platform": "meta", "objective": "sales", "vertical": "home_decor",
            "action": "budget_increase", "subject": format!("Meta Ads campaign {i}"),
            "summary": format!("Raised the budget of campaign {i}"), "outcome": {"metric": "roas", "before": 3.0, "after": after, "days": 7}})).await;
        assert_eq!(status, 201, "{m}");
    }
    let (status, r) = app.get_json("/api/v1/recommendations?platform=meta&objective=sales&vertical=home_decor&action=budget_increase").await;
    assert_eq!(status, 200, "{r}");
    let item = &r["items"][0];
    assert_eq!(item["action"], "budget_increase");
    assert_eq!(item["outcomes"], 5);
    // numpy.quantile([-0.12, -0.07, -0.04, 0.01, 0.03], [0.25, 0.5, 0.75]) = [-0.07, -0.04, 0.01]
    assert_eq!(item["median"], -0.04);
    assert_eq!(
        (item["expected_low"].clone(), item["expected_high"].clone()),
        (json!(-0.07), json!(0.01))
    );
    assert_eq!(
        (item["min"].clone(), item["max"].clone()),
        (json!(-0.12), json!(0.03))
    );
    assert_eq!(item["verdict"], "bad");
    assert!(
        item["summary"]
            .as_str()
            .is_some_and(|s| s.contains("5 past outcomes") && s.contains("-4%")),
        "{item}"
    );
    assert_eq!(item["memory_ids"].as_array().map(Vec::len), Some(5));
    assert!(r["message"].is_null());
}

const PLATFORMS: [&str; 3] = ["google", "meta", "pinterest"];
const OBJECTIVES: [&str; 4] = ["sales", "leads", "traffic", "catalog"];
const VERTICALS: [&str; 4] = ["home_decor", "fashion", "saas", "travel"];
const ACTIONS: [&str; 5] = [
    "budget_increase",
    "bid_decrease",
    "creative_refresh",
    "audience_expansion",
    "pause",
];
const AGENTS: [&str; 5] = ["trader", "analyst", "strategist", "social_media_buyer", "person"];

/// Twenty topics: the words a text query uses, and two wordings of a learning about it.
const TOPICS: [(&str, &str, &str); 20] = [
    (
        "creative fatigue",
        "Creative fatigue set in after three weeks of the same video",
        "The same video ran three weeks and creative fatigue dragged results",
    ),
    (
        "weekend dayparting",
        "Weekend dayparting moved spend to Saturday mornings",
        "Dayparting the weekend shifted budget toward Saturday mornings",
    ),
    (
        "broad match keywords",
        "Broad match keywords pulled in irrelevant queries",
        "Irrelevant queries came in through broad match keywords",
    ),
    (
        "lookalike purchasers",
        "Lookalike audiences seeded from purchasers outperformed interests",
        "Purchaser-seeded lookalike audiences beat interest targeting",
    ),
    (
        "free shipping",
        "Free shipping messaging in headlines lifted conversion rate",
        "Headlines promising free shipping raised the conversion rate",
    ),
    (
        "catalog feed titles",
        "Rewriting catalog feed titles with materials improved clicks",
        "Catalog feed titles naming the material got more clicks",
    ),
    (
        "carousel format",
        "Carousel format ads beat single images for bundles",
        "For bundles the carousel format outperformed single images",
    ),
    (
        "user generated content",
        "User generated content videos cut cost per purchase",
        "Videos made from user generated content lowered cost per purchase",
    ),
    (
        "price anchoring",
        "Price anchoring with the original price lifted order value",
        "Showing the original price as an anchor raised order value",
    ),
    (
        "cart abandoners window",
        "Cart abandoners converted best within a three day window",
        "A three day window for cart abandoners converted best",
    ),
    (
        "holiday gift guides",
        "Holiday gift guides drove early November sales",
        "Early November sales came from holiday gift guides",
    ),
    (
        "landing page speed",
        "Landing page speed under two seconds doubled conversion",
        "A landing page loading under two seconds doubled conversions",
    ),
    (
        "negative keyword lists",
        "Shared negative keyword lists saved wasted spend",
        "Wasted spend fell with shared negative keyword lists",
    ),
    (
        "frequency caps",
        "Frequency caps of two a week kept reach efficient",
        "Capping frequency at two a week kept reach efficient",
    ),
    (
        "search term mining",
        "Search term mining found new exact match winners",
        "Mining search terms surfaced new exact match winners",
    ),
    (
        "seasonal pins",
        "Seasonal pins published 45 days ahead ranked in time",
        "Publishing seasonal pins 45 days early let them rank in time",
    ),
    (
        "video hook",
        "A product shown in the first three seconds hook raised view rate",
        "Hooks showing the product in the first three seconds lifted view rate",
    ),
    (
        "bundle offers",
        "Bundle offers raised average order value without hurting conversion",
        "Average order value rose with bundle offers and conversion held",
    ),
    (
        "loyalty exclusion",
        "Excluding loyalty members stopped paying for existing customers",
        "Loyalty member exclusion stopped spend on existing customers",
    ),
    (
        "geo split cities",
        "A geo split by city showed Chicago returned twice Denver",
        "Splitting geo by city: Chicago returned twice what Denver did",
    ),
];

/// The 24 contexts of the set (every tenth of the 240 combinations), each with five learnings
/// (one per agent), topic `(context * 5 + j) % 20`.
fn labelled_set() -> Vec<(usize, usize, Value)> {
    let mut out = Vec::new();
    let combos: Vec<(usize, usize, usize, usize)> = (0..3)
        .flat_map(|p| (0..4).flat_map(move |o| (0..4).flat_map(move |v| (0..5).map(move |a| (p, o, v, a)))))
        .collect();
    for (c, (p, o, v, a)) in combos.into_iter().step_by(10).enumerate() {
        for (j, agent) in AGENTS.iter().enumerate() {
            let topic = (c * 5 + j) % 20;
            let after = 2.0 + ((c * 7 + j * 3) % 10) as f64 / 10.0;
            out.push((c, topic, json!({
                "agent": agent, "kind": if *agent == "person" { "note" } else { "outcome" },
                "platform": PLATFORMS[p], "objective": OBJECTIVES[o], "vertical": VERTICALS[v], "action": ACTIONS[a],
                "summary": TOPICS[topic].1, "tags": [TOPICS[topic].0],
                "outcome": {"metric": "roas", "before": 2.5, "after": after, "days": 7}
            })));
        }
    }
    out
}

#[tokio::test]
async fn the_labelled_recall_set_is_found_precisely_and_repeats_add_no_rows() {
    let app = spawn_app().await;
    let set = labelled_set();
    assert_eq!(set.len(), 120);
    let mut ids: Vec<(usize, usize, String)> = Vec::new();
    for (c, topic, body) in &set {
        let (status, m) = post(&app, body.clone()).await;
        assert_eq!(status, 201, "{body} -> {m}");
        ids.push((*c, *topic, m["id"].as_str().expect("id").to_owned()));
    }
    assert_eq!(total(&app, "limit=1").await, 120);

    // Context queries: the five learnings of each context are its top five.
    let mut hits = 0;
    for c in 0..24 {
        let body = &set[c * 5].2;
        let url = format!(
            "/api/v1/memories/recall?platform={}&objective={}&vertical={}&action={}&limit=5",
            body["platform"].as_str().unwrap_or_default(),
            body["objective"].as_str().unwrap_or_default(),
            body["vertical"].as_str().unwrap_or_default(),
            body["action"].as_str().unwrap_or_default()
        );
        let (status, r) = app.get_json(&url).await;
        assert_eq!(status, 200, "{r}");
        let items = r["items"].as_array().cloned().unwrap_or_default();
        assert_eq!(items.len(), 5);
        for item in &items {
            let id = item["memory"]["id"].as_str().unwrap_or_default();
            if ids.iter().any(|(cc, _, i)| *cc == c && i == id) {
                hits += 1;
            }
            for part in ["context", "text", "recency", "outcome"] {
                assert!(item["parts"][part].is_number(), "{item}");
            }
        }
    }
    let precision = f64::from(hits) / 120.0;
    assert!(precision >= 0.9, "context precision@5 {precision}");

    // Text queries: a topic's six learnings (in several contexts); five of them on top.
    let mut hits = 0;
    for (t, (words, _, _)) in TOPICS.iter().enumerate() {
        let (status, r) = app
            .get_json(&format!(
                "/api/v1/memories/recall?q={}&limit=5",
                words.replace(' ', "+")
            ))
            .await;
        assert_eq!(status, 200, "{r}");
        for item in r["items"].as_array().cloned().unwrap_or_default() {
            let id = item["memory"]["id"].as_str().unwrap_or_default();
            if ids.iter().any(|(_, tt, i)| *tt == t && i == id) {
                hits += 1;
            }
        }
    }
    let precision = f64::from(hits) / 100.0;
    assert!(precision >= 0.9, "text precision@5 {precision}");

    // Thirty reworded repeats of existing learnings merge: no new rows, evidence grows.
    for (c, topic, body) in set.iter().step_by(4).take(30) {
        let mut again = body.clone();
        again["summary"] = json!(TOPICS[*topic].2);
        again["outcome"]["after"] = json!(2.6);
        let (status, m) = post(&app, again.clone()).await;
        assert_eq!(status, 200, "context {c}: {again} -> {m}");
        assert_eq!(m["merged"], true);
        assert_eq!(m["evidence"], 2);
    }
    assert_eq!(total(&app, "limit=1").await, 120);
    // The second wording is searchable too.
    let (_, r) = app.get_json("/api/v1/memories?q=Dayparting+shifted").await;
    assert!(r["total"].as_u64() >= Some(1), "{r}");
}
