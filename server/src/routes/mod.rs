//! HTTP routes outside the Leptos pages.

mod health;

pub use health::healthz;
