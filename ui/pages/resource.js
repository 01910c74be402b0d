// `/id/{kind}/{id}` (and `/wd/{QID}` for Wikidata places): everything the graph says about a
// resource, each fact with the sentence it comes from and a link to it in the report.
import { h, link } from '../dom.js';
import { focusKey } from '../netdata.js';
import { t, lang } from '../i18n.js';
import { sparql, PREFIXES, iriRef, loadLabels, label, localPath, shortIri } from '../sparql.js';

const AM = 'https://w3id.org/amity/ns#';
const RDFS_LABEL = 'http://www.w3.org/2000/01/rdf-schema#label';
const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';
const PROV_DERIVED = 'http://www.w3.org/ns/prov#wasDerivedFrom';
const METRICS = ['degree', 'pagerank', 'betweenness', 'closeness', 'community', 'componentSize', 'articulationPoint', 'inNetwork'].map((m) => AM + m);
const HIDDEN = new Set([RDFS_LABEL, AM + 'quote', PROV_DERIVED, AM + 'text']);
const GROUPS = [
  ['FriendshipTie', 'res.ties'],
  ['Agreement', 'res.agreements'],
  ['Event', 'res.events'],
  ['Place', 'res.parts'],
];

async function rows(query) {
  const { json } = await sparql(PREFIXES + query);
  return json.results.bindings;
}

