mod agents_panel;
mod forms;
mod learning_page;
mod memory_browser_page;
mod memory_card;
mod record_form;
mod words;

pub use learning_page::LearningPage;
pub use memory_browser_page::MemoryBrowserPage;
