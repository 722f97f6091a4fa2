use crate::components::{DataTable, EmptyState, Heading, IconName, Loaded, PageHeader};
use crate::server_fns::connections::{ConnectionItem, ConnectionsOverview, ProjectChoice};
use crate::server_fns::flash::{Flash, FlashScope, Typed, take_flash};
use crate::server_fns::{CheckConnection, CreateTestConnection, DeleteConnection, get_connections};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use switchboard_core::connection::{ConnectionMode, ConnectionStatus};

/// Every project's ad accounts: add a test account, connect a live one through the platform's
/// OAuth, check one works, open its tools, disconnect it.
#[component]
pub fn ConnectionsPage() -> impl IntoView {
    let query = use_query_map();
    let create = ServerAction::<CreateTestConnection>::new();
    let delete = ServerAction::<DeleteConnection>::new();
    let overview = Resource::new(
        move || (create.version().get(), delete.version().get()),
        |versions| async move {
            // What a form post without JavaScript left for this page, on its first load only.
            let flash = if versions == (0, 0) {
                take_flash(FlashScope::Connections).await.ok().flatten()
            } else {
                None
            };
            get_connections().await.map(|o| (o, flash))
        },
    );
    let connected = move || query.read().get("connected").filter(|s| !s.is_empty());
    let failed = move || query.read().get("error").filter(|s| !s.is_empty());
    view! {
        <PageHeader title="Connections" subtitle="Each project's ad accounts, in test or live mode" />
        <Show when=move || failed().is_some()>
            <p class="notice notice--bad" role="alert" data-testid="connect-error">{failed}</p>
        </Show>
        <Show when=move || connected().is_some()>
            <p class="notice notice--ok" role="status" data-testid="connected">
                "Connected. Open its tools from the list below."
            </p>
        </Show>
        <Loaded resource=overview let:o>
            <Overview overview=o.0 flash=o.1 create delete />
        </Loaded>
    }
}

#[component]
fn Overview(
    overview: ConnectionsOverview,
    flash: Option<Flash>,
    create: ServerAction<CreateTestConnection>,
    delete: ServerAction<DeleteConnection>,
) -> impl IntoView {
    let ConnectionsOverview {
        connections,
        projects,
    } = overview;
    let typed = Typed::from_flash(flash.as_ref(), "test-account");
    let checked = match flash {
        Some(Flash::ConnectionCheck { id, ok, message }) => Some(Checked { id, ok, message }),
        _ => None,
    };
    let list = if connections.is_empty() {
        view! {
            <EmptyState
                title="No connections yet"
                message="Add a test account to try every tool on generated data, or connect a live Google Ads or Meta account."
                icon=IconName::Compass
            />
        }
        .into_any()
    } else {
        view! { <ConnectionTable items=connections delete checked=checked /> }.into_any()
    };
    view! {
        {list}
        <div class="split">
            <TestAccountForm projects=projects.clone() create typed />
            <LiveAccountForm projects />
        </div>
    }
}

fn mode_badge(mode: ConnectionMode) -> impl IntoView {
    let class = match mode {
        ConnectionMode::Test => "badge badge--muted",
        ConnectionMode::Live => "badge badge--ok",
    };
    view! { <span class=class>{match mode { ConnectionMode::Test => "Test", ConnectionMode::Live => "Live" }}</span> }
}

fn status_badge(status: ConnectionStatus) -> impl IntoView {
    let (class, label) = match status {
        ConnectionStatus::Active => ("badge badge--ok", "Active"),
        ConnectionStatus::NeedsReauth => ("badge badge--warn", "Needs re-authorization"),
        ConnectionStatus::Error => ("badge badge--bad", "Error"),
        ConnectionStatus::Disconnected => ("badge badge--muted", "Disconnected"),
    };
    view! { <span class=class>{label}</span> }
}

/// A connection check's answer that a post without JavaScript left for the page.
#[derive(Debug, Clone)]
struct Checked {
    id: String,
    ok: bool,
    message: String,
}

