//! A start that serves before the network metrics exist: `serve` loads without them, opens its
//! port, then derives them; until then what needs them answers 503 with Retry-After, and after
//! them the store holds exactly what a load that derived them at once holds.

mod endpoint;

use amity::store::AmityStore;
use amity::vocab;
use oxigraph::model::NamedNodeRef;

#[test]
fn metrics_come_after_the_start_and_equal_those_of_a_full_load() {
    let data = amity::default_data_dir();
    let hook = || Some(amity::network::kept_metrics_hook());
    let (full, _) = AmityStore::in_memory_dirs(&data, &[], hook(), &mut |_, _, _| {}).unwrap();
    let (deferred, _) =
        AmityStore::in_memory_deferred(&data, &[], hook(), &mut |_, _, _| {}).unwrap();
    let metrics = NamedNodeRef::new_unchecked(vocab::METRICS_GRAPH);
    assert!(deferred.deriving());
    assert!(!deferred.store().contains_named_graph(metrics).unwrap());

    let server = endpoint::start_with(deferred, endpoint::config(), |_| {});
    let client = endpoint::client();
    let health: serde_json::Value = client
        .get(server.url("/health"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(health["metrics_ready"], false, "{health}");
    let early = client.get(server.url("/api/summary")).send().unwrap();
    assert_eq!(early.status(), 503);
    assert!(early.headers().contains_key("retry-after"));
    assert!(early.text().unwrap().contains("network metrics"));
    // SPARQL does not wait for them.
    let ask = client
        .get(server.url("/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D"))
        .header("Accept", "application/sparql-results+json")
        .send()
        .unwrap();
    assert_eq!(ask.status(), 200);

    let before = server.state.store().version();
    let written = server.state.store().derive_deferred().unwrap().unwrap();
    assert!(written > 1000, "{written}");
    assert!(server.state.store().version() > before);
    assert_eq!(server.state.store().derive_deferred().unwrap(), None);
    let late = client.get(server.url("/api/summary")).send().unwrap();
    assert_eq!(late.status(), 200);
    let health: serde_json::Value = client
        .get(server.url("/health"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(health["metrics_ready"], true);

    let count = |s: &AmityStore| amity::store::count_quads(&s.store(), None).unwrap();
    assert_eq!(count(server.state.store()), count(&full));
}

#[test]
fn a_repeated_stored_question_comes_from_the_cache_until_a_write() {
    let mut config = endpoint::config();
    config.update_token = Some("cache-test".into());
    let server = endpoint::start(config);
    let client = endpoint::client();
    let ask = |q: &str| {
        let r = client
            .get(server.url(q))
            .header("Accept", "text/csv")
            .send()
            .unwrap();
        assert_eq!(r.status(), 200, "{q}");
        r.text().unwrap()
    };
    let cache = || -> serde_json::Value {
        let h: serde_json::Value = client
            .get(server.url("/health"))
            .send()
            .unwrap()
            .json()
            .unwrap();
        h["result_cache"].clone()
    };
    let q = "/queries/partners-since?home=place/guangzhou";
    let first = ask(q);
    assert!(first.contains("Fukuoka"), "{first}");
    assert_eq!(cache()["misses"], 1);
    assert_eq!(ask(q), first);
    assert_eq!(cache()["hits"], 1);
    // Another parameter value is another question.
    assert!(!ask("/queries/partners-since?home=place/beijing").contains("Fukuoka"));
    assert_eq!(cache()["hits"], 1);
    // A write empties it, and the answer after the write shows the write.
    let update = "INSERT DATA { GRAPH <urn:t> { <https://w3id.org/amity/id/place/guangzhou> \
                  <http://www.w3.org/2000/01/rdf-schema#comment> \"x\" } } ; \
                  DELETE WHERE { GRAPH ?g { ?s <https://w3id.org/amity/ns#party> \
                  <https://w3id.org/amity/id/place/fukuoka-jp> } }";
    let r = client
        .post(server.url("/sparql"))
        .bearer_auth("cache-test")
        .header("Content-Type", "application/sparql-update")
        .body(update)
        .send()
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    let after = ask(q);
    assert!(!after.contains("Fukuoka"), "{after}");
    assert_eq!(cache()["hits"], 1);
}
