// The app shell: a small client-side router and the language toggle.
// Every page is an ES module under pages/ exporting `render(root, ctx)`, which may return a
// clean-up function called before the next page is drawn. The DOM and URL helpers the pages
// share live in dom.js (so nothing imports this module back).
import { t, setLang, lang, translateDom } from './i18n.js';
import { initSearchBox, closeSuggestions } from './searchbox.js';
import { h, link, withLang } from './dom.js';

const ROUTES = [
  [/^\/$/, 'home'],
  [/^\/query$/, 'query'],
  [/^\/network$/, 'network'],
  [/^\/map$/, 'map'],
  [/^\/timeline$/, 'timeline'],
  [/^\/search$/, 'search'],
  [/^\/reports$/, 'reports'],
  [/^\/report\/([\w.-]+)$/, 'report'],
  [/^\/id\/([\w.-]+)\/([\w.-]+)$/, 'resource'],
  [/^\/wd\/(Q\d+)$/, 'resource'],
];

let cleanup = null;
let renderCount = 0;

function chrome() {
  document.documentElement.lang = lang() === 'zh' ? 'zh-CN' : 'en';
  translateDom(document);
  closeSuggestions();
  const btn = document.getElementById('lang-toggle');
  btn.textContent = t('lang.other');
  btn.setAttribute('aria-label', lang() === 'zh' ? 'Switch to English' : '切换到中文');
  for (const a of document.querySelectorAll('#nav a, a.brand')) {
    const base = a.getAttribute('href').split('?')[0];
    a.setAttribute('href', withLang(base));
    const here = location.pathname === base || (base === '/reports' && location.pathname.startsWith('/report/'));
    if (here) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
}

async function route() {
  const params = new URLSearchParams(location.search);
  const wanted = params.get('lang');
  if (wanted === 'zh' || wanted === 'en') { setLang(wanted); localStorage.setItem('amity.lang', wanted); }
  chrome();
  const path = location.pathname.replace(/\/+$/, '') || '/';
  let page = null, match = null;
  for (const [re, name] of ROUTES) {
    match = path.match(re);
    if (match) { page = name; break; }
  }
  if (cleanup) { try { cleanup(); } catch (e) { /* page already gone */ } cleanup = null; }
  const root = document.getElementById('main');
  const token = ++renderCount;
  root.replaceChildren(h('p', { class: 'muted' }, '…'));
  if (!page) {
    document.body.dataset.page = 'notfound';
    root.replaceChildren(
      h('h1', {}, t('notfound.title')),
      h('p', {}, t('notfound.text', { path: location.pathname })),
      h('ul', {}, ['/', '/query', '/reports', '/map', '/network', '/timeline'].map((p) =>
        h('li', {}, link(p, t(p === '/' ? 'notfound.start' : `nav.${p === '/reports' ? 'report' : p.slice(1)}`))))));
    document.body.dataset.ready = 'notfound';
    return;
  }
  document.body.dataset.page = page;
  document.body.dataset.ready = '';
  try {
    const mod = await import(`./pages/${page}.js`);
    if (token !== renderCount) return;
    const ctx = { params: match.slice(1), query: params, current: () => token === renderCount };
    root.replaceChildren();
    cleanup = (await mod.render(root, ctx)) || null;
    if (token === renderCount) document.body.dataset.ready = page;
  } catch (e) {
    if (token !== renderCount) return;
    root.replaceChildren(h('p', { class: 'error', role: 'alert' }, String(e.message || e)));
    document.body.dataset.ready = 'error';
  }
}

document.addEventListener('click', (ev) => {
  const a = ev.target.closest && ev.target.closest('a[href]');
  if (!a || ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
  if (a.target || a.hasAttribute('download') || a.hasAttribute('data-native')) return;
  const u = new URL(a.href, location.href);
  if (u.origin !== location.origin) return;
  if (!ROUTES.some(([re]) => re.test(u.pathname.replace(/\/+$/, '') || '/'))) return;
  ev.preventDefault();
  if (u.pathname === location.pathname && u.search === location.search && u.hash) { location.hash = u.hash; return; }
  history.pushState(null, '', u.pathname + u.search + u.hash);
  route().then(() => { if (!u.hash) window.scrollTo(0, 0); });
});

window.addEventListener('popstate', route);

document.getElementById('lang-toggle').addEventListener('click', () => {
  const next = lang() === 'zh' ? 'en' : 'zh';
  setLang(next);
  localStorage.setItem('amity.lang', next);
  const u = new URL(location.href);
  if (next === 'zh') u.searchParams.set('lang', 'zh'); else u.searchParams.delete('lang');
  history.replaceState(null, '', u.pathname + u.search + u.hash);
  route();
});

setLang(new URLSearchParams(location.search).get('lang') || localStorage.getItem('amity.lang') || 'en');
initSearchBox();
route();
