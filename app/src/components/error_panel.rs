use super::{Icon, IconName};
use crate::error::AppError;
use leptos::prelude::*;

/// Shows a server function's error in place of the content it was loading, and gives the page the
/// matching HTTP status when rendered on the server.
#[component]
pub fn ErrorPanel(error: AppError) -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            let status = http::StatusCode::from_u16(error.status_code())
                .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
            response.set_status(status);
        }
    }
    view! {
        <div class="error-panel glass" role="alert" data-testid="error-panel">
            <Icon name=IconName::Alert />
            <div>
                <p class="error-panel__title">"This could not be loaded"</p>
                <p class="error-panel__message">{error.to_string()}</p>
            </div>
        </div>
    }
}
