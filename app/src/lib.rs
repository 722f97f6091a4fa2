//! Switchboard's user interface: the HTML shell, the router, pages and the server functions they call.
//! Rendered on the server (feature `ssr`) and hydrated in the browser (feature `hydrate`).
#![recursion_limit = "256"]

pub mod components;
pub mod error;
pub mod pages;
pub mod server_fns;

use components::layout::AppLayout;
use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::{
    SsrMode,
    components::{Route, Router, Routes},
    path,
};
use pages::{
    AnalyticsPage, ApprovalsPage, CampaignPage, CampaignsPage, ConnectionsPage, DashboardPage,
    EditProjectPage, EditWorkflowPage, ExecutionPage, ExecutionsPage, ExperimentPage, ExperimentsPage,
    ExplorerPage, IntegrationsPage, LearningPage, MemoryBrowserPage, NewExperimentPage, NewProjectPage,
    NotFoundPage, ProjectPage, ProjectsPage, SystemPage, WebhookPage, WorkflowPage, WorkflowsPage,
};

/// Applies the saved colour theme before the first paint, so a dark-mode user never sees a flash.
const THEME_BOOT: &str = r#"(function(){try{var t=localStorage.getItem("switchboard-theme");if(t==="light"||t==="dark"){document.documentElement.dataset.theme=t;}}catch(e){}})();"#;

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <meta name="description" content="Switchboard: ad operations across Google, Meta and Pinterest" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <script inner_html=THEME_BOOT></script>
                // ECharts for the charts, served from the site (npm's copy); deferred, it still runs
                // before the hydration module scripts, which come after it.
                <script src="/vendor/echarts.min.js" defer></script>
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // The user's locale and clock, for every figure and time the pages show.
    components::format::provide_locale();
    components::chart::provide_chart_theme();

    view! {
        <Stylesheet id="leptos" href="/pkg/switchboard.css" />
        <Title formatter=|page: String| {
            if page.is_empty() { "Switchboard".to_owned() } else { format!("{page} · Switchboard") }
        } />
        <Router>
            <AppLayout>
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/") view=DashboardPage ssr=SsrMode::Async />
                    <Route path=path!("/projects") view=ProjectsPage ssr=SsrMode::Async />
                    <Route path=path!("/projects/new") view=NewProjectPage ssr=SsrMode::Async />
                    <Route path=path!("/projects/:id") view=ProjectPage ssr=SsrMode::Async />
                    <Route path=path!("/projects/:id/edit") view=EditProjectPage ssr=SsrMode::Async />
                    <Route path=path!("/campaigns") view=CampaignsPage ssr=SsrMode::Async />
                    <Route path=path!("/analytics") view=AnalyticsPage ssr=SsrMode::Async />
                    <Route path=path!("/campaigns/:id") view=CampaignPage ssr=SsrMode::Async />
                    <Route path=path!("/workflows") view=WorkflowsPage ssr=SsrMode::Async />
                    <Route path=path!("/workflows/:id") view=WorkflowPage ssr=SsrMode::Async />
                    <Route path=path!("/workflows/:id/edit") view=EditWorkflowPage ssr=SsrMode::Async />
                    <Route path=path!("/executions") view=ExecutionsPage ssr=SsrMode::Async />
                    <Route path=path!("/approvals") view=ApprovalsPage ssr=SsrMode::Async />
                    <Route path=path!("/executions/:id") view=ExecutionPage ssr=SsrMode::Async />
                    <Route path=path!("/memory") view=MemoryBrowserPage ssr=SsrMode::Async />
                    <Route path=path!("/memory/:id") view=LearningPage ssr=SsrMode::Async />
                    <Route path=path!("/experiments") view=ExperimentsPage ssr=SsrMode::Async />
                    <Route path=path!("/experiments/new") view=NewExperimentPage ssr=SsrMode::Async />
                    <Route path=path!("/experiments/:id") view=ExperimentPage ssr=SsrMode::Async />
                    <Route path=path!("/connections") view=ConnectionsPage ssr=SsrMode::Async />
                    <Route path=path!("/connections/:id/explorer") view=ExplorerPage ssr=SsrMode::Async />
                    <Route path=path!("/integrations") view=IntegrationsPage ssr=SsrMode::Async />
                    <Route path=path!("/integrations/webhooks/:id") view=WebhookPage ssr=SsrMode::Async />
                    <Route path=path!("/system") view=SystemPage ssr=SsrMode::Async />
                </Routes>
            </AppLayout>
        </Router>
    }
}
