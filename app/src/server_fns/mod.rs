//! Server functions, one module per area. Each is a thin adapter over the ports in
//! `switchboard_core::ports`, reached through the `Services` the server puts in context.

pub mod dashboard;
pub mod system;

pub use dashboard::get_dashboard_summary;
pub use system::get_system_health;

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use crate::error::AppError;
    use leptos::prelude::use_context;
    use switchboard_core::ports::Services;

    /// The services the server provided for this request.
    pub fn services() -> Result<Services, AppError> {
        use_context::<Services>().ok_or_else(|| {
            tracing::error!("Services missing from the request context");
            AppError::Internal
        })
    }
}
