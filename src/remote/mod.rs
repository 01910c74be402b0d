//! A remote SPARQL 1.1 store reached over HTTP(S): queries by the SPARQL 1.1 Protocol, updates,
//! and graphs written by the Graph Store Protocol, with a bearer token or a user and password
//! (HTTP digest or basic, whichever the server's challenge asks for). Used by `amity push`,
//! `amity query --endpoint` and `amity serve --endpoint`.
//!
//! Every request is retried when the connection drops or the server answers 502, 503 or 504
//! (four tries, 0.5 s, 1 s, 2 s apart); any other refusal is an error naming the URL, the
//! HTTP status and the start of the server's reason.

use std::io::Read;
use std::sync::Mutex;
use std::time::Duration;

use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{GraphName, Term};
use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsParser};
use oxigraph::sparql::QueryResults;
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use reqwest::blocking::{Client as Http, Response};
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE};
pub use reqwest::Url;
use reqwest::{Method, StatusCode};

use crate::error::{Error, Result};

mod auth;
mod push;

use auth::Challenge;
pub use push::{push, Chunk, Counter, GspTarget, Pushed, Via};

/// How to prove who we are to the remote store.
#[derive(Clone, Debug, Default)]
pub enum Auth {
    #[default]
    None,
    /// `Authorization: Bearer TOKEN` on every request.
    Bearer(String),
    /// A user and password, sent only when the server asks (digest or basic, as it asks).
    User { user: String, password: String },
}

/// One remote store's HTTP client.
pub struct Client {
    http: Http,
    auth: Auth,
    /// The last digest challenge and how many times its nonce was used.
    digest: Mutex<Option<(Challenge, u32)>>,
    retries: u32,
}

