//! The browser UI: HTTP checks of the shell, the embedded assets, the resource pages' content
//! negotiation and the layout JSON; then the end-to-end test in a real headless Chromium
//! (`tests/ui/e2e.mjs`, Node + playwright-core driving Debian's `/usr/bin/chromium`).
//!
//! `.ci/run` installs what the browser test needs (`chromium`, `fonts-wqy-microhei`, and
//! `npm ci` in `tests/ui`). Screenshots go to `target/ui-e2e/`; with
//! `AMITY_UPDATE_SCREENSHOTS=1` they are also copied to `docs/screenshots/` for the README.

mod common;
mod endpoint;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use amity::network::{metrics_hook_with, MetricsOptions};
use amity::store::AmityStore;
use endpoint::{client, Server};

/// One server for every test here: the real data with the report network's metrics.
fn server() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(|| {
        let hook = metrics_hook_with(MetricsOptions {
            report: true,
            wikidata: false,
            ..Default::default()
        });
        let (store, _) =
            AmityStore::in_memory_with(&amity::default_data_dir(), Some(hook), &mut |_, _, _| {})
                .expect("data/ loads");
        endpoint::start_with(store, endpoint::config(), |_| {})
    })
}

fn get(path: &str, accept: Option<&str>) -> reqwest::blocking::Response {
    let mut req = client().get(server().url(path));
    if let Some(a) = accept {
        req = req.header("Accept", a);
    }
    req.send().expect("request")
}

fn content_type(r: &reqwest::blocking::Response) -> String {
    r.headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

const BROWSER_ACCEPT: &str =
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";

#[test]
fn every_page_path_serves_the_shell() {
    for path in [
        "/",
        "/query",
        "/network",
        "/map",
        "/timeline",
        "/report/bjfao-2024h1",
        "/search?q=%E6%98%8E%E6%96%AF%E5%85%8B",
        "/wd/Q956",
    ] {
        let r = get(path, Some(BROWSER_ACCEPT));
        assert_eq!(r.status(), 200, "{path}");
        assert!(content_type(&r).starts_with("text/html"), "{path}");
        let body = r.text().unwrap();
        assert!(body.contains("/ui/app.js"), "{path} is the app shell");
        assert!(
            !body.contains("http://") && !body.contains("https://"),
            "the shell loads nothing from elsewhere"
        );
    }
}

/// The shell (`app.js`) imports the modules, never the other way round: the helpers they share
/// live in `dom.js`; and one pan/zoom handler serves the map and the network.
#[test]
fn no_ui_module_imports_the_shell() {
    let ui = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui");
    let mut files = vec![];
    for dir in [ui.clone(), ui.join("pages")] {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            if e.path().extension().is_some_and(|x| x == "js") {
                files.push(e.path());
            }
        }
    }
    assert!(files.len() > 10, "{files:?}");
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        for line in text.lines().filter(|l| l.starts_with("import ")) {
            assert!(
                !line.contains("app.js'"),
                "{}: {line} (import from dom.js instead)",
                f.display()
            );
        }
        let name = f.file_name().unwrap().to_str().unwrap();
        if name == "map.js" || name == "network.js" {
            assert!(
                text.contains("panZoom("),
                "{name} pans and zooms with panzoom.js"
            );
            assert!(
                !text.contains("addEventListener('wheel'"),
                "{name} has a wheel handler of its own"
            );
        }
    }
}

