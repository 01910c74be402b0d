// Shared by the network and map pages: the merged network from /api/layout, filters kept in
// the URL (kinds, years, sources), colours and sizes.
import { h, setParams } from './dom.js';
import { t, lang } from './i18n.js';
import { loadLabels, label, localPath, select } from './sparql.js';

export const BEIJING = 'https://w3id.org/amity/id/place/beijing';
export const KINDS = ['tie', 'agreement', 'event'];
export const SOURCES = ['report', 'wikidata'];
export const KIND_COLOURS = ['#2f6db3', '#b5523b', '#4d8f4d'];
// Colour-blind-friendly categorical palette (Okabe–Ito, then Tableau), grey for "other".
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#7f3c8d', '#8c564b', '#3b8a3e', '#b8860b', '#1f77b4', '#d62728'];
export const OTHER = '#9aa3ad';

let cache = null;

/** The merged network with helpers; fetched once per page load. */
export function loadNetwork(seed = 1) {
  if (cache && cache.seed === seed) return cache.promise;
  const promise = fetch(`/api/layout?seed=${seed}`).then(async (res) => {
    if (!res.ok) throw new Error(`/api/layout: ${res.status} ${await res.text()}`);
    const data = await res.json();
    const n = data.nodes.length, m = data.edges.a.length;
    const byIri = new Map();
    data.nodes.forEach((node, i) => byIri.set(node.iri, i));
    let minYear = 9999, maxYear = 0;
    for (const y of data.edges.year) if (y) { minYear = Math.min(minYear, y); maxYear = Math.max(maxYear, y); }
    if (maxYear === 0) { minYear = 2000; maxYear = 2024; }
    // Countries labels come from the graph.
    await loadLabels(data.countries);
    return { ...data, n, m, byIri, minYear, maxYear };
  });
  cache = { seed, promise };
  return promise;
}

/** Filters from the URL. */
export function readFilters(query, net) {
  const list = (k, all) => (query.get(k) ? query.get(k).split(',').filter((x) => all.includes(x)) : all.slice());
  return {
    kinds: list('kinds', KINDS),
    sources: list('src', SOURCES),
    from: Number(query.get('from')) || net.minYear,
    to: Number(query.get('to')) || net.maxYear,
  };
}

export function writeFilters(f, net) {
  setParams({
    kinds: f.kinds.length === KINDS.length ? null : f.kinds.join(','),
    src: f.sources.length === SOURCES.length ? null : f.sources.join(','),
    from: f.from === net.minYear ? null : f.from,
    to: f.to === net.maxYear ? null : f.to,
  });
}

/** Indices of the edges that pass the filters (undated edges pass the year filter). */
export function visibleEdges(net, f) {
  const kinds = new Set(f.kinds.map((k) => KINDS.indexOf(k)));
  const srcs = new Set(f.sources.map((s) => SOURCES.indexOf(s) + 1));
  const out = [];
  const { kind, src, year } = net.edges;
  for (let e = 0; e < net.m; e++) {
    if (!kinds.has(kind[e]) || !srcs.has(src[e])) continue;
    const y = year[e];
    if (y && (y < f.from || y > f.to)) continue;
    out.push(e);
  }
  return out;
}

/** The filter controls; `onChange(filters)` after every change. */
export function filterControls(net, f, onChange) {
  const changed = () => { writeFilters(f, net); onChange(f); };
  const box = (group, value, text) => {
    const input = h('input', { type: 'checkbox', name: group, value, checked: f[group].includes(value) });
    input.addEventListener('change', () => {
      const set = new Set(f[group]);
      if (input.checked) set.add(value); else set.delete(value);
      f[group] = (group === 'kinds' ? KINDS : SOURCES).filter((x) => set.has(x));
      changed();
    });
    return h('label', {}, input, text);
  };
  const year = (key) => {
    const input = h('input', { type: 'number', min: net.minYear, max: net.maxYear, value: f[key], style: 'width:5.5em', 'aria-label': `${t('net.years')} ${key === 'from' ? '≥' : '≤'}` });
    input.addEventListener('change', () => { f[key] = Math.max(net.minYear, Math.min(net.maxYear, Number(input.value) || f[key])); changed(); });
    return input;
  };
  return h('div', { class: 'toolbar', id: 'filters' },
    h('fieldset', {}, h('legend', {}, t('net.kinds')),
      KINDS.map((k, i) => box('kinds', k, h('span', {}, h('span', { class: 'sw', style: `display:inline-block;width:1.2em;height:.25em;vertical-align:middle;margin-right:.2em;background:${KIND_COLOURS[i]}` }), t(`net.${k}`))))),
    h('fieldset', {}, h('legend', {}, `${t('net.years')} (${t('net.undated')})`), year('from'), '–', year('to')),
    h('fieldset', {}, h('legend', {}, t('net.sources')), SOURCES.map((s) => box('sources', s, t(`net.${s}`)))));
}

