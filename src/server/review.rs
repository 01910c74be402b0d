//! `amity review DIR`: a local page for reviewing one extraction folder. It shows each
//! sentence with its mentions and candidate facts, takes accept / reject / correct decisions
//! and "accept all in this paragraph", and writes the accepted rows into `data/` (validated;
//! restored on failure). It listens on loopback only: it writes files and has no token.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;

use crate::extract::review::{Decision, Review};

type Shared = Arc<Mutex<Review>>;

fn bad(status: StatusCode, msg: impl Into<String>) -> Response {
    (status, Json(json!({ "error": msg.into() }))).into_response()
}

fn asset(path: &str) -> Response {
    match crate::ui::asset(path) {
        Some((a, _)) => ([(header::CONTENT_TYPE, a.content_type)], a.body).into_response(),
        None => bad(StatusCode::NOT_FOUND, format!("no asset {path}")),
    }
}

fn state_json(r: &Review) -> serde_json::Value {
    let x = &r.extraction;
    let facts: Vec<serde_json::Value> = x
        .facts
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let d = r.decisions.facts.get(&i).cloned().unwrap_or_default();
            json!({
                "index": i,
                "fact": f,
                "decision": if d.status.is_empty() { Decision { status: "pending".into(), ..d } } else { d },
            })
        })
        .collect();
    json!({
        "header": x.header,
        "data": r.data.display().to_string(),
        "passages": x.passages,
        "mentions": x.mentions,
        "facts": facts,
        "kinds": crate::extract::rules::KINDS,
    })
}

/// The review router over one open folder.
pub fn app(review: Review) -> Router {
    let shared: Shared = Arc::new(Mutex::new(review));
    Router::new()
        .route("/", get(|| async { asset("review.html") }))
        .route("/review.js", get(|| async { asset("review.js") }))
        .route("/style.css", get(|| async { asset("style.css") }))
        .route(
            "/api/review",
            get(|State(s): State<Shared>| async move {
                let r = s.lock().unwrap_or_else(|p| p.into_inner());
                Json(state_json(&r)).into_response()
            }),
        )
        .route(
            "/api/facts/{n}",
            post(
                |State(s): State<Shared>, Path(n): Path<String>, body: axum::body::Bytes| async move {
                    let Ok(n) = n.parse::<usize>() else {
                        return bad(StatusCode::BAD_REQUEST, format!("fact {n:?}: expected its number"));
                    };
                    let d: Decision = match serde_json::from_slice(&body) {
                        Ok(d) => d,
                        Err(e) => {
                            return bad(
                                StatusCode::BAD_REQUEST,
                                format!("the body must be JSON {{\"status\": \"accepted\"|\"rejected\"|\"pending\", \"kind\"?, \"counterparts\"?, \"year\"?}}: {e}"),
                            )
                        }
                    };
                    let mut r = s.lock().unwrap_or_else(|p| p.into_inner());
                    match r.decide(n, d) {
                        Ok(()) => Json(state_json(&r)).into_response(),
                        Err(m) => bad(StatusCode::BAD_REQUEST, m),
                    }
                },
            ),
        )
        .route(
            "/api/paragraphs/{p}/accept",
            post(|State(s): State<Shared>, Path(p): Path<String>| async move {
                let Ok(p) = p.parse::<usize>() else {
                    return bad(StatusCode::BAD_REQUEST, format!("paragraph {p:?}: expected its number"));
                };
                let mut r = s.lock().unwrap_or_else(|p| p.into_inner());
                match r.accept_paragraph(p) {
                    Ok(_) => Json(state_json(&r)).into_response(),
                    Err(m) => bad(StatusCode::BAD_REQUEST, m),
                }
            }),
        )
        .route(
            "/api/commit",
            post(|State(s): State<Shared>| async move {
                // One analyst, one local page: the commit (a few CSV appends and one
                // validation, about a second) runs on this worker, not on the blocking pool.
                let r = s.lock().unwrap_or_else(|p| p.into_inner());
                match r.commit() {
                    Ok(added) => {
                        let added: Vec<_> = added
                            .into_iter()
                            .map(|(f, n)| json!({"file": f, "rows": n}))
                            .collect();
                        Json(json!({"written": added, "valid": true})).into_response()
                    }
                    Err(e) => bad(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()),
                }
            }),
        )
        .layer(DefaultBodyLimit::max(64 * 1024))
        .with_state(shared)
}

/// Serves the review page on `addr` (which must be a loopback address) until Ctrl-C.
pub async fn serve(
    listener: tokio::net::TcpListener,
    review: Review,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let addr: SocketAddr = listener.local_addr()?;
    if !addr.ip().is_loopback() {
        return Err(std::io::Error::other(format!(
            "{addr} is not a loopback address: the review page writes into data/ and has no token, so it listens on 127.0.0.1 only"
        )));
    }
    axum::serve(listener, app(review))
        .with_graceful_shutdown(shutdown)
        .await
}
