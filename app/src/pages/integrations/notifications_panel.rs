use crate::components::format::Time;
use crate::components::{Column, DataTable, Loaded};
use crate::server_fns::flash::{Flash, FlashScope, Typed, take_flash};
use crate::server_fns::notifications::{
    CreateChannel, CreateRule, DeleteChannel, DeleteRule, NotificationsOverview, ProjectChoice,
    RetryNotification, SendTestNotification, get_notifications,
};
use leptos::form::ActionForm;
use leptos::prelude::*;
use switchboard_core::notifications::{Channel, DeliveryState, Notification, Rule};

const CHANNELS_COLUMNS: &[Column] = &[
    Column::text("Channel"),
    Column::text("Kind"),
    Column::text("Sends to"),
    Column::text(""),
];

const RULES_COLUMNS: &[Column] = &[
    Column::text("Rule"),
    Column::text("Project"),
    Column::text("Events"),
    Column::text("Channel"),
    Column::text(""),
];

const NOTIFICATIONS_COLUMNS: &[Column] = &[
    Column::text("Queued"),
    Column::text("Channel"),
    Column::text("Event"),
    Column::text("State"),
    Column::num("Attempts"),
    Column::text("Last answer"),
    Column::text(""),
];

/// Where run results go: channels (Discord, Slack, email), the rules routing events to them, and
/// the latest notifications with their state.
#[component]
pub fn NotificationsPanel() -> impl IntoView {
    let create_channel = ServerAction::<CreateChannel>::new();
    let delete_channel = ServerAction::<DeleteChannel>::new();
    let test = ServerAction::<SendTestNotification>::new();
    let create_rule = ServerAction::<CreateRule>::new();
    let delete_rule = ServerAction::<DeleteRule>::new();
    let retry = ServerAction::<RetryNotification>::new();
    let data = Resource::new(
        move || {
            (
                create_channel.version().get(),
                delete_channel.version().get(),
                test.version().get(),
                create_rule.version().get(),
                delete_rule.version().get(),
                retry.version().get(),
            )
        },
        |versions| async move {
            // What a form post without JavaScript left for this panel, on the first load only.
            let flash = if versions == (0, 0, 0, 0, 0, 0) {
                take_flash(FlashScope::Notifications).await.ok().flatten()
            } else {
                None
            };
            get_notifications().await.map(|o| (o, flash))
        },
    );
    let actions = Actions {
        create_channel,
        delete_channel,
        test,
        create_rule,
        delete_rule,
        retry,
    };
    view! {
        <h2 class="section-title">"Notifications"</h2>
        <Loaded resource=data let:o>
            <Overview overview=o.0 flash=o.1 actions />
        </Loaded>
    }
}

#[derive(Clone, Copy)]
struct Actions {
    create_channel: ServerAction<CreateChannel>,
    delete_channel: ServerAction<DeleteChannel>,
    test: ServerAction<SendTestNotification>,
    create_rule: ServerAction<CreateRule>,
    delete_rule: ServerAction<DeleteRule>,
    retry: ServerAction<RetryNotification>,
}

fn state_badge(state: DeliveryState) -> impl IntoView {
    let (class, label) = match state {
        DeliveryState::Delivered => ("badge badge--ok", "Delivered"),
        DeliveryState::Pending => ("badge badge--warn", "Pending"),
        DeliveryState::Dead => ("badge badge--bad", "Given up"),
    };
    view! { <span class=class>{label}</span> }
}

#[component]
fn Overview(overview: NotificationsOverview, flash: Option<Flash>, actions: Actions) -> impl IntoView {
    let NotificationsOverview {
        channels,
        rules,
        recent,
        projects,
    } = overview;
    let names: Vec<(String, String)> = channels
        .iter()
        .map(|c| (c.id.to_string(), c.name.clone()))
        .collect();
    let name_of = {
        let names = names.clone();
        move |id: &str| {
            names
                .iter()
                .find(|(i, _)| i == id)
                .map_or_else(|| id.to_owned(), |(_, n)| n.clone())
        }
    };
    let project_name = {
        let projects = projects.clone();
        move |id: Option<&switchboard_core::ProjectId>| match id {
            None => "All projects".to_owned(),
            Some(p) => projects
                .iter()
                .find(|o| &o.id == p)
                .map_or_else(|| p.to_string(), |o| o.name.clone()),
        }
    };
    let channel_typed = Typed::from_flash(flash.as_ref(), "new-channel");
    let rule_typed = Typed::from_flash(flash.as_ref(), "new-rule");
    let flashed_test = match flash {
        Some(Flash::TestNotification(n)) => Some(*n),
        _ => None,
    };
    let tested = move || {
        if actions.test.version().get() > 0 {
            actions.test.value().get().and_then(Result::ok)
        } else {
            flashed_test.clone()
        }
    };
    view! {
        <ChannelTable channels actions />
        {move || tested().map(|n| view! {
            <p class="notice" role="status" data-testid="test-result">
                {format!("Test message: {}", match n.state { DeliveryState::Delivered => "delivered".to_owned(), DeliveryState::Pending => format!("not yet delivered ({}); it will be tried again", n.last_error.clone().unwrap_or_default()), DeliveryState::Dead => format!("refused ({})", n.last_error.clone().unwrap_or_default()) })}
            </p>
        })}
        <NewChannel create=actions.create_channel typed=channel_typed />
        <RuleTable rules project_name=project_name.clone() channel_name=name_of.clone() delete=actions.delete_rule />
        <NewRule channels=names projects create=actions.create_rule typed=rule_typed />
        <Recent recent channel_name=name_of retry=actions.retry />
    }
}

