use crate::components::format::money;
use leptos::prelude::*;
use switchboard_core::campaign::{Campaign, CampaignStatus};

/// A table of campaigns; `show_project` adds a project column (names come from `project_names`).
#[component]
pub fn CampaignRows(
    campaigns: Vec<Campaign>,
    #[prop(default = true)] show_project: bool,
    #[prop(optional)] project_names: Vec<(String, String)>,
    /// Column headers, when the table sorts (link per column); plain text otherwise.
    #[prop(optional)]
    headers: Option<Vec<AnyView>>,
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
        cols.into_iter().map(|c| view! { {c} }.into_any()).collect()
    });
    view! {
        <div class="table-wrap">
            <table class="table" data-testid="campaigns-table">
                <thead>
                    <tr>{headers.into_iter().map(|h| view! { <th scope="col">{h}</th> }).collect_view()}</tr>
                </thead>
                <tbody>
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
                </tbody>
            </table>
        </div>
    }
}