#[component]
fn ConnectionTable(
    items: Vec<ConnectionItem>,
    delete: ServerAction<DeleteConnection>,
    checked: Option<Checked>,
) -> impl IntoView {
    let headings = vec![
        Heading::text("Account"),
        Heading::text("Project"),
        Heading::text("Platform"),
        Heading::text("Mode"),
        Heading::text("Status"),
        Heading::text("Currency, time zone"),
        Heading::text(view! { <span class="visually-hidden">"Actions"</span> }),
    ];
    view! {
        <DataTable testid="connections-table" columns=headings>
            {items.into_iter().map(|item| {
                let checked = checked.clone().filter(|c| c.id == item.connection.id.to_string());
                view! { <ConnectionRow item delete checked /> }
            }).collect_view()}
        </DataTable>
    }
}

#[component]
fn ConnectionRow(
    item: ConnectionItem,
    delete: ServerAction<DeleteConnection>,
    /// This connection's check answer from a post without JavaScript.
    checked: Option<Checked>,
) -> impl IntoView {
    let c = item.connection;
    let check = ServerAction::<CheckConnection>::new();
    let outcome = move || {
        let answer = if check.version().get() > 0 {
            check.value().get().map(|r| r.map_err(|e| e.to_string()))
        } else {
            checked
                .clone()
                .map(|c| if c.ok { Ok(c.message) } else { Err(c.message) })
        };
        answer.map(|r| match r {
            Ok(message) => view! { <p class="check-result check-result--ok" role="status" data-testid="check-result">{message}</p> }.into_any(),
            Err(message) => view! { <p class="check-result check-result--bad" role="alert" data-testid="check-result">{message}</p> }.into_any(),
        })
    };
    let label = c.name.clone().unwrap_or_else(|| c.account_id.clone());
    let explorer = format!("/connections/{}/explorer", c.id);
    let (check_id, delete_id) = (c.id.to_string(), c.id.to_string());
    view! {
        <tr data-testid="connection-row">
            <td>
                <a href=explorer.clone()>{label}</a>
                <div class="muted">{c.account_id.clone()}</div>
            </td>
            <td><a href=format!("/projects/{}", c.project_id)>{item.project_name}</a></td>
            <td><span class=format!("platform-dot platform--{}", c.platform.as_str())></span>" "{c.platform.label()}</td>
            <td>{mode_badge(c.mode)}</td>
            <td>{status_badge(c.status)}{outcome}</td>
            <td>{c.currency.as_str().to_owned()}<div class="muted">{c.time_zone.clone()}</div></td>
            <td class="row-actions">
                <ActionForm action=check>
                    <input type="hidden" name="id" value=check_id.clone() />
                    <button type="submit" class="button button--ghost" data-testid="check-connection">
                        {move || if check.pending().get() { "Checking…" } else { "Test" }}
                    </button>
                </ActionForm>
                <a class="button button--ghost" href=explorer data-testid="open-explorer">"Tools"</a>
                <ActionForm action=delete>
                    <input type="hidden" name="id" value=delete_id.clone() />
                    <button type="submit" class="button button--ghost" data-testid="disconnect">"Disconnect"</button>
                </ActionForm>
            </td>
        </tr>
    }
}

/// The projects as options, `chosen` selected.
fn project_options(projects: Vec<ProjectChoice>, chosen: Option<String>) -> impl IntoView {
    projects
        .into_iter()
        .map(|p| {
            let id = p.id.to_string();
            let selected = chosen.as_deref() == Some(id.as_str());
            view! { <option value=id selected=selected>{p.name}</option> }
        })
        .collect_view()
}

