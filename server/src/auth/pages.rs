//! The login and first-run pages (plain forms: they work without JavaScript) and logging out.

use super::guard::same_origin;
use crate::state::AppState;
use axum::extract::{ConnectInfo, Form, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::net::SocketAddr;

/// Percent-encodes a path for a query parameter.
pub fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// Where to go after logging in: a path on this site only (never `//elsewhere`, a full URL, or a
/// path with control characters or spaces, which browsers strip to make one of those).
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n[1..].starts_with(['/', '\\'])
                && !n.contains('\\')
                && !n.chars().any(|c| c.is_control() || c.is_whitespace()) =>
        {
            n.to_owned()
        }
        _ => "/".to_owned(),
    }
}

fn page(
    title: &str,
    heading: &str,
    intro: &str,
    action: &str,
    next: &str,
    error: Option<&str>,
    confirm: bool,
) -> Html<String> {
    let error = error.map_or_else(String::new, |e| {
        format!(
            r#"<p class="notice notice--bad" role="alert" data-testid="auth-error">{}</p>"#,
            escape(e)
        )
    });
    let confirm = if confirm {
        r#"<label class="field"><span>Repeat the password</span>
            <input type="password" name="confirm" autocomplete="new-password" required minlength="12" /></label>"#
    } else {
        ""
    };
    let autocomplete = if action == "/setup" {
        "new-password"
    } else {
        "current-password"
    };
    Html(format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<title>{title} · Switchboard</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml" />
<link rel="stylesheet" href="/pkg/switchboard.css" />
</head>
<body class="auth-page">
<main class="auth-card glass">
<h1>{heading}</h1>
<p class="muted">{intro}</p>
{error}
<form method="post" action="{action}" class="form" data-testid="auth-form">
<input type="hidden" name="next" value="{next}" />
<label class="field"><span>Password</span>
<input type="password" name="password" autocomplete="{autocomplete}" required autofocus /></label>
{confirm}
<button type="submit" class="button">{heading}</button>
</form>
</main>
</body>
</html>"#,
        next = escape(next),
    ))
}

#[derive(Deserialize, Default)]
pub struct NextQuery {
    next: Option<String>,
}

#[derive(Deserialize)]
pub struct PasswordForm {
    password: String,
    #[serde(default)]
    confirm: Option<String>,
    #[serde(default)]
    next: Option<String>,
}

fn login_page(next: &str, error: Option<&str>) -> Html<String> {
    page(
        "Log in",
        "Log in",
        "Switchboard is private to its owner.",
        "/login",
        next,
        error,
        false,
    )
}

fn setup_page(error: Option<&str>) -> Html<String> {
    page(
        "Welcome",
        "Set the password",
        "This is a new Switchboard. Choose the owner's password (12 characters or more); you log in with it from now on.",
        "/setup",
        "/",
        error,
        true,
    )
}

pub async fn show_login(State(state): State<AppState>, Query(q): Query<NextQuery>) -> Response {
    if state.access.needs_setup().await.unwrap_or(false) {
        return Redirect::to("/setup").into_response();
    }
    login_page(&safe_next(q.next.as_deref()), None).into_response()
}

fn with_session(state: &AppState, token: &str, to: &str) -> Response {
    let mut r = Redirect::to(to).into_response();
    if let Ok(v) = header::HeaderValue::from_str(&state.access.cookie(token)) {
        r.headers_mut().insert(header::SET_COOKIE, v);
    }
    r
}

fn cross_site() -> Response {
    (
        StatusCode::FORBIDDEN,
        "this form must be sent from Switchboard's own page",
    )
        .into_response()
}

pub async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<PasswordForm>,
) -> Response {
    if !same_origin(&headers, &state.public_url) {
        return cross_site();
    }
    let next = safe_next(form.next.as_deref());
    if let Err(wait) = state.access.limit_login(Some(peer.ip())) {
        let secs = wait.as_secs_f64().ceil().max(1.0) as u64;
        tracing::warn!(ip = %peer.ip(), "too many login attempts");
        let mut r = (
            StatusCode::TOO_MANY_REQUESTS,
            login_page(&next, Some(&format!("Too many attempts. Try again in {secs} s."))),
        )
            .into_response();
        if let Ok(v) = header::HeaderValue::from_str(&secs.to_string()) {
            r.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return r;
    }
    match state.access.check_password(&form.password).await {
        Ok(true) => {
            let agent = headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok());
            match state.access.open_session(agent).await {
                Ok(token) => {
                    tracing::info!(ip = %peer.ip(), "the owner logged in");
                    with_session(&state, &token, &next)
                }
                Err(e) => crate::api::ApiError::from(e).into_response(),
            }
        }
        Ok(false) => {
            tracing::warn!(ip = %peer.ip(), "a login failed: wrong password");
            (
                StatusCode::UNAUTHORIZED,
                login_page(&next, Some("That password is not right.")),
            )
                .into_response()
        }
        Err(e) => crate::api::ApiError::from(e).into_response(),
    }
}