#[test]
fn assets_have_their_types_etags_and_revalidate() {
    for (path, ct) in [
        ("/ui/app.js", "text/javascript"),
        ("/ui/pages/network.js", "text/javascript"),
        ("/ui/searchbox.js", "text/javascript"),
        ("/ui/dom.js", "text/javascript"),
        ("/ui/panzoom.js", "text/javascript"),
        ("/ui/pages/search.js", "text/javascript"),
        ("/ui/style.css", "text/css"),
        ("/ui/data/world-110m.geojson", "application/geo+json"),
        ("/ui/icon.svg", "image/svg+xml"),
    ] {
        let r = get(path, None);
        assert_eq!(r.status(), 200, "{path}");
        assert!(
            content_type(&r).starts_with(ct),
            "{path}: {}",
            content_type(&r)
        );
        assert_eq!(r.headers()["cache-control"], "no-cache");
        let etag = r.headers()["etag"].to_str().unwrap().to_string();
        let again = client()
            .get(server().url(path))
            .header("If-None-Match", &etag)
            .send()
            .unwrap();
        assert_eq!(again.status(), 304, "{path} revalidates");
    }
    assert_eq!(get("/ui/nothing.js", None).status(), 404);
    // No asset refers to another host: the UI works offline.
    for path in [
        "/ui/app.js",
        "/ui/style.css",
        "/ui/pages/map.js",
        "/ui/pages/query.js",
    ] {
        let body = get(path, None).text().unwrap();
        for bad in [
            "cdn.",
            "googleapis",
            "unpkg",
            "jsdelivr",
            "@import url(http",
        ] {
            assert!(!body.contains(bad), "{path} mentions {bad}");
        }
    }
}

#[test]
fn resource_pages_negotiate_html_turtle_and_json_ld() {
    // A browser gets the page.
    let r = get("/id/place/hanoi", Some(BROWSER_ACCEPT));
    assert_eq!(r.status(), 200);
    assert!(content_type(&r).starts_with("text/html"));
    assert_eq!(r.headers()["vary"], "Accept");

    // Turtle: parse it and find the label and the tie pointing to the place.
    let r = get("/id/place/hanoi", Some("text/turtle"));
    assert_eq!(r.status(), 200);
    assert!(content_type(&r).starts_with("text/turtle"));
    let ttl = r.text().unwrap();
    let store = oxigraph::store::Store::new().unwrap();
    store
        .load_from_slice(oxigraph::io::RdfFormat::Turtle, ttl.as_bytes())
        .expect("valid Turtle");
    let ask = |q: &str| -> bool {
        match oxigraph::sparql::SparqlEvaluator::new()
            .parse_query(q)
            .unwrap()
            .on_store(&store)
            .execute()
            .unwrap()
        {
            oxigraph::sparql::QueryResults::Boolean(b) => b,
            _ => unreachable!(),
        }
    };
    assert!(ask(
        r#"ASK { <https://w3id.org/amity/id/place/hanoi> <http://www.w3.org/2000/01/rdf-schema#label> "河内"@zh }"#
    ));
    assert!(ask(
        "ASK { <https://w3id.org/amity/id/tie/tie-beijing-hanoi> <https://w3id.org/amity/ns#party> <https://w3id.org/amity/id/place/hanoi> }"
    ));

    // JSON-LD.
    let r = get("/id/place/hanoi", Some("application/ld+json"));
    assert_eq!(r.status(), 200);
    assert!(content_type(&r).starts_with("application/ld+json"));
    let json: serde_json::Value = r.json().expect("JSON-LD is JSON");
    let text = json.to_string();
    assert!(text.contains("https://w3id.org/amity/id/place/hanoi") && text.contains("河内"));

    // No Accept at all: Turtle, as linked-data clients expect; ?format= overrides.
    let r = client()
        .get(server().url("/id/event/ev-hanoi-30th"))
        .send()
        .unwrap();
    assert!(content_type(&r).starts_with("text/turtle"));
    let r = get(
        "/id/event/ev-hanoi-30th?format=jsonld",
        Some(BROWSER_ACCEPT),
    );
    assert!(content_type(&r).starts_with("application/ld+json"));

    // Unknown resources are 404 in every representation; unacceptable types are 406.
    assert_eq!(get("/id/place/atlantis", Some("text/turtle")).status(), 404);
    assert_eq!(
        get("/id/place/atlantis", Some(BROWSER_ACCEPT)).status(),
        404
    );
    assert_eq!(get("/id/place/hanoi", Some("image/png")).status(), 406);
}