impl Client {
    /// A client whose requests give up after `timeout` each.
    pub fn new(auth: Auth, timeout: Duration) -> Result<Client> {
        let http = Http::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(timeout)
            .user_agent(concat!("amity/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::Remote(format!("cannot make an HTTP client: {e}")))?;
        Ok(Client {
            http,
            auth,
            digest: Mutex::new(None),
            retries: 4,
        })
    }

    /// Sends one request (authenticated, retried); a non-2xx answer is an error.
    fn send(
        &self,
        method: Method,
        url: &Url,
        headers: &HeaderMap,
        body: Option<&[u8]>,
    ) -> Result<Response> {
        let mut wait = Duration::from_millis(500);
        let mut challenged = false;
        let mut attempt = 1;
        loop {
            let mut req = self
                .http
                .request(method.clone(), url.clone())
                .headers(headers.clone());
            if let Some(value) = self.authorization(&method, url)? {
                req = req.header(AUTHORIZATION, value);
            }
            if let Some(b) = body {
                req = req.body(b.to_vec());
            }
            let retryable = match req.send() {
                Ok(resp) if resp.status().is_success() => return Ok(resp),
                Ok(resp) if resp.status() == StatusCode::UNAUTHORIZED && !challenged => {
                    challenged = true;
                    self.answer_challenge(url, &resp)?;
                    continue;
                }
                Ok(resp)
                    if matches!(
                        resp.status(),
                        StatusCode::BAD_GATEWAY
                            | StatusCode::SERVICE_UNAVAILABLE
                            | StatusCode::GATEWAY_TIMEOUT
                    ) =>
                {
                    refusal(&method, url, resp)
                }
                Ok(resp) => return Err(refusal(&method, url, resp)),
                Err(e) if e.is_connect() || e.is_timeout() || e.is_request() || e.is_body() => {
                    Error::Remote(format!("{method} {}: {}", shown(url), chain(&e)))
                }
                Err(e) => {
                    return Err(Error::Remote(format!(
                        "{method} {}: {}",
                        shown(url),
                        chain(&e)
                    )))
                }
            };
            if attempt >= self.retries {
                return Err(Error::Remote(format!(
                    "{retryable} (gave up after {attempt} tries)"
                )));
            }
            std::thread::sleep(wait);
            wait *= 2;
            attempt += 1;
        }
    }

    /// The Authorization header for a request, if any.
    fn authorization(&self, method: &Method, url: &Url) -> Result<Option<HeaderValue>> {
        let value = match &self.auth {
            Auth::None => return Ok(None),
            Auth::Bearer(token) => format!("Bearer {token}"),
            Auth::User { user, password } => {
                let mut slot = self.digest.lock().unwrap_or_else(|p| p.into_inner());
                let Some((challenge, count)) = slot.as_mut() else {
                    return Ok(None);
                };
                *count += 1;
                challenge.answer(
                    user,
                    password,
                    method.as_str(),
                    &request_target(url),
                    *count,
                )
            }
        };
        HeaderValue::from_str(&value)
            .map(Some)
            .map_err(|_| Error::Remote("the credentials hold characters HTTP cannot carry".into()))
    }

    /// Reads a 401's challenge so the next try answers it.
    fn answer_challenge(&self, url: &Url, resp: &Response) -> Result<()> {
        let Auth::User { .. } = self.auth else {
            return Err(Error::Remote(format!(
                "{} asks for credentials (401): give --user and --password, or --token",
                shown(url)
            )));
        };
        let challenges: Vec<&str> = resp
            .headers()
            .get_all(reqwest::header::WWW_AUTHENTICATE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        let challenge = challenges
            .iter()
            .find_map(|c| Challenge::parse(c))
            .ok_or_else(|| {
                Error::Remote(format!(
                    "{} asks for credentials in a way amity does not speak: {:?}",
                    shown(url),
                    challenges
                ))
            })?;
        *self.digest.lock().unwrap_or_else(|p| p.into_inner()) = Some((challenge, 0));
        Ok(())
    }

    /// Runs a query (SPARQL 1.1 Protocol, POST form) and returns the answer's body as it comes.
    pub fn query(&self, endpoint: &Url, text: &str, accept: &str) -> Result<Response> {
        self.post_form(endpoint, "query", text, accept, &[])
    }

    /// Runs an update (SPARQL 1.1 Protocol, POST form).
    pub fn update(&self, endpoint: &Url, text: &str) -> Result<()> {
        self.post_form(endpoint, "update", text, "*/*", &[])
            .map(drop)
    }

    /// Sends `field=text` and the `extra` protocol parameters (`default-graph-uri`, …) as a form.
    fn post_form(
        &self,
        endpoint: &Url,
        field: &str,
        text: &str,
        accept: &str,
        extra: &[(&str, &str)],
    ) -> Result<Response> {
        let mut headers = HeaderMap::new();
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("application/x-www-form-urlencoded"),
        );
        headers.insert(
            ACCEPT,
            HeaderValue::from_str(accept)
                .map_err(|_| Error::Usage(format!("bad Accept {accept:?}")))?,
        );
        let mut body = format!("{field}={}", utf8_percent_encode(text, NON_ALPHANUMERIC));
        for (k, v) in extra {
            body.push_str(&format!(
                "&{k}={}",
                utf8_percent_encode(v, NON_ALPHANUMERIC)
            ));
        }
        self.send(Method::POST, endpoint, &headers, Some(body.as_bytes()))
    }

    /// Writes N-Triples into one graph by the Graph Store Protocol: PUT replaces it, POST adds.
    pub fn gsp_write(
        &self,
        target: &GspTarget,
        graph: &GraphName,
        replace: bool,
        ntriples: &[u8],
    ) -> Result<()> {
        let mut headers = HeaderMap::new();
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("application/n-triples"),
        );
        let method = if replace { Method::PUT } else { Method::POST };
        self.send(method, &target.url_for(graph), &headers, Some(ntriples))
            .map(drop)
    }

    /// How many triples the remote store holds in `graph`: by a COUNT query when a query
    /// endpoint is known, else by reading the graph back through the Graph Store Protocol.
    pub fn count(&self, via: &Counter, graph: &GraphName) -> Result<u64> {
        match via {
            Counter::Query(endpoint) => {
                let pattern = match graph {
                    GraphName::NamedNode(g) => format!("GRAPH {g} {{ ?s ?p ?o }}"),
                    _ => "?s ?p ?o".to_string(),
                };
                let text = format!("SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}");
                let resp = self.query(endpoint, &text, "application/sparql-results+json")?;
                let n = first_value(resp)?;
                let Some(Term::Literal(l)) = n else {
                    return Err(Error::Remote(format!(
                        "{}: the count query gave no number",
                        shown(endpoint)
                    )));
                };
                l.value().parse().map_err(|_| {
                    Error::Remote(format!(
                        "{}: the count {:?} is not a number",
                        shown(endpoint),
                        l.value()
                    ))
                })
            }
            Counter::Gsp(target) => {
                let mut headers = HeaderMap::new();
                headers.insert(
                    ACCEPT,
                    HeaderValue::from_static("application/n-triples, text/turtle;q=0.9"),
                );
                let url = target.url_for(graph);
                let resp = self.send(Method::GET, &url, &headers, None)?;
                let format = resp
                    .headers()
                    .get(CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| {
                        RdfFormat::from_media_type(v.split(';').next().unwrap_or(v).trim())
                    })
                    .unwrap_or(RdfFormat::Turtle);
                let mut n = 0u64;
                for t in RdfParser::from_format(format).for_reader(resp) {
                    t.map_err(|e| {
                        Error::Remote(format!("{}: reading the graph back: {e}", shown(&url)))
                    })?;
                    n += 1;
                }
                Ok(n)
            }
        }
    }
}

/// Runs a query on a remote endpoint and reads its answer back into amity's own result type, so
/// that it is written (and cut, and typed) exactly as an embedded answer is: a table or a
/// boolean comes as SPARQL JSON (Virtuoso's `typed-literal` read as a literal), a graph as
/// N-Triples or Turtle. An `xsd:boolean` is written in its canonical form.
pub fn run_query(
    client: &Client,
    endpoint: &Url,
    text: &str,
    kind: crate::query::ResultKind,
) -> Result<QueryResults<'static>> {
    run_query_with(client, endpoint, text, kind, &[])
}

