//! The gate every request passes: public paths go through; the API and server functions need an
//! API key or a session (401 otherwise); pages need a session (a redirect to the login page, or
//! to the first-run page while there is no owner). Changes made with a session cookie must come
//! from this site's own pages (the `Origin` check against cross-site requests). Each caller has a
//! request budget: past it, 429 with `Retry-After`.

use super::access::Caller;
use crate::api::ApiError;
use crate::state::AppState;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use std::net::SocketAddr;

/// Paths anyone may reach: health, the login and first-run pages, inbound webhooks (they carry
/// their own authentication), and the site's static files.
fn is_public(path: &str) -> bool {
    matches!(
        path,
        "/healthz" | "/login" | "/setup" | "/favicon.svg" | "/favicon.ico"
    ) || path.starts_with("/api/v1/hooks/")
        || path.starts_with("/pkg/")
        || path.starts_with("/vendor/")
}

fn is_api(path: &str) -> bool {
    // The interactive API docs are a page: without a session, the login page.
    (path.starts_with("/api/") && path != "/api/docs") || path.starts_with("/rpc/")
}

fn changes(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Whether a browser request comes from this site: its `Origin` (or `Referer`) names the host the
/// request was sent to. Requests without either (scripts, not browsers) pass.
///
/// Behind a reverse proxy that rewrites `Host`, the page's origin is the public address instead:
/// an origin equal to `SWITCHBOARD_PUBLIC_URL`'s scheme and authority is this site too. Forwarded
/// headers (`X-Forwarded-Host`) are not trusted: any client can send them.
pub fn same_origin(headers: &HeaderMap, public_url: &str) -> bool {
    let Some(source) = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
    else {
        return headers.contains_key(header::HOST);
    };
    // Present but unreadable is not this site.
    let Some((scheme, authority)) = source.to_str().ok().and_then(origin_of) else {
        return false;
    };
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    host.is_some_and(|h| authority.eq_ignore_ascii_case(h))
        || origin_of(public_url)
            .is_some_and(|(s, a)| s.eq_ignore_ascii_case(scheme) && a.eq_ignore_ascii_case(authority))
}

/// The scheme and authority of a URL (`https`, `sb.example.com:8443`).
fn origin_of(url: &str) -> Option<(&str, &str)> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    (!scheme.is_empty() && !authority.is_empty()).then_some((scheme, authority))
}

fn too_many(wait: std::time::Duration) -> Response {
    let secs = wait.as_secs_f64().ceil().max(1.0) as u64;
    let mut r = ApiError::Status(
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
        format!("too many requests; try again in {secs} s"),
    )
    .into_response();
    if let Ok(v) = header::HeaderValue::from_str(&secs.to_string()) {
        r.headers_mut().insert(header::RETRY_AFTER, v);
    }
    r
}

pub async fn guard(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let ip = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    if is_public(&path) {
        // Inbound webhooks are open to the internet: each address has a budget there too.
        if path.starts_with("/api/v1/hooks/")
            && let Err(wait) = state.access.limit(None, ip)
        {
            tracing::warn!(path, ?ip, "rate limited");
            return too_many(wait);
        }
        return next.run(request).await;
    }
    let caller = match state.access.identify(request.headers()).await {
        Ok(c) => c,
        Err(e) => return ApiError::from(e).into_response(),
    };
    if is_api(&path)
        && let Err(wait) = state.access.limit(caller.as_ref(), ip)
    {
        tracing::warn!(path, ?ip, "rate limited");
        return too_many(wait);
    }
    match caller {
        Some(Caller::Session(_))
            if changes(request.method()) && !same_origin(request.headers(), &state.public_url) =>
        {
            tracing::warn!(path, ?ip, "a cross-site change was refused");
            ApiError::Status(
                StatusCode::FORBIDDEN,
                "cross_site",
                "changes must come from Switchboard's own pages".to_owned(),
            )
            .into_response()
        }
        Some(caller) => {
            // Handlers that record who acted (approvals) read the caller from here.
            request.extensions_mut().insert(caller);
            next.run(request).await
        }
        None if is_api(&path) => {
            let mut r = ApiError::Status(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "send an API key (Authorization: Bearer sbk_…) or log in".to_owned(),
            )
            .into_response();
            r.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer"),
            );
            r
        }
        None => {
            let first_run = state.access.needs_setup().await.unwrap_or(false);
            if first_run {
                return Redirect::to("/setup").into_response();
            }
            let target = match request.uri().path_and_query() {
                Some(pq) if pq.as_str() != "/" => {
                    format!("/login?next={}", super::pages::encode(pq.as_str()))
                }
                _ => "/login".to_owned(),
            };
            Redirect::to(&target).into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().expect("value"));
        }
        h
    }

    #[test]
    fn origins_must_name_the_host() {
        assert!(same_origin(
            &headers(&[("host", "127.0.0.1:3000"), ("origin", "http://127.0.0.1:3000")]),
            "http://127.0.0.1:3000"
        ));
        assert!(!same_origin(
            &headers(&[("host", "127.0.0.1:3000"), ("origin", "https://evil.example")]),
            "http://127.0.0.1:3000"
        ));
        assert!(!same_origin(
            &headers(&[("host", "127.0.0.1:3000"), ("origin", "null")]),
            "http://127.0.0.1:3000"
        ));
        assert!(same_origin(
            &headers(&[("host", "sb.local"), ("referer", "http://sb.local/projects")]),
            "http://127.0.0.1:3000"
        ));
        assert!(!same_origin(
            &headers(&[("host", "sb.local"), ("referer", "http://sb.local.evil.io/x")]),
            "http://127.0.0.1:3000"
        ));
        assert!(
            same_origin(&headers(&[("host", "sb.local")]), "http://127.0.0.1:3000"),
            "scripts send neither"
        );
        // Behind a proxy that passes its own upstream address as Host.
        let proxied = headers(&[
            ("host", "127.0.0.1:3000"),
            ("origin", "https://sb.example.com"),
            ("x-forwarded-host", "sb.example.com"),
        ]);
        assert!(same_origin(&proxied, "https://sb.example.com"));
        assert!(same_origin(&proxied, "https://SB.example.com/"));
        assert!(
            !same_origin(&proxied, "http://sb.example.com"),
            "the scheme counts"
        );
        assert!(
            !same_origin(&proxied, "http://127.0.0.1:3000"),
            "X-Forwarded-Host alone proves nothing"
        );
        assert!(!same_origin(
            &headers(&[
                ("host", "127.0.0.1:3000"),
                ("origin", "https://sb.example.com.evil.io")
            ]),
            "https://sb.example.com"
        ));
    }

    #[test]
    fn public_paths() {
        for p in [
            "/healthz",
            "/login",
            "/setup",
            "/api/v1/hooks/hook_1",
            "/pkg/switchboard.js",
        ] {
            assert!(is_public(p), "{p}");
        }
        for p in [
            "/",
            "/projects",
            "/api/v1/projects",
            "/rpc/dashboard_summary",
            "/api/v1/hooksx",
        ] {
            assert!(!is_public(p), "{p}");
        }
    }
}
