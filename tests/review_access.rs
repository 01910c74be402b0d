//! The review page writes into data/, and any web page the analyst has open can reach
//! 127.0.0.1. These tests run `amity review`'s server on a real listener and send it what such a
//! page (or a DNS-rebinding one) would: every refused request leaves data/ and the review folder
//! byte for byte as they were; the same requests with the per-run secret are served.

mod common;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};

use amity::extract::review::Review;
use amity::server::review::Access;

const TOKEN: &str = "3f9c0d6a1b2e4f5a8c7d9e0f1a2b3c4d";

/// Every file under `dir`, with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            } else {
                out.insert(e.path(), std::fs::read(e.path()).unwrap());
            }
        }
    }
    out
}

/// One raw HTTP/1.1 request (so Host, Origin and the rest are exactly what the test says);
/// returns the status code and the body.
fn send(port: u16, head: &str, body: &str) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let req = format!(
        "{head}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).unwrap();
    let text = String::from_utf8_lossy(&out).to_string();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {text:?}"));
    (status, text)
}

struct Server {
    port: u16,
    data: PathBuf,
    cand: PathBuf,
    rt: tokio::runtime::Runtime,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    _tmp: tempfile::TempDir,
    _cand_tmp: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        let _ = &self.rt;
    }
}

fn start() -> Server {
    let tmp = common::data_copy();
    let data = tmp.path().to_path_buf();
    let cand_tmp = tempfile::tempdir().unwrap();
    let cand = cand_tmp.path().to_path_buf();
    common::seed_candidates(&data, "bjfao-2024h1-access", &cand);
    let review = Review::open(&cand, &data).unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let port = listener.local_addr().unwrap().port();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let access = Access::with_token(port, TOKEN);
    rt.spawn(amity::server::review::serve(
        listener,
        review,
        access,
        async move {
            let _ = stopped.await;
        },
    ));
    Server {
        port,
        data,
        cand,
        rt,
        stop: Some(stop),
        _tmp: tmp,
        _cand_tmp: cand_tmp,
    }
}

// Proves each request another page could send (no secret, a wrong one, a foreign Origin, a
// rebinding Host, a form post, a preflight, a cross-site fetch) is refused with 403 or 415 and
// changes nothing in data/ or in the review folder; and that the page's own requests still work.
#[test]
fn refused_requests_change_nothing() {
    let s = start();
    let p = s.port;
    let host = format!("Host: 127.0.0.1:{p}");
    let own = format!("Origin: http://127.0.0.1:{p}");
    let tok = format!("X-Amity-Token: {TOKEN}");
    let json = "Content-Type: application/json";
    let data_before = snapshot(&s.data);
    let cand_before = snapshot(&s.cand);

    let refused: Vec<(&str, String, &str, u16)> = vec![
        // The two "simple" requests of the issue: no body, no custom header, a foreign Origin.
        (
            "paragraph accept from another site",
            format!("POST /api/paragraphs/5/accept HTTP/1.1\r\n{host}\r\nOrigin: http://evil.example"),
            "",
            403,
        ),
        (
            "commit from another site",
            format!("POST /api/commit HTTP/1.1\r\n{host}\r\nOrigin: http://evil.example"),
            "",
            403,
        ),
        (
            "commit with no secret",
            format!("POST /api/commit HTTP/1.1\r\n{host}\r\n{json}"),
            "{}",
            403,
        ),
        (
            "commit with a wrong secret",
            format!("POST /api/commit HTTP/1.1\r\n{host}\r\n{json}\r\nX-Amity-Token: {}", "0".repeat(32)),
            "{}",
            403,
        ),
        (
            "commit with the secret but another site's Origin",
            format!("POST /api/commit HTTP/1.1\r\n{host}\r\n{tok}\r\n{json}\r\nOrigin: http://evil.example"),
            "{}",
            403,
        ),
        (
            "commit with the secret from a look-alike origin",
            format!("POST /api/commit HTTP/1.1\r\n{host}\r\n{tok}\r\n{json}\r\nOrigin: http://127.0.0.1:{p}.evil.example"),
            "{}",
            403,
        ),
        (
            "a form post (text/plain) with the secret",
            format!("POST /api/facts/0 HTTP/1.1\r\n{host}\r\n{tok}\r\nContent-Type: text/plain"),
            r#"{"status":"accepted"}"#,
            415,
        ),
        (
            "a form post (urlencoded) with the secret",
            format!("POST /api/commit HTTP/1.1\r\n{host}\r\n{tok}\r\nContent-Type: application/x-www-form-urlencoded"),
            "a=b",
            415,
        ),
        (
            "a write with no Content-Type",
            format!("POST /api/facts/0 HTTP/1.1\r\n{host}\r\n{tok}"),
            r#"{"status":"accepted"}"#,
            415,
        ),
        (
            "a CORS preflight",
            format!("OPTIONS /api/commit HTTP/1.1\r\n{host}\r\nOrigin: http://evil.example\r\nAccess-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: x-amity-token"),
            "",
            403,
        ),
        (
            "a cross-site fetch with no Origin",
            format!("POST /api/facts/0 HTTP/1.1\r\n{host}\r\n{tok}\r\n{json}\r\nSec-Fetch-Site: cross-site"),
            r#"{"status":"accepted"}"#,
            403,
        ),
        (
            "read through a rebinding Host",
            format!("GET /api/review HTTP/1.1\r\nHost: evil.example:{p}\r\n{tok}"),
            "",
            403,
        ),
        (
            "the page itself through a rebinding Host",
            format!("GET / HTTP/1.1\r\nHost: evil.example:{p}"),
            "",
            403,
        ),
        (
            "read with the right Host on another port",
            format!("GET /api/review HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n{tok}", p.wrapping_add(1)),
            "",
            403,
        ),
        (
            "read with no secret",
            format!("GET /api/review HTTP/1.1\r\n{host}"),
            "",
            403,
        ),
        (
            "a fact decision with no secret",
            format!("POST /api/facts/0 HTTP/1.1\r\n{host}\r\n{json}\r\n{own}"),
            r#"{"status":"accepted"}"#,
            403,
        ),
    ];
    for (what, head, body, want) in &refused {
        let (status, text) = send(p, head, body);
        assert_eq!(status, *want, "{what}: {text}");
        assert!(
            text.contains("\"error\""),
            "{what}: the refusal says why: {text}"
        );
    }
    assert!(
        snapshot(&s.data) == data_before,
        "data/ untouched by refused requests"
    );
    assert!(
        snapshot(&s.cand) == cand_before,
        "the review folder (review.json) untouched by refused requests"
    );

    // The page's own requests: each accepted Host form, with the secret.
    for h in [
        format!("127.0.0.1:{p}"),
        format!("localhost:{p}"),
        format!("[::1]:{p}"),
    ] {
        let (status, text) = send(
            p,
            &format!("GET /api/review HTTP/1.1\r\nHost: {h}\r\n{tok}"),
            "",
        );
        assert_eq!(status, 200, "{h}: {text}");
    }
    let (status, text) = send(p, &format!("GET / HTTP/1.1\r\n{host}"), "");
    assert_eq!(status, 200, "the page itself needs no secret: {text}");
    assert!(
        text.to_ascii_lowercase()
            .contains("referrer-policy: no-referrer"),
        "{text}"
    );
    let (status, text) = send(
        p,
        &format!("POST /api/facts/0 HTTP/1.1\r\n{host}\r\n{tok}\r\n{own}\r\nContent-Type: application/json; charset=utf-8"),
        r#"{"status":"accepted"}"#,
    );
    assert_eq!(status, 200, "{text}");
    let (status, text) = send(
        p,
        &format!("POST /api/commit HTTP/1.1\r\n{host}\r\n{tok}\r\n{own}\r\n{json}"),
        "{}",
    );
    assert_eq!(status, 200, "{text}");
    assert!(
        snapshot(&s.data) != data_before,
        "with the secret, the accepted fact was written"
    );
}

