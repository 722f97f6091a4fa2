use crate::components::{Loaded, PageHeader};
use crate::server_fns::get_system_health;
use leptos::prelude::*;
use switchboard_core::health::{HealthReport, HealthStatus};

/// The server's own state: version and database health (the same facts as `/healthz`).
#[component]
pub fn SystemPage() -> impl IntoView {
    let health = Resource::new(|| (), |_| get_system_health());
    view! {
        <PageHeader title="System" subtitle="The server's version and the state of its database" />
        <Loaded resource=health suspense=true let:report>
            <HealthView report />
        </Loaded>
    }
}

#[component]
fn HealthView(report: HealthReport) -> impl IntoView {
    let (label, class) = match report.status {
        HealthStatus::Ok => ("Healthy", "badge badge--ok"),
        HealthStatus::Degraded => ("Degraded", "badge badge--bad"),
    };
    let db = if report.database.reachable {
        "Reachable"
    } else {
        "Not reachable"
    };
    let latency = report
        .database
        .latency_ms
        .map(|ms| format!("{ms} ms"))
        .unwrap_or_else(|| "—".to_owned());
    view! {
        <section class="panel glass" data-testid="system-health">
            <dl class="facts">
                <dt>"Status"</dt>
                <dd><span class=class>{label}</span></dd>
                <dt>"Version"</dt>
                <dd>{report.version}</dd>
                <dt>"Database"</dt>
                <dd>{db}</dd>
                <dt>"Database round trip"</dt>
                <dd>{latency}</dd>
            </dl>
            <p class="panel__note">
                "Machines can read the same report as JSON at " <a href="/healthz">"/healthz"</a> "."
            </p>
        </section>
    }
}
