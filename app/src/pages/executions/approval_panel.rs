//! A run's proposals: the changes its stages want to make (campaign, field, from, to, why) and,
//! while one waits, the form that approves some or all of them or rejects them. Works without
//! JavaScript (the forms post and come back to the run's page).

use crate::components::format::{Time, amount};
use crate::server_fns::DecideProposal;
use leptos::form::ActionForm;
use leptos::prelude::*;
use switchboard_core::approval::{ChangeDecision, Proposal, ProposalStatus, ProposedChange};

/// `from` or `to` as a person reads it: money with its currency, a status word, a new object.
fn value_text(change: &ProposedChange, value: Option<&serde_json::Value>) -> String {
    let Some(v) = value else {
        return "—".to_owned();
    };
    match (change.field.as_str(), v.as_i64(), change.currency) {
        ("daily_budget_micros" | "ad_group_budget_micros" | "cpc_bid_micros", Some(m), Some(c)) => {
            amount(m, c)
        }
        _ => match v {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Object(o) => {
                let name = o.get("name").and_then(|n| n.as_str()).unwrap_or("new");
                let budget = o
                    .get("daily_budget_micros")
                    .and_then(serde_json::Value::as_i64)
                    .zip(change.currency)
                    .map(|(m, c)| format!(", {} a day", amount(m, c)))
                    .unwrap_or_default();
                let pins = o
                    .get("pin_ids")
                    .and_then(|p| p.as_array())
                    .map(|p| format!(", {} Pin(s)", p.len()))
                    .unwrap_or_default();
                format!("{name}{budget}{pins}")
            }
            other => other.to_string(),
        },
    }
}

fn field_label(field: &str) -> &str {
    match field {
        "daily_budget_micros" => "Daily budget",
        "cpc_bid_micros" => "Max CPC bid",
        "status" => "Status",
        "ad_status" => "Ad status",
        "ad_group_status" => "Ad group status",
        "ad_group_budget_micros" => "Ad group daily budget",
        "campaign" => "New campaign",
        "promotion" => "New Pin promotion",
        other => other,
    }
}

fn decision_label(c: &ProposedChange) -> String {
    let base = match c.decision {
        ChangeDecision::Pending => "waiting",
        ChangeDecision::Approved => "approved",
        ChangeDecision::AutoApproved => "approved by policy",
        ChangeDecision::Rejected => "rejected",
        ChangeDecision::Expired => "expired",
        ChangeDecision::Withdrawn => "withdrawn",
    };
    match (&c.error, c.applied) {
        (Some(e), _) => format!("{base} · refused: {e}"),
        (None, true) => format!("{base} · applied"),
        (None, false) => base.to_owned(),
    }
}

fn pct_text(c: &ProposedChange) -> String {
    c.change_pct()
        .map(|p| format!("{}{:.1}%", if p > 0.0 { "+" } else { "" }, p))
        .unwrap_or_default()
}

/// The run's proposals, newest state first from the server; `version` bumps refetch them.
#[component]
pub fn ApprovalPanel(run_id: String, initial: Vec<Proposal>, version: RwSignal<u32>) -> impl IntoView {
    let run = StoredValue::new(run_id);
    let proposals = Resource::new(
        move || version.get(),
        move |v| {
            let initial = initial.clone();
            async move {
                if v == 0 {
                    Ok(initial)
                } else {
                    crate::server_fns::run_proposals(run.get_value()).await
                }
            }
        },
    );
    view! {
        <Transition fallback=|| ()>
            {move || proposals.get().and_then(Result::ok).map(|list| {
                list.into_iter()
                    .map(|p| view! { <ProposalView proposal=p run_id=run.get_value() /> })
                    .collect_view()
            })}
        </Transition>
    }
}

