use super::notifications_panel::NotificationsPanel;
use crate::components::format::Time;
use crate::components::{Column, CopyField, DataTable, EmptyState, IconName, Loaded, PageHeader};
use crate::server_fns::api_keys::{CreateApiKey, NewApiKey, RevokeApiKey};
use crate::server_fns::flash::{Flash, FlashScope, Typed, take_flash};
use crate::server_fns::webhooks::{
    CreateWebhook, IntegrationsOverview, WebhookSecretShown, WorkflowChoice, get_integrations, sample_curl,
};
use leptos::form::ActionForm;
use leptos::prelude::*;
use switchboard_core::api_key::ApiKey;
use switchboard_core::project::ProjectChoice;

const WEBHOOKS_COLUMNS: &[Column] = &[
    Column::text("Webhook"),
    Column::text("Starts"),
    Column::text("Address"),
    Column::text("Last delivery"),
    Column::text("Status"),
];

const API_KEYS_COLUMNS: &[Column] = &[
    Column::text("Name"),
    Column::text("Key"),
    Column::text("Created"),
    Column::text("Last used"),
    Column::text("Status"),
    Column::text(""),
];

/// Inbound webhooks (each starts a workflow) and API keys.
#[component]
pub fn IntegrationsPage() -> impl IntoView {
    let create_hook = ServerAction::<CreateWebhook>::new();
    let create_key = ServerAction::<CreateApiKey>::new();
    let revoke = ServerAction::<RevokeApiKey>::new();
    let overview = Resource::new(
        move || {
            (
                create_hook.version().get(),
                create_key.version().get(),
                revoke.version().get(),
            )
        },
        |versions| async move {
            // What a form post without JavaScript left for this page, on its first load only.
            let flash = if versions == (0, 0, 0) {
                take_flash(FlashScope::Integrations).await.ok().flatten()
            } else {
                None
            };
            get_integrations().await.map(|o| (o, flash))
        },
    );
    view! {
        <PageHeader title="Integrations" subtitle="Webhooks that start workflows, keys for the REST API, and where results are sent" />
        <Loaded resource=overview let:o>
            <Overview overview=o.0 flash=o.1 create_hook create_key revoke />
        </Loaded>
        <NotificationsPanel />
    }
}

#[component]
fn Overview(
    overview: IntegrationsOverview,
    flash: Option<Flash>,
    create_hook: ServerAction<CreateWebhook>,
    create_key: ServerAction<CreateApiKey>,
    revoke: ServerAction<RevokeApiKey>,
) -> impl IntoView {
    let IntegrationsOverview {
        webhooks,
        workflows,
        projects,
        api_keys,
    } = overview;
    let hooks = if webhooks.is_empty() {
        view! {
            <EmptyState
                title="No webhooks yet"
                message="A webhook gives an outside system (a shop, a CRM, Zapier) an address to start a workflow with."
                icon=IconName::Plug
            />
        }
        .into_any()
    } else {
        view! {
            <DataTable testid="webhooks-table" columns=WEBHOOKS_COLUMNS>
                {webhooks.into_iter().map(|w| {
                    let href = format!("/integrations/webhooks/{}", w.webhook.id);
                    let last = w.webhook.last_delivery_at.map_or_else(
                        || "never".into_any(),
                        |t| view! { <Time at=t relative=true /> }.into_any(),
                    );
                    view! {
                        <tr>
                            <td><a href=href>{w.webhook.name.clone()}</a></td>
                            <td>{w.workflow_name}</td>
                            <td><code class="endpoint">{w.url}</code></td>
                            <td>{last}</td>
                            <td>{if w.webhook.active {
                                view! { <span class="badge badge--ok">"Active"</span> }.into_any()
                            } else {
                                view! { <span class="badge badge--muted">"Disabled"</span> }.into_any()
                            }}</td>
                        </tr>
                    }
                }).collect_view()}
            </DataTable>
        }
        .into_any()
    };
    view! {
        <h2 class="section-title">"Inbound webhooks"</h2>
        {hooks}
        <NewWebhook workflows projects create=create_hook flash=flash.clone() />
        <h2 class="section-title">"API keys"</h2>
        <p class="panel__note">
            "Keys for the REST API and for webhooks. Every operation, with its parameters and answers, is in the "
            // Not a page of the app: the router must let the browser load it.
            <a href="/api/docs" rel="external" data-testid="api-docs-link">"API reference"</a>
            " (OpenAPI 3.1 at "<code>"/api/openapi.json"</code>")."
        </p>
        <ApiKeys keys=api_keys revoke />
        <NewApiKeyForm create=create_key flash />
    }
}

/// The address, the secret and a command to try it, right after a webhook is made or its secret
/// rotated.
#[component]
pub fn SecretPanel(shown: WebhookSecretShown) -> impl IntoView {
    let (signed, bearer) = sample_curl(&shown.url, &shown.secret);
    view! {
        <section class="panel glass" data-testid="webhook-secret">
            <h3 class="panel__title">"Send deliveries here"</h3>
            <dl class="facts">
                <dt>"Address"</dt><dd><CopyField value=shown.url.clone() testid="webhook-url" what="the address" /></dd>
                <dt>"Signing secret"</dt><dd><CopyField value=shown.secret.clone() testid="webhook-secret-value" what="the signing secret" /></dd>
            </dl>
            <p class="panel__note">"Copy the secret now: this page shows it once. Sign each delivery the Standard Webhooks way (any of its libraries does it), or send an API key. Try it from a shell:"</p>
            <CopyField value=signed testid="sample-curl" block=true what="the signed command" />
            <p class="panel__note">"With an API key instead of a signature:"</p>
            <CopyField value=bearer testid="sample-curl-bearer" block=true what="the command with an API key" />
        </section>
    }
}

