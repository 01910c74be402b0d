// The result table: sorts on a header click (again: the other way), filters on the text shown
// in every cell, and pages over the whole result. Only one page of rows is in the DOM, so a
// 10,000-row answer draws as fast as a 100-row one; the names of a page's IRIs are looked up
// before it is drawn (and the rest in the background, for sorting and filtering by name).
import { h } from './dom.js';
import { t, lang } from './i18n.js';
import { loadLabels, label, localPath } from './sparql.js';

export const PAGE_SIZES = [100, 500, 1000];

/** The text a cell shows (what the filter matches and the sort compares). */
function text(v) {
  if (!v) return '';
  if (v.type === 'uri') return label(v.value);
  if (v.type === 'bnode') return `_:${v.value}`;
  return v.value;
}

const NUMERIC = /#(integer|decimal|double|float|int|long|short|byte|nonNegativeInteger|positiveInteger|gYear)$/;

/**
 * Sorts `idx` (row numbers) by column `v` in direction `dir`: numbers as numbers, the rest as
 * text in the UI's language, empty cells last, ties in answer order. Each cell's key is made
 * once (a collator call per comparison, not a label look-up).
 */
function sortRows(rows, idx, v, dir) {
  const collator = new Intl.Collator(lang() === 'zh' ? 'zh-CN' : 'en', { numeric: true });
  const keys = new Map();
  for (const i of idx) {
    const b = rows[i][v];
    keys.set(i, !b ? null : NUMERIC.test(b.datatype || '') ? Number(b.value) : text(b));
  }
  return idx.sort((a, b) => {
    const x = keys.get(a), y = keys.get(b);
    if (x === null || y === null) return (x === null) - (y === null) || a - b;
    const c = typeof x === 'number' && typeof y === 'number' ? x - y : collator.compare(String(x), String(y));
    return c * dir || a - b;
  });
}

function cell(v) {
  if (!v) return '';
  if (v.type === 'uri') {
    const path = localPath(v.value);
    const name = label(v.value);
    return path ? h('a', { href: path + (lang() === 'zh' ? '?lang=zh' : ''), title: v.value }, name)
      : h('a', { href: v.value, title: v.value, rel: 'noreferrer', target: '_blank' }, name);
  }
  if (v.type === 'bnode') return `_:${v.value}`;
  return v['xml:lang'] ? h('span', { lang: v['xml:lang'] }, v.value) : v.value;
}

/**
 * Draws `rows` (SPARQL JSON bindings) with columns `vars` into `container`. Returns the
 * table's state, for tests and the caller: `{ view() }` gives the row order shown.
 */
