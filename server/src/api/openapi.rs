//! The OpenAPI 3.1 document of `/api/v1`, generated from the handlers' `#[utoipa::path]` attributes
//! and the wire types' schemas. The routes and the document come from the same attributes
//! (`utoipa_axum::routes!`), so a route cannot exist without being documented.

use super::error::ErrorEnvelope;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi as Document, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi, PartialSchema, ToSchema};

/// Where the document is served; Swagger UI reads it from here.
pub const DOCUMENT_PATH: &str = "/api/openapi.json";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Switchboard API",
        description = "Projects, campaigns, analytics, ad-platform connections and tools, workflows and \
their runs, inbound webhooks, notifications and API keys.\n\n\
Authenticate with an API key as a bearer token (`Authorization: Bearer sbk_…`; create one on the \
Integrations page or with `switchboard api-key create --name NAME`), or with the session cookie of a \
logged-in browser. Changes made with a session cookie must come from this site (`Origin` header).\n\n\
Errors are JSON: `{\"error\": {\"code\", \"message\", \"fields\"?}}`. Money is in micros (millionths of \
the currency unit); dates are `YYYY-MM-DD`; instants are RFC 3339 in UTC.",
        license(name = "MIT"),
    ),
    modifiers(&SecuritySchemes),
    security(("api_key" = []), ("session" = [])),
    tags(
        (name = "projects", description = "Client projects: budgets, platforms, status."),
        (name = "campaigns", description = "Campaigns synced from the ad platforms, with daily metrics."),
        (name = "analytics", description = "Reports over the normalized metrics, exports, sync and exchange rates."),
        (name = "connections", description = "Ad-account connections (OAuth2 in live mode, seeded accounts in test mode)."),
        (name = "connectors", description = "The typed tools of each ad-platform connector."),
        (name = "workflows", description = "Workflow definitions and templates."),
        (name = "executions", description = "Workflow runs and their live events (Server-Sent Events)."),
        (name = "approvals", description = "Changes agents propose (budgets, bids, statuses, new objects) and the decisions on them."),
        (name = "memory", description = "The agents' learnings linked to their measured outcomes: record, search, recall with explained scores, recommendations."),
        (name = "experiments", description = "A/B tests: the stateless calculator (fixed-horizon and always-valid sequential statistics)."),
        (name = "webhooks", description = "Inbound webhooks that start workflows, and their delivery logs."),
        (name = "notifications", description = "Discord, Slack and email channels, routing rules and deliveries."),
        (name = "api-keys", description = "Keys for this API and for webhooks."),
    ),
)]
pub struct ApiDoc;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, doc: &mut Document) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("sbk_ followed by 43 characters")
                    .description(Some(
                        "An API key: `Authorization: Bearer sbk_…`. Created once, stored hashed, revocable.",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::auth::access::SESSION_COOKIE,
                "The session cookie set by the login page. Changes must carry this site's Origin.",
            ))),
        );
    }
}

/// The finished document: the routes' paths under `/api/v1`, and the answers every operation can
/// give besides its own (no credentials, too many requests, a server fault), added in one place.
pub fn finish(mut doc: Document) -> Document {
    let components = doc.components.get_or_insert_with(Default::default);
    let mut schemas = vec![(ErrorEnvelope::name().into_owned(), ErrorEnvelope::schema())];
    ErrorEnvelope::schemas(&mut schemas);
    components.schemas.extend(schemas);
    let paths = std::mem::take(&mut doc.paths.paths);
    for (path, mut item) in paths {
        for operation in operations(&mut item) {
            name_operation(operation);
            describe_answers(operation);
            add_common_answers(operation);
        }
        doc.paths.paths.insert(format!("/api/v1{path}"), item);
    }
    doc
}

fn operations(item: &mut utoipa::openapi::PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        item.get.as_mut(),
        item.put.as_mut(),
        item.post.as_mut(),
        item.delete.as_mut(),
        item.patch.as_mut(),
        item.head.as_mut(),
        item.options.as_mut(),
        item.trace.as_mut(),
    ]
    .into_iter()
    .flatten()
}

fn error_answer(description: &str) -> RefOr<utoipa::openapi::Response> {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(utoipa::openapi::Ref::from_schema_name("ErrorEnvelope")))
                .build(),
        )
        .build()
        .into()
}

/// Handlers in different areas share names (`list`, `show`): the operation id is the area's tag and
/// the handler's name (`projects_list`), unique across the document.
fn name_operation(operation: &mut Operation) {
    if let (Some(tag), Some(id)) = (
        operation.tags.as_ref().and_then(|t| t.first()),
        operation.operation_id.as_ref(),
    ) {
        operation.operation_id = Some(format!("{}_{id}", tag.replace('-', "_")));
    }
}

/// OpenAPI requires a description on every answer; those the handlers leave out get the status's.
fn describe_answers(operation: &mut Operation) {
    for (status, answer) in operation.responses.responses.iter_mut() {
        if let RefOr::T(answer) = answer
            && answer.description.is_empty()
        {
            answer.description = match status.as_str() {
                "200" => "OK",
                "201" => "Created.",
                "202" => "Accepted.",
                "204" => "Done; no content.",
                "404" => "Not found.",
                _ => "See the body.",
            }
            .to_owned();
        }
    }
}

fn add_common_answers(operation: &mut Operation) {
    let public = operation.security.as_ref().is_some_and(|s| {
        s.iter()
            .any(|r| r == &utoipa::openapi::security::SecurityRequirement::default())
    });
    let responses = &mut operation.responses.responses;
    let mut add = |status: &str, description: &str| {
        responses
            .entry(status.to_owned())
            .or_insert_with(|| error_answer(description));
    };
    add(
        "400",
        "The request is malformed: a bad parameter, id or JSON body.",
    );
    if !public {
        add(
            "401",
            "No valid API key or session (the answer carries `WWW-Authenticate: Bearer`).",
        );
        add("403", "A change made with a session cookie from another site.");
    }
    add(
        "429",
        "Too many requests from this caller; `Retry-After` says how many seconds to wait.",
    );
    add(
        "500",
        "A fault on the server; the details are in its log, never in the answer.",
    );
}