/** A link to a term: our resources by label, other IRIs by label or IRI, literals as text. */
export function term(v) {
  if (!v) return '';
  if (v.type === 'uri') {
    const p = localPath(v.value);
    const wd = v.value.match(/^http:\/\/www\.wikidata\.org\/entity\/(Q\d+)$/);
    if (p) return link(p, label(v.value), { title: v.value });
    if (wd) return h('span', {}, link(`/wd/${wd[1]}`, label(v.value)), ' ', h('a', { href: v.value, rel: 'noreferrer', target: '_blank', class: 'muted' }, wd[1]));
    return h('span', { title: v.value }, label(v.value));
  }
  const dt = v.datatype ? v.datatype.replace(/.*#/, '') : '';
  return h('span', { lang: v['xml:lang'] || undefined }, v.value, dt && !['string', 'langString'].includes(dt) ? h('span', { class: 'badge' }, dt) : null);
}

/** The source of a fact: its quote, the passage's sentence, and a link to the report. */
export function source(info) {
  if (!info || (!info.quote && !info.ptext)) return null;
  const report = info.report ? info.report.replace(/.*\//, '') : null;
  const passage = info.passage ? info.passage.replace(/.*\//, '') : null;
  const href = report ? `/report/${report}?passage=${encodeURIComponent(passage)}${info.quote ? `&quote=${encodeURIComponent(info.quote)}` : ''}#${passage}` : null;
  return h('div', { class: 'source' },
    h('blockquote', { class: 'src', lang: 'zh' }, markQuote(info.ptext || info.quote, info.quote)),
    href ? link(href, `${t('res.open')} →`, { class: 'to-report' }) : null);
}

function markQuote(text, quote) {
  const i = quote ? text.indexOf(quote) : -1;
  if (i < 0) return text;
  return [text.slice(0, i), h('mark', {}, quote), text.slice(i + quote.length)];
}

export async function render(root, ctx) {
  const path = location.pathname;
  const iri = path.startsWith('/wd/') ? `http://www.wikidata.org/entity/${ctx.params[0]}` : `https://w3id.org/amity${path}`;
  const out = await rows(`SELECT ?p ?o WHERE { ${iriRef(iri)} ?p ?o }`);
  if (!out.length) {
    root.append(h('h1', {}, shortIri(iri)), h('p', { class: 'error', role: 'alert' }, t('res.notfound')));
    return;
  }
  const incoming = await rows(`SELECT DISTINCT ?s ?p WHERE { ?s ?p ${iriRef(iri)} FILTER(isIRI(?s)) } LIMIT 3000`);
  const subjects = [...new Set([iri, ...incoming.map((r) => r.s.value)])];
  const info = new Map();
  const types = new Map();
  for (let k = 0; k < subjects.length; k += 300) {
    const chunk = subjects.slice(k, k + 300).map(iriRef).join(' ');
    for (const r of await rows(`SELECT ?s ?type ?passage ?quote ?ptext ?report ?year ?date ?ps ?pe WHERE {
        VALUES ?s { ${chunk} }
        OPTIONAL { ?s a ?type }
        OPTIONAL { ?s prov:wasDerivedFrom ?passage . ?passage am:text ?ptext ; dcterms:isPartOf ?report }
        OPTIONAL { ?s am:quote ?quote }
        OPTIONAL { ?s am:startYear ?year }
        OPTIONAL { ?s dcterms:date ?date }
        OPTIONAL { ?s am:periodStart ?ps . OPTIONAL { ?s am:periodEnd ?pe } } }`)) {
      const s = r.s.value;
      if (!info.has(s)) info.set(s, {});
      const e = info.get(s);
      for (const k2 of ['passage', 'quote', 'ptext', 'report', 'year', 'date', 'ps', 'pe']) if (r[k2] && !e[k2]) e[k2] = r[k2].value;
      if (r.type) { if (!types.has(s)) types.set(s, new Set()); types.get(s).add(r.type.value); }
    }
  }
  await loadLabels([iri, ...out.flatMap((r) => [r.p.value, r.o.type === 'uri' ? r.o.value : null]), ...incoming.flatMap((r) => [r.s.value, r.p.value]), ...[...types.values()].flatMap((s) => [...s])].filter(Boolean));

  const labels = out.filter((r) => r.p.value === RDFS_LABEL).map((r) => ({ value: r.o.value, lang: r.o['xml:lang'] || '' }));
  const mine = labels.find((l) => l.lang.startsWith(lang())) || labels[0];
  const other = labels.find((l) => l !== mine && l.lang !== (mine && mine.lang));
  const myTypes = [...(types.get(iri) || [])];
  const kind = path.split('/')[2];
  root.append(
    h('h1', {}, mine ? mine.value : shortIri(iri), other ? h('span', { class: 'muted', style: 'font-weight:normal;margin-left:.6em' }, other.value) : null),
    h('p', {}, myTypes.map((tp) => h('span', { class: 'badge' }, label(tp))), ' ', h('code', { class: 'muted' }, iri)),
    path.startsWith('/id/') ? h('p', { class: 'formats muted' }, `${t('res.formats')}: `,
      h('a', { href: `${path}?format=ttl`, 'data-native': true, type: 'text/turtle' }, 'Turtle'),
      h('a', { href: `${path}?format=jsonld`, 'data-native': true, type: 'application/ld+json' }, 'JSON-LD'),
      kind === 'place' || kind === 'org' ? [['/map', 'res.onmap'], ['/network', 'res.innet'], ['/timeline', 'res.ontl']].map(([p, k]) => link(`${p}?focus=${encodeURIComponent(focusKey(iri))}`, t(k), { class: 'focus-link' })) : null,
      kind === 'report' ? link(`/report/${path.split('/')[3]}`, t('nav.report')) : null) : null,
    source(info.get(iri)),
  );

  // Its own properties, grouped by property; metrics apart.
  const byProp = new Map();
  for (const r of out) {
    if (HIDDEN.has(r.p.value)) continue;
    if (!byProp.has(r.p.value)) byProp.set(r.p.value, []);
    byProp.get(r.p.value).push(r.o);
  }
  const facts = [...byProp.entries()].filter(([p]) => !METRICS.includes(p));
  const metrics = [...byProp.entries()].filter(([p]) => METRICS.includes(p));
  const dl = (entries) => h('dl', { class: 'kv' }, entries.flatMap(([p, vs]) => [
    h('dt', {}, label(p)),
    h('dd', {}, vs.filter((v) => !v['xml:lang'] || v['xml:lang'].startsWith(lang()) || !vs.some((w) => (w['xml:lang'] || '').startsWith(lang())))
      .map((v, i) => [i ? ', ' : '', p === RDF_TYPE ? label(v.value) : term(v)])),
  ]));
  root.append(h('h2', {}, t('res.facts')), dl(facts));
  const text = out.find((r) => r.p.value === AM + 'text');
  if (text && kind !== 'report') root.append(h('blockquote', { class: 'src', lang: 'zh' }, text.o.value));
  if (metrics.length) root.append(h('h2', {}, t('res.metrics')), dl(metrics));

  // What links here, grouped by the linking resource's class, each with its source.
  const seen = new Set();
  const groups = GROUPS.map(([cls, key]) => ({ cls: AM + cls, key, items: [] }));
  const rest = { key: 'res.other', items: [] };
  for (const r of incoming) {
    const s = r.s.value;
    if (seen.has(s) || s === iri) continue;
    seen.add(s);
    const ts = types.get(s) || new Set();
    // Places are grouped as "within it" only through am:partOf (not e.g. am:wikidata).
    const g = groups.find((gr) => ts.has(gr.cls) && (gr.cls !== AM + 'Place' || r.p.value === AM + 'partOf')) || rest;
    g.items.push({ s, p: r.p.value });
  }
  for (const g of [...groups, rest]) {
    if (!g.items.length) continue;
    g.items.sort((a, b) => (info.get(a.s)?.year || info.get(a.s)?.date || info.get(a.s)?.ps || '').localeCompare(info.get(b.s)?.year || info.get(b.s)?.date || info.get(b.s)?.ps || '') || label(a.s).localeCompare(label(b.s)));
    const list = h('ul', { class: 'facts', id: `links-${g.key.replace('res.', '')}` });
    for (const { s, p } of g.items.slice(0, 500)) {
      const i = info.get(s) || {};
      const when = i.year ? t('res.since', { y: i.year.slice(0, 4) }) : i.date || (i.ps ? `${i.ps} – ${i.pe || ''}` : '');
      list.append(h('li', {},
        term({ type: 'uri', value: s }), ' ', h('span', { class: 'muted' }, `(${label(p)}${when ? ', ' + when : ''})`),
        source(i)));
    }
    root.append(h('h2', {}, `${t(g.key)} (${g.items.length})`), list);
  }
}
