// `/reports`: every report in the graph, newest period first: its home city (where its
// publisher is based), date, completeness, number of facts, and links to its page and source.
import { h, link } from '../dom.js';
import { t, lang } from '../i18n.js';
import { select, loadLabels, label } from '../sparql.js';

export async function render(root) {
  const rows = await select(`SELECT ?r ?title ?anyTitle ?date ?ps ?pe ?url ?c ?home (COUNT(DISTINCT ?f) AS ?facts) WHERE {
      ?r a am:Report ; am:periodStart ?ps ; am:periodEnd ?pe .
      OPTIONAL { ?r rdfs:label ?title FILTER(lang(?title) = "${lang()}") }
      OPTIONAL { ?r rdfs:label ?anyTitle }
      OPTIONAL { ?r dcterms:date ?date }
      OPTIONAL { ?r dcterms:source ?url }
      OPTIONAL { ?r am:completeness ?c }
      OPTIONAL { ?r dcterms:publisher/am:basedIn ?home }
      OPTIONAL { ?p dcterms:isPartOf ?r . ?f prov:wasDerivedFrom ?p }
    } GROUP BY ?r ?title ?anyTitle ?date ?ps ?pe ?url ?c ?home ORDER BY DESC(?pe) ?r`);
  const seen = new Set();
  const list = rows.filter((r) => !seen.has(r.r) && seen.add(r.r));
  await loadLabels(list.map((r) => r.home).filter(Boolean));
  const table = h('table', { class: 'results', id: 'reports-table' },
    h('thead', {}, h('tr', {}, ...['reps.report', 'reps.home', 'reps.date', 'reps.period', 'reps.completeness', 'reps.facts', 'reps.source'].map((k) => h('th', {}, t(k))))),
    h('tbody', {}, ...list.map((r) => {
      const id = r.r.replace(/.*\//, '');
      return h('tr', { 'data-report': id },
        h('td', {}, link(`/report/${id}`, r.title || r.anyTitle || id)),
        h('td', {}, r.home ? link(`/id/place/${r.home.replace(/.*\//, '')}`, label(r.home)) : ''),
        h('td', {}, r.date || t('rep.undated')),
        h('td', {}, `${r.ps} – ${r.pe}`),
        h('td', {}, (r.c || '').endsWith('/excerpt') ? t('reps.excerpt') : t('reps.complete')),
        h('td', { class: 'num' }, r.facts),
        h('td', {}, r.url ? h('a', { href: r.url, rel: 'noopener noreferrer' }, t('rep.source')) : t('reps.kept')));
    })));
  root.append(h('h1', {}, t('reps.title')), h('p', { class: 'muted' }, t('reps.help')), h('div', { class: 'table-wrap' }, table));
}
