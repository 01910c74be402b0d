// DOM and navigation helpers every module shares: `h` builds elements, `link`/`withLang`
// keep the language in in-app paths, `navigate` and `setParams` change the URL. No imports
// but i18n.js, so no module imports the app shell (app.js) back: `navigate` pushes the path
// and fires `popstate`, which the shell's router listens to.
import { lang } from './i18n.js';

/** Creates an element: h('a', {href: '/x', class: 'y'}, 'text', child, …). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** Adds ?lang=zh to an in-app path when the UI is in Chinese. */
export function withLang(path) {
  const u = new URL(path, location.origin);
  if (lang() === 'zh') u.searchParams.set('lang', 'zh'); else u.searchParams.delete('lang');
  return u.pathname + u.search + u.hash;
}

/** An in-app link (keeps the language). */
export function link(path, text, attrs = {}) {
  return h('a', { href: withLang(path), 'data-link': true, ...attrs }, text);
}

/** Goes to an in-app path (keeping the language); the shell's router draws the page. */
export function navigate(path, { replace = false } = {}) {
  const target = withLang(path);
  if (replace) history.replaceState(null, '', target); else history.pushState(null, '', target);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

/** Replaces the current URL's query string without drawing the page again (permalinks). */
export function setParams(params) {
  const u = new URL(location.href);
  for (const [k, v] of Object.entries(params)) {
    if (v === null || v === undefined || v === '') u.searchParams.delete(k); else u.searchParams.set(k, v);
  }
  if (lang() === 'zh') u.searchParams.set('lang', 'zh'); else u.searchParams.delete('lang');
  history.replaceState(null, '', u.pathname + u.search + u.hash);
}
