//! Each platform's figures for a window, on the Analytics page and the dashboard.

use super::format::{amount, count, decimal, number, percent, unit_cost};
use super::{Column, DataTable, TableWrap};
use leptos::prelude::*;
use switchboard_core::Currency;
use switchboard_core::analytics::report::PlatformFigures;

const PLATFORM_COLUMNS: &[Column] = &[
    Column::text("Platform"),
    Column::num("Spend"),
    Column::num("Share"),
    Column::num("Clicks"),
    Column::num("CTR"),
    Column::num("CPC"),
    Column::num("Conv."),
    Column::num("CPA"),
    Column::num("ROAS"),
];

/// Each platform's figures for the window.
#[component]
pub fn PlatformTable(platforms: Vec<PlatformFigures>, currency: Currency) -> impl IntoView {
    view! {
        <DataTable testid="platform-table" columns=PLATFORM_COLUMNS compact=true wrap=TableWrap::Scroll>
            {platforms.into_iter().map(|p| {
                let k = p.figures.current;
                view! {
                    <tr class=format!("platform--{}", p.platform.as_str()) data-platform=p.platform.as_str()>
                        <th scope="row"><span class="dot" aria-hidden="true"></span>{p.platform.label()}</th>
                        <td class="num">{amount(k.spend_micros, currency)}</td>
                        <td class="num">{percent(p.share_of_spend)}</td>
                        <td class="num">{count(k.clicks)}</td>
                        <td class="num">{percent(k.ctr)}</td>
                        <td class="num">{unit_cost(k.cpc, currency)}</td>
                        <td class="num">{number(k.conversions, 1)}</td>
                        <td class="num">{unit_cost(k.cpa, currency)}</td>
                        <td class="num">{decimal(k.roas)}</td>
                    </tr>
                }
            }).collect_view()}
        </DataTable>
    }
}
