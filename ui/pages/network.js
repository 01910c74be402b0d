// `/network`: the friendship network on a canvas (pan, zoom, hover, click), with filters.
// Positions come from the server's deterministic layout (/api/layout?seed=N), so filters
// and scope never move a node. URL: ?scope=all|beijing&size=degree|pagerank
// &colour=country|community&kinds=…&src=…&from=&to=&seed=N&focus=PLACE. A place in focus has
// its links drawn strong and the rest dimmed, its label first and on top; a focus outside
// Beijing's neighbourhood opens the whole network. Home cities are ringed.
import { h, navigate, setParams } from '../dom.js';
import { t } from '../i18n.js';
import { panZoom } from '../panzoom.js';
import {
  loadNetwork, readFilters, filterControls, visibleEdges, nodeLabel, countryLabel, nodePath, colouring, legendEl,
  readFocus, focusControl, loadHomes, BEIJING, KIND_COLOURS,
} from '../netdata.js';

export async function render(root, ctx) {
  const started = performance.now();
  const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' }, t('net.loading'));
  root.append(h('h1', {}, t('net.title')), status);
  const seed = Number(ctx.query.get('seed')) || 1;
  const [net, homes] = await Promise.all([loadNetwork(seed), loadHomes()]);
  if (!ctx.current()) return;
  const f = readFilters(ctx.query, net);
  const opts = {
    scope: ctx.query.get('scope') === 'all' ? 'all' : 'beijing',
    size: ctx.query.get('size') === 'pagerank' ? 'pagerank' : 'degree',
    colour: ctx.query.get('colour') || null,
  };
  // Countries are known for the report's places; communities say more about the whole network.
  let focus = readFocus(ctx.query, net);
  const colourBy = () => opts.colour || (opts.scope === 'all' ? 'community' : 'country');

  const select = (key, values) => {
    const s = h('select', { id: `net-${key}`, 'aria-label': t(`net.${key === 'colour' ? 'colour' : key}`) },
      values.map(([v, text]) => h('option', { value: v, selected: (key === 'colour' ? colourBy() : opts[key]) === v }, text)));
    s.addEventListener('change', () => {
      opts[key] = s.value;
      setParams({ [key]: s.value });
      if (key === 'scope') { place(); colourSelect.value = colourBy(); }
      compute(key === 'scope');
    });
    return h('label', {}, t(`net.${key}`), s);
  };
  const colourLabel = select('colour', [['country', t('net.country')], ['community', t('net.community')]]);
  const colourSelect = colourLabel.querySelector('select');
  const canvas = h('canvas', { tabindex: '0', role: 'img', 'aria-label': t('net.alt'), id: 'network-canvas' });
  const tooltip = h('div', { class: 'tooltip', role: 'presentation' });
  const viz = h('div', { class: 'viz' }, canvas, tooltip);
  const legend = h('div');
  const tableBox = h('div');
  const details = h('details', { class: 'alt', id: 'network-table' }, h('summary', {}, t('net.table')), tableBox);
  details.addEventListener('toggle', () => { if (details.open) buildTable(); });
  const filters = filterControls(net, f, () => compute(false));
  filters.append(focusControl(net, net.nodes.map((n, i) => i).filter((i) => net.nodes[i].src & 1), focus, (i) => { focus = i; compute(false); }));
  root.append(
    filters,
    h('div', { class: 'toolbar' },
      select('scope', [['beijing', t('net.neighbourhood')], ['all', t('net.whole')]]),
      select('size', [['degree', t('net.degree')], ['pagerank', t('net.pagerank')]]),
      colourLabel,
      h('button', { type: 'button', class: 'secondary', onclick: () => { fit(); draw(); } }, t('net.fit')),
      h('span', { class: 'muted' }, t('net.help'))),
    viz, legend, status, details);

  const dpr = window.devicePixelRatio || 1;
  const g = canvas.getContext('2d');
  const X = new Float32Array(net.n), Y = new Float32Array(net.n);
  // The whole network and Beijing's neighbourhood each have their own layout.
  const place = () => {
    const local = opts.scope === 'beijing';
    net.nodes.forEach((node, i) => {
      X[i] = local && node.lx !== undefined ? node.lx : node.x;
      Y[i] = -(local && node.ly !== undefined ? node.ly : node.y);
    });
  };
  place();
  const view = { s: 1, tx: 0, ty: 0, fitS: 1 };
  let visE = [], visN = [], deg = new Int32Array(net.n), radius = new Float32Array(net.n), colourOf = () => '#999';
  let grid = new Map(), cell = 1, maxR = 4, hover = -1, frame = 0, near = new Uint8Array(net.n), labelsShown = 0;
  const homeNodes = [...homes].map((iri) => net.byIri.get(iri)).filter((i) => i !== undefined);

  function compute(refit) {
    const edges = visibleEdges(net, f);
    const inScope = new Uint8Array(net.n);
    const b = net.byIri.get(BEIJING);
    if (opts.scope === 'beijing') {
      if (b !== undefined) inScope[b] = 1;
      for (const e of edges) {
        const a = net.edges.a[e], c = net.edges.b[e];
        if (a === b || c === b || net.edges.src[e] === 1) { inScope[a] = 1; inScope[c] = 1; }
      }
      visE = edges.filter((e) => inScope[net.edges.a[e]] && inScope[net.edges.b[e]]);
    } else {
      visE = edges;
    }
    if (focus >= 0 && opts.scope === 'beijing' && !inScope[focus]) {
      // The place in focus is outside Beijing's neighbourhood: show the whole network.
      opts.scope = 'all';
      setParams({ scope: 'all' });
      const sc = root.querySelector('#net-scope');
      if (sc) sc.value = 'all';
      place();
      compute(true);
      return;
    }
    deg = new Int32Array(net.n);
    for (const e of visE) { deg[net.edges.a[e]]++; deg[net.edges.b[e]]++; }
    near = new Uint8Array(net.n);
    let focusLinks = 0;
    if (focus >= 0) {
      near[focus] = 1;
      for (const e of visE) if (net.edges.a[e] === focus || net.edges.b[e] === focus) { near[net.edges.a[e]] = 1; near[net.edges.b[e]] = 1; focusLinks++; }
    }
    visN = [];
    for (let i = 0; i < net.n; i++) if (deg[i] > 0 || (opts.scope === 'beijing' && i === b)) visN.push(i);
    visN.sort((p, q) => deg[q] - deg[p] || p - q);
    const big = visN.length > 1500;
    maxR = 0;
    for (const i of visN) {
      const r = opts.size === 'pagerank'
        ? Math.min(26, 2 + 3 * Math.sqrt(net.nodes[i].pr * net.n))
        : Math.min(26, (big ? 1.5 : 3) + (big ? 0.9 : 1.6) * Math.sqrt(deg[i]));
      radius[i] = r;
      maxR = Math.max(maxR, r);
    }
    const c = colouring(net, visN, colourBy());
    colourOf = c.colour;
    legend.replaceChildren(legendEl(c.legend));
    status.textContent = t('net.shown', { n: visN.length, e: visE.length }) + (focus >= 0 ? ` · ${t('focus.status', { name: nodeLabel(net, focus), n: focusLinks })}` : '');
    if (refit || view.fitS === 1) fit();
    buildGrid();
    if (details.open) buildTable();
    draw();
    window.amityNetwork = api;
  }

  function fit() {
    const w = canvas.clientWidth || 800, hgt = canvas.clientHeight || 500;
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (const i of visN) { x0 = Math.min(x0, X[i]); x1 = Math.max(x1, X[i]); y0 = Math.min(y0, Y[i]); y1 = Math.max(y1, Y[i]); }
    if (!isFinite(x0)) { x0 = y0 = -1; x1 = y1 = 1; }
    const s = Math.min((w - 40) / Math.max(1e-3, x1 - x0), (hgt - 40) / Math.max(1e-3, y1 - y0));
    view.s = view.fitS = Math.min(s, 200);
    view.tx = w / 2 - ((x0 + x1) / 2) * view.s;
    view.ty = hgt / 2 - ((y0 + y1) / 2) * view.s;
  }

  function buildGrid() {
    grid = new Map();
    const w = canvas.clientWidth || 800;
    cell = Math.max(1e-3, (w / view.fitS) / 40);
    for (const i of visN) {
      const k = `${Math.floor(X[i] / cell)},${Math.floor(Y[i] / cell)}`;
      let list = grid.get(k);
      if (!list) grid.set(k, (list = []));
      list.push(i);
    }
  }

  const zoomFactor = () => Math.min(2.5, Math.max(0.7, Math.sqrt(view.s / view.fitS)));

  function nodeAt(sx, sy) {
    const wx = (sx - view.tx) / view.s, wy = (sy - view.ty) / view.s;
    const reach = (maxR * zoomFactor() + 3) / view.s;
    let best = -1, bestD = Infinity;
    for (let cx = Math.floor((wx - reach) / cell); cx <= Math.floor((wx + reach) / cell); cx++) {
      for (let cy = Math.floor((wy - reach) / cell); cy <= Math.floor((wy + reach) / cell); cy++) {
        for (const i of grid.get(`${cx},${cy}`) || []) {
          const dx = (X[i] - wx) * view.s, dy = (Y[i] - wy) * view.s;
          const d = Math.hypot(dx, dy);
          if (d <= radius[i] * zoomFactor() + 3 && d < bestD) { best = i; bestD = d; }
        }
      }
    }
    return best;
  }

  function draw() {
    if (frame) return;
    frame = requestAnimationFrame(paint);
  }

  function paint() {
    frame = 0;
    const w = canvas.clientWidth, hgt = canvas.clientHeight;
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(hgt * dpr)) {
      canvas.width = Math.round(w * dpr); canvas.height = Math.round(hgt * dpr);
    }
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, w, hgt);
    const { s, tx, ty } = view;
    const many = visE.length > 3000;
    const touches = (e) => net.edges.a[e] === focus || net.edges.b[e] === focus;
    for (const strong of focus >= 0 ? [false, true] : [true]) for (let k = 0; k < 3; k++) {
      g.lineWidth = strong && focus >= 0 ? 2 : many ? 0.5 : 1.2;
      g.globalAlpha = focus >= 0 && !strong ? 0.07 : strong && focus >= 0 ? 0.85 : many ? 0.18 : 0.55;
      g.strokeStyle = KIND_COLOURS[k];
      g.beginPath();
      for (const e of visE) {
        if (net.edges.kind[e] !== k || (focus >= 0 && touches(e) !== strong)) continue;
        const a = net.edges.a[e], b = net.edges.b[e];
        g.moveTo(X[a] * s + tx, Y[a] * s + ty);
        g.lineTo(X[b] * s + tx, Y[b] * s + ty);
      }
      g.stroke();
    }
    g.globalAlpha = 1;
    const zf = zoomFactor();
    const byColour = new Map();
    for (const i of visN) {
      const x = X[i] * s + tx, y = Y[i] * s + ty;
      if (x < -30 || y < -30 || x > w + 30 || y > hgt + 30) continue;
      const c = colourOf(i);
      let list = byColour.get(c);
      if (!list) byColour.set(c, (list = []));
      list.push(i);
    }
    const outline = visN.length < 3000;
    g.strokeStyle = '#ffffff';
    g.lineWidth = 1;
    for (const strong of focus >= 0 ? [0, 1] : [-1]) for (const [c, list] of byColour) {
      g.globalAlpha = strong === 0 ? 0.25 : 1;
      g.fillStyle = c;
      g.beginPath();
      for (const i of list) {
        if (strong >= 0 && near[i] !== strong) continue;
        const x = X[i] * s + tx, y = Y[i] * s + ty, r = radius[i] * zf;
        g.moveTo(x + r, y);
        g.arc(x, y, r, 0, Math.PI * 2);
      }
      g.fill();
      if (outline) g.stroke();
    }
    g.globalAlpha = 1;
    // Home cities ringed, the focus ringed thicker.
    g.strokeStyle = '#1a1a1a';
    for (const i of [...homeNodes, focus]) {
      if (i < 0 || (!deg[i] && i !== focus)) continue;
      g.lineWidth = i === focus ? 2.5 : 1.5;
      g.beginPath(); g.arc(X[i] * s + tx, Y[i] * s + ty, radius[i] * zf + 3, 0, Math.PI * 2); g.stroke();
    }
    // Labels of the most connected nodes that fit, then the hovered one.
    g.font = '12px system-ui, "WenQuanYi Micro Hei", sans-serif';
    g.textBaseline = 'middle';
    const taken = [];
    // More labels as you zoom in: the most linked nodes on screen first, each only where it
    // overlaps no label already drawn (at most a few hundred tried a frame).
    const limit = Math.min(250, Math.round((visN.length > 2000 ? 25 : 60) * Math.max(1, Math.sqrt(view.s / view.fitS))));
    const drawLabel = (i, force, paint = true) => {
      const x = X[i] * s + tx + radius[i] * zf + 3, y = Y[i] * s + ty;
      const text = nodeLabel(net, i);
      const wd = g.measureText(text).width;
      const box = [x - 2, y - 8, x + wd + 2, y + 8];
      if (!force && (x > w || y < 0 || y > hgt || x < 0 || taken.some((b) => box[0] < b[2] && box[2] > b[0] && box[1] < b[3] && box[3] > b[1]))) return false;
      taken.push(box);
      if (!paint) return true;
      g.fillStyle = force ? '#ffffff' : 'rgba(255,255,255,.85)';
      g.fillRect(box[0], box[1], box[2] - box[0], box[3] - box[1]);
      if (force) { g.strokeStyle = '#1a1a1a'; g.lineWidth = 1; g.strokeRect(box[0], box[1], box[2] - box[0], box[3] - box[1]); }
      g.fillStyle = '#1a1a1a';
      g.fillText(text, x, y);
      return true;
    };
    // The focus keeps its place first, other labels stay clear of it, it is painted last.
    if (focus >= 0) drawLabel(focus, true, false);
    let labelled = 0, tried = 0;
    for (const i of visN) {
      if (labelled >= limit || tried >= 600) break;
      if (i === focus || (focus >= 0 && !near[i])) continue;
      const x = X[i] * s + tx, y = Y[i] * s + ty;
      if (x < 0 || y < 0 || x > w || y > hgt) continue;
      tried++;
      if (drawLabel(i, false)) labelled++;
    }
    labelsShown = labelled;
    if (focus >= 0) drawLabel(focus, true);
    if (hover >= 0) {
      g.strokeStyle = '#1a1a1a'; g.lineWidth = 2;
      g.beginPath(); g.arc(X[hover] * s + tx, Y[hover] * s + ty, radius[hover] * zf + 2, 0, Math.PI * 2); g.stroke();
    }
  }

  function buildTable() {
    const rows = visN.slice(0, 300);
    tableBox.replaceChildren(h('div', { class: 'table-wrap' }, h('table', {},
      h('caption', { class: 'muted', style: 'text-align:left' }, t('net.tablecap', { n: rows.length })),
      h('thead', {}, h('tr', {}, [t('net.node'), t('net.country'), t('net.links'), t('net.pagerank'), t('net.community')].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, rows.map((i) => {
        const p = nodePath(net, i);
        return h('tr', {},
          h('td', {}, p ? h('a', { href: p }, nodeLabel(net, i)) : nodeLabel(net, i)),
          h('td', {}, countryLabel(net, net.nodes[i].c)),
          h('td', {}, deg[i]), h('td', {}, net.nodes[i].pr.toFixed(5)), h('td', {}, net.nodes[i].com));
      })))));
  }

  // Interaction: drag to pan, wheel to zoom, hover for a label, click to open.
  const { zoomAt } = panZoom(canvas, view, {
    draw, fit, min: 0.2, max: 400,
    hover(x, y) {
      const i = nodeAt(x, y);
      if (i !== hover) { hover = i; draw(); }
      canvas.style.cursor = i >= 0 ? 'pointer' : '';
      if (i >= 0) {
        tooltip.textContent = `${nodeLabel(net, i)} · ${countryLabel(net, net.nodes[i].c)} · ${deg[i]} ${t('net.links')}`;
        tooltip.style.display = 'block';
        tooltip.style.left = `${Math.min(x + 12, canvas.clientWidth - 200)}px`;
        tooltip.style.top = `${y + 12}px`;
      } else tooltip.style.display = 'none';
    },
    leave() { tooltip.style.display = 'none'; if (hover >= 0) { hover = -1; draw(); } },
    click(x, y) { const i = nodeAt(x, y); const p = i >= 0 && nodePath(net, i); if (p) navigate(p); },
  });
  const resize = new ResizeObserver(() => draw());
  resize.observe(canvas);

  // For the end-to-end test and for scripting: where a node is on screen, how long it took.
  const api = {
    get ready() { return true; },
    get scope() { return opts.scope; },
    get nodes() { return visN.length; },
    get edges() { return visE.length; },
    get labels() { return labelsShown; },
    get focus() { return focus >= 0 ? net.nodes[focus].iri : null; },
    get focusLinks() { return focus < 0 ? 0 : visE.filter((e) => net.edges.a[e] === focus || net.edges.b[e] === focus).length; },
    msToInteractive: 0,
    screenPos(iri) {
      const i = net.byIri.get(iri);
      if (i === undefined || !deg[i] && opts.scope === 'all') return null;
      const r = canvas.getBoundingClientRect();
      return { x: r.left + X[i] * view.s + view.tx, y: r.top + Y[i] * view.s + view.ty };
    },
    zoom(k) { zoomAt(canvas.clientWidth / 2, canvas.clientHeight / 2, k); },
  };
  compute(true);
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  api.msToInteractive = Math.round(performance.now() - started);
  return () => { resize.disconnect(); if (frame) cancelAnimationFrame(frame); delete window.amityNetwork; };
}