#[component]
fn ChannelTable(channels: Vec<Channel>, actions: Actions) -> impl IntoView {
    if channels.is_empty() {
        return view! { <p class="panel__note">"No channels yet: add a Discord or Slack webhook, or email addresses."</p> }.into_any();
    }
    view! {
        <DataTable testid="channels-table" columns=CHANNELS_COLUMNS>
            {channels.into_iter().map(|c| {
                let (test_id, delete_id) = (c.id.to_string(), c.id.to_string());
                view! {
                    <tr>
                        <td>{c.name.clone()}</td>
                        <td>{c.kind.as_str()}</td>
                        <td><code>{c.target.clone()}</code></td>
                        <td class="row-actions">
                            <ActionForm action=actions.test>
                                <input type="hidden" name="id" value=test_id />
                                <button type="submit" class="button button--ghost" data-testid="send-test">"Send test"</button>
                            </ActionForm>
                            <ActionForm action=actions.delete_channel>
                                <input type="hidden" name="id" value=delete_id />
                                <button type="submit" class="button button--ghost">"Delete"</button>
                            </ActionForm>
                        </td>
                    </tr>
                }
            }).collect_view()}
        </DataTable>
    }
    .into_any()
}

#[component]
fn NewChannel(
    create: ServerAction<CreateChannel>,
    /// What was typed, when a post without JavaScript answered an error (never the address).
    typed: Typed,
) -> impl IntoView {
    let error = move || create.value().get().and_then(Result::err);
    let message = move |field: &'static str| move || error().and_then(|e| e.field(field));
    view! {
        <section class="panel glass" aria-labelledby="new-channel-title">
            <h3 class="panel__title" id="new-channel-title">"New channel"</h3>
            <ActionForm action=create attr:class="form" attr:data-testid="new-channel">
                <div class="field-row">
                    <div class="field">
                        <label for="channel-name">"Name"</label>
                        <input id="channel-name" name="name" type="text" required maxlength="120" placeholder="Media team" value=typed.value("name") />
                        <p class="field__error">{message("name")}</p>
                    </div>
                    <div class="field">
                        <label for="channel-kind">"Kind"</label>
                        <select id="channel-kind" name="kind">
                            <option value="discord" selected=typed.chose("kind", "discord")>"Discord"</option>
                            <option value="slack" selected=typed.chose("kind", "slack")>"Slack"</option>
                            <option value="email" selected=typed.chose("kind", "email")>"Email"</option>
                        </select>
                        <p class="field__error">{message("kind")}</p>
                    </div>
                </div>
                <div class="field">
                    <label for="channel-url">"Incoming webhook address (Discord, Slack)"</label>
                    <input id="channel-url" name="url" type="url" placeholder="https://discord.com/api/webhooks/…" />
                    <p class="field__error">{message("url")}</p>
                </div>
                <div class="field">
                    <label for="channel-to">"Recipients (email), separated by commas"</label>
                    <input id="channel-to" name="to" type="text" placeholder="media@agency.com, ops@agency.com" value=typed.value("to") />
                    <p class="field__error">{move || message("to")().or_else(|| error().and_then(|e| e.field("to[0]")))}</p>
                </div>
                <div class="form__actions">
                    <button type="submit" class="button" data-testid="create-channel">"Add channel"</button>
                </div>
            </ActionForm>
        </section>
    }
}

