// `/report/{id}`: the report's text, every passage marked, every fact linked inline after the
// sentence it comes from. ?passage=ID&quote=TEXT highlights one sentence and scrolls to it.
// A report kept as facts and spans only (no am:text) shows its spans in order, each with its
// paragraph and sentence number and its facts, and a link to the published page.
import { h, link } from '../dom.js';
import { t, lang } from '../i18n.js';
import { select, iriRef, loadLabels, label, localPath } from '../sparql.js';

export async function render(root, ctx) {
  const id = ctx.params[0];
  const report = `https://w3id.org/amity/id/report/${id}`;
  const r = iriRef(report);
  const [head] = await select(`SELECT ?text ?title ?anyTitle ?date ?url ?excerpt ?note WHERE { ${r} a am:Report . OPTIONAL { ${r} am:text ?text } OPTIONAL { ${r} rdfs:label ?title FILTER(lang(?title) = "${lang()}") } OPTIONAL { ${r} rdfs:label ?anyTitle } OPTIONAL { ${r} dcterms:date ?date } OPTIONAL { ${r} dcterms:source ?url } OPTIONAL { ${r} am:completeness ?c FILTER(STRENDS(STR(?c), "/excerpt")) BIND(true AS ?excerpt) } OPTIONAL { ${r} am:note ?note } } LIMIT 1`);
  if (!head) { root.append(h('h1', {}, id), h('p', { class: 'error', role: 'alert' }, t('res.notfound'))); return; }
  const facts = await select(`SELECT DISTINCT ?f ?p ?quote WHERE { ?f prov:wasDerivedFrom ?p . ?p dcterms:isPartOf ${r} . OPTIONAL { ?f am:quote ?quote } } ORDER BY ?f`);
  await loadLabels(facts.map((f) => f.f));
  const byPassage = new Map();
  for (const f of facts) {
    if (!byPassage.has(f.p)) byPassage.set(f.p, []);
    byPassage.get(f.p).push(f);
  }
  const wanted = ctx.query.get('passage') || location.hash.slice(1);
  const wantedQuote = ctx.query.get('quote');
  const meta = [head.date || t('rep.undated'), t('rep.facts', { n: new Set(facts.map((f) => f.f)).size }), link(`/id/report/${id}`, report)];
  if (head.url) meta.push(h('a', { href: head.url, rel: 'noopener noreferrer', class: 'source-link' }, t('rep.source')));
  root.append(h('h1', {}, head.title || head.anyTitle || id), h('p', { class: 'muted' }, meta.map((x, i) => [i ? ' · ' : '', x])));
  if (head.excerpt) root.append(h('p', { class: 'notice', role: 'note' }, t('rep.excerpt')));
  if (head.note) root.append(h('p', { class: 'muted' }, head.note));
  const factLinks = (list) => list.map((f) => {
    const path = localPath(f.f);
    const name = label(f.f);
    const short = name.length > 18 ? name.slice(0, 17) + '…' : name;
    return path ? link(path, short, { class: 'fact', title: name }) : null;
  }).filter(Boolean);
  if (head.text === undefined) {
    // Spans only: one row per passage, in paragraph and sentence order.
    const spans = await select(`SELECT ?p ?text ?par ?sen WHERE { ?p dcterms:isPartOf ${r} ; am:text ?text ; am:paragraph ?par ; am:sentence ?sen } ORDER BY ?par ?sen ?p`);
    const list = h('ol', { class: 'report-spans', lang: 'zh' });
    let target = null;
    for (const p of spans) {
      const pid = p.p.replace(/.*\//, '');
      const fs = byPassage.get(p.p) || [];
      const quotes = fs.map((f) => f.quote).filter(Boolean);
      const li = h('li', { class: 'psg', id: pid, 'data-passage': pid },
        [h('span', { class: 'muted', lang: lang() }, `¶${p.par}.${p.sen} `), h('span', {}, marked(p.text, pid === wanted && wantedQuote ? [wantedQuote] : quotes)), ' ', ...factLinks(fs)]);
      if (pid === wanted) { li.classList.add('target'); target = li; }
      list.append(li);
    }
    root.append(h('p', { class: 'muted' }, t('rep.spans')), list);
    if (target) requestAnimationFrame(() => target.scrollIntoView({ block: 'center' }));
    return;
  }
  const passages = await select(`SELECT ?p ?start ?end WHERE { ?p dcterms:isPartOf ${r} ; am:charStart ?start ; am:charEnd ?end } ORDER BY ?start`);
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
    body.append(span, ...factLinks(list));
    pos = end;
  }
  body.append(chars.slice(pos).join(''));
  root.append(h('p', { class: 'muted' }, t('rep.help')), body);
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
