use crate::components::format::Time;
use crate::components::{Column, DataTable, EmptyState, IconName, Loaded, PageHeader};
use crate::server_fns::get_approvals;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use switchboard_core::approval::{ApprovalInbox, ProposalStatus};

const COLUMNS: &[Column] = &[
    Column::text("Workflow"),
    Column::text("Project"),
    Column::text("Stage"),
    Column::num("Changes"),
    Column::text("Proposed"),
    Column::text("Status"),
    Column::text(""),
];

/// Every proposal waiting for a decision (or, with `?status=`, decided, expired, withdrawn or all),
/// newest first, each linking to its run's approval panel.
#[component]
pub fn ApprovalsPage() -> impl IntoView {
    let query = use_query_map();
    let status = move || query.read().get("status").filter(|s| !s.is_empty());
    let inbox = Resource::new(status, get_approvals);
    view! {
        <PageHeader title="Approvals" subtitle="Changes agents want to make to budgets, bids, statuses and campaigns, waiting for your decision" />
        <form method="get" action="/approvals" class="filters glass" role="search" data-testid="approval-filters">
            <label class="filters__item">
                <span>"Status"</span>
                <select name="status">
                    {move || {
                        let chosen = status().unwrap_or_else(|| "pending".to_owned());
                        ["pending", "decided", "expired", "withdrawn", "all"]
                            .into_iter()
                            .map(|s| view! { <option value=s selected=chosen == s>{s}</option> })
                            .collect_view()
                    }}
                </select>
            </label>
            <button type="submit" class="button button--ghost">"Show"</button>
        </form>
        <Loaded resource=inbox let:found>
            <InboxTable inbox=found />
        </Loaded>
    }
}

#[component]
fn InboxTable(inbox: ApprovalInbox) -> impl IntoView {
    if inbox.proposals.is_empty() {
        return view! {
            <EmptyState title="Nothing waits for a decision" message="Workflows whose approval is 'wait for approval' stop here when an agent wants to change budgets, bids, statuses or create campaigns." icon=IconName::Inbox />
        }
        .into_any();
    }
    let names = inbox.project_names;
    view! {
        <DataTable testid="approvals-table" columns=COLUMNS>
            {inbox.proposals.into_iter().map(|p| {
                let project = p
                    .project_id
                    .as_ref()
                    .and_then(|id| names.iter().find(|(known, _)| known == id.as_str()))
                    .map_or_else(|| "—".to_owned(), |(_, name)| name.clone());
                let (_, _, waiting) = p.counts();
                let changes = if p.status == ProposalStatus::Pending {
                    format!("{waiting} waiting of {}", p.changes.len())
                } else {
                    p.changes.len().to_string()
                };
                view! {
                    <tr data-testid="approval-row" data-status=p.status.as_str()>
                        <td>{p.workflow_name.clone().unwrap_or_else(|| "—".to_owned())}</td>
                        <td>{project}</td>
                        <td>{format!("{} · {}", p.stage_name, p.agent)}</td>
                        <td class="num">{changes}</td>
                        <td><Time at=p.created_at relative=true /></td>
                        <td>{p.summary()}</td>
                        <td><a class="button button--ghost" href=format!("/executions/{}#approval", p.execution_id)>
                            {if p.status == ProposalStatus::Pending { "Decide" } else { "Open" }}
                        </a></td>
                    </tr>
                }
            }).collect_view()}
        </DataTable>
    }
    .into_any()
}