#[component]
fn TestAccountForm(
    projects: Vec<ProjectChoice>,
    create: ServerAction<CreateTestConnection>,
    /// What was typed, when a post without JavaScript answered an error.
    typed: Typed,
) -> impl IntoView {
    let error = move || create.value().get().and_then(Result::err);
    let message = move |field: &'static str| move || error().and_then(|e| e.field(field));
    let other = move || {
        error()
            .filter(|e| {
                e.field("project_id").is_none()
                    && e.field("platform").is_none()
                    && e.field("currency").is_none()
                    && e.field("seed").is_none()
            })
            .map(|e| e.to_string())
    };
    view! {
        <section class="panel glass" aria-labelledby="test-account-title">
            <h2 class="panel__title" id="test-account-title">"Add a test account"</h2>
            <p class="panel__note">"A generated account that answers every tool in the platform's own shapes, and keeps what you change. No credentials needed."</p>
            <ActionForm action=create attr:class="form">
                <Show when=move || other().is_some()>
                    <p class="form__error" role="alert">{other}</p>
                </Show>
                <div class="field">
                    <label for="test-project">"Project"</label>
                    <select id="test-project" name="project_id" required>{project_options(projects.clone(), typed.value("project_id"))}</select>
                    <p class="field__error">{message("project_id")}</p>
                </div>
                <div class="field-row">
                    <div class="field">
                        <label for="test-platform">"Platform"</label>
                        <select id="test-platform" name="platform">
                            <option value="meta" selected=typed.chose("platform", "meta")>"Meta Ads"</option>
                            <option value="google" selected=typed.chose("platform", "google")>"Google Ads"</option>
                            <option value="pinterest" selected=typed.chose("platform", "pinterest")>"Pinterest Ads"</option>
                        </select>
                        <p class="field__error">{message("platform")}</p>
                    </div>
                    <div class="field">
                        <label for="test-currency">"Currency"</label>
                        <input id="test-currency" name="currency" type="text" maxlength="3" placeholder="USD" value=typed.value("currency") />
                        <p class="field__error">{message("currency")}</p>
                    </div>
                    <div class="field">
                        <label for="test-seed">"Seed"</label>
                        <input id="test-seed" name="seed" type="text" inputmode="numeric" placeholder="random" value=typed.value("seed") />
                        <p class="field__error">{message("seed")}</p>
                    </div>
                </div>
                <div class="form__actions">
                    <button type="submit" class="button" data-testid="add-test-account">"Add test account"</button>
                </div>
            </ActionForm>
        </section>
    }
}

/// A plain GET form: the server sends the browser on to the platform's consent screen.
#[component]
fn LiveAccountForm(projects: Vec<ProjectChoice>) -> impl IntoView {
    view! {
        <section class="panel glass" aria-labelledby="live-account-title">
            <h2 class="panel__title" id="live-account-title">"Connect a live account"</h2>
            <p class="panel__note">"You sign in with the platform and allow Switchboard to manage the account; its tokens are stored encrypted. Needs the platform's OAuth app configured on the server (see the README)."</p>
            <form method="get" action="/oauth/start" class="form">
                <div class="field">
                    <label for="live-project">"Project"</label>
                    <select id="live-project" name="project_id" required>{project_options(projects.clone(), None)}</select>
                </div>
                <div class="field-row">
                    <div class="field">
                        <label for="live-platform">"Platform"</label>
                        <select id="live-platform" name="platform">
                            <option value="google">"Google Ads"</option>
                            <option value="meta">"Meta Ads"</option>
                            <option value="pinterest">"Pinterest Ads"</option>
                        </select>
                    </div>
                    <div class="field">
                        <label for="live-account">"Account id"</label>
                        <input id="live-account" name="account_id" type="text" required placeholder="123-456-7890, act_123… or 549755885175" />
                    </div>
                </div>
                <details class="advanced">
                    <summary>"Advanced"</summary>
                    <div class="field">
                        <label for="live-login">"Google manager account (login-customer-id)"</label>
                        <input id="live-login" name="login_customer_id" type="text" placeholder="optional" />
                    </div>
                    <div class="field-row">
                        <div class="field">
                            <label for="live-url">"API base URL"</label>
                            <input id="live-url" name="api_base_url" type="url" placeholder="the platform's" />
                        </div>
                        <div class="field">
                            <label for="live-version">"API version"</label>
                            <input id="live-version" name="api_version" type="text" placeholder="v22 / v25.0 / v5" />
                        </div>
                    </div>
                </details>
                <div class="form__actions">
                    <button type="submit" class="button" data-testid="connect-live">"Connect"</button>
                </div>
            </form>
        </section>
    }
}
