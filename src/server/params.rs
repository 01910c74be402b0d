//! Request plumbing shared by the handlers: form decoding, body reading, the update token.

use axum::body::Body;
use axum::http::{header, HeaderMap};
use percent_encoding::percent_decode;

use super::error::AppError;
use super::AppState;

/// Decodes `application/x-www-form-urlencoded` text (a URL query or a body), strictly: a value
/// that is not UTF-8 after percent-decoding is a 400, not a silent replacement character.
pub fn parse_form(raw: &[u8]) -> Result<Vec<(String, String)>, AppError> {
    let mut out = Vec::new();
    for piece in raw.split(|b| *b == b'&') {
        if piece.is_empty() {
            continue;
        }
        let (k, v) = match piece.iter().position(|b| *b == b'=') {
            Some(i) => (&piece[..i], &piece[i + 1..]),
            None => (piece, &[][..]),
        };
        out.push((decode(k)?, decode(v)?));
    }
    Ok(out)
}

fn decode(raw: &[u8]) -> Result<String, AppError> {
    let plus: Vec<u8> = raw
        .iter()
        .map(|b| if *b == b'+' { b' ' } else { *b })
        .collect();
    let bytes: Vec<u8> = percent_decode(&plus).collect();
    String::from_utf8(bytes).map_err(|_| {
        AppError::BadRequest(
            "a parameter is not valid UTF-8 after percent-decoding; encode text as UTF-8".into(),
        )
    })
}

/// All values of `name`.
pub fn all(params: &[(String, String)], name: &str) -> Vec<String> {
    params
        .iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .collect()
}

/// The value of `name` if it is given at most once; 400 if several times.
pub fn single(params: &[(String, String)], name: &str) -> Result<Option<String>, AppError> {
    let mut values = all(params, name);
    match values.len() {
        0 => Ok(None),
        1 => Ok(values.pop()),
        n => Err(AppError::BadRequest(format!(
            "{n} `{name}` parameters were sent; send exactly one"
        ))),
    }
}

/// A POST body's content type: `(essence, charset)`, both lowercase.
pub fn content_type(headers: &HeaderMap) -> Option<(String, Option<String>)> {
    let value = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let mut parts = value.split(';');
    let essence = parts.next()?.trim().to_ascii_lowercase();
    let charset = parts.find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches('"').to_ascii_lowercase())
    });
    Some((essence, charset))
}

/// Reads the whole body within the size cap and the body deadline.
pub async fn read_body(state: &AppState, body: Body) -> Result<Vec<u8>, AppError> {
    let cfg = state.config();
    match tokio::time::timeout(
        cfg.body_read_timeout,
        axum::body::to_bytes(body, cfg.max_body),
    )
    .await
    {
        Err(_) => Err(AppError::BodyTimeout(cfg.body_read_timeout)),
        Ok(Ok(bytes)) => Ok(bytes.to_vec()),
        Ok(Err(e)) => {
            let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&e);
            while let Some(s) = source {
                if s.is::<http_body_util::LengthLimitError>() {
                    return Err(AppError::PayloadTooLarge(cfg.max_body));
                }
                source = s.source();
            }
            Err(AppError::BadRequest(format!(
                "the request body could not be read: {e}"
            )))
        }
    }
}

/// Text that must be UTF-8 (a direct-POST query or update).
pub fn utf8_body(bytes: Vec<u8>, charset: Option<&str>) -> Result<String, AppError> {
    if let Some(cs) = charset {
        if cs != "utf-8" && cs != "utf8" {
            return Err(AppError::BadRequest(format!(
                "the body is declared as charset={cs}; this endpoint accepts UTF-8 only"
            )));
        }
    }
    String::from_utf8(bytes)
        .map_err(|e| AppError::BadRequest(format!("the body is not valid UTF-8 ({e}); send UTF-8")))
}

/// Checks `Authorization: Bearer TOKEN` against the configured token in constant time.
pub fn require_token(state: &AppState, headers: &HeaderMap, what: &str) -> Result<(), AppError> {
    let Some(expected) = &state.config().update_token else {
        return Err(AppError::Forbidden(format!(
            "{what} is disabled: this endpoint is read-only (the operator can enable writes with \
             --update-token)"
        )));
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim);
    match given {
        Some(t) if constant_time_eq(t.as_bytes(), expected.as_bytes()) => Ok(()),
        Some(_) => Err(AppError::Forbidden(format!(
            "{what} refused: the bearer token is not the update token"
        ))),
        None => Err(AppError::Forbidden(format!(
            "{what} needs the update token as `Authorization: Bearer TOKEN`"
        ))),
    }
}

/// Compares without an early exit, so the time taken does not reveal how much matched.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let mut diff = (a.len() ^ b.len()) as u64;
    for i in 0..a.len().max(b.len()) {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        diff |= u64::from(x ^ y);
    }
    std::hint::black_box(diff) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    // Proves form decoding handles `+`, percent escapes, and rejects non-UTF-8.
    #[test]
    fn form_decoding_is_strict() {
        let p = parse_form(b"query=ASK+%7B%7D&x").unwrap();
        assert_eq!(p[0], ("query".into(), "ASK {}".into()));
        assert_eq!(p[1], ("x".into(), String::new()));
        assert!(parse_form(b"query=%FF%FE").is_err());
    }

    // Proves the token comparison accepts only the exact token.
    #[test]
    fn token_comparison() {
        assert!(constant_time_eq(b"secret", b"secret"));
        assert!(!constant_time_eq(b"secret", b"secreT"));
        assert!(!constant_time_eq(b"secret", b"secret2"));
        assert!(!constant_time_eq(b"", b"x"));
    }
}
