//! `amity review DIR`: a local page for reviewing one extraction folder. It shows each
//! sentence with its mentions and candidate facts, takes accept / reject / correct decisions
//! and "accept all in this paragraph", and writes the accepted rows into `data/` (validated;
//! restored on failure).
//!
//! Loopback is not a boundary for a browser: any page the analyst has open may send requests to
//! 127.0.0.1. So every request passes [`Access::check`]: the `Host` must name this listener (no
//! DNS rebinding), an `Origin` that is present must be the page's own, every `/api/*` request
//! carries the per-run secret in the `X-Amity-Token` header (a custom header, so a cross-site
//! write needs a CORS preflight, which this server never grants), and every write is
//! `Content-Type: application/json`. A refused request gets 403 (415 for the wrong type) and
//! changes nothing.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::extract::{DefaultBodyLimit, Path, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;

use crate::extract::review::{Decision, Review};

type Shared = Arc<Mutex<Review>>;

fn bad(status: StatusCode, msg: impl Into<String>) -> Response {
    (status, Json(json!({ "error": msg.into() }))).into_response()
}

/// The header every `/api/*` request carries the per-run secret in.
pub const TOKEN_HEADER: &str = "x-amity-token";

/// Who may talk to the review page: the per-run secret and the port it listens on.
#[derive(Clone)]
pub struct Access {
    token: Arc<str>,
    port: u16,
}

impl Access {
    /// A fresh secret (128 random bits from the operating system, as hex) for a listener on `port`.
    pub fn new(port: u16) -> std::io::Result<Access> {
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes).map_err(|e| {
            std::io::Error::other(format!("no random secret for the review page: {e}"))
        })?;
        let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        Ok(Access::with_token(port, &token))
    }

    /// A given secret (tests; an operator's own).
    pub fn with_token(port: u16, token: &str) -> Access {
        Access {
            token: token.into(),
            port,
        }
    }

    pub fn token(&self) -> &str {
        &self.token
    }

    /// The URL to open: the page with its secret, which the page keeps and removes from the
    /// address bar.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/?token={}", self.port, self.token)
    }

    fn own_host(&self, host: &str) -> bool {
        let p = self.port;
        [
            format!("127.0.0.1:{p}"),
            format!("localhost:{p}"),
            format!("[::1]:{p}"),
        ]
        .iter()
        .any(|h| h.eq_ignore_ascii_case(host))
    }

    /// Why a request is refused, or `None` when it may go on.
    pub fn check(
        &self,
        method: &Method,
        path: &str,
        headers: &HeaderMap,
    ) -> Option<(StatusCode, String)> {
        let text =
            |name: header::HeaderName| headers.get(name).map(|v| v.to_str().unwrap_or("\u{fffd}"));
        let forbidden = |m: String| Some((StatusCode::FORBIDDEN, m));
        match text(header::HOST) {
            Some(h) if self.own_host(h) => {}
            Some(h) => {
                return forbidden(format!(
                "Host {h:?} is not this review page (127.0.0.1:{p}, localhost:{p} or [::1]:{p}); \
                     a page reached by another name is refused (DNS rebinding)",
                p = self.port
            ))
            }
            None => return forbidden("a request without a Host header is refused".into()),
        }
        if let Some(o) = text(header::ORIGIN) {
            let own = o
                .strip_prefix("http://")
                .is_some_and(|rest| self.own_host(rest));
            if !own {
                return forbidden(format!(
                    "Origin {o:?} is not this review page: another site cannot read or write here"
                ));
            }
        }
        if headers
            .get("sec-fetch-site")
            .is_some_and(|v| v.as_bytes() == b"cross-site")
        {
            return forbidden(
                "a cross-site request (Sec-Fetch-Site: cross-site) is refused".into(),
            );
        }
        if method == Method::OPTIONS {
            return forbidden("this page grants no cross-origin requests (no CORS)".into());
        }
        if !path.starts_with("/api/") {
            return None;
        }
        match headers.get(TOKEN_HEADER) {
            Some(t) if super::params::constant_time_eq(t.as_bytes(), self.token.as_bytes()) => {}
            Some(_) => {
                return forbidden(format!(
                    "the {TOKEN_HEADER} header is not this run's secret: open the URL `amity review` printed"
                ))
            }
            None => {
                return forbidden(format!(
                    "{path} needs this run's secret in the {TOKEN_HEADER} header: open the URL `amity review` printed"
                ))
            }
        }
        if method != Method::GET && method != Method::HEAD {
            let ct = text(header::CONTENT_TYPE).unwrap_or("");
            let essence = ct.split(';').next().unwrap_or("").trim();
            if !essence.eq_ignore_ascii_case("application/json") {
                return Some((
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    format!("a write must be Content-Type: application/json (got {ct:?})"),
                ));
            }
        }
        None
    }
}

async fn guard(State(access): State<Access>, req: Request, next: Next) -> Response {
    if let Some((status, msg)) = access.check(req.method(), req.uri().path(), req.headers()) {
        tracing::warn!(method = %req.method(), path = req.uri().path(), %status, "review page refused: {msg}");
        return bad(status, msg);
    }
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    // The page's URL holds the secret until the page removes it: never send it on.
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
        ),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
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

/// The review router over one open folder, behind the access checks.
pub fn app(review: Review, access: Access) -> Router {
    let shared: Shared = Arc::new(Mutex::new(review));
    Router::new()
        .route("/", get(|| async { asset("review.html") }))
        .route("/review.js", get(|| async { asset("review.js") }))
        .route("/style.css", get(|| async { asset("style.css") }))
        .route("/icon.svg", get(|| async { asset("icon.svg") }))
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
            "/api/kinds/{kind}/accept",
            post(
                |State(s): State<Shared>,
                 Path(kind): Path<String>,
                 axum::extract::RawQuery(q): axum::extract::RawQuery| async move {
                    // ?min=0.8: only facts at least that confident.
                    let min = match q.as_deref().and_then(|q| q.strip_prefix("min=")) {
                        None => 0.0,
                        Some(v) => match v.parse::<f64>() {
                            Ok(m) if (0.0..=1.0).contains(&m) => m,
                            _ => {
                                return bad(
                                    StatusCode::BAD_REQUEST,
                                    format!("min={v:?}: expected a confidence from 0 to 1"),
                                )
                            }
                        },
                    };
                    let mut r = s.lock().unwrap_or_else(|p| p.into_inner());
                    match r.accept_kind(&kind, min) {
                        Ok(_) => Json(state_json(&r)).into_response(),
                        Err(m) => bad(StatusCode::BAD_REQUEST, m),
                    }
                },
            ),
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
        .layer(axum::middleware::from_fn_with_state(access, guard))
}

/// Serves the review page on `listener` (which must be on a loopback address) until
/// `shutdown`, admitting only requests that pass `access` (made for the listener's port).
pub async fn serve(
    listener: tokio::net::TcpListener,
    review: Review,
    access: Access,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let addr: SocketAddr = listener.local_addr()?;
    if !addr.ip().is_loopback() {
        return Err(std::io::Error::other(format!(
            "{addr} is not a loopback address: the review page writes into data/, so it listens on 127.0.0.1 only"
        )));
    }
    if access.port != addr.port() {
        return Err(std::io::Error::other(format!(
            "the review page's access was made for port {}, but it listens on {addr}",
            access.port
        )));
    }
    axum::serve(listener, app(review, access))
        .with_graceful_shutdown(shutdown)
        .await
}
