// `/timeline`: ties (from their start), events and agreements on a time axis over every dated
// fact, grouped by report, home city (where the report's publisher is based; for a tie, the
// party that is a home city), task or partner country. URL: ?group=report|home|task|country.
// The axis labels a year, or every 2, 5, 10… years, so that labels never overlap at the
// width drawn (months when everything falls within two years); each group's grid lines are
// drawn at the same positions as its labels. `focus=PLACE`: the facts naming that place (held in,
// counterpart, party, participant, organiser) are highlighted, the rest dimmed.
import { h, link, setParams } from '../dom.js';
import { t, lang } from '../i18n.js';
import { select, loadLabels, label, localPath } from '../sparql.js';
import { focusIri } from '../netdata.js';

const AM = 'https://w3id.org/amity/ns#';

export async function render(root, ctx) {
  const GROUPS = ['report', 'home', 'task', 'country'];
  let group = GROUPS.includes(ctx.query.get('group')) ? ctx.query.get('group') : 'report';
  const rows = await select(`SELECT ?f ?type ?date ?sd ?sy ?ps ?pe ?basis ?task ?num ?country ?report ?rdate ?home ?party ?any WHERE {
      VALUES ?type { am:Event am:Agreement am:FriendshipTie }
      ?f a ?type .
      OPTIONAL { ?f dcterms:date ?date }
      OPTIONAL { ?f am:startDate ?sd }
      OPTIONAL { ?f am:startYear ?sy }
      OPTIONAL { ?f a am:FriendshipTie ; am:party ?party }
      OPTIONAL { ?f am:heldIn|am:counterpart|am:party|am:participant|am:organiser ?any }
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
    const tie = r.type === AM + 'FriendshipTie';
    const since = r.sd || (r.sy ? `${String(r.sy).padStart(4, '0')}-01-01` : undefined);
    const start = tie ? since : r.date || r.ps;
    if (!facts.has(r.f)) facts.set(r.f, { iri: r.f, type: r.type, tie, start, since: r.sd || r.sy, end: tie ? start : r.date || r.pe || r.ps, derived: (r.basis || '').endsWith('derived'), task: r.task, num: Number(r.num || 999), countries: new Set(), parties: new Set(), places: new Set(), report: r.report, rdate: r.rdate || '', home: r.home });
    if (r.country) facts.get(r.f).countries.add(r.country);
    if (r.party) facts.get(r.f).parties.add(r.party);
    if (r.any) facts.get(r.f).places.add(r.any);
  }
  const list = [...facts.values()].filter((f) => f.start);
  // A tie's home city: its party that is the home of a report.
  const homes = new Set(list.map((f) => f.home).filter(Boolean));
  for (const f of list) if (f.tie && !f.home) f.home = [...f.parties].find((p) => homes.has(p));
  const focus = focusIri(ctx.query.get('focus'));
  await loadLabels([...(focus ? [focus] : []), ...list.map((f) => f.iri), ...list.flatMap((f) => [f.task, f.report, f.home]).filter(Boolean), ...list.flatMap((f) => [...f.countries])]);
  const min = list.reduce((m, f) => (f.start < m ? f.start : m), '9999');
  const max = list.reduce((m, f) => (f.end > m ? f.end : m), '0000');
  const t0 = Date.parse(min.slice(0, 4) + '-01-01'), t1 = Date.parse(String(Number(max.slice(0, 4)) + 1) + '-01-01');
  const pct = (d) => ((Date.parse(d) - t0) / (t1 - t0)) * 100;
  const y0 = Number(min.slice(0, 4)), y1 = Number(max.slice(0, 4)) + 1;
  // Ticks: years at a step whose labels fit the track's width (about 3.2em a label), or
  // months for a span of at most two years.
  function ticks(width) {
    const fits = (n) => n * 42 <= width;
    if (y1 - y0 <= 2) {
      const months = [];
      const step = [1, 2, 3, 6, 12].find((k) => fits(((y1 - y0) * 12) / k)) || 12;
      for (let d = new Date(t0); d.getTime() < t1; d.setUTCMonth(d.getUTCMonth() + step)) months.push({ at: d.toISOString().slice(0, 10), text: d.toISOString().slice(0, 7) });
      return months;
    }
    const step = [1, 2, 5, 10, 20, 50, 100].find((k) => fits((y1 - y0) / k)) || 100;
    const out = [];
    for (let y = Math.ceil(y0 / step) * step; y < y1; y += step) out.push({ at: `${String(y).padStart(4, '0')}-01-01`, text: String(y) });
    return out;
  }

  const choice = h('select', { id: 'tl-group', 'aria-label': t('tl.group') },
    ...GROUPS.map((g) => h('option', { value: g, selected: group === g }, t(`tl.${g}`))));
  const out = h('div', { id: 'timeline' });
  choice.addEventListener('change', () => { group = choice.value; setParams({ group }); draw(); });
  root.append(
    h('h1', {}, t('tl.title')),
    h('div', { class: 'toolbar' }, h('label', {}, t('tl.group'), choice),
      h('span', { class: 'legend' }, h('span', {}, h('span', { class: 'sw', style: 'background:#3b75b5;border-radius:2px' }), t('tl.events')),
        h('span', {}, h('span', { class: 'sw', style: 'background:#b5523b;border-radius:2px' }), t('tl.agreements')),
        h('span', {}, h('span', { class: 'sw', style: 'background:#7f3c8d;border-radius:2px' }), t('tl.ties')),
        h('span', { class: 'muted' }, t('tl.derived')))),
    focus ? h('p', { class: 'status', id: 'tl-focus' }, t('tl.focus', { name: label(focus), n: list.filter((f) => f.places.has(focus)).length }), ' ',
      link(`/timeline${group === 'report' ? '' : `?group=${group}`}`, t('focus.clear'))) : null,
    out);

  function draw() {
    const groups = new Map();
    const add = (key, name, order, f) => {
      if (!groups.has(key)) groups.set(key, { name, order, items: [] });
      groups.get(key).items.push(f);
    };
    for (const f of list) {
      if (group === 'report' && f.tie && !f.report) add('tables', t('tl.fromtable'), 1, f);
      else if (group === 'report') add(f.report || '', f.report ? label(f.report) : t('tl.noreport'), -Date.parse(f.rdate || '0000'), f);
      else if (group === 'home') add(f.home || '', f.home ? label(f.home) : t('tl.nohome'), 0, f);
      else if (group === 'task') add(f.task || '', f.task ? label(f.task) : t('tl.notask'), f.num, f);
      else if (!f.countries.size) add('', t('tl.nocountry'), Infinity, f);
      else for (const c of f.countries) add(c, label(c), 0, f);
    }
    const sorted = [...groups.values()].sort((a, b) => a.order - b.order || (a.order === 0 ? b.items.length - a.items.length : 0) || a.name.localeCompare(b.name, lang()));
    out.replaceChildren();
    drawnWidth = out.clientWidth;
    const marks = ticks(Math.max(120, drawnWidth * 0.66 - 8));
    for (const g of sorted) {
      g.items.sort((a, b) => a.start.localeCompare(b.start) || label(a.iri).localeCompare(label(b.iri)));
      const rowsBox = h('div', { class: 'tl-rows' },
        h('div', { class: 'tl-grid', 'aria-hidden': 'true' }, marks.map((m) => h('span', { style: `left:${pct(m.at)}%` }))));
      const section = h('section', { class: 'tl-group' }, h('h2', {}, `${g.name} (${g.items.length})`),
        h('div', { class: 'tl-axis', 'aria-hidden': 'true' }, marks.map((m) => h('span', { style: `left:${pct(m.at)}%` }, m.text))), rowsBox);
      for (const f of g.items) {
        const kind = f.tie ? 'tie' : f.type === AM + 'Agreement' ? 'agreement' : 'event';
        const when = f.tie ? t('tl.since', { when: f.since }) : f.start === f.end ? f.start : `${f.start} – ${f.end}`;
        const left = pct(f.start), width = f.tie ? 100 - left : Math.max(0.6, pct(f.end) + (100 * 86400000) / (t1 - t0) - left);
        const mark = !focus ? '' : f.places.has(focus) ? ' focus' : ' dim';
        rowsBox.append(h('div', { class: `tl-row${mark}` },
          h('div', { class: 'tl-label' }, link(localPath(f.iri), label(f.iri), { title: label(f.iri) })),
          h('div', { class: 'tl-track' },
            h('div', { class: `tl-bar ${kind}${f.derived ? ' derived' : ''}`, style: `left:${left}%;width:${width}%`, title: `${label(f.iri)}: ${when}`, role: 'img', 'aria-label': `${t('tl.when')}: ${when}` },
              f.tie ? h('span', { class: left > 80 ? 'tl-since before' : 'tl-since', 'aria-hidden': 'true' }, String(f.since).slice(0, 4)) : null))));
      }
      out.append(section);
    }
  }
  let drawnWidth = 0;
  draw();
  // Redrawn when the width changes enough to change the ticks.
  const resize = new ResizeObserver(() => { if (Math.abs(out.clientWidth - drawnWidth) > 40) draw(); });
  resize.observe(out);
  return () => resize.disconnect();
}
