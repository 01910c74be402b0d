"""Real Python SPARQL clients, unmodified, against a running amity.

    python3 tests/clients/test_clients.py BASE_URL UPDATE_TOKEN

Run by tests/clients.rs, which starts the server. Each test is one client, one query form and
one return format, as an analyst's notebook would use it: SPARQLWrapper (every return format it
offers, GET, form POST and direct POST), rdflib's SPARQLStore and SPARQLUpdateStore (the token
as a bearer header), and pandas reading CSV and TSV results.
"""

import io
import json
import sys
import unittest
import urllib.error
import urllib.parse
import warnings
from xml.dom.minidom import Document

import pandas as pd
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore, SPARQLUpdateStore
from SPARQLWrapper import (
    CSV,
    GET,
    JSON,
    JSONLD,
    N3,
    POST,
    POSTDIRECTLY,
    RDFXML,
    TSV,
    TURTLE,
    URLENCODED,
    XML,
    SPARQLWrapper,
)
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

BASE = sys.argv[1].rstrip("/") if len(sys.argv) > 1 else "http://127.0.0.1:7878"
TOKEN = sys.argv[2] if len(sys.argv) > 2 else ""
ENDPOINT = BASE + "/sparql"
MINSK = "https://w3id.org/amity/id/place/minsk"
PREFIX = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
SELECT = PREFIX + f"SELECT ?label WHERE {{ <{MINSK}> rdfs:label ?label }} ORDER BY ?label"
ASK = f"ASK {{ <{MINSK}> ?p ?o }}"
CONSTRUCT = PREFIX + f"CONSTRUCT {{ <{MINSK}> rdfs:label ?l }} WHERE {{ <{MINSK}> rdfs:label ?l }}"
DESCRIBE = f"DESCRIBE <{MINSK}>"
# (method, request encoding) pairs SPARQLWrapper offers for queries.
TRANSPORTS = [(GET, URLENCODED), (POST, URLENCODED), (POST, POSTDIRECTLY)]


def wrapper(query, fmt, method, encoding):
    sw = SPARQLWrapper(ENDPOINT)
    sw.setQuery(query)
    sw.setReturnFormat(fmt)
    sw.setMethod(method)
    sw.setRequestMethod(encoding)
    return sw


def labels_of(graph):
    return {str(o) for _, _, o in graph.triples((rdflib.URIRef(MINSK), rdflib.RDFS.label, None))}


class SparqlWrapperSelectAsk(unittest.TestCase):
    """SELECT and ASK in JSON, XML, CSV and TSV, by every transport."""

    def test_select_every_results_format(self):
        for method, encoding in TRANSPORTS:
            for fmt in (JSON, XML, CSV, TSV):
                with self.subTest(fmt=fmt, method=method, encoding=encoding):
                    out = wrapper(SELECT, fmt, method, encoding).query().convert()
                    if fmt == JSON:
                        values = {b["label"]["value"] for b in out["results"]["bindings"]}
                    elif fmt == XML:
                        self.assertIsInstance(out, Document)
                        values = {
                            lit.firstChild.data for lit in out.getElementsByTagName("literal")
                        }
                    else:
                        text = out.decode("utf-8")
                        values = {line.strip('"').split('"@')[0] for line in text.splitlines()[1:]}
                    self.assertIn("Minsk", values)
                    self.assertIn("明斯克", values)

    def test_ask_every_results_format(self):
        for method, encoding in TRANSPORTS:
            for fmt in (JSON, XML, CSV, TSV):
                with self.subTest(fmt=fmt, method=method, encoding=encoding):
                    out = wrapper(ASK, fmt, method, encoding).query().convert()
                    if fmt == JSON:
                        self.assertIs(out["boolean"], True)
                    elif fmt == XML:
                        node = out.getElementsByTagName("boolean")[0]
                        self.assertEqual(node.firstChild.data, "true")
                    else:
                        self.assertIn(b"true", out)


class SparqlWrapperGraphs(unittest.TestCase):
    """CONSTRUCT and DESCRIBE in every RDF format SPARQLWrapper asks for."""

    def graph_of(self, out, fmt):
        if isinstance(out, rdflib.Graph):
            return out
        if fmt == JSON:
            return rdflib.Graph().parse(data=json.dumps(out), format="json-ld")
        text = out.decode("utf-8") if isinstance(out, bytes) else out
        parse_as = {TURTLE: "turtle", N3: "n3", JSONLD: "json-ld"}.get(fmt, "xml")
        return rdflib.Graph().parse(data=text, format=parse_as)

    def test_construct_and_describe_every_rdf_format(self):
        for query in (CONSTRUCT, DESCRIBE):
            for method, encoding in TRANSPORTS:
                for fmt in (XML, RDFXML, TURTLE, N3, JSONLD, JSON):
                    with self.subTest(query=query[-30:], fmt=fmt, method=method, encoding=encoding):
                        with warnings.catch_warnings():
                            # SPARQLWrapper warns that JSON is unusual for CONSTRUCT.
                            warnings.simplefilter("ignore")
                            out = wrapper(query, fmt, method, encoding).query().convert()
                        labels = labels_of(self.graph_of(out, fmt))
                        self.assertIn("Minsk", labels)
                        self.assertIn("明斯克", labels)

    def test_bad_query_is_reported_by_the_client(self):
        with self.assertRaises(QueryBadFormed) as raised:
            wrapper("SELECT * WHERE { ?s ?p }", JSON, GET, URLENCODED).query()
        self.assertIn("SPARQL syntax error", str(raised.exception))

    def test_format_that_does_not_fit_is_a_clear_400(self):
        # TSV for a CONSTRUCT: refused, and the message says what to use instead.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with self.assertRaises(QueryBadFormed) as raised:
                wrapper(CONSTRUCT, TSV, GET, URLENCODED).query()
        self.assertIn("turtle", str(raised.exception))