/// [`run_query`] with further SPARQL 1.1 Protocol parameters (`default-graph-uri`,
/// `named-graph-uri`), as `amity serve --endpoint` forwards them.
pub fn run_query_with(
    client: &Client,
    endpoint: &Url,
    text: &str,
    kind: crate::query::ResultKind,
    protocol: &[(&str, &str)],
) -> Result<QueryResults<'static>> {
    use crate::query::ResultKind;
    let query = |accept: &str| client.post_form(endpoint, "query", text, accept, protocol);
    match kind {
        ResultKind::Solutions | ResultKind::Boolean => {
            let resp = query("application/sparql-results+json")?;
            let parsed = QueryResultsParser::from_format(QueryResultsFormat::Json)
                .for_reader(resp)
                .map_err(|e| {
                    Error::Remote(format!(
                        "{}: the answer is not SPARQL JSON: {e}",
                        shown(endpoint)
                    ))
                })?;
            Ok(match QueryResults::from(parsed) {
                QueryResults::Solutions(rows) => {
                    let vars: std::sync::Arc<[oxigraph::model::Variable]> = rows.variables().into();
                    QueryResults::Solutions(oxigraph::sparql::QuerySolutionIter::from_tuples(
                        vars,
                        rows.map(|row| {
                            row.map(|r| {
                                r.values()
                                    .iter()
                                    .map(|v| v.clone().map(canonical))
                                    .collect()
                            })
                        }),
                    ))
                }
                other => other,
            })
        }
        ResultKind::Graph => {
            let resp = query("application/n-triples, text/turtle;q=0.9")?;
            let format = resp
                .headers()
                .get(CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| RdfFormat::from_media_type(v.split(';').next().unwrap_or(v).trim()))
                .unwrap_or(RdfFormat::Turtle);
            let shown = shown(endpoint);
            let triples = RdfParser::from_format(format)
                .for_reader(resp)
                .map(move |q| {
                    q.map(oxigraph::model::Triple::from).map_err(|e| {
                        oxigraph::sparql::QueryEvaluationError::Service(
                            format!("{shown}: reading the answer: {e}").into(),
                        )
                    })
                });
            Ok(QueryResults::Graph(oxigraph::sparql::QueryTripleIter::new(
                triples,
            )))
        }
    }
}

