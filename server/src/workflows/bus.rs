//! The in-process event bus: every execution event, once stored, is published here; SSE streams
//! and the dashboard subscribe. Storage comes first, so a subscriber that falls behind (or
//! reconnects) catches up from the database by sequence number.

use std::sync::Arc;
use switchboard_core::execution::ExecutionEvent;
use tokio::sync::broadcast;

/// How many events a slow subscriber may fall behind before it must catch up from storage.
const CAPACITY: usize = 8_192;

#[derive(Clone)]
pub struct EventBus {
    tx: broadcast::Sender<Arc<ExecutionEvent>>,
}

impl Default for EventBus {
    fn default() -> Self {
        Self::new()
    }
}

impl EventBus {
    pub fn new() -> Self {
        let (tx, _) = broadcast::channel(CAPACITY);
        EventBus { tx }
    }

    pub fn publish(&self, event: ExecutionEvent) {
        // No subscriber is fine: the event is stored already.
        let _ = self.tx.send(Arc::new(event));
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<ExecutionEvent>> {
        self.tx.subscribe()
    }
}

impl switchboard_core::ports::EventPublisher for EventBus {
    fn publish(&self, event: ExecutionEvent) {
        EventBus::publish(self, event);
    }
}
