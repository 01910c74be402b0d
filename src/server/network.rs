//! `/api/summary`, `/api/places/{id}`, `/api/path` and `/api/network.{gexf,graphml,geojson,dot}`:
//! the network view (src/network) as JSON and as graph files. Each request builds the view
//! from the live store on a blocking thread (the report network takes milliseconds; the
//! Wikidata network's all-pairs metrics take seconds).

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::error::AppError;
use super::AppState;
use crate::network::export::{self, NetworkFormat};
use crate::network::{summary, NetworkName};

type Params = Query<HashMap<String, String>>;

fn view(p: &HashMap<String, String>) -> Result<NetworkName, AppError> {
    match p.get("network") {
        None => Ok(NetworkName::Report),
        Some(n) => NetworkName::from_name(n).ok_or_else(|| {
            AppError::BadRequest(format!("unknown network {n:?}; use report or wikidata"))
        }),
    }
}

/// Runs `f` on the live store on a blocking thread; "no node" errors become 404.
async fn blocking<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&oxigraph::store::Store) -> crate::Result<T> + Send + 'static,
) -> Result<T, AppError> {
    let store = state.store().store();
    tokio::task::spawn_blocking(move || f(&store))
        .await
        .map_err(|e| AppError::internal(format!("network task failed: {e}")))?
        .map_err(|e| match e {
            crate::Error::Usage(m) if m.starts_with("no node") => AppError::NotFound(m),
            other => other.into(),
        })
}

/// `GET /api/summary?network=report|wikidata&top=N`.
pub async fn summary(
    State(state): State<AppState>,
    Query(p): Params,
) -> Result<Response, AppError> {
    let name = view(&p)?;
    let top = match p.get("top") {
        None => 10,
        Some(t) => t
            .parse::<usize>()
            .ok()
            .filter(|&t| t <= 1000)
            .ok_or_else(|| AppError::BadRequest(format!("top={t:?}: expected 0..=1000")))?,
    };
    let s = blocking(&state, move |st| summary::network_summary(st, name, top)).await?;
    Ok(Json(s).into_response())
}

/// `GET /api/places/{id}`: an id (`beijing`), a QID (`Q956`) or an IRI.
pub async fn place(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let s = blocking(&state, move |st| summary::place_summary(st, &id)).await?;
    Ok(Json(s).into_response())
}

/// `GET /api/path?from=…&to=…&network=report|wikidata`.
pub async fn path(State(state): State<AppState>, Query(p): Params) -> Result<Response, AppError> {
    let name = view(&p)?;
    let get = |k: &str| {
        p.get(k)
            .cloned()
            .ok_or_else(|| AppError::BadRequest(format!("missing parameter {k}")))
    };
    let (from, to) = (get("from")?, get("to")?);
    let s = blocking(&state, move |st| summary::path(st, name, &from, &to)).await?;
    Ok(Json(s).into_response())
}

/// `GET /api/network.{gexf,graphml,geojson,dot}?network=report|wikidata`.
pub async fn file(
    state: AppState,
    format: NetworkFormat,
    p: HashMap<String, String>,
) -> Result<Response, AppError> {
    let name = view(&p)?;
    let body = blocking(&state, move |st| export::export(st, name, format)).await?;
    Ok((
        [
            (header::CONTENT_TYPE, format.media_type().to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "inline; filename=\"amity-{}.{}\"",
                    name.as_str(),
                    format.extension()
                ),
            ),
        ],
        body,
    )
        .into_response())
}
