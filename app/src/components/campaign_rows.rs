//! A table of campaigns, for the campaigns page and a project's page.

use super::format::money;
use super::{DataTable, Heading, TableWrap};
use leptos::prelude::*;
use switchboard_core::campaign::{Campaign, CampaignStatus};

/// A table of campaigns; `show_project` adds a project column (names come from `project_names`).
#[component]
pub fn CampaignRows(
    campaigns: Vec<Campaign>,
    #[prop(default = true)] show_project: bool,
    #[prop(optional)] project_names: Vec<(String, String)>,
    /// Column headings, when the table sorts (a link per column); plain text otherwise.
    #[prop(optional)]
    headers: Option<Vec<Heading>>,
    /// What the table sits in; its own glass card by default.
    #[prop(optional)]
    wrap: TableWrap,
) -> impl IntoView {
    let name_of = move |id: &str| {
        project_names
            .iter()
            .find(|(pid, _)| pid == id)
            .map(|(_, n)| n.clone())
            .unwrap_or_else(|| id.to_owned())
    };
    let headers = headers.unwrap_or_else(|| {
        let mut cols = vec![
            "Campaign",
            "Platform",
            "Status",
            "Objective",
            "Daily budget",
            "Start",
        ];
        if show_project {
            cols.insert(1, "Project");
        }
        cols.into_iter().map(Heading::text).collect()
    });
    view! {
        <DataTable testid="campaigns-table" columns=headers wrap=wrap>
            {campaigns.into_iter().map(|c| {
                let badge = match c.status {
                    CampaignStatus::Active => "badge badge--ok",
                    CampaignStatus::Paused => "badge badge--warn",
                    CampaignStatus::Removed => "badge badge--muted",
                };
                let project = show_project.then(|| view! { <td>{name_of(c.project_id.as_str())}</td> });
                view! {
                    <tr>
                        <td><a href=format!("/campaigns/{}", c.id)>{c.name.clone()}</a></td>
                        {project}
                        <td><span class=format!("platform-dot platform--{}", c.platform.as_str())></span>{c.platform.label()}</td>
                        <td><span class=badge title=c.platform_status.clone()>{c.status.label()}</span></td>
                        <td>{c.objective.clone().unwrap_or_else(|| "—".to_owned())}</td>
                        <td class="num">{money(c.daily_budget, c.currency)}</td>
                        <td>{c.start_date.map(|d| d.to_string()).unwrap_or_else(|| "—".to_owned())}</td>
                    </tr>
                }
            }).collect_view()}
        </DataTable>
    }
}
