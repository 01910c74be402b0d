//! `amity serve --endpoint URL`: the same routes on a remote SPARQL 1.1 store.
//!
//! Read-only queries (`/sparql`, `/queries/NAME`, the resource pages `/id/*`) are sent to the
//! one configured endpoint through [`crate::remote`] (the client of `amity query --endpoint`)
//! and their answers read back and written by the same code as an embedded answer: the same
//! formats, the row cap and its signal, the body cap, the nesting limit (checked before
//! anything is sent), the evaluation pool and the deadline. The request never chooses where
//! the query goes: only to the configured endpoint, only queries (an update, the Graph Store
//! Protocol and `/reload` are refused), and no SERVICE at all (the remote engine would call
//! it). What only the embedded engine has — the text search (`am:search`, `/api/search`), the
//! network view computed locally (`/api/summary`, `/api/places`, `/api/path`,
//! `/api/network.*`, `/api/layout`), the guard and memory budget inside the evaluation — is
//! answered 501 with a sentence saying so ([`embedded_only`]), never faked; `/health` says the
//! store is remote.

use std::sync::Arc;

use crate::remote::Url;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use oxigraph::sparql::QueryResults;

use super::error::AppError;
use super::AppState;
use crate::engine::{self, Output};
use crate::query::{Format, ResultKind};

/// The remote store a server reads instead of its own.
#[derive(Clone)]
pub struct Remote {
    /// The SPARQL 1.1 query endpoint; requests go nowhere else.
    pub endpoint: Url,
    pub client: Arc<crate::remote::Client>,
}

impl std::fmt::Debug for Remote {
    // Never the credentials.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Remote")
            .field("endpoint", &self.shown())
            .finish_non_exhaustive()
    }
}

impl Remote {
    pub fn new(endpoint: Url, client: crate::remote::Client) -> Remote {
        Remote {
            endpoint,
            client: Arc::new(client),
        }
    }

    /// The endpoint as shown in `/health` and messages (no password, no query string).
    pub fn shown(&self) -> String {
        crate::remote::shown(&self.endpoint)
    }

    /// Runs a query there and reads the answer back as amity's own result type.
    pub fn run(
        &self,
        text: &str,
        kind: ResultKind,
        protocol: &[(&str, &str)],
    ) -> Result<QueryResults<'static>, AppError> {
        Ok(crate::remote::run_query_with(
            &self.client,
            &self.endpoint,
            text,
            kind,
            protocol,
        )?)
    }
}

/// Refuses a query naming any SERVICE: the remote engine would make the call, so a request
/// could reach other hosts through it. The text search is said to be missing.
pub fn refuse_services(query: &spargebra::Query) -> Result<(), AppError> {
    let named = engine::services_named(engine::query_pattern(query))?;
    if named.contains(&engine::text::service_iri()) {
        return Err(AppError::NotImplemented(format!(
            "SERVICE <{}> (the text search) exists only in amity's embedded store; this server \
             reads a remote store",
            engine::text::service_iri().as_str()
        )));
    }
    if let Some(iri) = named.first() {
        return Err(AppError::BadRequest(format!(
            "SERVICE <{}> is refused: this server sends queries to its remote store only, and \
             a SERVICE would have that store call another server",
            iri.as_str()
        )));
    }
    Ok(())
}

/// Runs `text` (already parsed as `query`) on the remote store within the engine's pool and
/// deadline, and writes the answer in `format` with the row cap, as an embedded answer is.
pub async fn answer(
    state: &AppState,
    text: String,
    kind: ResultKind,
    format: Format,
    protocol: Vec<(&'static str, String)>,
) -> Result<Output, AppError> {
    let remote = state.remote().cloned().expect("a remote store");
    state
        .engine()
        .run(move |cx| {
            let protocol: Vec<(&str, &str)> =
                protocol.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let results = remote.run(&text, kind, &protocol)?;
            Ok::<_, AppError>(engine::write_output(results, format, cx.bounds().max_rows)?)
        })
        .await
}

/// What a route that needs the embedded store answers on a remote one: 501 and why, or `None`
/// for a route that works on both.
fn embedded_only(path: &str) -> Option<&'static str> {
    let network = "the network view (summaries, places, paths, layouts, graph files) is \
                   computed by amity's embedded store from its own copy of the graph; this \
                   server reads a remote store: ask it by SPARQL at /sparql or /queries";
    if path == "/store" || path.starts_with("/store/") {
        Some(
            "the Graph Store Protocol is not forwarded: this server reads a remote store and \
             writes nothing to it; write to that store directly (amity push)",
        )
    } else if path == "/reload" {
        Some("this server reads a remote store: it has no data of its own to reload")
    } else if path == "/api/search" {
        Some(
            "the text search exists only in amity's embedded store; this server reads a \
             remote store",
        )
    } else if ["/api/summary", "/api/path", "/api/layout"].contains(&path)
        || path.starts_with("/api/places/")
        || path.starts_with("/api/network.")
    {
        Some(network)
    } else {
        None
    }
}

/// The layer `app` puts in front of every route when the store is remote: answers the routes
/// only the embedded store can serve with 501 and a reason.
pub async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if state.remote().is_some() {
        if let Some(why) = embedded_only(req.uri().path()) {
            return AppError::NotImplemented(why.into()).into_response();
        }
    }
    next.run(req).await
}

/// The SPARQL update answer on a remote store.
pub fn no_updates(state: &AppState) -> AppError {
    AppError::NotImplemented(format!(
        "SPARQL Update is not forwarded: this server reads the remote store {} and writes \
         nothing to it; send updates to that store directly",
        state.remote().map(Remote::shown).unwrap_or_default()
    ))
}

#[cfg(test)]
mod tests {
    use super::embedded_only;

    #[test]
    fn the_routes_only_the_embedded_store_serves_are_named() {
        for p in [
            "/store",
            "/store/x",
            "/reload",
            "/api/search",
            "/api/summary",
            "/api/path",
            "/api/layout",
            "/api/places/place/x",
            "/api/network.gexf",
        ] {
            assert!(embedded_only(p).is_some(), "{p}");
        }
        for p in [
            "/sparql",
            "/queries",
            "/queries/x",
            "/health",
            "/",
            "/ui/app.js",
            "/id/place/x",
            "/api/gallery",
            "/storefront",
        ] {
            assert!(embedded_only(p).is_none(), "{p}");
        }
    }
}
