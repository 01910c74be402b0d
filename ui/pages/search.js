// `/search?q=…`: the text index's answers (`GET /api/search`, up to 50), best first, each
// with its kind, both names, score and the matched snippet, linking to its page; a place also
// links to itself in focus on the map, the network and the timeline.
import { h, link } from '../dom.js';
import { t } from '../i18n.js';
import { focusKey } from '../netdata.js';
import { search, cleanQuery, setSearchText, pathOf, names, kindName, partLabels, marked } from '../searchbox.js';

const LIMIT = 50;

export async function render(root, ctx) {
  const raw = ctx.query.get('q') || '';
  const q = cleanQuery(raw);
  setSearchText(raw);
  const heading = h('h1', {}, t('search.title'));
  root.append(heading);
  if (!q) {
    root.append(h('p', { class: 'muted' }, t('search.empty')));
    return;
  }
  const status = h('p', { class: 'status', role: 'status' }, '…');
  root.append(status);
  let hits;
  try {
    hits = await search(q, LIMIT);
  } catch (e) {
    status.replaceWith(h('p', { class: 'error', role: 'alert' }, t('search.failed', { m: e.message || String(e) })));
    return;
  }
  if (!ctx.current()) return;
  if (!hits.length) {
    status.textContent = t('search.none', { q });
    status.classList.add('search-none');
    return;
  }
  const partLabel = await partLabels(hits);
  if (!ctx.current()) return;
  status.textContent = hits.length === 1 ? t('search.one', { q }) : t('search.results', { n: hits.length, q });
  const list = h('ol', { class: 'search-results', id: 'search-results' });
  for (const hit of hits) {
    const n = names(hit);
    const path = pathOf(hit.iri);
    const title = path ? link(path, n.first, { lang: n.firstLang, class: 'sr-name' }) : h('span', { class: 'sr-name', lang: n.firstLang, title: hit.iri }, n.first);
    list.append(h('li', { class: 'sr' },
      h('div', { class: 'sr-head' },
        title,
        n.second ? h('span', { class: 'sr-other', lang: n.secondLang }, n.second) : null,
        h('span', { class: 'badge', title: t('search.kind') }, kindName(hit.kind, false)),
        h('span', { class: 'sr-score muted' }, t('search.score', { s: Number(hit.score).toFixed(2) }))),
      path && /^\/(id\/place\/|wd\/Q)/.test(path) ? h('div', { class: 'sr-focus muted' },
        [['/map', 'res.onmap'], ['/network', 'res.innet'], ['/timeline', 'res.ontl']].flatMap(([p, k], j) => [j ? ' · ' : '', link(`${p}?focus=${encodeURIComponent(focusKey(hit.iri))}`, t(k), { class: 'focus-link' })])) : null,
      hit.part_of ? h('div', { class: 'sr-part muted' }, t('search.partof', { p: partLabel(hit.part_of) })) : null,
      hit.snippet ? h('p', { class: 'sr-snippet', lang: hit.lang || undefined }, marked(hit.snippet, hit.marks)) : null));
  }
  root.append(list);
}
