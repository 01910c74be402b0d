// The search box in the header of every page (a combobox over `GET /api/search`), and the
// helpers the results page (pages/search.js) shares with it: where a hit leads, its names in
// both languages, its kind in the UI language, and its snippet with the matched spans marked.
//
// Suggestions are fetched 120 ms after the last keystroke; only the latest query's answer is
// drawn (older answers are ignored, never aborted). ↓/↑ move through the options (wrapping),
// Enter opens the selected one, or the results page when none is selected; Esc closes the list,
// a second Esc clears the box. Every piece of server text goes into the DOM as text.
import { h, navigate, withLang } from './dom.js';
import { t, lang } from './i18n.js';
import { loadLabels, label as cachedLabel, localPath } from './sparql.js';

/** Longest query the API reads, in characters (code points). */
export const MAX_CHARS = 256;
const DEBOUNCE_MS = 120;
const SUGGESTIONS = 8;

/** The query as the API takes it: trimmed, at most MAX_CHARS code points; '' when blank. */
export function cleanQuery(q) {
  return Array.from(String(q || '').trim()).slice(0, MAX_CHARS).join('');
}

/** Asks `/api/search`; resolves to its `results`, rejects with the server's message. */
export async function search(q, limit) {
  const res = await fetch(`/api/search?${new URLSearchParams({ q, limit: String(limit) })}`, { headers: { Accept: 'application/json' } });
  if (!res.ok) throw new Error((await res.text()).trim() || `HTTP ${res.status}`);
  return (await res.json()).results || [];
}

/** The in-app page of a resource IRI (`/id/{kind}/{id}`, `/wd/{QID}`), or null. */
export function pathOf(iri) {
  const p = localPath(iri);
  if (p && /^\/id\/[\w.-]+\/[\w.-]+$/.test(p)) return p;
  const wd = String(iri).match(/^http:\/\/www\.wikidata\.org\/entity\/(Q\d+)$/);
  return wd ? `/wd/${wd[1]}` : null;
}

/** A hit's name in the UI language and, when it differs, in the other one. */
export function names(hit) {
  const zh = hit.label_zh || '', en = hit.label_en || '';
  const [mine, other] = lang() === 'zh' ? [zh, en] : [en, zh];
  const first = mine || other || hit.label || hit.iri;
  const second = mine && other && other !== mine ? other : '';
  return { first, second, firstLang: mine ? lang() : (other ? (lang() === 'zh' ? 'en' : 'zh') : undefined), secondLang: lang() === 'zh' ? 'en' : 'zh' };
}

/** The name of a kind (`Place`, `Event`, …) in the UI language: plural for a group heading. */
export function kindName(kind, plural = true) {
  const key = `${plural ? 'kinds' : 'kind'}.${kind}`;
  const s = t(key);
  return s === key ? kind : s;
}

/** The label of `part_of`: from the hits at hand, else from the graph (cached). */
export async function partLabels(hits) {
  const known = new Map(hits.map((x) => [x.iri, x]));
  const missing = hits.map((x) => x.part_of).filter((p) => p && !known.has(p));
  if (missing.length) await loadLabels(missing).catch(() => {});
  return (iri) => (known.has(iri) ? names(known.get(iri)).first : cachedLabel(iri));
}

/** `snippet` with the `[start, end)` code-point spans of `marks` wrapped in `<mark>`. */
export function marked(snippet, marks) {
  const chars = Array.from(String(snippet || ''));
  const spans = (marks || [])
    .map(([s, e]) => [Math.max(0, Math.min(s, chars.length)), Math.max(0, Math.min(e, chars.length))])
    .filter(([s, e]) => e > s)
    .sort((a, b) => a[0] - b[0]);
  const out = [];
  let at = 0;
  for (let [s, e] of spans) {
    if (e <= at) continue;
    s = Math.max(s, at);
    if (s > at) out.push(chars.slice(at, s).join(''));
    out.push(h('mark', {}, chars.slice(s, e).join('')));
    at = e;
  }
  if (at < chars.length) out.push(chars.slice(at).join(''));
  return out;
}

/** Whether the snippet says more than the names (it matched a quote, a passage, …). */
function snippetWorthShowing(hit) {
  const s = (hit.snippet || '').trim();
  return s && s !== hit.label_en && s !== hit.label_zh && s !== hit.label;
}

/** Groups hits by kind, groups in the order of their best hit. */
export function byKind(hits) {
  const groups = new Map();
  for (const x of hits) {
    if (!groups.has(x.kind)) groups.set(x.kind, []);
    groups.get(x.kind).push(x);
  }
  return [...groups.entries()];
}

/** `/search?q=…` */
export function resultsPath(q) {
  return `/search?${new URLSearchParams({ q })}`;
}

let input, pop, list, status, all;
let timer = null;
let seq = 0; // the latest query asked; answers to older ones are dropped
let options = []; // [{el, hit}], in display order
let active = -1;
let drawnFor = null; // the query the list shows

function setOpen(open) {
  pop.hidden = !open;
  input.setAttribute('aria-expanded', open && options.length ? 'true' : 'false');
}

function select(i) {
  if (active >= 0 && options[active]) options[active].el.setAttribute('aria-selected', 'false');
  active = i;
  if (active >= 0 && options[active]) {
    const el = options[active].el;
    el.setAttribute('aria-selected', 'true');
    input.setAttribute('aria-activedescendant', el.id);
    el.scrollIntoView({ block: 'nearest' });
  } else {
    input.removeAttribute('aria-activedescendant');
  }
}

