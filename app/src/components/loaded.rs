//! A server function's answer in place: a fallback while it loads, the error panel if it failed,
//! the content once it is there.

use super::ErrorPanel;
use crate::error::AppError;
use leptos::either::Either;
use leptos::prelude::*;
use std::sync::Arc;

/// Waits for `resource` and renders its value with `children` (`let:` names the value), or an
/// [`ErrorPanel`] (which also gives the page its HTTP status when rendered on the server).
///
/// ```ignore
/// <Loaded resource=detail let:d>
///     <ProjectView detail=d />
/// </Loaded>
/// ```
#[component]
pub fn Loaded<T, F, V>(
    /// What is loading.
    resource: Resource<Result<T, AppError>>,
    /// Shown until the first answer; a skeleton panel by default.
    #[prop(optional, into)]
    fallback: Option<ViewFnOnce>,
    /// Show the fallback again whenever the resource reloads (a `Suspense`), instead of keeping
    /// the last content in place until the next answer (a `Transition`, the default).
    #[prop(optional)]
    suspense: bool,
    /// Renders the loaded value.
    children: F,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    F: Fn(T) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let fallback =
        fallback.unwrap_or_else(|| ViewFnOnce::from(|| view! { <div class="panel glass skeleton"></div> }));
    let render = Arc::new(children);
    let content = move || {
        let render = Arc::clone(&render);
        Suspend::new(async move {
            match resource.await {
                Err(e) => view! { <ErrorPanel error=e /> }.into_any(),
                Ok(value) => render(value).into_any(),
            }
        })
    };
    if suspense {
        Either::Left(view! { <Suspense fallback=fallback>{content}</Suspense> })
    } else {
        Either::Right(view! { <Transition fallback=fallback>{content}</Transition> })
    }
}