#[component]
fn NewWebhook(
    workflows: Vec<WorkflowChoice>,
    projects: Vec<ProjectChoice>,
    create: ServerAction<CreateWebhook>,
    /// What a post without JavaScript left: the new webhook, or what was typed.
    flash: Option<Flash>,
) -> impl IntoView {
    let error = move || create.value().get().and_then(Result::err);
    let message = move |field: &'static str| move || error().and_then(|e| e.field(field));
    let typed = Typed::from_flash(flash.as_ref(), "new-webhook");
    let flashed = flash.and_then(Flash::webhook_secret);
    let created = move || {
        if create.version().get() > 0 {
            create.value().get().and_then(Result::ok)
        } else {
            flashed.clone()
        }
    };
    let none = workflows.is_empty();
    view! {
        <section class="panel glass" aria-labelledby="new-webhook-title">
            <h3 class="panel__title" id="new-webhook-title">"New webhook"</h3>
            <Show when=move || none>
                <p class="panel__note">"Make a workflow first: a webhook starts one."</p>
            </Show>
            <ActionForm action=create attr:class="form" attr:data-testid="new-webhook">
                <div class="field-row">
                    <div class="field">
                        <label for="webhook-name">"Name"</label>
                        <input id="webhook-name" name="name" type="text" required maxlength="120" placeholder="Shop orders" value=typed.value("name") />
                        <p class="field__error">{message("name")}</p>
                    </div>
                    <div class="field">
                        <label for="webhook-workflow">"Workflow it starts"</label>
                        <select id="webhook-workflow" name="workflow_id" required>
                            {workflows.into_iter().map(|w| {
                                let selected = typed.chose("workflow_id", &w.id);
                                view! { <option value=w.id selected=selected>{w.name}</option> }
                            }).collect_view()}
                        </select>
                        <p class="field__error">{message("workflow_id")}</p>
                    </div>
                    <div class="field">
                        <label for="webhook-project">"Project its runs work for"</label>
                        <select id="webhook-project" name="project_id">
                            <option value="">"The workflow's own"</option>
                            {projects.into_iter().map(|p| {
                                let id = p.id.to_string();
                                let selected = typed.chose("project_id", &id);
                                view! { <option value=id selected=selected>{p.name}</option> }
                            }).collect_view()}
                        </select>
                        <p class="field__hint">"Needed when the workflow has no project of its own."</p>
                        <p class="field__error">{message("project_id")}</p>
                    </div>
                </div>
                <div class="form__actions">
                    <button type="submit" class="button" data-testid="create-webhook">"Create webhook"</button>
                </div>
            </ActionForm>
        </section>
        {move || created().map(|shown| view! { <SecretPanel shown /> })}
    }
}

#[component]
fn ApiKeys(keys: Vec<ApiKey>, revoke: ServerAction<RevokeApiKey>) -> impl IntoView {
    if keys.is_empty() {
        return view! { <p class="panel__note">"No API keys yet."</p> }.into_any();
    }
    view! {
        <DataTable testid="api-keys-table" columns=API_KEYS_COLUMNS>
            {keys.into_iter().map(|k| {
                let active = k.is_active();
                let id = k.id.to_string();
                view! {
                    <tr>
                        <td>{k.name.clone()}</td>
                        <td><code>{format!("{}…", k.shown)}</code></td>
                        <td><Time at=k.created_at /></td>
                        <td>{k.last_used_at.map_or_else(|| "never".into_any(), |t| view! { <Time at=t relative=true /> }.into_any())}</td>
                        <td>{if active {
                            view! { <span class="badge badge--ok">"Active"</span> }.into_any()
                        } else {
                            view! { <span class="badge badge--muted">"Revoked"</span> }.into_any()
                        }}</td>
                        <td>
                            {active.then(|| view! {
                                <ActionForm action=revoke>
                                    <input type="hidden" name="id" value=id />
                                    <button type="submit" class="button button--ghost">"Revoke"</button>
                                </ActionForm>
                            })}
                        </td>
                    </tr>
                }
            }).collect_view()}
        </DataTable>
    }
    .into_any()
}

#[component]
fn NewApiKeyForm(
    create: ServerAction<CreateApiKey>,
    /// What a post without JavaScript left: the new key, or the name typed.
    flash: Option<Flash>,
) -> impl IntoView {
    let error = move || create.value().get().and_then(Result::err).map(|e| e.to_string());
    let typed = Typed::from_flash(flash.as_ref(), "new-api-key");
    let flashed: Option<NewApiKey> = flash.and_then(Flash::api_key);
    let created = move || {
        if create.version().get() > 0 {
            create.value().get().and_then(Result::ok)
        } else {
            flashed.clone()
        }
    };
    view! {
        <section class="panel glass" aria-labelledby="new-key-title">
            <h3 class="panel__title" id="new-key-title">"New API key"</h3>
            <ActionForm action=create attr:class="form">
                <div class="field">
                    <label for="key-name">"What uses it"</label>
                    <input id="key-name" name="name" type="text" required maxlength="80" placeholder="Zapier" value=typed.value("name") />
                    <p class="field__error">{error}</p>
                </div>
                <div class="form__actions">
                    <button type="submit" class="button" data-testid="create-api-key">"Create key"</button>
                </div>
            </ActionForm>
            {move || created().map(|k| view! {
                <div class="notice notice--ok" data-testid="api-key-created">
                    <p>{format!("The key for {}. Copy it now: it is not shown again.", k.name)}</p>
                    <CopyField value=k.key testid="api-key-value" what="the API key" />
                </div>
            })}
        </section>
    }
}
