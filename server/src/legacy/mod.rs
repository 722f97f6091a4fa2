//! `switchboard import-json DIR` and `export-json DIR`: moving data from and to the legacy JSON format.

pub(crate) mod batch;
mod export;
mod import;
mod known;
mod report;
mod stream;

pub use export::{ExportReport, export_dir};
pub use import::{ImportError, import_dir};
pub use report::{FileReport, ImportReport};