/** The display label of node i in the current language. */
export function nodeLabel(net, i) {
  const node = net.nodes[i];
  return (lang() === 'zh' ? node.zh || node.en : node.en || node.zh) || node.iri.replace(/.*\//, '');
}

export function countryLabel(net, c) { return c >= 0 ? label(net.countries[c]) : '—'; }

/** The page of a node: its resource page, or the Wikidata entity's page for Wikidata-only nodes. */
export function nodePath(net, i) {
  const iri = net.nodes[i].iri;
  const local = localPath(iri);
  if (local) return local;
  const q = iri.match(/entity\/(Q\d+)$/);
  return q ? `/wd/${q[1]}` : null;
}

/** Colours: the 11 most frequent categories among `nodes` get a colour, the rest grey. */
export function colouring(net, nodes, by) {
  const key = (i) => (by === 'community' ? net.nodes[i].com : net.nodes[i].c);
  const counts = new Map();
  for (const i of nodes) { const k = key(i); if (k >= 0) counts.set(k, (counts.get(k) || 0) + 1); }
  const top = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, PALETTE.length - 1);
  const colourOf = new Map(top.map(([k], j) => [k, PALETTE[j]]));
  // A community is named by its two most central members (highest PageRank) among `nodes`.
  const central = new Map();
  if (by === 'community') {
    for (const i of nodes) {
      const k = key(i);
      if (!colourOf.has(k)) continue;
      const list = central.get(k) || [];
      list.push(i);
      list.sort((a, b) => net.nodes[b].pr - net.nodes[a].pr);
      if (list.length > 2) list.pop();
      central.set(k, list);
    }
  }
  const legend = top.map(([k, count], j) => ({
    colour: PALETTE[j],
    text: by === 'community' ? `${(central.get(k) || []).map((i) => nodeLabel(net, i)).join(', ')}… (${count})` : `${countryLabel(net, k)} (${count})`,
  }));
  if (counts.size > top.length || nodes.some((i) => key(i) < 0)) legend.push({ colour: OTHER, text: '…' });
  return { colour: (i) => colourOf.get(key(i)) || OTHER, legend };
}

export function legendEl(items) {
  return h('div', { class: 'legend', 'aria-hidden': 'true' }, items.map((it) => h('span', {}, h('span', { class: 'sw', style: `background:${it.colour}` }), it.text)));
}

/** The short form of a node's IRI in `focus=`: a place's id, an amity path, or a QID. */
export function focusKey(iri) {
  const m = iri.match(/^https:\/\/w3id\.org\/amity\/id\/(\w[\w.-]*)\/([\w.-]+)$/);
  if (m) return m[1] === 'place' ? m[2] : `/id/${m[1]}/${m[2]}`;
  const q = iri.match(/entity\/(Q\d+)$/);
  return q ? q[1] : iri;
}

/** The IRI `focus=` names: an IRI, an amity path (/id/org/x), a QID or a place's id. */
export function focusIri(v) {
  if (!v) return null;
  if (/^https?:/.test(v)) return v;
  if (/^Q\d+$/.test(v)) return `http://www.wikidata.org/entity/${v}`;
  if (v.startsWith('/id/')) return `https://w3id.org/amity${v}`;
  return `https://w3id.org/amity/id/place/${v}`;
}

/** The node in focus (`focus=`), or -1. */
export function readFocus(query, net) {
  const i = net.byIri.get(focusIri(query.get('focus')));
  return i === undefined ? -1 : i;
}

let homes = null;
/** The home cities: where the office publishing a report is based. */
export function loadHomes() {
  homes = homes || select('SELECT DISTINCT ?home WHERE { ?r dcterms:publisher/am:basedIn ?home }').then((rows) => new Set(rows.map((r) => r.home)));
  return homes;
}

/** A box to put one place in focus: type or pick its name among `candidates` (node indices). */
export function focusControl(net, candidates, current, onChange) {
  const byName = new Map();
  for (const i of candidates) { const n = nodeLabel(net, i); if (!byName.has(n)) byName.set(n, i); }
  const list = h('datalist', { id: 'focus-list' }, [...byName.keys()].sort((a, b) => a.localeCompare(b)).map((n) => h('option', { value: n })));
  const input = h('input', { type: 'search', id: 'focus', list: 'focus-list', value: current >= 0 ? nodeLabel(net, current) : '', placeholder: t('focus.placeholder'), 'aria-label': t('focus.label'), style: 'width:14em' });
  const set = (i) => { setParams({ focus: i >= 0 ? focusKey(net.nodes[i].iri) : null }); onChange(i); };
  input.addEventListener('change', () => {
    const v = input.value.trim();
    if (!v) { set(-1); return; }
    const i = byName.has(v) ? byName.get(v) : [...byName.entries()].find(([n]) => n.toLowerCase().startsWith(v.toLowerCase()))?.[1];
    if (i !== undefined) { input.value = nodeLabel(net, i); set(i); }
  });
  const clear = h('button', { type: 'button', class: 'secondary', id: 'focus-clear', onclick: () => { input.value = ''; set(-1); } }, t('focus.clear'));
  return h('fieldset', { id: 'focus-box' }, h('legend', {}, t('focus.label')), input, list, clear);
}