#[component]
fn ProposalView(proposal: Proposal, run_id: String) -> impl IntoView {
    let decide = ServerAction::<DecideProposal>::new();
    let error = move || decide.value().get().and_then(Result::err).map(|e| e.to_string());
    let waiting = proposal.status == ProposalStatus::Pending;
    let status = proposal.status.as_str();
    let when = match (proposal.decided_by.clone(), proposal.decided_at) {
        (Some(by), Some(at)) => {
            view! { {format!("Decided by {by} ")}<Time at=at relative=true /> }.into_any()
        }
        _ => view! { "Waiting for a decision; it expires " <Time at=proposal.expires_at /> }.into_any(),
    };
    let note = proposal.note.clone();
    let id = proposal.id.clone();
    let rows = proposal.changes.clone();
    let table = move |selectable: bool| {
        let rows = rows.clone();
        view! {
            <div class="table-wrap">
                <table class="table table--compact" data-testid="proposal-changes">
                    <thead>
                        <tr>
                            <th scope="col">{if selectable { "Apply · campaign and why" } else { "Campaign and why" }}</th>
                            <th scope="col">"Change"</th>
                            <th scope="col" class="num">"From"</th>
                            <th scope="col" class="num">"To"</th>
                            <th scope="col" class="num">"Δ"</th>
                            <th scope="col">"Decision"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {rows.into_iter().map(|c| {
                            let open = c.decision == ChangeDecision::Pending;
                            view! {
                                <tr data-testid="proposal-change" data-change=c.id.clone() data-decision=c.decision.as_str()>
                                    <td class="approval__what">
                                        {(selectable && open).then(|| view! {
                                            <input type="checkbox" class="approval__pick" name=format!("pick[{}]", c.id) value="on" checked=true
                                                aria-label=format!("Apply change {}", c.id) />
                                        })}
                                        <strong>{c.object_name.clone()}</strong>
                                        <span class="muted">{format!(" · {}", c.platform.label())}</span>
                                        <span class="approval__why">{c.why.clone()}</span>
                                    </td>
                                    <td>{field_label(&c.field).to_owned()}</td>
                                    <td class="num">{value_text(&c, c.from.as_ref())}</td>
                                    <td class="num">{value_text(&c, Some(&c.to))}</td>
                                    <td class="num">{pct_text(&c)}</td>
                                    <td>{decision_label(&c)}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        }
    };
    view! {
        <section class="panel glass approval" id="approval" aria-label="Approval" data-testid="approval" data-status=status>
            <h2 class="panel__title">{format!("Approval · {}", proposal.stage_name)}</h2>
            <p data-testid="approval-summary"><strong>{proposal.summary()}</strong></p>
            <p class="muted">{when}{note.map(|n| format!(" · “{n}”"))}</p>
            {if waiting {
                let (id_a, id_r, run_a, run_r) = (id.clone(), id.clone(), run_id.clone(), run_id.clone());
                view! {
                    <ActionForm action=decide attr:data-testid="approve-form">
                        <input type="hidden" name="proposal_id" value=id_a />
                        <input type="hidden" name="run_id" value=run_a />
                        <input type="hidden" name="decision" value="approve" />
                        {table(true)}
                        <div class="approval__actions">
                            <input type="text" name="note" maxlength="500" placeholder="Note for the audit trail (optional)" aria-label="Note" />
                            <button type="submit" class="button" data-testid="approve">"Approve selected"</button>
                        </div>
                    </ActionForm>
                    <ActionForm action=decide attr:data-testid="reject-form">
                        <input type="hidden" name="proposal_id" value=id_r />
                        <input type="hidden" name="run_id" value=run_r />
                        <input type="hidden" name="decision" value="reject" />
                        <div class="approval__actions">
                            <input type="text" name="note" maxlength="500" placeholder="Why not (optional)" aria-label="Reason" />
                            <button type="submit" class="button button--ghost" data-testid="reject">"Reject all"</button>
                        </div>
                    </ActionForm>
                    <Show when=move || error().is_some()>
                        <p class="notice notice--bad" role="alert">{error}</p>
                    </Show>
                }.into_any()
            } else {
                table(false).into_any()
            }}
        </section>
    }
}
