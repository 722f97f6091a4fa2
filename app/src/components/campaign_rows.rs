//! A table of campaigns, for the campaigns page and a project's page: what a media buyer looks
//! at first (spend, CPA and ROAS over the window shown), then the campaign's settings.

use super::format::{date_or_dash, decimal, money, unit_cost};
use super::{DataTable, Heading, TableWrap};
use leptos::prelude::*;
use switchboard_core::analytics::campaign_figures::CampaignFigures;
use switchboard_core::campaign::{Campaign, CampaignStatus};

/// The column headings of [`CampaignRows`], in order, as plain text (`sortable` names the
/// campaigns page's sort key of each, where it has one).
pub fn campaign_columns(show_project: bool) -> Vec<(&'static str, Option<&'static str>, bool)> {
    let mut cols = vec![
        ("Campaign", Some("name"), false),
        ("Platform", Some("platform"), false),
        ("Status", Some("status"), false),
        ("Spend", Some("spend"), true),
        ("CPA", Some("cpa"), true),
        ("ROAS", Some("roas"), true),
        ("Daily budget", Some("daily_budget"), true),
        ("Objective", None, false),
        ("Start", Some("start_date"), false),
    ];
    if show_project {
        cols.insert(1, ("Project", None, false));
    }
    cols
}

/// A table of campaigns with each one's spend, CPA and ROAS from `figures` (the same campaigns,
/// in order, over one window); `show_project` adds a project column (names from `project_names`).
#[component]
pub fn CampaignRows(
    campaigns: Vec<Campaign>,
    /// Each campaign's figures over the window the page shows.
    figures: Vec<CampaignFigures>,
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
        campaign_columns(show_project)
            .into_iter()
            .map(|(label, _, numeric)| {
                if numeric {
                    Heading::num(label)
                } else {
                    Heading::text(label)
                }
            })
            .collect()
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
                let f = figures.iter().find(|f| f.campaign_id == c.id);
                let spend = f.map(|f| f.spend());
                let cpa = f.and_then(CampaignFigures::cpa);
                let roas = f.and_then(CampaignFigures::roas);
                view! {
                    <tr data-campaign=c.id.to_string()>
                        <td><a href=format!("/campaigns/{}", c.id)>{c.name.clone()}</a></td>
                        {project}
                        <td><span class=format!("platform-dot platform--{}", c.platform.as_str())></span>{c.platform.label()}</td>
                        <td><span class=badge title=c.platform_status.clone()>{c.status.label()}</span></td>
                        <td class="num" data-col="spend" data-value=spend.map(|m| m.get().to_string())>{money(spend, c.currency)}</td>
                        <td class="num" data-col="cpa" data-value=cpa.map(|v| v.to_string())>{unit_cost(cpa, c.currency)}</td>
                        <td class="num" data-col="roas" data-value=roas.map(|v| v.to_string())>{decimal(roas)}</td>
                        <td class="num">{money(c.daily_budget, c.currency)}</td>
                        <td>{c.objective.clone().unwrap_or_else(|| "—".to_owned())}</td>
                        <td>{date_or_dash(c.start_date)}</td>
                    </tr>
                }
            }).collect_view()}
        </DataTable>
    }
}
