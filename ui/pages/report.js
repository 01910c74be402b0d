// `/report/{id}`: the report's text, every passage marked, every fact linked inline after the
// sentence it comes from. ?passage=ID&quote=TEXT highlights one sentence and scrolls to it.
import { h, link } from '../app.js';
import { t, lang } from '../i18n.js';
import { select, iriRef, loadLabels, label, localPath } from '../sparql.js';

export async function render(root, ctx) {
  const id = ctx.params[0];
  const report = `https://w3id.org/amity/id/report/${id}`;
  const [head] = await select(`SELECT ?text ?title ?date WHERE { ${iriRef(report)} am:text ?text . OPTIONAL { ${iriRef(report)} rdfs:label ?title FILTER(lang(?title) = "${lang()}") } OPTIONAL { ${iriRef(report)} dcterms:date ?date } }`);
  if (!head) { root.append(h('h1', {}, id), h('p', { class: 'error', role: 'alert' }, t('res.notfound'))); return; }
  const passages = await select(`SELECT ?p ?start ?end WHERE { ?p dcterms:isPartOf ${iriRef(report)} ; am:charStart ?start ; am:charEnd ?end } ORDER BY ?start`);
  const facts = await select(`SELECT DISTINCT ?f ?p ?quote WHERE { ?f prov:wasDerivedFrom ?p . ?p dcterms:isPartOf ${iriRef(report)} . OPTIONAL { ?f am:quote ?quote } } ORDER BY ?f`);
  await loadLabels(facts.map((f) => f.f));
  const byPassage = new Map();
  for (const f of facts) {
    if (!byPassage.has(f.p)) byPassage.set(f.p, []);
    byPassage.get(f.p).push(f);
  }
  const wanted = ctx.query.get('passage') || location.hash.slice(1);
  const wantedQuote = ctx.query.get('quote');
  const chars = Array.from(head.text); // offsets count Unicode characters
  const body = h('div', { class: 'report-text', lang: 'zh', style: 'white-space:pre-wrap' });
  let pos = 0;
  let target = null;
  for (const p of passages) {
    const start = Number(p.start), end = Number(p.end);
    if (start < pos) continue;
    body.append(chars.slice(pos, start).join(''));
    const pid = p.p.replace(/.*\//, '');
    const text = chars.slice(start, end).join('');
    const list = byPassage.get(p.p) || [];
    const quotes = list.map((f) => f.quote).filter(Boolean);
    const span = h('span', { class: 'psg', id: pid, 'data-passage': pid }, marked(text, pid === wanted && wantedQuote ? [wantedQuote] : quotes));
    if (pid === wanted) { span.classList.add('target'); target = span; }
    body.append(span);
    for (const f of list) {
      const path = localPath(f.f);
      const name = label(f.f);
      const short = name.length > 18 ? name.slice(0, 17) + '…' : name;
      if (path) body.append(link(path, short, { class: 'fact', title: name }));
    }
    pos = end;
  }
  body.append(chars.slice(pos).join(''));
  root.append(
    h('h1', {}, head.title || id),
    h('p', { class: 'muted' }, [head.date, t('rep.facts', { n: new Set(facts.map((f) => f.f)).size }), link(`/id/report/${id}`, report)].filter(Boolean).map((x, i) => [i ? ' · ' : '', x])),
    h('p', { class: 'muted' }, t('rep.help')),
    body);
  if (target) requestAnimationFrame(() => target.scrollIntoView({ block: 'center' }));
}

/** The text with every quote (non-overlapping, first occurrence) in <mark>. */
function marked(text, quotes) {
  const ranges = [];
  for (const q of quotes) {
    const i = text.indexOf(q);
    if (i >= 0) ranges.push([i, i + q.length]);
  }
  ranges.sort((a, b) => a[0] - b[0]);
  const merged = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]); else merged.push([...r]);
  }
  const out = [];
  let pos = 0;
  for (const [a, b] of merged) { out.push(text.slice(pos, a), h('mark', {}, text.slice(a, b))); pos = b; }
  out.push(text.slice(pos));
  return out;
}
