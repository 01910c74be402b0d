// Talking to the endpoint: SPARQL over POST (the protocol's form encoding) and label look-ups.
import { lang } from './i18n.js';

export const PREFIXES = `PREFIX am: <https://w3id.org/amity/ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX geo: <http://www.w3.org/2003/01/geo/wgs84_pos#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
`;

export const ID_BASE = 'https://w3id.org/amity/';

/** An error from the endpoint, with the server's message. */
export class QueryError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

/** Runs a query; resolves to `{json}` for SPARQL JSON results, else to `{text}`. */
export async function sparql(query, accept = 'application/sparql-results+json') {
  const res = await fetch('/sparql', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: accept },
    body: new URLSearchParams({ query }),
  });
  if (!res.ok) throw new QueryError(res.status, (await res.text()).trim());
  const truncated = res.headers.get('x-amity-truncated');
  return accept === 'application/sparql-results+json' ? { json: await res.json(), truncated } : { text: await res.text(), truncated };
}

/** Runs a SELECT (with the standard prefixes) and returns rows of plain values. */
export async function select(body) {
  const { json } = await sparql(PREFIXES + body);
  return json.results.bindings.map((b) => {
    const row = {};
    for (const [k, v] of Object.entries(b)) row[k] = v.value;
    return row;
  });
}

/** Escapes an IRI for use inside <…> in a query. */
export function iriRef(iri) { return `<${String(iri).replace(/[<>"{}|^`\\\s]/g, '')}>`; }

const labelCache = new Map(); // iri -> {en, zh}

/** Fetches the English and Chinese labels of these IRIs (cached). */
export async function loadLabels(iris) {
  const missing = [...new Set(iris)].filter((i) => i && !labelCache.has(i));
  for (let k = 0; k < missing.length; k += 400) {
    const chunk = missing.slice(k, k + 400);
    for (const i of chunk) labelCache.set(i, {});
    const raw = await sparql(PREFIXES + `SELECT ?s ?l WHERE { VALUES ?s { ${chunk.map(iriRef).join(' ')} } ?s rdfs:label ?l }`).catch(() => null);
    if (!raw) continue;
    for (const b of raw.json.results.bindings) {
      const entry = labelCache.get(b.s.value) || {};
      const l = b.l['xml:lang'] || '';
      if (l.startsWith('zh')) entry.zh = entry.zh || b.l.value;
      else if (l.startsWith('en')) entry.en = entry.en || b.l.value;
      else entry.plain = entry.plain || b.l.value;
      labelCache.set(b.s.value, entry);
    }
  }
}

/** The label of an IRI in the current language (falls back to the other, then the IRI's end). */
export function label(iri) {
  const e = labelCache.get(iri) || {};
  const mine = lang() === 'zh' ? e.zh : e.en;
  const other = lang() === 'zh' ? e.en : e.zh;
  return mine || other || e.plain || shortIri(iri);
}

export function shortIri(iri) {
  const m = String(iri).match(/[^/#]+$/);
  return m ? decodeURIComponent(m[0]) : iri;
}

/** The local path of one of our IRIs (`/id/place/hanoi`), or null for other IRIs. */
export function localPath(iri) {
  return iri && iri.startsWith(ID_BASE + 'id/') ? '/' + iri.slice(ID_BASE.length) : null;
}

/** Picks the literal in the current language from bindings with language tags. */
export function pickLang(values) {
  const want = lang();
  return values.find((v) => (v.lang || '').startsWith(want))?.value || values.find((v) => v.lang === 'en')?.value || values[0]?.value || '';
}
