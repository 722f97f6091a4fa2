//! The outbound client for user-supplied URLs: non-public targets are refused (literal or after
//! DNS, and on redirects), allowed `host:port` pairs get through, `Retry-After` is read.

use crate::stub::{Stub, ok};
use axum::http::StatusCode;
use serde_json::json;
use server::outbound::{OutboundClient, OutboundError, OutboundSettings};
use std::time::Duration;
use switchboard_core::net::AllowList;

fn client(allow: &str) -> OutboundClient {
    OutboundClient::new(OutboundSettings {
        allow: AllowList::parse(allow).expect("allow list"),
        connect_timeout: Duration::from_secs(2),
        timeout: Duration::from_secs(5),
    })
    .expect("client")
}

fn refused(r: Result<server::outbound::OutboundResponse, OutboundError>, what: &str) -> String {
    match r {
        Err(OutboundError::Refused(why)) => why,
        other => panic!("{what}: expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn private_loopback_link_local_and_mapped_targets_are_refused() {
    let receiver = Stub::start(|_, _| ok(json!({}))).await;
    let port = receiver.address.port();
    let c = client("");
    let body = json!({"content": "hello"});
    for url in [
        format!("http://127.0.0.1:{port}/hook"),
        "http://10.0.0.1/hook".to_owned(),
        "http://169.254.169.254/latest/meta-data/".to_owned(),
        format!("http://[::1]:{port}/hook"),
        format!("http://[::ffff:127.0.0.1]:{port}/hook"),
        // Names are judged by what they resolve to.
        format!("http://localhost:{port}/hook"),
    ] {
        let why = refused(c.post_json(&url, &body).await, &url);
        assert!(!why.is_empty(), "{url}");
    }
    assert!(receiver.seen().is_empty(), "nothing reached the receiver");
    assert!(matches!(
        c.post_json("file:///etc/passwd", &body).await,
        Err(OutboundError::Refused(_))
    ));
}

#[tokio::test]
async fn allowed_targets_get_through_but_not_a_redirect_to_a_local_address() {
    let receiver = Stub::start(|_, n| {
        if n == 0 {
            (
                StatusCode::TOO_MANY_REQUESTS,
                vec![("retry-after", "2".into())],
                json!({"retry_after": 2.0}),
            )
        } else {
            (StatusCode::NO_CONTENT, vec![], json!(null))
        }
    })
    .await;
    let target = format!("http://127.0.0.1:{}/hook", receiver.address.port());
    let redirector = Stub::start({
        let target = target.clone();
        move |_, _| (StatusCode::FOUND, vec![("location", target.clone())], json!({}))
    })
    .await;
    let via = format!("http://127.0.0.1:{}/go", redirector.address.port());

    // Only the redirector is allowed: following it to the receiver's port is refused.
    let only_redirector = client(&format!("127.0.0.1:{}", redirector.address.port()));
    let why = refused(only_redirector.post_json(&via, &json!({})).await, "redirect");
    assert!(why.contains("redirect"), "{why}");
    assert!(receiver.seen().is_empty());

    // Both allowed: the request arrives, a 429's Retry-After is read.
    let both = client(&format!(
        "127.0.0.1:{},127.0.0.1:{}",
        redirector.address.port(),
        receiver.address.port()
    ));
    let first = both
        .post_json(&target, &json!({"content": "hi"}))
        .await
        .expect("answer");
    assert_eq!(first.status, 429);
    assert_eq!(first.retry_after, Some(Duration::from_secs(2)));
    let second = both
        .post_json(&target, &json!({"content": "hi"}))
        .await
        .expect("answer");
    assert_eq!(second.status, 204);
    assert_eq!(receiver.seen()[1].json()["content"], "hi");

    // An allowed host on another port is not allowed.
    let why = refused(
        client(&format!("localhost:{}", receiver.address.port()))
            .post_json(
                &format!("http://localhost:{}/x", redirector.address.port()),
                &json!({}),
            )
            .await,
        "other port",
    );
    assert!(why.contains("SWITCHBOARD_OUTBOUND_ALLOW"), "{why}");
}

#[tokio::test]
async fn an_unreachable_target_is_a_connect_error_not_a_hang() {
    // A port that was just free: nothing listens on it.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    let c = client(&format!("127.0.0.1:{port}"));
    match c
        .post_json(&format!("http://127.0.0.1:{port}/"), &json!({}))
        .await
    {
        Err(OutboundError::Connect(why)) => assert!(!why.is_empty()),
        other => panic!("expected a connect error, got {other:?}"),
    }
}
