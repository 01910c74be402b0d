//! Real SPARQL clients, unmodified, against a real listener: Python's SPARQLWrapper (every
//! return format, GET and POST, every query form), rdflib's SPARQLStore and SPARQLUpdateStore,
//! pandas, and fetch-sparql-endpoint from npm. Versions are pinned in
//! tests/clients/requirements.txt and tests/clients/package-lock.json; `bash .ci/run`
//! installs them.

mod endpoint;

use std::path::PathBuf;
use std::process::Command;

const TOKEN: &str = "clients-test-token";

fn clients_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/clients")
}

fn server() -> endpoint::Server {
    let mut config = endpoint::config();
    config.update_token = Some(TOKEN.into());
    endpoint::start(config)
}

fn run(program: &str, script: &str, base: &str) -> (bool, String) {
    let out = Command::new(program)
        .arg(clients_dir().join(script))
        .arg(base)
        .arg(TOKEN)
        .output()
        .unwrap_or_else(|e| panic!("{program} starts: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

// Proves SPARQLWrapper (JSON, XML, CSV, TSV for SELECT/ASK; XML, RDF/XML, Turtle, N3, JSON-LD,
// JSON for CONSTRUCT/DESCRIBE; GET, form POST and direct POST), rdflib's stores (update with
// the token as a bearer header) and pandas (CSV, TSV, a gallery query) all work unmodified.
#[test]
fn python_clients_work_unmodified() {
    let deps = Command::new("python3")
        .args(["-c", "import SPARQLWrapper, rdflib, pandas"])
        .status();
    assert!(
        deps.is_ok_and(|s| s.success()),
        "the Python clients are missing: `pip install -r tests/clients/requirements.txt` \
         (bash .ci/run does it)"
    );
    let s = server();
    let (ok, text) = run("python3", "test_clients.py", &s.base);
    assert!(ok, "{text}");
    assert!(text.contains("OK"), "{text}");
}

// Proves fetch-sparql-endpoint (npm) reads bindings, booleans and triples by GET and POST,
// sees syntax errors, and updates with a bearer token (refused without it).
#[test]
fn javascript_client_works_unmodified() {
    assert!(
        clients_dir()
            .join("node_modules/fetch-sparql-endpoint/package.json")
            .exists(),
        "fetch-sparql-endpoint is missing: `(cd tests/clients && npm ci)` (bash .ci/run does it)"
    );
    let s = server();
    let (ok, text) = run("node", "client.mjs", &s.base);
    assert!(ok, "{text}");
    assert_eq!(text.matches("ok: ").count(), 10, "{text}");
}

fn curl(args: &[&str]) -> (bool, String) {
    let out = Command::new("curl")
        .args(["-s", "-S", "--fail-with-body", "--max-time", "60"])
        .args(args)
        .output()
        .expect("curl runs (Debian's curl package)");
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

// Proves the curl commands of docs/endpoint.md work as written: a query by GET with
// --data-urlencode for CSV, a direct POST, repeated format parameters, the Graph Store
// Protocol round trip with the token, and a refused write without it.
#[test]
fn curl_commands_from_the_docs_work() {
    let s = server();
    let e = s.url("/sparql");
    let q = "SELECT ?l WHERE { <https://w3id.org/amity/id/place/minsk> \
             <http://www.w3.org/2000/01/rdf-schema#label> ?l } ORDER BY ?l";
    let (ok, out) = curl(&[
        "-G",
        &e,
        "--data-urlencode",
        &format!("query={q}"),
        "-H",
        "Accept: text/csv",
    ]);
    assert!(
        ok && out.starts_with("l\r\n") && out.contains("Minsk"),
        "{out}"
    );
    let (ok, out) = curl(&[
        &e,
        "-H",
        "Content-Type: application/sparql-query",
        "--data-binary",
        q,
    ]);
    assert!(ok && out.contains("\"value\":\"明斯克\""), "{out}");
    let (ok, out) = curl(&[
        "-G",
        &e,
        "--data-urlencode",
        &format!("query={q}"),
        "-d",
        "format=tsv",
        "-d",
        "format=text/tab-separated-values",
        "-d",
        "output=tsv",
    ]);
    assert!(ok && out.starts_with("?l\n"), "{out}");
    let store = s.url("/store?graph=urn:x:curl");
    let auth = format!("Authorization: Bearer {TOKEN}");
    let (ok, out) = curl(&[
        "-X",
        "PUT",
        &store,
        "-H",
        &auth,
        "-H",
        "Content-Type: text/turtle",
        "--data-binary",
        "<urn:x:a> <urn:x:b> \"curl\" .",
        "-w",
        "%{http_code}",
    ]);
    assert!(ok && out.ends_with("201"), "{out}");
    let (ok, out) = curl(&[&store, "-H", "Accept: application/n-triples"]);
    assert!(ok && out.contains("\"curl\""), "{out}");
    let (ok, out) = curl(&["-X", "DELETE", &store]);
    assert!(!ok && out.contains("update token"), "{out}");
}