#[test]
fn layout_json_merges_both_networks() {
    let r = get("/api/layout?seed=1", None);
    assert_eq!(r.status(), 200);
    let etag = r.headers()["etag"].to_str().unwrap().to_string();
    let v: serde_json::Value = r.json().unwrap();
    let nodes = v["nodes"].as_array().unwrap();
    let edges = v["edges"]["a"].as_array().unwrap().len();
    assert!(
        nodes.len() > 9000,
        "whole Wikidata network: {}",
        nodes.len()
    );
    assert!(edges > 15000, "{edges} edges");
    assert_eq!(v["edges"]["b"].as_array().unwrap().len(), edges);
    let beijing = nodes
        .iter()
        .find(|n| n["iri"] == "https://w3id.org/amity/id/place/beijing")
        .expect("Beijing is a node");
    assert_eq!(
        beijing["src"], 3,
        "the report's Beijing and Wikidata's Q956 are one node"
    );
    assert!(
        beijing["lx"].is_number(),
        "Beijing has a neighbourhood position"
    );
    assert!(nodes
        .iter()
        .all(|n| n["x"].is_number() && n["y"].is_number()));
    // The same seed gives the same bytes (the cached answer revalidates).
    let again = client()
        .get(server().url("/api/layout?seed=1"))
        .header("If-None-Match", &etag)
        .send()
        .unwrap();
    assert_eq!(again.status(), 304);
    assert_eq!(get("/api/layout?seed=x", None).status(), 400);
}