/** Closes the list (the box keeps its text); pending answers are dropped. */
export function closeSuggestions() {
  if (!input) return;
  clearTimeout(timer);
  seq++;
  select(-1);
  setOpen(false);
}

/** Puts `q` in the box (the results page does, for its query). */
export function setSearchText(q) {
  if (input && input.value !== q) input.value = q;
}

function open(hit) {
  const path = pathOf(hit.iri);
  closeSuggestions();
  if (path) navigate(path);
  else navigate(resultsPath(cleanQuery(input.value)));
}

function draw(q, hits, partLabel) {
  drawnFor = q;
  options = [];
  active = -1;
  input.removeAttribute('aria-activedescendant');
  const groups = byKind(hits).map(([kind, xs], g) => {
    const head = h('div', { class: 'sb-kind', id: `sb-kind-${g}`, role: 'presentation' }, kindName(kind));
    const group = h('div', { role: 'group', 'aria-labelledby': head.id }, head);
    for (const hit of xs) {
      const n = names(hit);
      const el = h('div', { role: 'option', id: `sb-opt-${options.length}`, 'aria-selected': 'false', class: 'sb-opt' },
        h('span', { class: 'sb-name', lang: n.firstLang }, n.first),
        n.second ? h('span', { class: 'sb-other', lang: n.secondLang }, n.second) : null,
        hit.part_of ? h('span', { class: 'sb-part' }, t('search.partof', { p: partLabel(hit.part_of) })) : null,
        snippetWorthShowing(hit) ? h('span', { class: 'sb-snippet', lang: hit.lang || undefined }, marked(hit.snippet, hit.marks)) : null);
      const i = options.length;
      el.addEventListener('click', () => { select(i); open(hit); });
      el.addEventListener('mousemove', () => { if (active !== i) select(i); });
      options.push({ el, hit });
      group.append(el);
    }
    return group;
  });
  list.replaceChildren(...groups);
  status.textContent = hits.length ? '' : t('search.nomatch');
  all.textContent = t('search.all', { q });
  all.setAttribute('href', withLang(resultsPath(q)));
  setOpen(true);
}

async function suggest() {
  const q = cleanQuery(input.value);
  const mine = ++seq;
  if (!q) { closeSuggestions(); return; }
  let hits;
  try {
    hits = await search(q, SUGGESTIONS);
  } catch (e) {
    if (mine !== seq) return;
    options = [];
    drawnFor = null;
    list.replaceChildren();
    status.textContent = t('search.unavailable');
    all.textContent = '';
    setOpen(true);
    return;
  }
  if (mine !== seq || cleanQuery(input.value) !== q) return;
  const partLabel = await partLabels(hits);
  if (mine !== seq) return;
  draw(q, hits, partLabel);
}

/** Wires up the header's box; called once by app.js. */
export function initSearchBox() {
  input = document.getElementById('search-input');
  pop = document.getElementById('search-pop');
  list = document.getElementById('search-list');
  status = document.getElementById('search-status');
  all = document.getElementById('search-all');
  if (!input) return;
  const form = document.getElementById('search-form');

  const typed = () => {
    clearTimeout(timer);
    if (!cleanQuery(input.value)) { closeSuggestions(); return; }
    timer = setTimeout(suggest, DEBOUNCE_MS);
  };
  // While an IME composes (pinyin), the box holds Latin letters: wait for the characters.
  input.addEventListener('input', (ev) => { if (!ev.isComposing) typed(); });
  input.addEventListener('compositionend', typed);
  input.addEventListener('keydown', (ev) => {
    if (ev.isComposing || ev.keyCode === 229) return; // an IME is composing (pinyin): its keys
    const shown = !pop.hidden && options.length > 0;
    if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      ev.preventDefault();
      if (!shown) { if (cleanQuery(input.value)) { clearTimeout(timer); suggest(); } return; }
      const n = options.length;
      const next = ev.key === 'ArrowDown' ? (active + 1) % n : (active <= 0 ? n - 1 : active - 1);
      select(next);
    } else if (ev.key === 'Enter') {
      ev.preventDefault();
      if (shown && active >= 0) { open(options[active].hit); return; }
      const q = cleanQuery(input.value);
      closeSuggestions();
      if (q) navigate(resultsPath(q));
    } else if (ev.key === 'Escape') {
      ev.preventDefault();
      if (!pop.hidden) closeSuggestions();
      else { input.value = ''; closeSuggestions(); }
    }
  });
  // Without JavaScript's key handling (e.g. a phone's search key): the results page.
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const q = cleanQuery(input.value);
    closeSuggestions();
    if (q) navigate(resultsPath(q));
  });
  // Clicks in the list keep the focus in the box; clicks elsewhere close the list.
  pop.addEventListener('mousedown', (ev) => ev.preventDefault());
  all.addEventListener('click', () => closeSuggestions());
  document.addEventListener('mousedown', (ev) => { if (!form.contains(ev.target)) closeSuggestions(); });
  input.addEventListener('blur', () => setTimeout(() => { if (document.activeElement !== input) closeSuggestions(); }, 0));
  input.addEventListener('focus', () => { if (drawnFor && cleanQuery(input.value) === drawnFor) setOpen(true); });
}
