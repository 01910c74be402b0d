// `/query`: the SPARQL editor, the gallery of stored questions, results as a table.
// URL: ?name=<stored query> or ?q=<text>, and &run=1 to run it on open (the permalink).
import { h, setParams } from '../dom.js';
import { t, lang } from '../i18n.js';
import { sparql, QueryError, PREFIXES } from '../sparql.js';
import { resultTable, triplesOf } from '../table.js';
import { attachCompletion } from '../complete.js';

const KEYWORDS = 'SELECT|CONSTRUCT|DESCRIBE|ASK|WHERE|PREFIX|BASE|FILTER|OPTIONAL|UNION|MINUS|GRAPH|SERVICE|BIND|VALUES|GROUP|BY|ORDER|HAVING|LIMIT|OFFSET|DISTINCT|REDUCED|AS|FROM|NAMED|NOT|EXISTS|IN|ASC|DESC|COUNT|SUM|MIN|MAX|AVG|SAMPLE|GROUP_CONCAT|SEPARATOR|STR|LANG|LANGMATCHES|DATATYPE|BOUND|IRI|URI|REGEX|CONTAINS|STRSTARTS|YEAR|IF|COALESCE|a|true|false';
const TOKEN = new RegExp(
  `(<[^<>\\s"{}|^\`\\\\]*>)|("(?:[^"\\\\\\n]|\\\\.)*"|'(?:[^'\\\\\\n]|\\\\.)*')|(#[^\\n]*)|([?$][A-Za-z_][\\w]*)|\\b(${KEYWORDS})\\b|([A-Za-z][\\w-]*:[\\w-]*|:[\\w-]+)|(\\b\\d+(?:\\.\\d+)?\\b)`,
  'gi');