#[component]
fn RuleTable(
    rules: Vec<Rule>,
    project_name: impl Fn(Option<&switchboard_core::ProjectId>) -> String + Send + 'static,
    channel_name: impl Fn(&str) -> String + Send + 'static,
    delete: ServerAction<DeleteRule>,
) -> impl IntoView {
    if rules.is_empty() {
        return view! { <p class="panel__note">"No rules yet: a rule sends a project's run results to a channel."</p> }.into_any();
    }
    view! {
        <DataTable testid="rules-table" columns=RULES_COLUMNS>
            {rules.into_iter().map(|r| {
                let events = r.events.iter().map(|e| e.label()).collect::<Vec<_>>().join(", ");
                view! {
                    <tr>
                        <td>{r.name.clone()}</td>
                        <td>{project_name(r.project_id.as_ref())}</td>
                        <td>{events}</td>
                        <td>{channel_name(r.channel_id.as_str())}</td>
                        <td>
                            <ActionForm action=delete>
                                <input type="hidden" name="id" value=r.id.to_string() />
                                <button type="submit" class="button button--ghost">"Delete"</button>
                            </ActionForm>
                        </td>
                    </tr>
                }
            }).collect_view()}
        </DataTable>
    }
    .into_any()
}

#[component]
fn NewRule(
    channels: Vec<(String, String)>,
    projects: Vec<ProjectChoice>,
    create: ServerAction<CreateRule>,
    /// What was typed, when a post without JavaScript answered an error.
    typed: Typed,
) -> impl IntoView {
    let error = move || create.value().get().and_then(Result::err);
    let message = move |field: &'static str| move || error().and_then(|e| e.field(field));
    let none = channels.is_empty();
    // Both events by default; as they were ticked when the form comes back.
    let on_completed = !typed.is_some() || typed.value("on_completed").is_some();
    let on_failed = !typed.is_some() || typed.value("on_failed").is_some();
    let on_ab_winner = typed.value("on_ab_winner").is_some();
    view! {
        <section class="panel glass" aria-labelledby="new-rule-title">
            <h3 class="panel__title" id="new-rule-title">"New rule"</h3>
            <Show when=move || none>
                <p class="panel__note">"Add a channel first."</p>
            </Show>
            <ActionForm action=create attr:class="form" attr:data-testid="new-rule">
                <div class="field-row">
                    <div class="field">
                        <label for="rule-name">"Name"</label>
                        <input id="rule-name" name="name" type="text" required maxlength="120" placeholder="Failures to the team" value=typed.value("name") />
                        <p class="field__error">{message("name")}</p>
                    </div>
                    <div class="field">
                        <label for="rule-project">"Project"</label>
                        <select id="rule-project" name="project_id">
                            <option value="">"All projects"</option>
                            {projects.into_iter().map(|p| {
                                let id = p.id.to_string();
                                let selected = typed.chose("project_id", &id);
                                view! { <option value=id selected=selected>{p.name}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="rule-channel">"Channel"</label>
                        <select id="rule-channel" name="channel_id" required>
                            {channels.into_iter().map(|(id, name)| {
                                let selected = typed.chose("channel_id", &id);
                                view! { <option value=id selected=selected>{name}</option> }
                            }).collect_view()}
                        </select>
                        <p class="field__error">{message("channel_id")}</p>
                    </div>
                </div>
                <fieldset class="field">
                    <legend>"When"</legend>
                    <label><input type="checkbox" name="on_completed" value="on" checked=on_completed /> " a run completes"</label>
                    <label><input type="checkbox" name="on_failed" value="on" checked=on_failed /> " a run fails"</label>
                    <label><input type="checkbox" name="on_ab_winner" value="on" checked=on_ab_winner /> " an A/B test finds its winner"</label>
                    <p class="field__error">{message("events")}</p>
                </fieldset>
                <div class="form__actions">
                    <button type="submit" class="button" data-testid="create-rule">"Add rule"</button>
                </div>
            </ActionForm>
        </section>
    }
}

#[component]
fn Recent(
    recent: Vec<Notification>,
    channel_name: impl Fn(&str) -> String + Send + 'static,
    retry: ServerAction<RetryNotification>,
) -> impl IntoView {
    if recent.is_empty() {
        return ().into_any();
    }
    view! {
        <h3 class="panel__title">"Latest notifications"</h3>
        <DataTable testid="notifications-table" columns=NOTIFICATIONS_COLUMNS compact=true>
            {recent.into_iter().map(|n| {
                let answer = match (&n.last_status, &n.last_error) {
                    (_, Some(e)) => e.clone(),
                    (Some(s), None) => s.to_string(),
                    (None, None) => String::new(),
                };
                let dead = n.state == DeliveryState::Dead;
                let id = n.id.to_string();
                view! {
                    <tr>
                        <td><Time at=n.created_at /></td>
                        <td>{channel_name(n.channel_id.as_str())}</td>
                        <td>{n.event.label()}</td>
                        <td>{state_badge(n.state)}</td>
                        <td class="num">{n.attempts}</td>
                        <td>{answer}</td>
                        <td>{dead.then(|| view! {
                            <ActionForm action=retry>
                                <input type="hidden" name="id" value=id />
                                <button type="submit" class="button button--ghost">"Retry"</button>
                            </ActionForm>
                        })}</td>
                    </tr>
                }
            }).collect_view()}
        </DataTable>
    }
    .into_any()
}
