//! The one error type of the HTTP layer.
//!
//! A caller's mistake gets its real status and a message saying what to change. An internal
//! failure gets a generic message with an incident number; the detail goes to the log only.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::engine::EvalError;

/// Everything a request can fail with.
#[derive(Debug)]
pub enum AppError {
    /// 400: the request is malformed (syntax error, bad parameter, duplicated `query`...).
    BadRequest(String),
    /// 403: a write without the update token.
    Forbidden(String),
    /// 404: no such resource.
    NotFound(String),
    /// 405: wrong method; the value lists the allowed ones.
    MethodNotAllowed {
        allow: &'static str,
        message: String,
    },
    /// 406: none of the accepted media types can carry this result.
    NotAcceptable(String),
    /// 408: the request body did not arrive in time.
    BodyTimeout(Duration),
    /// 413: the request body is over the cap.
    PayloadTooLarge(usize),
    /// 415: a POST whose content type is not one the protocol defines.
    UnsupportedMediaType(String),
    /// 422: a reload found errors in `data/` (the old data keeps serving).
    InvalidData(String),
    /// 502: an allowlisted SERVICE could not be answered, or the remote store (`serve
    /// --endpoint`) refused or could not be reached.
    BadGateway(String),
    /// 503: the evaluation passed its deadline and was stopped.
    Deadline(Duration),
    /// 503: the evaluation held more working memory than its budget (bytes) and was stopped.
    OverMemory(u64),
    /// 503 with `Retry-After`: every evaluation slot stayed busy for the whole queue wait.
    Busy { retry_after: Duration },
    /// 503 with `Retry-After`: what was asked needs something still being made at start-up
    /// (the network metrics); the value says what.
    NotReady(String),
    /// 501: what was asked exists only in the embedded store, and this server reads a remote
    /// one (`serve --endpoint`); the value says what and why.
    NotImplemented(String),
    /// 500: a bug or a storage failure; the detail is logged, not sent.
    Internal(String),
}

static INCIDENT: AtomicU64 = AtomicU64::new(1);

impl AppError {
    pub fn internal(detail: impl Into<String>) -> Self {
        AppError::Internal(detail.into())
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            AppError::NotAcceptable(_) => StatusCode::NOT_ACCEPTABLE,
            AppError::BodyTimeout(_) => StatusCode::REQUEST_TIMEOUT,
            AppError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::InvalidData(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::BadGateway(_) => StatusCode::BAD_GATEWAY,
            AppError::Deadline(_)
            | AppError::OverMemory(_)
            | AppError::Busy { .. }
            | AppError::NotReady(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::NotImplemented(_) => StatusCode::NOT_IMPLEMENTED,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The text sent to the client.
    fn message(&self) -> String {
        match self {
            AppError::BadRequest(m)
            | AppError::Forbidden(m)
            | AppError::NotFound(m)
            | AppError::NotAcceptable(m)
            | AppError::UnsupportedMediaType(m)
            | AppError::InvalidData(m)
            | AppError::BadGateway(m)
            | AppError::NotReady(m)
            | AppError::NotImplemented(m) => m.clone(),
            AppError::MethodNotAllowed { message, .. } => message.clone(),
            AppError::BodyTimeout(d) => format!(
                "the request body did not arrive within {} s; send it in one go",
                d.as_secs_f64()
            ),
            AppError::PayloadTooLarge(max) => format!(
                "the request body is larger than the {max}-byte cap; shorten the query \
                 (the operator can raise it with --max-body)"
            ),
            // The engine's own wording, so the CLI and the endpoint say the same.
            AppError::Deadline(d) => EvalError::Deadline(*d).to_string(),
            AppError::OverMemory(budget) => EvalError::OverMemory(*budget).to_string(),
            AppError::Busy { retry_after } => EvalError::Busy {
                retry_after: *retry_after,
            }
            .to_string(),
            AppError::Internal(_) => unreachable!("internal errors are rendered separately"),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        let text = if let AppError::Internal(detail) = &self {
            let id = INCIDENT.fetch_add(1, Ordering::Relaxed);
            tracing::error!(incident = id, "internal error: {detail}");
            format!("internal server error (incident {id}); the detail is in the server log")
        } else {
            tracing::debug!(
                status = status.as_u16(),
                "request refused: {}",
                self.message()
            );
            self.message()
        };
        let mut response = (status, format!("{text}\n")).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        );
        match &self {
            AppError::MethodNotAllowed { allow, .. } => {
                headers.insert(header::ALLOW, HeaderValue::from_static(allow));
            }
            AppError::Busy { retry_after } => {
                headers.insert(
                    header::RETRY_AFTER,
                    HeaderValue::from(retry_after.as_secs().max(1)),
                );
            }
            AppError::NotReady(_) => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(2u32));
            }
            AppError::Forbidden(_) => {
                headers.insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer realm=\"amity\""),
                );
            }
            _ => {}
        }
        response
    }
}

impl From<EvalError> for AppError {
    fn from(e: EvalError) -> Self {
        match e {
            EvalError::Invalid(m) => AppError::BadRequest(m),
            EvalError::NotFound(m) => AppError::NotFound(m),
            EvalError::Busy { retry_after } => AppError::Busy { retry_after },
            EvalError::Deadline(d) => AppError::Deadline(d),
            EvalError::OverMemory(b) => AppError::OverMemory(b),
            EvalError::Service(m) => AppError::BadGateway(m),
            EvalError::Internal(m) => AppError::Internal(m),
        }
    }
}

impl From<crate::Error> for AppError {
    fn from(e: crate::Error) -> Self {
        use crate::Error;
        match e {
            Error::QuerySyntax(e) => AppError::BadRequest(format!("SPARQL syntax error: {e}")),
            Error::Syntax(m) => AppError::BadRequest(m),
            Error::Usage(m) => AppError::BadRequest(m),
            Error::NotFound(m) => AppError::NotFound(m),
            Error::Eval(e) => e.into(),
            Error::Limit(e) => AppError::BadRequest(e.to_string()),
            Error::QueryEvaluation(e) => EvalError::from(e).into(),
            Error::Data(e) => AppError::InvalidData(e.to_string()),
            // The remote store (serve --endpoint) refused or could not be reached.
            Error::Remote(m) => AppError::BadGateway(format!("the remote store: {m}")),
            other => AppError::internal(other.to_string()),
        }
    }
}
