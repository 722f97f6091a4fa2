//! HTTP routes outside the Leptos pages.

pub mod api_docs;
mod health;
pub mod oauth;

pub use health::healthz;
