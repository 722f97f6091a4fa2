use super::integrations_page::SecretPanel;
use crate::components::format::Time;
use crate::components::{Column, CopyField, DataTable, Loaded};
use crate::server_fns::flash::{Flash, FlashScope, take_flash};
use crate::server_fns::webhooks::{
    RevealWebhookSecret, RotateWebhookSecret, WebhookDetail, WebhookSecretShown, get_webhook,
};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use switchboard_core::webhooks::DeliveryOutcome;

const DELIVERIES_COLUMNS: &[Column] = &[
    Column::text("Received"),
    Column::text("Outcome"),
    Column::num("Status"),
    Column::text("Sender's id"),
    Column::text("Reason"),
    Column::text("Run"),
];

/// One webhook: its address, its secret (revealed on request, or rotated), a command to try it,
/// and its delivery log.
#[component]
pub fn WebhookPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let reveal = ServerAction::<RevealWebhookSecret>::new();
    let rotate = ServerAction::<RotateWebhookSecret>::new();
    let detail = Resource::new(
        move || (id(), rotate.version().get()),
        |(id, rotations)| async move {
            // What a post without JavaScript left for this page (a secret), on its first load only.
            let flash = if rotations == 0 {
                take_flash(FlashScope::Webhook).await.ok().flatten()
            } else {
                None
            };
            get_webhook(id).await.map(|d| (d, flash))
        },
    );
    view! {
        <Loaded resource=detail let:d>
            <Detail detail=d.0 flash=d.1 reveal rotate />
        </Loaded>
    }
}

#[component]
fn Detail(
    detail: WebhookDetail,
    flash: Option<Flash>,
    reveal: ServerAction<RevealWebhookSecret>,
    rotate: ServerAction<RotateWebhookSecret>,
) -> impl IntoView {
    let WebhookDetail { item, deliveries } = detail;
    let url = item.url.clone();
    let rotated = move || rotate.value().get().and_then(Result::ok);
    let revealed = move || reveal.value().get().and_then(Result::ok);
    let url_for_reveal = url.clone();
    let id = item.webhook.id.to_string();
    let id_for_reveal = id.clone();
    let (reveal_id, rotate_id) = (id.clone(), id.clone());
    // A secret a post without JavaScript revealed or made, if it is this webhook's.
    let flashed = match flash {
        Some(Flash::WebhookSecret(shown)) if shown.id == id => Some(shown),
        Some(Flash::Revealed { id: of, secret }) if of == id => Some(WebhookSecretShown {
            id: of,
            url: url.clone(),
            secret,
        }),
        _ => None,
    };
    let acted = move || rotate.version().get() > 0 || reveal.version().get() > 0;
    view! {
        <header class="page-header">
            <div>
                <h1 class="page-header__title">{item.webhook.name.clone()}</h1>
                <p class="page-header__subtitle">{format!("Inbound webhook · starts {}", item.workflow_name)}</p>
            </div>
        </header>
        <section class="panel glass">
            <dl class="facts">
                <dt>"Address"</dt><dd><CopyField value=url.clone() testid="webhook-url" what="the address" /></dd>
                <dt>"Status"</dt><dd>{if item.webhook.active { "Active" } else { "Disabled" }}</dd>
                <dt>"Last delivery"</dt><dd>{item.webhook.last_delivery_at.map_or_else(|| "never".into_any(), |t| view! { <Time at=t relative=true /> }.into_any())}</dd>
            </dl>
            <div class="form__actions">
                <ActionForm action=reveal>
                    <input type="hidden" name="id" value=reveal_id />
                    <button type="submit" class="button button--ghost" data-testid="reveal-secret">"Show the secret"</button>
                </ActionForm>
                <ActionForm action=rotate>
                    <input type="hidden" name="id" value=rotate_id />
                    <button type="submit" class="button button--ghost" data-testid="rotate-secret">"Rotate the secret"</button>
                </ActionForm>
            </div>
        </section>
        {move || {
            let shown = rotated().or_else(|| revealed().map(|secret| {
                WebhookSecretShown { id: id_for_reveal.clone(), url: url_for_reveal.clone(), secret }
            }));
            let shown = if acted() { shown } else { flashed.clone() };
            shown.map(|shown| view! { <SecretPanel shown /> })
        }}
        <h2 class="section-title">"Deliveries"</h2>
        {if deliveries.is_empty() {
            view! { <p class="panel__note" data-testid="no-deliveries">"Nothing received yet."</p> }.into_any()
        } else {
            view! {
                <DataTable testid="deliveries-table" columns=DELIVERIES_COLUMNS compact=true>
                    {deliveries.into_iter().map(|d| {
                        let r = d.report;
                        let class = match r.outcome {
                            DeliveryOutcome::Accepted => "badge badge--ok",
                            DeliveryOutcome::Replayed => "badge badge--muted",
                            DeliveryOutcome::Refused | DeliveryOutcome::Failed => "badge badge--bad",
                        };
                        view! {
                            <tr>
                                <td><Time at=d.received_at /></td>
                                <td><span class=class>{r.outcome.as_str()}</span></td>
                                <td class="num">{r.status}</td>
                                <td><code>{r.message_id.unwrap_or_default()}</code></td>
                                <td>{r.reason.unwrap_or_default()}</td>
                                <td>{r.execution_id.map(|e| {
                                    let href = format!("/executions/{e}");
                                    view! { <a href=href>{e.to_string()}</a> }
                                })}</td>
                            </tr>
                        }
                    }).collect_view()}
                </DataTable>
            }.into_any()
        }}
    }
}