pub async fn show_setup(State(state): State<AppState>) -> Response {
    match state.access.needs_setup().await {
        Ok(true) => setup_page(None).into_response(),
        Ok(false) => Redirect::to("/login").into_response(),
        Err(e) => crate::api::ApiError::from(e).into_response(),
    }
}

pub async fn setup(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<PasswordForm>,
) -> Response {
    if !same_origin(&headers, &state.public_url) {
        return cross_site();
    }
    match state.access.needs_setup().await {
        Ok(true) => {}
        Ok(false) => return Redirect::to("/login").into_response(),
        Err(e) => return crate::api::ApiError::from(e).into_response(),
    }
    if !local_or_public_host(&headers, &state.public_url) {
        return (
            StatusCode::FORBIDDEN,
            "the first-run page only answers on this server's own address (set SWITCHBOARD_PUBLIC_URL to use a host name)",
        )
            .into_response();
    }
    if form.confirm.as_deref() != Some(form.password.as_str()) {
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            setup_page(Some("The two passwords differ.")),
        )
            .into_response();
    }
    match state.access.set_first_password(&form.password).await {
        Ok(true) => {}
        // Someone else set it a moment ago.
        Ok(false) => return Redirect::to("/login").into_response(),
        Err(e) => return (StatusCode::UNPROCESSABLE_ENTITY, setup_page(Some(&e))).into_response(),
    }
    tracing::info!("the owner's password was set on the first-run page");
    let agent = headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok());
    match state.access.open_session(agent).await {
        Ok(token) => with_session(&state, &token, "/"),
        Err(e) => crate::api::ApiError::from(e).into_response(),
    }
}

/// Whether the request names this server by an address (an IP, `localhost`) or by the configured
/// public host: a page on another domain that rebinds its name to this server cannot claim it.
fn local_or_public_host(headers: &HeaderMap, public_url: &str) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return false;
    };
    let name = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host, |(n, _)| n),
    };
    let public = public_url
        .split_once("://")
        .map_or(public_url, |(_, r)| r)
        .split('/')
        .next()
        .unwrap_or("");
    name.eq_ignore_ascii_case("localhost")
        || name.parse::<std::net::IpAddr>().is_ok()
        || host.eq_ignore_ascii_case(public)
}

/// Ends the session (a POST from the app's own page: the guard checks where it came from).
pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = super::access::session_token(&headers)
        && let Err(e) = state.access.close_session(token).await
    {
        return crate::api::ApiError::from(e).into_response();
    }
    with_session(&state, "", "/login")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(
            safe_next(Some("/analytics?from=2026-06-01")),
            "/analytics?from=2026-06-01"
        );
        for bad in [
            "//evil.example",
            "https://evil.example",
            "evil",
            "/\\evil.example",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad}");
        }
        assert_eq!(safe_next(None), "/");
        assert_eq!(encode("/analytics?from=1&to=2"), "/analytics%3Ffrom%3D1%26to%3D2");
        assert_eq!(escape(r#""><script>"#), "&quot;&gt;&lt;script&gt;");
    }

    #[test]
    fn setup_answers_on_addresses_and_the_public_host_only() {
        let with = |host: &str| {
            let mut h = HeaderMap::new();
            h.insert(header::HOST, host.parse().expect("host"));
            h
        };
        let public = "https://switchboard.example.com";
        assert!(local_or_public_host(&with("127.0.0.1:3000"), public));
        assert!(local_or_public_host(&with("[::1]:3000"), public));
        assert!(local_or_public_host(&with("localhost:3000"), public));
        assert!(local_or_public_host(&with("switchboard.example.com"), public));
        assert!(!local_or_public_host(&with("evil.example:3000"), public));
    }
}
