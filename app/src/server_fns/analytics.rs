use crate::error::AppError;
use leptos::prelude::*;
use switchboard_core::analytics::overview::AnalyticsOverview;

/// The Analytics page (and the dashboard's charts): summary, trend, pacing and benchmarks for a
/// window (the last 30 days by default) over one project or all.
#[server]
pub async fn get_analytics(
    from: Option<String>,
    to: Option<String>,
    project_id: Option<String>,
) -> Result<AnalyticsOverview, AppError> {
    super::ssr::respond(
        async move {
            use switchboard_core::analytics::ReportQuery;
            let given = |v: &Option<String>| {
                v.as_deref()
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
            };
            let date = |field: &str, v: &Option<String>| {
                given(v)
                    .map(|text| switchboard_core::time::parse_date(&text))
                    .transpose()
                    .map_err(|e| super::ssr::invalid(field, e.to_string()))
            };
            let project_id = match given(&project_id) {
                None => None,
                Some(text) => Some(
                    switchboard_core::ProjectId::parse(&text)
                        .map_err(|_| AppError::NotFound(format!("project '{text}' was not found")))?,
                ),
            };
            let query = ReportQuery {
                from: date("from", &from)?,
                to: date("to", &to)?,
                project_id,
                ..Default::default()
            };
            Ok(super::ssr::services()?.analytics.overview(&query).await?)
        }
        .await,
    )
    .await
}
