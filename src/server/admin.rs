//! `/health`, `/reload` and the 404 fallback.

use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::error::AppError;
use super::params::require_token;
use super::AppState;

/// `GET /health`: whether a store is loaded, its size, uptime and load.
pub async fn health(State(state): State<AppState>) -> Response {
    if let Some(remote) = state.remote() {
        // Nothing is said about the remote store's contents: amity does not hold them.
        return Json(serde_json::json!({
            "status": "ok",
            "store": "remote",
            "endpoint": remote.shown(),
            "store_loaded": false,
            "triples": null,
            "graphs": null,
            "uptime_seconds": state.inner.started.elapsed().as_secs(),
            "evaluations_running": state.in_flight(),
            "max_concurrent": state.config().max_concurrent,
            "read_only": true,
            "stored_queries": state.gallery().entries.len(),
            "metrics_ready": false,
            "result_cache": null,
            // What only the embedded store has, answered 501 here.
            "unavailable": [
                "SPARQL Update, the Graph Store Protocol (/store) and /reload",
                "the text search (SERVICE am:search, /api/search)",
                "the network view (/api/summary, /api/places, /api/path, /api/network.*, /api/layout)",
                "SERVICE calls of any kind",
                "amity's evaluation guard and memory budget (the remote store applies its own limits)",
            ],
        }))
        .into_response();
    }
    let stats = state.stats();
    Json(serde_json::json!({
        "status": "ok",
        "store": "embedded",
        "store_loaded": true,
        // null until the background count finishes; `stats_current` is false while a
        // recount after a change is running.
        "triples": stats.as_ref().map(|s| s.triples),
        "graphs": stats.as_ref().map(|s| s.graphs.len()),
        "stats_current": state.stats_current(),
        "uptime_seconds": state.inner.started.elapsed().as_secs(),
        "evaluations_running": state.in_flight(),
        "max_concurrent": state.config().max_concurrent,
        "read_only": state.config().update_token.is_none(),
        "stored_queries": state.gallery().entries.len(),
        // When the store was first written (SPARQL Update, Graph Store) after its load: the
        // metrics graph may not match the data from then on. null while it does.
        "metrics_stale_since": state.store().stale_since().map(crate::clock::utc),
        "metrics_ready": !state.store().deriving(),
        // Answers of /queries/NAME kept for the store's current version.
        "result_cache": state.results().report(),
    }))
    .into_response()
}

/// `POST /reload` (update token required): rebuilds the store from `data/` and the `--with`
/// folders and swaps it in; on failure the previous data keeps serving and the errors are
/// returned.
pub async fn reload(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    require_token(&state, &headers, "reload")?;
    let worker = state.clone();
    let summary = tokio::task::spawn_blocking(move || {
        let config = worker.config();
        let summary = worker.store().reload_dirs(
            &config.data_dir,
            &config.extra_data_dirs,
            &mut |_, _, _| {},
        )?;
        worker.refresh_stats();
        worker.reload_gallery();
        Ok::<_, crate::Error>(summary)
    })
    .await
    .map_err(|e| AppError::internal(e.to_string()))?;
    match summary {
        Ok(s) => {
            tracing::info!(rows = s.rows, quads = s.quads, "reloaded data");
            Ok(Json(serde_json::json!({
                "reloaded": true,
                "rows": s.rows,
                "quads": s.quads,
                "milliseconds": s.duration.as_millis() as u64,
            }))
            .into_response())
        }
        Err(e) => {
            let e = AppError::from(e);
            Err(match e {
                AppError::InvalidData(m) => AppError::InvalidData(format!(
                    "reload refused, the previous data keeps serving: {m}"
                )),
                other => other,
            })
        }
    }
}

pub async fn not_found(uri: Uri, headers: HeaderMap) -> Response {
    // A browser asking for a page gets the UI's 404 page, with the navigation; API clients get
    // the one-line answer.
    let browser = headers
        .get(axum::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    if browser {
        return super::ui::not_found_page();
    }
    AppError::NotFound(format!(
        "nothing at {}; try /sparql, /queries, /health",
        uri.path()
    ))
    .into_response()
}