// Proves each run gets its own secret, long enough not to be guessed, and the URL carries it.
#[test]
fn each_run_has_its_own_secret() {
    let a = Access::new(7880).unwrap();
    let b = Access::new(7880).unwrap();
    assert_ne!(a.token(), b.token());
    assert_eq!(a.token().len(), 32);
    assert!(a.token().bytes().all(|c| c.is_ascii_hexdigit()));
    assert_eq!(
        a.url(),
        format!("http://127.0.0.1:7880/?token={}", a.token())
    );
}

// Proves "accept every fact of a kind" (the review page's button) accepts exactly the pending
// facts of that kind at or above the confidence floor, refuses an unknown kind and a floor
// outside 0–1 with 400, and needs the secret like every other write.
#[test]
fn accept_all_of_a_kind() {
    let s = start();
    let p = s.port;
    let host = format!("Host: 127.0.0.1:{p}");
    let tok = format!("X-Amity-Token: {TOKEN}");
    let json = "Content-Type: application/json";
    let (status, _) = send(
        p,
        &format!("POST /api/kinds/agreement_signed/accept HTTP/1.1\r\n{host}\r\n{json}"),
        "{}",
    );
    assert_eq!(status, 403, "without the secret");
    let (status, text) = send(
        p,
        &format!("POST /api/kinds/agreement_signed/accept?min=0.85 HTTP/1.1\r\n{host}\r\n{tok}\r\n{json}"),
        "{}",
    );
    assert_eq!(status, 200, "{text}");
    let body = &text[text.find("\r\n\r\n").unwrap() + 4..];
    let body = body.trim_start_matches(|c: char| c.is_ascii_hexdigit() || c == '\r' || c == '\n');
    let v: serde_json::Value = serde_json::Deserializer::from_str(body)
        .into_iter()
        .next()
        .unwrap()
        .unwrap();
    let facts = v["facts"].as_array().unwrap();
    let mut accepted = 0;
    for f in facts {
        let kind = f["fact"]["kind"].as_str().unwrap();
        let conf = f["fact"]["confidence"].as_f64().unwrap();
        let st = f["decision"]["status"].as_str().unwrap();
        let want = if kind == "agreement_signed" && conf >= 0.85 {
            "accepted"
        } else {
            "pending"
        };
        assert_eq!(st, want, "{kind} {conf}");
        accepted += (st == "accepted") as usize;
    }
    assert!(accepted > 0);
    for (path, why) in [
        ("/api/kinds/no_such_kind/accept", "an unknown kind"),
        (
            "/api/kinds/agreement_signed/accept?min=2",
            "a floor above 1",
        ),
    ] {
        let (status, text) = send(
            p,
            &format!("POST {path} HTTP/1.1\r\n{host}\r\n{tok}\r\n{json}"),
            "{}",
        );
        assert_eq!(status, 400, "{why}: {text}");
    }
}