class SparqlWrapperUpdate(unittest.TestCase):
    def test_update_with_the_token_then_query(self):
        sw = SPARQLWrapper(ENDPOINT)
        sw.setMethod(POST)
        sw.addCustomHttpHeader("Authorization", f"Bearer {TOKEN}")
        sw.setQuery('INSERT DATA { GRAPH <urn:clients:sw> { <urn:clients:a> <urn:clients:b> "sw" } }')
        sw.query()
        out = wrapper(
            "ASK { GRAPH <urn:clients:sw> { <urn:clients:a> <urn:clients:b> \"sw\" } }",
            JSON,
            GET,
            URLENCODED,
        ).query().convert()
        self.assertIs(out["boolean"], True)

    def test_update_without_the_token_is_refused(self):
        sw = SPARQLWrapper(ENDPOINT)
        sw.setMethod(POST)
        sw.setQuery('INSERT DATA { <urn:clients:x> <urn:clients:y> "no" }')
        with self.assertRaises(urllib.error.HTTPError) as raised:
            sw.query()
        self.assertEqual(raised.exception.code, 403)


class RdflibStores(unittest.TestCase):
    def test_sparql_store_query_and_triples(self):
        for method in ("GET", "POST", "POST_FORM"):
            for fmt in ("xml", "json", "csv"):
                with self.subTest(method=method, fmt=fmt):
                    graph = rdflib.Graph(
                        store=SPARQLStore(query_endpoint=ENDPOINT, method=method, returnFormat=fmt)
                    )
                    rows = list(graph.query(SELECT))
                    self.assertIn("Minsk", {str(r[0]) for r in rows})
                    if fmt != "csv":  # rdflib reads no boolean from CSV
                        self.assertTrue(graph.query(ASK).askAnswer)
        graph = rdflib.Graph(store=SPARQLStore(query_endpoint=ENDPOINT))
        self.assertIn("Minsk", labels_of(graph))
        result = graph.query(CONSTRUCT)
        self.assertIn("明斯克", labels_of(result.graph))

    def test_sparql_update_store_with_a_bearer_token(self):
        store = SPARQLUpdateStore(
            query_endpoint=ENDPOINT,
            update_endpoint=ENDPOINT,
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
        graph = rdflib.Graph(store=store, identifier=rdflib.URIRef("urn:clients:rdflib"))
        triple = (rdflib.URIRef("urn:clients:s"), rdflib.URIRef("urn:clients:p"), rdflib.Literal("rdflib"))
        graph.add(triple)
        self.assertIn(triple, graph)
        graph.remove(triple)
        self.assertNotIn(triple, graph)
        # rdflib puts an update on a named rdflib Graph into that graph itself.
        graph.update('INSERT DATA { <urn:clients:s> <urn:clients:p> "again" }')
        self.assertEqual(len(list(graph.triples((None, rdflib.URIRef("urn:clients:p"), None)))), 1)


class Pandas(unittest.TestCase):
    def test_read_csv_and_tsv_results(self):
        q = urllib.parse.quote(PREFIX + "SELECT ?place ?label WHERE { ?place a <https://w3id.org/amity/ns#Place> ; rdfs:label ?label FILTER(lang(?label) = 'en') }")
        frame = pd.read_csv(f"{ENDPOINT}?query={q}&format=csv")
        self.assertEqual(list(frame.columns), ["place", "label"])
        self.assertIn("Minsk", set(frame["label"]))
        self.assertGreater(len(frame), 20)
        # TSV cells are RDF terms; read them as they are (no CSV quoting).
        tsv = pd.read_csv(f"{ENDPOINT}?query={q}&format=tsv", sep="\t", quoting=3)
        self.assertEqual(list(tsv.columns), ["?place", "?label"])
        self.assertEqual(len(tsv), len(frame))
        self.assertIn('"Minsk"@en', set(tsv["?label"]))

    def test_read_a_gallery_query(self):
        frame = pd.read_csv(f"{BASE}/queries/partners-since?format=csv")
        self.assertIn("partner", frame.columns)
        self.assertIn("Hanoi", set(frame["partner_en"]))


if __name__ == "__main__":
    result = unittest.main(argv=[sys.argv[0], "-v", *sys.argv[3:]], exit=False).result
    sys.exit(0 if result.wasSuccessful() else 1)
