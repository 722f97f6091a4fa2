//! `GET /api/v1/analytics/export?format=csv|json|powerbi`: the campaign-days of a report window.
//! The analytics service builds the file; it is written on a blocking thread and streamed as it is
//! written.

use super::ApiError;
use super::analytics::report_query;
use super::extract::Params;
use crate::state::AppState;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use switchboard_core::analytics::export::ExportFormat;
use tokio::sync::mpsc;

/// Bytes are handed to the response in pieces of about this size.
const CHUNK: usize = 64 * 1024;

/// Every campaign's daily rows for the window, streamed: CSV, JSON, or a Power BI zip (the rows
/// as CSV with a model description).
#[utoipa::path(get, path = "/analytics/export", tag = "analytics",
    params(
        super::analytics::ReportParams,
        ("format" = Option<String>, Query, pattern = "^(csv|json|powerbi|power-bi|pbi)$", description = "`csv` by default."),
    ),
    responses(
        (status = 200, description = "The rows, as an attachment.",
            content((String = "text/csv"), (Object = "application/json"), (String = "application/zip"))),
        (status = 404, description = "No such project.", body = super::ErrorEnvelope),
    ),
)]
pub async fn export(State(state): State<AppState>, params: Params) -> Result<Response, ApiError> {
    let format = params
        .get("format", |s| match s.to_ascii_lowercase().as_str() {
            "csv" => Ok(ExportFormat::Csv),
            "json" => Ok(ExportFormat::Json),
            "powerbi" | "power-bi" | "pbi" => Ok(ExportFormat::PowerBi),
            _ => Err("expected csv, json or powerbi"),
        })?
        .unwrap_or(ExportFormat::Csv);
    let query = report_query(&params)?;
    let file = state.services.analytics.export(&query, format).await?;
    let (tx, rx) = mpsc::channel::<Result<Bytes, std::io::Error>>(8);
    let write = file.write;
    tokio::task::spawn_blocking(move || {
        let mut out = Sink {
            tx,
            buf: Vec::with_capacity(CHUNK * 2),
        };
        match write(&mut out) {
            Ok(()) => out.flush_all(),
            Err(e) => {
                tracing::error!(error = %e, "an export failed part-way");
                let _ = out.tx.blocking_send(Err(std::io::Error::other("export failed")));
            }
        }
    });
    // Fused: the compression layer polls once more after the end, which `unfold` alone panics on.
    let stream =
        futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|c| (c, rx)) }).fuse();
    Ok((
        [
            (header::CONTENT_TYPE, file.content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", file.file_name),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}

/// Bytes going out to the client in pieces; writing fails (quietly) when the client has gone.
struct Sink {
    tx: mpsc::Sender<Result<Bytes, std::io::Error>>,
    buf: Vec<u8>,
}

impl Sink {
    fn send(&mut self) -> std::io::Result<()> {
        let piece = std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK * 2));
        self.tx
            .blocking_send(Ok(Bytes::from(piece)))
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "the client went away"))
    }

    fn flush_all(mut self) {
        if !self.buf.is_empty() {
            let _ = self.send();
        }
    }
}

impl std::io::Write for Sink {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(bytes);
        if self.buf.len() >= CHUNK {
            self.send()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() { Ok(()) } else { self.send() }
    }
}
