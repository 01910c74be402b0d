//! `/api/summary`, `/api/places/{id}`, `/api/path` and `/api/network.{gexf,graphml,geojson,dot}`:
//! the network view (src/network) as JSON and as graph files.
//!
//! Each network is analysed once per store version ([`Views`]): built from the store by
//! SPARQL with the metrics the load stored ([`Analysed::stored`]), never recomputing the
//! all-pairs ones; every request, the first one included, runs as an engine job, bounded by
//! the same deadline and pool as `/sparql`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::error::AppError;
use super::AppState;
use crate::network::export::{self, NetworkFormat};
use crate::network::summary::Analysed;
use crate::network::NetworkName;

type Params = Query<HashMap<String, String>>;

fn view(p: &HashMap<String, String>) -> Result<NetworkName, AppError> {
    match p.get("network") {
        None => Ok(NetworkName::Report),
        Some(n) => NetworkName::from_name(n).ok_or_else(|| {
            AppError::BadRequest(format!("unknown network {n:?}; use report or wikidata"))
        }),
    }
}

type ViewCell = Arc<OnceLock<Result<Arc<Analysed>, String>>>;

/// The analysed networks by `(store version, network)`; entries of older versions are dropped.
#[derive(Default)]
pub struct Views {
    cells: Mutex<Vec<(u64, NetworkName, ViewCell)>>,
}

impl Views {
    /// The analysed `name` network of `store` at `version`, computed once (concurrent
    /// callers wait for the first).
    fn get(
        &self,
        store: &oxigraph::store::Store,
        version: u64,
        name: NetworkName,
    ) -> Result<Arc<Analysed>, AppError> {
        let cell = {
            let mut cells = self.cells.lock().expect("views lock");
            cells.retain(|(v, _, _)| *v == version);
            match cells.iter().find(|(_, n, _)| *n == name) {
                Some((_, _, c)) => c.clone(),
                None => {
                    let c: ViewCell = Arc::new(OnceLock::new());
                    cells.push((version, name, c.clone()));
                    c
                }
            }
        };
        let got = cell
            .get_or_init(|| {
                Analysed::stored(store, name)
                    .map(Arc::new)
                    .map_err(|e| e.to_string())
            })
            .clone();
        if got.is_err() {
            // A failed build (a deadline, say) is not kept: the next request tries again.
            self.cells
                .lock()
                .expect("views lock")
                .retain(|(_, _, c)| !Arc::ptr_eq(c, &cell));
        }
        got.map_err(AppError::internal)
    }
}

/// Runs `f` with the analysed network `name` as an engine job.
async fn with_view<T: Send + 'static>(
    state: &AppState,
    name: NetworkName,
    f: impl FnOnce(&Analysed, &oxigraph::store::Store) -> crate::Result<T> + Send + 'static,
) -> Result<T, AppError> {
    if state.store().deriving() {
        return Err(AppError::NotReady(
            "the network metrics are still being computed after the start (a few seconds); \
             retry shortly (/health says metrics_ready)"
                .into(),
        ));
    }
    let version = state.store().version();
    let views = state.clone();
    state
        .engine()
        .run(move |cx| {
            let view = views.views().get(cx.store(), version, name)?;
            Ok::<_, AppError>(f(&view, cx.store())?)
        })
        .await
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
    let s = with_view(&state, name, move |v, _| Ok(v.summary(top))).await?;
    Ok(Json(s).into_response())
}

/// `GET /api/places/{id}`: an id (`beijing`), a QID (`Q956`) or an IRI.
pub async fn place(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let version = state.store().version();
    let views = state.clone();
    let s = state
        .engine()
        .run(move |cx| {
            let report = views
                .views()
                .get(cx.store(), version, NetworkName::Report)?;
            let view = if report.net.find(&id).is_some() {
                report
            } else {
                views
                    .views()
                    .get(cx.store(), version, NetworkName::Wikidata)?
            };
            Ok::<_, AppError>(view.place(cx.store(), &id)?)
        })
        .await?;
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
    let s = with_view(&state, name, move |v, _| v.path(&from, &to)).await?;
    Ok(Json(s).into_response())
}

/// `GET /api/network.{gexf,graphml,geojson,dot}?network=report|wikidata`.
pub async fn file(
    state: AppState,
    format: NetworkFormat,
    p: HashMap<String, String>,
) -> Result<Response, AppError> {
    let name = view(&p)?;
    let body = with_view(&state, name, move |v, _| Ok(export::write(v, format))).await?;
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
