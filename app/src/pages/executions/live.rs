//! Following a run live: an `EventSource` on the run's SSE stream (the browser reconnects by
//! itself and sends `Last-Event-ID`, so nothing is missed), each event applied to the page's signals.

use leptos::prelude::*;
use switchboard_core::execution::{ExecutionEvent, ExecutionStatus, StageRun, StageStatus, events};

/// The page's live state.
#[derive(Clone, Copy)]
pub struct LiveRun {
    pub status: RwSignal<ExecutionStatus>,
    pub stages: RwSignal<Vec<StageRun>>,
    pub timeline: RwSignal<Vec<ExecutionEvent>>,
}

/// Applies one event to the state (the server renders the state it has; only the browser follows).
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub fn apply(run: LiveRun, e: &ExecutionEvent) {
    if run.timeline.with_untracked(|t| t.iter().any(|x| x.seq == e.seq)) {
        return;
    }
    let position = e.data["position"].as_u64().and_then(|p| usize::try_from(p).ok());
    let set_stage = |f: &dyn Fn(&mut StageRun)| {
        if let Some(p) = position {
            run.stages.update(|stages| {
                if let Some(s) = stages.get_mut(p) {
                    f(s);
                }
            });
        }
    };
    match e.kind.as_str() {
        events::EXECUTION_STARTED => run.status.set(ExecutionStatus::Running),
        events::STAGE_STARTED => set_stage(&|s| {
            s.status = StageStatus::Running;
            s.attempt = u32::try_from(e.data["attempt"].as_u64().unwrap_or(1)).unwrap_or(1);
            s.started_at = Some(e.occurred_at);
            s.completed_at = None;
            s.error = None;
        }),
        events::STAGE_COMPLETED => set_stage(&|s| {
            s.status = StageStatus::Completed;
            s.completed_at = Some(e.occurred_at);
            s.output = e.data.get("output").cloned();
        }),
        events::STAGE_RETRYING => set_stage(&|s| {
            s.status = StageStatus::Pending;
            s.error = e.data["error"].as_str().map(str::to_owned);
        }),
        events::STAGE_FAILED => set_stage(&|s| {
            s.status = StageStatus::Failed;
            s.completed_at = Some(e.occurred_at);
            s.error = e.data["error"].as_str().map(str::to_owned);
        }),
        kind if events::is_final(kind) => {
            let status = match kind {
                events::EXECUTION_COMPLETED => ExecutionStatus::Completed,
                events::EXECUTION_FAILED => ExecutionStatus::Failed,
                _ => ExecutionStatus::Cancelled,
            };
            run.status.set(status);
        }
        _ => {}
    }
    run.timeline.update(|t| t.push(e.clone()));
}

/// Opens the stream after `after` and feeds it to `run` until the run ends (browser only).
pub fn follow(id: String, after: i64, run: LiveRun) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        use leptos::wasm_bindgen::closure::Closure;
        let url = format!("/api/v1/executions/{id}/events?after={after}");
        let Ok(source) = web_sys::EventSource::new(&url) else {
            return;
        };
        let handle = source.clone();
        let on_event = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |msg: web_sys::MessageEvent| {
            let Some(text) = msg.data().as_string() else {
                return;
            };
            let Ok(event) = serde_json::from_str::<ExecutionEvent>(&text) else {
                return;
            };
            let last = events::is_final(&event.kind);
            apply(run, &event);
            if last {
                handle.close();
            }
        });
        let kinds = [
            events::EXECUTION_CREATED,
            events::EXECUTION_STARTED,
            events::EXECUTION_COMPLETED,
            events::EXECUTION_FAILED,
            events::EXECUTION_CANCELLED,
            events::STAGE_STARTED,
            events::STAGE_COMPLETED,
            events::STAGE_FAILED,
            events::STAGE_RETRYING,
            events::AGENT_REASONING,
            events::TOOL_CALLED,
        ];
        for kind in kinds {
            let _ = source.add_event_listener_with_callback(kind, on_event.as_ref().unchecked_ref());
        }
        on_event.forget();
        let source = send_wrapper::SendWrapper::new(source);
        on_cleanup(move || source.close());
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (id, after, run);
    }
}

/// Follows every run's start and end on the global stream, bumping `version` each time (browser only).
pub fn follow_runs(version: RwSignal<u32>) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        use leptos::wasm_bindgen::closure::Closure;
        let Ok(source) = web_sys::EventSource::new("/api/v1/events") else {
            return;
        };
        let on_event = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |_: web_sys::MessageEvent| {
            version.update(|v| *v += 1);
        });
        for kind in [
            events::EXECUTION_STARTED,
            events::EXECUTION_COMPLETED,
            events::EXECUTION_FAILED,
            events::EXECUTION_CANCELLED,
        ] {
            let _ = source.add_event_listener_with_callback(kind, on_event.as_ref().unchecked_ref());
        }
        on_event.forget();
        let source = send_wrapper::SendWrapper::new(source);
        on_cleanup(move || source.close());
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = version;
    }
}
