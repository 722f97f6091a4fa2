//! HTTP routes outside the Leptos pages.

mod health;
pub mod oauth;

pub use health::healthz;
