//! The browser UI's routes ([`crate::ui`] supplies the assets and the page data):
//! - `/`, `/query`, `/network`, `/map`, `/timeline`, `/reports`, `/report/{id}`, `/search`, `/wd/{qid}`:
//!   the app shell; the page's own router (`ui/app.js`) draws the page, fetching data by SPARQL
//!   from `/sparql` and from the JSON routes.
//! - `/ui/{file}`: the embedded assets, with their content type, an `ETag` and
//!   `Cache-Control: no-cache` (revalidated, answered `304` when unchanged).
//! - `/id/{kind}/{id}`: a resource of the graph (`https://w3id.org/amity/id/{kind}/{id}`), by
//!   content negotiation ([`negotiate::choose_resource`]): HTML (the app shell, which draws the
//!   resource page) or the resource's description in an RDF format; `404` for a resource the
//!   graph does not have.
//! - `/api/gallery`: the stored questions with their text (the gallery `/queries` serves).
//! - `/api/layout?seed=N`: the merged network laid out, computed once per store version and
//!   seed (the default seed's in the background as soon as a page of the UI is asked for).
//!
//! Every store read here is an engine job: bounded by the same deadline and pool as `/sparql`.

use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use super::error::AppError;
use super::negotiate::{self, Representation};
use super::{params, AppState};
use crate::ui;

fn asset_response(asset: &ui::Asset, etag: &str, headers: &HeaderMap) -> Response {
    let mut builder = Response::builder()
        .header(header::ETAG, etag)
        .header(header::CACHE_CONTROL, "no-cache");
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    if matches {
        builder = builder.status(StatusCode::NOT_MODIFIED);
        return builder.body(Body::empty()).expect("valid response");
    }
    builder
        .header(header::CONTENT_TYPE, asset.content_type)
        .body(Body::from(asset.body))
        .expect("valid response")
}

/// Starts computing the default layout in the background unless it is cached or underway.
/// This precompute (once per store version, like the statistics count) runs on its own
/// thread, outside the evaluation pool, so a page view never holds a slot for it; a request
/// that wants the layout meanwhile waits for it within its deadline ([`layout`]).
fn warm(state: &AppState) {
    if state.remote().is_some() {
        // No network view on a remote store (/api/layout answers 501).
        return;
    }
    let version = state.store().version();
    if state.layouts().known(version, ui::DEFAULT_SEED) {
        return;
    }
    let (store, layouts) = (state.store().store(), state.layouts().clone());
    let spawned = std::thread::Builder::new()
        .name("amity-layout".into())
        .spawn(move || {
            if let Err(e) = layouts.get(&store, version, ui::DEFAULT_SEED) {
                tracing::error!("network layout failed: {e}");
            }
        });
    if let Err(e) = spawned {
        tracing::warn!("could not start the layout thread: {e}");
    }
}

/// The app shell: every page of the UI starts from it.
pub async fn shell(State(state): State<AppState>, headers: HeaderMap) -> Response {
    warm(&state);
    let (asset, etag) = ui::asset("index.html").expect("index.html embedded");
    asset_response(asset, etag, &headers)
}

/// The app shell as a `404`: its router draws the "no such page" page under the navigation.
pub fn not_found_page() -> Response {
    let (asset, _) = ui::asset("index.html").expect("index.html embedded");
    Response::builder()
        .status(StatusCode::NOT_FOUND)
        .header(header::CONTENT_TYPE, asset.content_type)
        .header(header::CACHE_CONTROL, "no-cache")
        .body(Body::from(asset.body))
        .expect("valid response")
}

/// `GET /ui/{*path}`.
pub async fn asset(Path(path): Path<String>, headers: HeaderMap) -> Result<Response, AppError> {
    let (asset, etag) =
        ui::asset(&path).ok_or_else(|| AppError::NotFound(format!("no UI file {path:?}")))?;
    Ok(asset_response(asset, etag, &headers))
}

/// `GET /api/gallery`: the stored questions, with their SPARQL text.
pub async fn gallery(State(state): State<AppState>) -> Response {
    let items = super::queries::listing(&state, |e, v| {
        v["text"] = e.meta.text.clone().into();
    });
    axum::Json(serde_json::json!({ "queries": items })).into_response()
}

