// fetch-sparql-endpoint (Comunica's SPARQL client, from npm), unmodified, against a running amity.
//
//   node tests/clients/client.mjs BASE_URL UPDATE_TOKEN
//
// Run by tests/clients.rs. Exits non-zero on the first failed check, naming it.
import { SparqlEndpointFetcher } from 'fetch-sparql-endpoint';

const base = (process.argv[2] ?? 'http://127.0.0.1:7878').replace(/\/$/, '');
const token = process.argv[3] ?? '';
const endpoint = `${base}/sparql`;
const minsk = 'https://w3id.org/amity/id/place/minsk';
const label = 'http://www.w3.org/2000/01/rdf-schema#label';

function check(ok, what) {
  if (!ok) {
    console.error(`FAIL: ${what}`);
    process.exit(1);
  }
  console.log(`ok: ${what}`);
}

function collect(stream) {
  return new Promise((resolve, reject) => {
    const out = [];
    stream.on('data', (d) => out.push(d));
    stream.on('error', reject);
    stream.on('end', () => resolve(out));
  });
}

for (const method of ['GET', 'POST']) {
  const fetcher = new SparqlEndpointFetcher({ method });
  const rows = await collect(await fetcher.fetchBindings(endpoint,
    `SELECT ?label WHERE { <${minsk}> <${label}> ?label }`));
  const labels = rows.map((r) => r.label.value);
  check(labels.includes('Minsk') && labels.includes('明斯克'), `${method} SELECT gives Minsk's labels (${labels})`);
  check(await fetcher.fetchAsk(endpoint, `ASK { <${minsk}> ?p ?o }`), `${method} ASK is true`);
  const triples = await collect(await fetcher.fetchTriples(endpoint,
    `CONSTRUCT { <${minsk}> <${label}> ?l } WHERE { <${minsk}> <${label}> ?l }`));
  check(triples.some((q) => q.object.value === '明斯克'), `${method} CONSTRUCT gives triples (${triples.length})`);
  let refused = '';
  try {
    await fetcher.fetchBindings(endpoint, 'SELECT * WHERE { ?s ?p }');
  } catch (e) {
    refused = String(e.message ?? e);
  }
  check(refused.includes('400') || refused.includes('syntax'), `${method} syntax error is reported (${refused.slice(0, 80)})`);
}

const writer = new SparqlEndpointFetcher({
  defaultHeaders: new Headers({ Authorization: `Bearer ${token}` }),
});
await writer.fetchUpdate(endpoint, 'INSERT DATA { GRAPH <urn:clients:js> { <urn:clients:a> <urn:clients:b> "js" } }');
check(await writer.fetchAsk(endpoint, 'ASK { GRAPH <urn:clients:js> { <urn:clients:a> <urn:clients:b> "js" } }'),
  'update with the bearer token is applied');
let denied = '';
try {
  await new SparqlEndpointFetcher().fetchUpdate(endpoint, 'INSERT DATA { <urn:clients:x> <urn:clients:y> 1 }');
} catch (e) {
  denied = String(e.message ?? e);
}
check(denied.includes('403'), `update without the token is refused (${denied.slice(0, 80)})`);