function esc(s) { return s.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' }[c])); }

/** SPARQL text as highlighted HTML (escaped). */
export function highlight(text) {
  let out = '', last = 0;
  for (const m of text.matchAll(TOKEN)) {
    out += esc(text.slice(last, m.index));
    const cls = m[1] ? 'iri' : m[2] ? 'str' : m[3] ? 'com' : m[4] ? 'var' : m[5] ? 'kw' : m[6] ? 'pn' : 'num';
    out += `<span class="tok-${cls}">${esc(m[0])}</span>`;
    last = m.index + m[0].length;
  }
  return out + esc(text.slice(last)) + '\n';
}

export const DEFAULT_PREFIXES = `${PREFIXES}PREFIX schema: <https://schema.org/>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX place: <https://w3id.org/amity/id/place/>
PREFIX concept: <https://w3id.org/amity/concept/>
`;

const PREFIX_LINE = /^\s*PREFIX\s+([A-Za-z][\w.-]*|):\s*<([^>]*)>/gim;

/** The prefixes `text` declares: name → its PREFIX line. */
function declared(text) {
  const out = new Map();
  for (const m of text.matchAll(PREFIX_LINE)) out.set(m[1], m[0].trim());
  return out;
}

/**
 * `text` with the predeclared prefixes it uses but does not declare written before it, and how
 * many lines that adds (error positions are given back in the user's own lines).
 */
export function withPrefixes(text, prefixes) {
  const own = declared(text);
  const body = text.replace(/#[^\n]*|<[^>\s]*>|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/g, ' ');
  const lines = [];
  for (const [name, line] of declared(prefixes)) {
    if (own.has(name)) continue;
    const used = new RegExp(`(^|[\\s(){}\\[\\],;/|^!=<>*+-])${name.replace(/[.-]/g, '\\$&')}:`).test(body);
    if (used) lines.push(line);
  }
  return lines.length ? { text: `${lines.join('\n')}\n${text}`, added: lines.length } : { text, added: 0 };
}

function download(name, type, text) {
  // CSV with a UTF-8 byte order mark, so that Excel reads the Chinese as UTF-8 (the endpoint's
  // own text/csv stays as the protocol has it, without one).
  const bom = name.endsWith('.csv') ? '\uFEFF' : '';
  const url = URL.createObjectURL(new Blob([bom + text], { type }));
  const a = h('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export async function render(root, ctx) {
  const res = await fetch('/api/gallery');
  const gallery = (await res.json()).queries;
  const byName = new Map(gallery.map((q) => [q.name, q]));
  let selected = ctx.query.get('name');
  let initial = ctx.query.get('q') || (selected && byName.get(selected)?.text) || gallery[0]?.text || 'SELECT * WHERE { ?s ?p ?o } LIMIT 10';
  if (!ctx.query.get('q') && !byName.has(selected)) selected = ctx.query.get('q') ? null : gallery[0]?.name;

  const textarea = h('textarea', { id: 'sparql-editor', spellcheck: 'false', autocomplete: 'off', 'aria-label': t('query.editor'), 'aria-describedby': 'editor-hint' });
  const pre = h('pre', { 'aria-hidden': 'true' });
  const gutter = h('div', { class: 'gutter', 'aria-hidden': 'true' });
  const editor = h('div', { class: 'editor' }, gutter, h('div', { class: 'code' }, pre, textarea));

  // The predeclared prefixes: shown and editable (kept in this browser); a query gets those it
  // uses and does not declare itself, written before its text when it runs.
  const prefixBox = h('textarea', { id: 'prefix-editor', spellcheck: 'false', autocomplete: 'off', rows: '9', 'aria-label': t('query.prefixes') });
  prefixBox.value = localStorage.getItem('amity.prefixes') || DEFAULT_PREFIXES;
  const prefixCount = h('span', { class: 'muted' });
  const countPrefixes = () => { prefixCount.textContent = ` (${declared(prefixBox.value).size})`; };
  countPrefixes();
  prefixBox.addEventListener('input', () => { localStorage.setItem('amity.prefixes', prefixBox.value); countPrefixes(); });
  const resetPrefixes = h('button', { type: 'button', class: 'secondary', onclick: () => {
    prefixBox.value = DEFAULT_PREFIXES; localStorage.removeItem('amity.prefixes'); countPrefixes();
  } }, t('query.prefixreset'));
  const prefixPanel = h('details', { class: 'prefixes', id: 'prefixes' },
    h('summary', {}, t('query.prefixes'), prefixCount),
    h('p', { class: 'muted' }, t('query.prefixhelp')), prefixBox, h('div', {}, resetPrefixes));
  const completeList = attachCompletion(textarea, () => prefixBox.value, () => paint());
  const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const results = h('div', { id: 'results' });
  const question = h('div', { class: 'question' });
  const permalink = h('a', { href: location.href, id: 'permalink' }, t('query.permalink'));
  let badLine = 0;
  let last = null; // {text}

  function paint() {
    const text = textarea.value;
    pre.innerHTML = highlight(text);
    const n = text.split('\n').length;
    let g = '';
    for (let i = 1; i <= n; i++) g += i === badLine ? `<span class="bad">${i}</span>\n` : `${i}\n`;
    gutter.innerHTML = g;
    syncScroll();
  }
  function syncScroll() { pre.scrollTop = textarea.scrollTop; pre.scrollLeft = textarea.scrollLeft; gutter.scrollTop = textarea.scrollTop; }
  textarea.addEventListener('input', () => { badLine = 0; paint(); });
  textarea.addEventListener('scroll', syncScroll);
  textarea.addEventListener('keydown', (ev) => {
    if ((ev.ctrlKey || ev.metaKey) && ev.key === 'Enter') { ev.preventDefault(); run(); }
  });

  // The home cities a `home` parameter can take: Chinese cities on the home side of a tie or
  // an agreement (from the reports and the imported tables).
  let homes = null;
  async function homeChoices() {
    if (homes) return homes;
    const r = await sparql(`PREFIX am: <https://w3id.org/amity/ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?city ?zh ?en WHERE {
  ?city a am:City ; am:country <https://w3id.org/amity/id/place/china> ; rdfs:label ?zh .
  FILTER(lang(?zh) = "zh")
  OPTIONAL { ?city rdfs:label ?en FILTER(lang(?en) = "en") }
  ?side am:partOf* ?city . ?link am:party ?side .
} ORDER BY ?en`);
    homes = r.json.results.bindings.map((b) => ({ iri: b.city.value, zh: b.zh.value, en: b.en?.value || b.zh.value }));
    return homes;
  }

  /** Whether `text` is stored query `q`, whatever home it was given. */
  function sameQuestion(q, text) {
    return q.text === text || withHome(q.text, 'x') === withHome(text, 'x');
  }

  /** The query with its home default set to `iri`: `BIND(… AS ?home)`, and the default of
   *  `COALESCE(?home, …)` where a question also computes with it (partners-since). */
  function withHome(text, iri) {
    return text
      .replace(/BIND\(\s*(<[^>]*>|[\w-]*:[\w-]*)\s+AS\s+\?home\s*\)/g, `BIND(<${iri}> AS ?home)`)
      .replace(/COALESCE\(\s*\?home\s*,\s*(<[^>]*>|[\w-]*:[\w-]*)\s*\)/g, `COALESCE(?home, <${iri}>)`);
  }

  function showQuestion() {
    const q = selected && byName.get(selected);
    question.replaceChildren();
    const home = q && (q.params || []).find((p) => p.name === 'home');
    if (q && sameQuestion(q, textarea.value)) {
      question.append(
        h('h2', {}, lang() === 'zh' ? q.title_zh || q.title : q.title),
        h('p', {}, lang() === 'zh' ? q.question_zh || q.question : q.question),
        q.row ? h('p', { class: 'muted' }, `${t('query.row')}: ${q.row}`) : null);
      if (home) {
        const select = h('select', { id: 'home-select', 'aria-label': t('query.home') });
        const current = (textarea.value.match(/BIND\(\s*<([^>]*)>\s+AS\s+\?home\s*\)/) || [])[1] || 'https://w3id.org/amity/id/place/beijing';
        homeChoices().then((list) => {
          for (const c of list) {
            select.append(h('option', { value: c.iri, selected: c.iri === current }, lang() === 'zh' ? c.zh : c.en));
          }
        }).catch(() => {});
        select.addEventListener('change', () => {
          textarea.value = withHome(textarea.value, select.value);
          paint();
          run();
        });
        question.append(h('p', {}, h('label', {}, t('query.home') + ' ', select)));
      }
    }
  }

  const list = h('ul', { class: 'gallery', 'aria-label': t('query.gallery') });
  for (const q of gallery) {
    const btn = h('button', { type: 'button', 'aria-pressed': String(q.name === selected), dataset: { name: q.name } },
      h('span', { class: 'q-title' }, lang() === 'zh' ? q.title_zh || q.title : q.title),
      h('span', { class: 'q-name' }, q.name));
    btn.addEventListener('click', () => {
      selected = q.name;
      for (const b of list.querySelectorAll('button')) b.setAttribute('aria-pressed', String(b.dataset.name === q.name));
      textarea.value = q.text;
      badLine = 0;
      paint();
      run();
    });
    list.append(h('li', {}, btn));
  }

  const runBtn = h('button', { type: 'button', id: 'run', onclick: () => run() }, t('query.run'));
  const dl = (fmt, accept, ext) => h('button', {
    type: 'button', class: 'secondary', 'data-format': fmt,
    onclick: async () => {
      if (!last) return;
      try {
        const r = await sparql(last.text, accept);
        download(`${selected || 'query'}.${ext}`, accept, r.text);
      } catch (e) { status.textContent = e.message; }
    },
  }, t(`dl.${fmt}`));
  const downloads = h('span', { class: 'toolbar', role: 'group', 'aria-label': t('query.download') },
    t('query.download') + ':', dl('csv', 'text/csv', 'csv'), dl('tsv', 'text/tab-separated-values', 'tsv'), dl('json', 'application/sparql-results+json;charset=utf-8', 'json'));

  root.append(
    h('h1', {}, t('query.title')),
    h('div', { class: 'query-layout' },
      h('section', { 'aria-label': t('query.gallery') }, h('h2', {}, t('query.gallery')), list),
      h('section', {},
        question,
        prefixPanel,
        editor,
        completeList,
        h('div', { class: 'toolbar' }, runBtn, h('span', { id: 'editor-hint', class: 'muted' }, t('query.hint')), permalink, downloads),
        status,
        results)));

  textarea.value = initial;
  paint();
  showQuestion();

  async function run() {
    const own = textarea.value;
    const { text, added } = withPrefixes(own, prefixBox.value);
    const fromGallery = selected && byName.has(selected) && sameQuestion(byName.get(selected), own)
      && byName.get(selected).text === own;
    const sameStored = selected && byName.has(selected) && sameQuestion(byName.get(selected), own);
    if (!sameStored) selected = null;
    setParams({ name: fromGallery ? selected : null, q: fromGallery ? null : own, run: '1' });
    permalink.href = location.href;
    showQuestion();
    status.textContent = t('query.running');
    runBtn.disabled = true;
    const started = performance.now();
    try {
      const isGraph = /^\s*(?:(?:PREFIX|BASE)[^\n]*\n|#[^\n]*\n|\s)*(CONSTRUCT|DESCRIBE)/i.test(text);
      if (isGraph) {
        // As N-Triples: one triple a line, so they are counted and shown as a table.
        const r = await sparql(text, 'application/n-triples');
        const ms = Math.round(performance.now() - started);
        last = { text };
        const triples = triplesOf(r.text);
        status.textContent = t('query.triples', { n: triples.length, ms }) + cut(r.truncated);
        if (!triples.length) { results.replaceChildren(h('p', { class: 'muted' }, t('query.noresults'))); return; }
        await resultTable(results, ['subject', 'predicate', 'object'], triples);
        return;
      }
      const r = await sparql(text);
      const ms = Math.round(performance.now() - started);
      last = { text };
      const j = r.json;
      if (typeof j.boolean === 'boolean') {
        status.textContent = t('query.asked', { ms });
        results.replaceChildren(h('p', {}, t('query.ask', { v: String(j.boolean) })));
        return;
      }
      const vars = j.head.vars;
      const rows = j.results.bindings;
      status.textContent = t('query.rows', { n: rows.length, ms }) + cut(r.truncated);
      if (!rows.length) { results.replaceChildren(h('p', { class: 'muted' }, t('query.noresults'))); return; }
      await resultTable(results, vars, rows);
    } catch (e) {
      let msg = e instanceof QueryError ? e.message : String(e.message || e);
      // Positions count in the text as sent: take the prefixes written before it off again.
      let m = msg.match(/(?:line\s*)?(\d+):(\d+)/);
      if (m && added) {
        const line = Number(m[1]) - added;
        msg = line >= 1 ? msg.replace(`${m[1]}:${m[2]}`, `${line}:${m[2]}`) : `${t('query.inprefixes')} ${msg}`;
        m = line >= 1 ? [m[0], String(line), m[2]] : null;
      }
      badLine = m ? Number(m[1]) : 0;
      paint();
      status.textContent = t('query.error');
      results.replaceChildren(h('div', { class: 'error', role: 'alert', id: 'query-error' },
        msg, m ? h('div', {}, `→ ${t('query.editor')} ${m[1]}:${m[2]}`) : null));
    } finally {
      runBtn.disabled = false;
    }
  }

  if (ctx.query.get('run') === '1') await run();
}

/** The row cap's notice, when the server's answer was cut (`x-amity-truncated: true; limit=N`). */
function cut(header) {
  if (!header) return '';
  const m = header.match(/limit=(\d+)/);
  return ' ' + (m ? t('query.cutat', { n: m[1] }) : t('query.truncated'));
}