/// A value as amity writes it: an `xsd:boolean` in its canonical form (`true`, `false`), since
/// Virtuoso gives back a stored `"true"^^xsd:boolean` as `"1"^^xsd:boolean`: the same value.
fn canonical(term: Term) -> Term {
    if let Term::Literal(l) = &term {
        if l.datatype() == oxigraph::model::vocab::xsd::BOOLEAN {
            match l.value() {
                "1" => return oxigraph::model::Literal::from(true).into(),
                "0" => return oxigraph::model::Literal::from(false).into(),
                _ => {}
            }
        }
    }
    term
}

/// The first value of the first row of a SELECT answer in SPARQL JSON.
fn first_value(resp: Response) -> Result<Option<Term>> {
    let results = QueryResults::from(
        QueryResultsParser::from_format(QueryResultsFormat::Json)
            .for_reader(resp)
            .map_err(|e| Error::Remote(format!("the answer is not SPARQL JSON: {e}")))?,
    );
    let QueryResults::Solutions(mut rows) = results else {
        return Err(Error::Remote("the answer is not a table".into()));
    };
    match rows.next() {
        Some(row) => {
            let row = row.map_err(|e| Error::Remote(format!("reading the answer: {e}")))?;
            Ok(row.values().iter().flatten().next().cloned())
        }
        None => Ok(None),
    }
}

/// An error with its causes (reqwest's own message leaves out why a connection failed).
fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        s.push_str(": ");
        s.push_str(&c.to_string());
        cause = c.source();
    }
    s
}

/// The request target digest authentication signs: path and query.
fn request_target(url: &Url) -> String {
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    }
}

/// A URL as shown in messages: without a password.
pub fn shown(url: &Url) -> String {
    let mut u = url.clone();
    let _ = u.set_password(None);
    u.set_query(None);
    u.to_string()
}

/// The error for a refused request: method, URL, status, and the start of the reason.
fn refusal(method: &Method, url: &Url, resp: Response) -> Error {
    let status = resp.status();
    let mut reason = String::new();
    let _ = resp.take(600).read_to_string(&mut reason);
    let reason = reason.split_whitespace().collect::<Vec<_>>().join(" ");
    Error::Remote(format!(
        "{method} {} answered {status}{}",
        shown(url),
        if reason.is_empty() {
            String::new()
        } else {
            format!(": {reason}")
        }
    ))
}

/// Parses a URL given on the command line, naming the flag when it is not one.
pub fn parse_url(flag: &str, s: &str) -> Result<Url> {
    let url = Url::parse(s).map_err(|e| Error::Usage(format!("{flag} {s:?} is not a URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::Usage(format!(
            "{flag} {s:?}: only http and https URLs"
        )));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::model::vocab::xsd;
    use oxigraph::model::Literal;

    #[test]
    fn booleans_are_read_in_their_canonical_form() {
        let one: Term = Literal::new_typed_literal("1", xsd::BOOLEAN).into();
        let zero: Term = Literal::new_typed_literal("0", xsd::BOOLEAN).into();
        assert_eq!(canonical(one), Literal::from(true).into());
        assert_eq!(canonical(zero), Literal::from(false).into());
        // An integer 1 stays an integer: nothing says it meant a boolean.
        let int: Term = Literal::from(1).into();
        assert_eq!(canonical(int.clone()), int);
    }
}