export async function resultTable(container, vars, rows) {
  let sortCol = -1, sortDir = 1, filter = '', page = 0, size = PAGE_SIZES[0];
  let view = rows.map((_, i) => i);

  const iriCells = (idx) => {
    const out = [];
    for (const i of idx) for (const v of vars) { const b = rows[i][v]; if (b && b.type === 'uri') out.push(b.value); }
    return out;
  };

  const heads = vars.map((v, col) => {
    const btn = h('button', { type: 'button', class: 'th-sort', 'data-col': v }, v);
    btn.addEventListener('click', () => {
      sortDir = sortCol === col ? -sortDir : 1;
      sortCol = col;
      page = 0;
      refresh();
    });
    return h('th', { scope: 'col', 'aria-sort': 'none' }, btn);
  });
  const body = h('tbody');
  const table = h('table', { id: 'results-table' }, h('thead', {}, h('tr', {}, heads)), body);
  const filterBox = h('input', { type: 'search', id: 'results-filter', placeholder: t('table.filter'), 'aria-label': t('table.filter'), autocomplete: 'off' });
  const counter = h('span', { id: 'results-range', class: 'muted', 'aria-live': 'polite' });
  const prev = h('button', { type: 'button', class: 'secondary', id: 'page-prev' }, t('table.prev'));
  const next = h('button', { type: 'button', class: 'secondary', id: 'page-next' }, t('table.next'));
  const sizeSel = h('select', { id: 'page-size', 'aria-label': t('table.size') },
    PAGE_SIZES.map((n) => h('option', { value: String(n), selected: n === size }, t('table.perpage', { n }))));
  let timer = 0;
  filterBox.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => { filter = filterBox.value.trim().toLowerCase(); page = 0; refresh(); }, 120);
  });
  prev.addEventListener('click', () => { if (page > 0) { page -= 1; draw(); } });
  next.addEventListener('click', () => { if ((page + 1) * size < view.length) { page += 1; draw(); } });
  sizeSel.addEventListener('change', () => { size = Number(sizeSel.value); page = 0; draw(); });

  container.replaceChildren(
    h('div', { class: 'toolbar table-tools' }, filterBox, prev, counter, next, sizeSel),
    h('div', { class: 'table-wrap' }, table));

  /** Recomputes the filtered, sorted order, then draws the current page. */
  function refresh() {
    const started = performance.now();
    let idx = rows.map((_, i) => i);
    if (filter) idx = idx.filter((i) => vars.some((v) => text(rows[i][v]).toLowerCase().includes(filter)));
    if (sortCol >= 0) idx = sortRows(rows, idx, vars[sortCol], sortDir);
    view = idx;
    heads.forEach((th, col) => th.setAttribute('aria-sort', col !== sortCol ? 'none' : sortDir > 0 ? 'ascending' : 'descending'));
    return draw(started);
  }

  /** Draws the current page, its names looked up first. */
  async function draw(started = performance.now()) {
    const pageRows = view.slice(page * size, (page + 1) * size);
    const token = (draw.token = (draw.token || 0) + 1);
    await loadLabels(iriCells(pageRows));
    if (token !== draw.token) return;
    const frag = document.createDocumentFragment();
    for (const i of pageRows) {
      const tr = document.createElement('tr');
      for (const v of vars) {
        const td = document.createElement('td');
        const c = cell(rows[i][v]);
        if (c !== '') td.append(c);
        tr.append(td);
      }
      frag.append(tr);
    }
    body.replaceChildren(frag);
    const from = view.length ? page * size + 1 : 0;
    const to = Math.min(view.length, (page + 1) * size);
    counter.textContent = view.length === rows.length
      ? t('table.range', { from, to, n: view.length })
      : t('table.rangeof', { from, to, n: view.length, all: rows.length });
    prev.disabled = page === 0;
    next.disabled = to >= view.length;
    table.dataset.drawMs = String(Math.round(performance.now() - started));
    table.dataset.filter = filter;
  }

  await draw();
  // Every other name in the background, so sorting and filtering see names, not Q-ids; the
  // page is drawn again once they are in.
  const rest = iriCells(rows.map((_, i) => i));
  loadLabels(rest).then(() => {
    table.dataset.labelled = 'all';
    if (container.isConnected) { if (sortCol >= 0 || filter) refresh(); else draw(); }
  }).catch(() => {});
  return { view: () => view, table };
}

/** Parses N-Triples into SPARQL-JSON-like bindings of `subject`, `predicate`, `object`. */
export function triplesOf(nt) {
  const term = (s) => {
    if (s.startsWith('<')) return { type: 'uri', value: s.slice(1, -1) };
    if (s.startsWith('_:')) return { type: 'bnode', value: s.slice(2) };
    const m = s.match(/^"((?:[^"\\]|\\.)*)"(?:@([\w-]+)|\^\^<([^>]*)>)?$/);
    if (!m) return { type: 'literal', value: s };
    const value = m[1].replace(/\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)/g, (_, e) =>
      e.length > 1 ? String.fromCodePoint(parseInt(e.slice(1), 16)) : ({ n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' }[e] ?? e));
    const out = { type: 'literal', value };
    if (m[2]) out['xml:lang'] = m[2];
    if (m[3]) out.datatype = m[3];
    return out;
  };
  const LINE = /^(<[^>]*>|_:\S+)\s+(<[^>]*>)\s+(<[^>]*>|_:\S+|"(?:[^"\\]|\\.)*"(?:@[\w-]+|\^\^<[^>]*>)?)\s*\.\s*$/;
  const rows = [];
  for (const line of nt.split('\n')) {
    const m = line.match(LINE);
    if (m) rows.push({ subject: term(m[1]), predicate: term(m[2]), object: term(m[3]) });
  }
  return rows;
}