#[test]
fn gallery_api_gives_the_query_text() {
    let v: serde_json::Value = get("/api/gallery", None).json().unwrap();
    let q = v["queries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["name"] == "partners-since")
        .expect("partners-since");
    assert!(q["text"].as_str().unwrap().contains("SELECT"));
    assert!(!q["title_zh"].as_str().unwrap().is_empty());
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn require(ok: bool, what: &str) {
    assert!(
        ok,
        "{what} is missing. `bash .ci/run` installs what the browser test needs: \
         `apt-get install chromium fonts-wqy-microhei` and `(cd tests/ui && npm ci)`"
    );
}

/// The real browser: `node tests/ui/e2e.mjs BASE OUTDIR` must pass.
#[test]
fn browser_end_to_end() {
    let chromium = Path::new("/usr/bin/chromium");
    require(
        chromium.exists(),
        "/usr/bin/chromium (Debian's chromium package)",
    );
    let node = Command::new("node").arg("--version").output();
    require(
        node.as_ref().is_ok_and(|o| o.status.success()),
        "node (Node.js)",
    );
    require(
        repo()
            .join("tests/ui/node_modules/playwright-core/package.json")
            .exists(),
        "tests/ui/node_modules/playwright-core",
    );
    let out = repo().join("target/ui-e2e");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).unwrap();
    // Wait until the network layout is ready, so the page's timing measures the browser.
    assert_eq!(get("/api/layout?seed=1", None).status(), 200);

    let mut child = Command::new("node")
        .arg(repo().join("tests/ui/e2e.mjs"))
        .arg(&server().base)
        .arg(&out)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node starts");
    let started = Instant::now();
    let limit = Duration::from_secs(600);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break Some(s);
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            break None;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    eprintln!("{stderr}");
    let status = status.unwrap_or_else(|| panic!("the browser test ran over {limit:?}"));
    assert!(
        status.success(),
        "the browser test failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("all UI checks passed"));
    assert!(stdout.contains("whole network:"), "the timing is printed");

    let shots = [
        "home",
        "query",
        "network",
        "network-whole",
        "place",
        "place-zh",
        "report",
        "map",
        "timeline",
        "search-suggest",
        "search",
        "reports",
        "report-spans",
        "timeline-home",
    ];
    for name in shots {
        let png = out.join(format!("{name}.png"));
        let bytes = std::fs::read(&png).unwrap_or_else(|_| panic!("{} saved", png.display()));
        assert!(bytes.starts_with(b"\x89PNG"), "{name}.png is a PNG");
        assert!(bytes.len() > 10_000, "{name}.png is not blank");
    }
    if std::env::var_os("AMITY_UPDATE_SCREENSHOTS").is_some() {
        let docs = repo().join("docs/screenshots");
        std::fs::create_dir_all(&docs).unwrap();
        for name in shots {
            std::fs::copy(
                out.join(format!("{name}.png")),
                docs.join(format!("{name}.png")),
            )
            .unwrap();
        }
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// Report intake end to end: `amity extract` on the seed text (as a new report), the review
/// page in Chromium (accept two facts, reject one, write), then the written data/ loads and
/// the gallery's agreements question answers with exactly the two accepted agreements.
#[test]
fn review_page_end_to_end() {
    use amity::extract::review::Review;
    require(
        Path::new("/usr/bin/chromium").exists(),
        "/usr/bin/chromium (Debian's chromium package)",
    );
    require(
        repo()
            .join("tests/ui/node_modules/playwright-core/package.json")
            .exists(),
        "tests/ui/node_modules/playwright-core",
    );
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    copy_dir(&amity::default_data_dir(), &data);
    let before: Vec<(String, Vec<u8>)> = ["events.csv", "places.csv", "tasks.csv"]
        .iter()
        .map(|f| (f.to_string(), std::fs::read(data.join(f)).unwrap()))
        .collect();
    let cand = tmp.path().join("cand");
    common::seed_candidates(&data, "bjfao-2024h1-review", &cand);
    // Before review, the candidates validate together with data/ (`amity load --with`).
    amity::ingest::load_dirs(&data, std::slice::from_ref(&cand))
        .expect("candidates validate with data/");

    let review = Review::open(&cand, &data).unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    // The page opened as `amity review` prints it: with this run's secret in the URL.
    let access = amity::server::review::Access::new(listener.local_addr().unwrap().port()).unwrap();
    let base = access.url();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = rt.spawn(amity::server::review::serve(
        listener,
        review,
        access,
        async move {
            let _ = stopped.await;
        },
    ));
    let out = repo().join("target/ui-e2e");
    std::fs::create_dir_all(&out).unwrap();
    let output = Command::new("node")
        .arg(repo().join("tests/ui/review.mjs"))
        .arg(&base)
        .arg(&out)
        .output()
        .expect("node runs");
    let _ = stop.send(());
    let _ = rt.block_on(server);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the review page test failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("review page checks passed"), "{stdout}");

    // The files untouched by the accepted facts are byte for byte as before.
    for (f, bytes) in &before {
        if f != "events.csv" && f != "places.csv" {
            assert_eq!(
                &std::fs::read(data.join(f)).unwrap(),
                bytes,
                "{f} untouched"
            );
        }
    }
    // Appended, not rewritten: the old content is a prefix of the new.
    for (f, bytes) in &before {
        let now = std::fs::read(data.join(f)).unwrap();
        assert!(now.starts_with(bytes), "{f} keeps its rows as they were");
    }
    let (store, _) =
        AmityStore::in_memory(&data, &mut |_, _, _| {}).expect("the reviewed data loads");
    let gallery = amity::gallery::load(&repo().join("queries")).unwrap();
    let q = gallery
        .iter()
        .find(|q| q.name == "agreements-signed")
        .expect("the gallery question");
    let parsed = amity::query::parse(&q.text, None).unwrap();
    let results = amity::engine::evaluate(&store.store(), parsed, &Default::default()).unwrap();
    let mut buf = Vec::new();
    amity::query::write_results(
        results,
        amity::query::Format::from_name("tsv").unwrap(),
        None,
        &mut buf,
    )
    .unwrap();
    let tsv = String::from_utf8(buf).unwrap();
    let new: std::collections::BTreeSet<&str> = tsv
        .lines()
        .filter_map(|l| l.split('\t').find(|c| c.contains("/agreement/")))
        .filter(|a| a.contains("bjfao-2024h1-review"))
        .collect();
    assert_eq!(
        new.len(),
        2,
        "two accepted agreements answer: {new:?}\n{tsv}"
    );
    assert!(
        new.iter().any(|a| a.contains("p12s04")) && new.iter().any(|a| a.contains("p12s12")),
        "{new:?}"
    );
    assert!(
        !new.iter().any(|a| a.contains("p12s11")),
        "the rejected one is not written"
    );
}
