//! A server-sent event stream for as long as the component that opened it lives.

/// Opens an `EventSource` on `url` and calls `on_event(type, data)` for each event of the given
/// types; `on_event` answers `true` to close the stream (a run that ended). The stream is closed
/// and its listener dropped when the calling component goes. The browser reconnects by itself
/// (sending `Last-Event-ID`), so nothing is missed. Does nothing on the server.
pub fn use_event_source(
    url: String,
    kinds: &'static [&'static str],
    on_event: impl FnMut(&str, String) -> bool + 'static,
) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::prelude::on_cleanup;
        use leptos::wasm_bindgen::JsCast;
        use leptos::wasm_bindgen::closure::Closure;
        let Ok(source) = web_sys::EventSource::new(&url) else {
            return;
        };
        let handle = source.clone();
        let mut on_event = on_event;
        let listener = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |msg: web_sys::MessageEvent| {
            let Some(data) = msg.data().as_string() else {
                return;
            };
            if on_event(&msg.type_(), data) {
                handle.close();
            }
        });
        for kind in kinds {
            let _ = source.add_event_listener_with_callback(kind, listener.as_ref().unchecked_ref());
        }
        // The listener lives exactly as long as the stream: both go when the component does.
        let held = send_wrapper::SendWrapper::new((source, listener));
        on_cleanup(move || {
            let (source, listener) = held.take();
            source.close();
            for kind in kinds {
                let _ = source.remove_event_listener_with_callback(kind, listener.as_ref().unchecked_ref());
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (url, kinds, on_event);
    }
}
