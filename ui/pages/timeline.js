// `/timeline`: events and agreements on a time axis, grouped by report, home city (where the
// report's publisher is based), task or partner country. URL: ?group=report|home|task|country.
import { h, link, setParams } from '../dom.js';
import { t, lang } from '../i18n.js';
import { select, loadLabels, label, localPath } from '../sparql.js';

const AM = 'https://w3id.org/amity/ns#';

export async function render(root, ctx) {
  const GROUPS = ['report', 'home', 'task', 'country'];
  let group = GROUPS.includes(ctx.query.get('group')) ? ctx.query.get('group') : 'report';
  const rows = await select(`SELECT ?f ?type ?date ?ps ?pe ?basis ?task ?num ?country ?report ?rdate ?home WHERE {
      VALUES ?type { am:Event am:Agreement }
      ?f a ?type .
      OPTIONAL { ?f dcterms:date ?date }
      OPTIONAL { ?f am:periodStart ?ps }
      OPTIONAL { ?f am:periodEnd ?pe }
      OPTIONAL { ?f am:dateBasis ?basis }
      OPTIONAL { ?f am:task ?task . OPTIONAL { ?task am:taskNumber ?num } }
      OPTIONAL { ?f am:heldIn|am:counterpart|am:party|am:participant ?pl .
                 ?pl am:country ?country FILTER(?country != <https://w3id.org/amity/id/place/china>) }
      OPTIONAL { ?f prov:wasDerivedFrom/dcterms:isPartOf ?report . ?report am:periodEnd ?rdate
                 OPTIONAL { ?report dcterms:publisher/am:basedIn ?home } }
    }`);
  const facts = new Map();
  for (const r of rows) {
    if (!facts.has(r.f)) facts.set(r.f, { iri: r.f, type: r.type, start: r.date || r.ps, end: r.date || r.pe || r.ps, derived: (r.basis || '').endsWith('derived'), task: r.task, num: Number(r.num || 999), countries: new Set(), report: r.report, rdate: r.rdate || '', home: r.home });
    if (r.country) facts.get(r.f).countries.add(r.country);
  }
  const list = [...facts.values()].filter((f) => f.start);
  await loadLabels([...list.map((f) => f.iri), ...list.flatMap((f) => [f.task, f.report, f.home]).filter(Boolean), ...list.flatMap((f) => [...f.countries])]);
  const min = list.reduce((m, f) => (f.start < m ? f.start : m), '9999');
  const max = list.reduce((m, f) => (f.end > m ? f.end : m), '0000');
  const t0 = Date.parse(min.slice(0, 7) + '-01'), t1 = Date.parse(max) + 86400000;
  const pct = (d) => ((Date.parse(d) - t0) / (t1 - t0)) * 100;
  const months = [];
  // Month ticks for up to two years, then one tick a year (labelled by year).
  const long = t1 - t0 > 2 * 366 * 86400000;
  for (let d = new Date(t0); d.getTime() < t1; d.setUTCMonth(d.getUTCMonth() + (long ? 12 - d.getUTCMonth() : 1))) months.push(d.toISOString().slice(0, 10));

  const choice = h('select', { id: 'tl-group', 'aria-label': t('tl.group') },
    ...GROUPS.map((g) => h('option', { value: g, selected: group === g }, t(`tl.${g}`))));
  const out = h('div', { id: 'timeline' });
  choice.addEventListener('change', () => { group = choice.value; setParams({ group }); draw(); });
  root.append(
    h('h1', {}, t('tl.title')),
    h('div', { class: 'toolbar' }, h('label', {}, t('tl.group'), choice),
      h('span', { class: 'legend' }, h('span', {}, h('span', { class: 'sw', style: 'background:#3b75b5;border-radius:2px' }), t('tl.events')),
        h('span', {}, h('span', { class: 'sw', style: 'background:#b5523b;border-radius:2px' }), t('tl.agreements')),
        h('span', { class: 'muted' }, t('tl.derived')))),
    out);

  function draw() {
    const groups = new Map();
    const add = (key, name, order, f) => {
      if (!groups.has(key)) groups.set(key, { name, order, items: [] });
      groups.get(key).items.push(f);
    };
    for (const f of list) {
      if (group === 'report') add(f.report || '', f.report ? label(f.report) : t('tl.noreport'), -Date.parse(f.rdate || '0000'), f);
      else if (group === 'home') add(f.home || '', f.home ? label(f.home) : t('tl.nohome'), 0, f);
      else if (group === 'task') add(f.task || '', f.task ? label(f.task) : t('tl.notask'), f.num, f);
      else if (!f.countries.size) add('', t('tl.nocountry'), Infinity, f);
      else for (const c of f.countries) add(c, label(c), 0, f);
    }
    const sorted = [...groups.values()].sort((a, b) => a.order - b.order || (a.order === 0 ? b.items.length - a.items.length : 0) || a.name.localeCompare(b.name, lang()));
    out.replaceChildren();
    for (const g of sorted) {
      g.items.sort((a, b) => a.start.localeCompare(b.start) || label(a.iri).localeCompare(label(b.iri)));
      const section = h('section', { class: 'tl-group' }, h('h2', {}, `${g.name} (${g.items.length})`),
        h('div', { class: 'tl-axis', 'aria-hidden': 'true' }, months.map((m) => h('span', { style: `left:${pct(m)}%` }, long ? m.slice(0, 4) : m.slice(0, 7)))));
      for (const f of g.items) {
        const kind = f.type === AM + 'Agreement' ? 'agreement' : 'event';
        const when = f.start === f.end ? f.start : `${f.start} – ${f.end}`;
        const left = pct(f.start), width = Math.max(0.6, pct(f.end) + (100 * 86400000) / (t1 - t0) - left);
        section.append(h('div', { class: 'tl-row' },
          h('div', { class: 'tl-label' }, link(localPath(f.iri), label(f.iri), { title: label(f.iri) })),
          h('div', { class: 'tl-track' },
            h('div', { class: `tl-bar ${kind}${f.derived ? ' derived' : ''}`, style: `left:${left}%;width:${width}%`, title: `${label(f.iri)}: ${when}`, role: 'img', 'aria-label': `${t('tl.when')}: ${when}` }))));
      }
      out.append(section);
    }
  }
  draw();
}