/// `GET /api/layout?seed=N`.
pub async fn layout(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let p = params::parse_form(raw.unwrap_or_default().as_bytes())?;
    let seed = match params::single(&p, "seed")? {
        None => ui::DEFAULT_SEED,
        Some(s) => s.parse::<u64>().map_err(|_| {
            AppError::BadRequest(format!("seed={s:?}: expected a non-negative integer"))
        })?,
    };
    let version = state.store().version();
    let layouts = state.layouts().clone();
    // A layout the background warm-up is computing is waited for without a slot, within the
    // deadline; one nobody computes is computed as an engine job.
    let deadline = tokio::time::Instant::now() + state.config().timeout;
    let body = loop {
        match layouts.peek(version, seed) {
            Ok(done) => break done.map_err(AppError::internal)?,
            Err(true) if tokio::time::Instant::now() < deadline => {
                tokio::time::sleep(std::time::Duration::from_millis(25)).await;
            }
            Err(true) => return Err(AppError::Deadline(state.config().timeout)),
            Err(false) => {
                break state
                    .engine()
                    .run(move |cx| {
                        layouts
                            .get(cx.store(), version, seed)
                            .map_err(AppError::internal)
                    })
                    .await?
            }
        }
    };
    let etag = format!("\"{:016x}-{seed}\"", ui::fnv1a(&body));
    if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        == Some(etag.as_str())
    {
        return Ok(Response::builder()
            .status(StatusCode::NOT_MODIFIED)
            .header(header::ETAG, etag)
            .body(Body::empty())
            .expect("valid response"));
    }
    Ok(Response::builder()
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::CACHE_CONTROL, "no-cache")
        .header(header::ETAG, etag)
        .body(Body::from(body.as_ref().clone()))
        .expect("valid response"))
}

/// `GET /id/{kind}/{id}`: see the module documentation.
pub async fn resource(
    State(state): State<AppState>,
    Path((kind, id)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let p = params::parse_form(raw.unwrap_or_default().as_bytes())?;
    let rep = negotiate::choose_resource(
        &p,
        headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()),
    )?;
    let vary = (header::VARY, HeaderValue::from_static("Accept"));
    let iri = crate::vocab::resource(&kind, &id);
    if let Some(remote) = state.remote().cloned() {
        return remote_resource(state, remote, rep, kind, id, headers).await;
    }
    match rep {
        Representation::Html => {
            let (k, i) = (kind.clone(), id.clone());
            let found = state
                .engine()
                .run(move |cx| {
                    let iri = crate::vocab::resource(&k, &i);
                    Ok::<_, AppError>(
                        ui::valid_segment(&k)
                            && ui::valid_segment(&i)
                            && ui::exists(cx.store(), &iri)?,
                    )
                })
                .await?;
            let mut r = shell(State(state), headers).await;
            if !found {
                *r.status_mut() = StatusCode::NOT_FOUND;
            }
            r.headers_mut().insert(vary.0, vary.1);
            Ok(r)
        }
        Representation::Rdf(format) => {
            let body = state
                .engine()
                .run(move |cx| Ok::<_, AppError>(ui::resource_rdf(cx.store(), &kind, &id, format)?))
                .await?;
            rdf_response(body, format.media_type(), &iri)
        }
    }
}

/// `GET /id/{kind}/{id}` on a remote store: the same two queries the embedded store runs
/// (whether the resource exists, then its description), sent there.
/// A resource's RDF (from the embedded store or a remote one) in `media_type`, varying on
/// Accept; 404 when the graph says nothing about `iri`.
fn rdf_response<B: axum::response::IntoResponse>(
    body: Option<B>,
    media_type: &'static str,
    iri: &str,
) -> Result<Response, AppError> {
    let body =
        body.ok_or_else(|| AppError::NotFound(format!("the graph has nothing about <{iri}>")))?;
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(media_type)),
            (header::VARY, HeaderValue::from_static("Accept")),
        ],
        body,
    )
        .into_response())
}

async fn remote_resource(
    state: AppState,
    remote: super::Remote,
    rep: Representation,
    kind: String,
    id: String,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    use crate::query::ResultKind;
    use oxigraph::sparql::QueryResults;
    let vary = (header::VARY, HeaderValue::from_static("Accept"));
    let iri = crate::vocab::resource(&kind, &id);
    let valid = ui::valid_segment(&kind) && ui::valid_segment(&id);
    let (k, ask) = (kind.clone(), iri.clone());
    let body = state
        .engine()
        .run(move |_| {
            if !valid {
                return Ok::<_, AppError>(None);
            }
            let found = matches!(
                remote.run(&ui::exists_query(&ask), ResultKind::Boolean, &[])?,
                QueryResults::Boolean(true)
            );
            match rep {
                _ if !found => Ok(None),
                Representation::Html => Ok(Some(Vec::new())),
                Representation::Rdf(format) => {
                    let mut triples = Vec::new();
                    if let QueryResults::Graph(ts) =
                        remote.run(&ui::describe_query(&ask), ResultKind::Graph, &[])?
                    {
                        for t in ts {
                            triples.push(t.map_err(|e| AppError::BadGateway(e.to_string()))?);
                        }
                    }
                    Ok(Some(ui::write_resource(&k, triples, format)?))
                }
            }
        })
        .await?;
    match rep {
        Representation::Html => {
            let mut r = shell(State(state), headers).await;
            if body.is_none() {
                *r.status_mut() = StatusCode::NOT_FOUND;
            }
            r.headers_mut().insert(vary.0, vary.1);
            Ok(r)
        }
        Representation::Rdf(format) => rdf_response(body, format.media_type(), &iri),
    }
}
