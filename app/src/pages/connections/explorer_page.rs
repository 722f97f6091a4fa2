use super::tool_form::ToolForm;
use crate::components::{DataTable, Heading, Loaded, TableWrap};
use crate::server_fns::connections::{ExplorerData, ToolInfo, ToolRun, tool_form_name};
use crate::server_fns::flash::{Flash, FlashScope, Typed, take_flash};
use crate::server_fns::{RunTool, get_explorer};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// A connection's tools: pick one, fill the form generated from its schema, run it, see the rows
/// and the JSON exactly as the platform shapes it.
#[component]
pub fn ExplorerPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let data = Resource::new(id, |id| async move {
        // What a form post without JavaScript left for this page: a tool's answer, or what was typed.
        let flash = take_flash(FlashScope::Explorer).await.ok().flatten();
        get_explorer(id).await.map(|d| (d, flash))
    });
    view! {
        <Loaded resource=data let:d>
            <Explorer data=d.0 flash=d.1 />
        </Loaded>
    }
}

#[component]
fn Explorer(data: ExplorerData, flash: Option<Flash>) -> impl IntoView {
    let query = use_query_map();
    let c = data.item.connection.clone();
    let tools = StoredValue::new(data.tools);
    let selected = move || {
        let wanted = query.read().get("tool");
        tools.with_value(|t| {
            wanted
                .and_then(|w| t.iter().find(|x| x.name == w).cloned())
                .or_else(|| t.iter().find(|x| x.name == "list_campaigns").cloned())
                .or_else(|| t.first().cloned())
        })
    };
    let base = format!("/connections/{}/explorer", c.id);
    let title = format!(
        "Tools · {}",
        c.name.clone().unwrap_or_else(|| c.account_id.clone())
    );
    let connection_id = c.id.to_string();
    view! {
        <Title text=title.clone() />
        <header class="page-header">
            <div>
                <p class="page-header__crumb"><a href="/connections">"Connections"</a></p>
                <h1 class="page-header__title">{title}</h1>
                <p class="page-header__subtitle">
                    {c.platform.label()}" · "{data.item.project_name.clone()}" · "
                    {if c.mode == switchboard_core::connection::ConnectionMode::Test { "test mode" } else { "live mode" }}
                    " · account "{c.account_id.clone()}
                </p>
            </div>
        </header>
        <div class="explorer">
            <nav class="explorer__tools panel glass" aria-label="Tools">
                <ul>
                    {tools.get_value().into_iter().map(|t| {
                        let href = format!("{base}?tool={}", t.name);
                        let name = t.name.clone();
                        let current = move || selected().is_some_and(|s| s.name == name);
                        view! {
                            <li>
                                <a href=href class="explorer__tool" aria-current=move || current().then_some("page")
                                    data-testid=format!("tool-{}", t.name)>
                                    <span>{t.title.clone()}</span>
                                    <span class=if t.write { "badge badge--warn" } else { "badge badge--muted" }>
                                        {if t.write { "changes" } else { "reads" }}
                                    </span>
                                </a>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </nav>
            <div class="explorer__main">
                {move || selected().map(|tool| {
                    let typed = Typed::from_flash(flash.as_ref(), &tool_form_name(&connection_id, &tool.name));
                    // The answer a post without JavaScript left, if it is this tool's on this connection.
                    let answered = match flash.clone() {
                        Some(Flash::ToolRun { connection_id: of, run, .. }) if of == connection_id && run.tool == tool.name => Some(*run),
                        _ => None,
                    };
                    view! { <ToolPanel tool connection_id=connection_id.clone() typed answered /> }
                })}
            </div>
        </div>
    }
}

#[component]
fn ToolPanel(
    tool: ToolInfo,
    connection_id: String,
    /// What was typed, when a post without JavaScript answered an error.
    typed: Typed,
    /// The answer a post without JavaScript left.
    answered: Option<ToolRun>,
) -> impl IntoView {
    let run = ServerAction::<RunTool>::new();
    let error = Signal::derive(move || run.value().get().and_then(Result::err));
    let result = move || {
        if run.version().get() > 0 {
            run.value().get().and_then(Result::ok)
        } else {
            answered.clone()
        }
    };
    view! {
        <section class="panel glass" aria-labelledby="tool-title">
            <h2 class="panel__title" id="tool-title">{tool.title.clone()}<code class="tool-name">{tool.name.clone()}</code></h2>
            <p class="panel__note">{tool.description.clone()}<br /><code class="endpoint">{tool.endpoint.clone()}</code></p>
            <ToolForm tool=tool.clone() connection_id run error typed />
        </section>
        {move || result().map(|r| view! { <ToolResult run=r /> })}
    }
}

#[component]
fn ToolResult(run: ToolRun) -> impl IntoView {
    let summary = match &run.table {
        Some(t) if t.total > t.rows.len() => format!(
            "{} rows (first {} shown) · {} ms",
            t.total,
            t.rows.len(),
            run.elapsed_ms
        ),
        Some(t) => format!("{} rows · {} ms", t.total, run.elapsed_ms),
        None => format!("{} ms", run.elapsed_ms),
    };
    let open = run.json.len() < 2_000;
    view! {
        <section class="panel glass" aria-label="Result" data-testid="tool-result">
            <h2 class="panel__title">"Result"<span class="muted">" · "{summary}</span></h2>
            {run.table.map(|t| {
                let headings: Vec<Heading> = t.columns.into_iter().map(Heading::text).collect();
                view! {
                    <DataTable testid="result-table" columns=headings compact=true wrap=TableWrap::Scroll>
                        {t.rows.into_iter().map(|row| view! {
                            <tr>{row.into_iter().map(|cell| view! { <td>{cell}</td> }).collect_view()}</tr>
                        }).collect_view()}
                    </DataTable>
                }
            })}
            <details class="advanced" open=open>
                <summary>"JSON"</summary>
                <pre class="json" data-testid="result-json">{run.json}</pre>
            </details>
        </section>
    }
}
