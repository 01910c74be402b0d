// `/`: what amity is and where to click first.
import { h, link } from '../dom.js';
import { t, lang } from '../i18n.js';
import { select } from '../sparql.js';

export async function render(root) {
  const card = (path, key, title) => h('div', { class: 'card' }, h('h2', {}, link(path, title)), h('p', {}, t(key)));
  const stats = h('ul', { class: 'muted' });
  root.append(
    h('h1', {}, t('home.title')),
    h('p', {}, t('home.intro')),
    h('h2', {}, t('home.start')),
    h('div', { class: 'cards' },
      card('/query', 'home.query', t('nav.query')),
      card('/network', 'home.network', t('nav.network')),
      card('/map', 'home.map', t('nav.map')),
      card('/timeline', 'home.timeline', t('nav.timeline')),
      card('/reports', 'home.report', t('nav.report'))),
    h('p', {}, link('/id/place/beijing', t('home.beijing'))),
    h('h2', {}, t('home.stats')),
    stats,
  );
  const rows = await select(`SELECT ?c (COUNT(DISTINCT ?s) AS ?n) ?label WHERE {
      VALUES ?c { am:Place am:FriendshipTie am:Agreement am:Event am:Project am:Passage am:WikidataPlace }
      ?s a ?c . OPTIONAL { ?c rdfs:label ?label FILTER(lang(?label) = "${lang()}") }
    } GROUP BY ?c ?label ORDER BY DESC(?n)`);
  for (const r of rows) stats.append(h('li', {}, `${r.label || r.c}: ${r.n}`));
}
