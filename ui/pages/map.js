// `/map`: places on a world map (Natural Earth 1:110m, embedded) with their links as arcs;
// the same filters as the network page. Equirectangular projection on a canvas.
import { h, navigate } from '../app.js';
import { t } from '../i18n.js';
import { loadNetwork, readFilters, filterControls, visibleEdges, nodeLabel, countryLabel, nodePath, KIND_COLOURS, KINDS } from '../netdata.js';

let world = null;

export async function render(root, ctx) {
  const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' }, '…');
  root.append(h('h1', {}, t('map.title')), status);
  world = world || fetch('/ui/data/world-110m.geojson').then((r) => r.json());
  const [net, geo] = await Promise.all([loadNetwork(Number(ctx.query.get('seed')) || 1), world]);
  if (!ctx.current()) return;
  const f = readFilters(ctx.query, net);
  const canvas = h('canvas', { tabindex: '0', role: 'img', 'aria-label': t('map.alt'), id: 'map-canvas' });
  const tooltip = h('div', { class: 'tooltip', role: 'presentation' });
  const tableBox = h('div');
  const details = h('details', { class: 'alt', id: 'map-table' }, h('summary', {}, t('net.table')), tableBox);
  details.addEventListener('toggle', () => { if (details.open) buildTable(); });
  root.append(filterControls(net, f, () => compute()),
    h('p', { class: 'muted' }, `${t('map.help')} ${t('map.nocoords')}`),
    h('div', { class: 'viz' }, canvas, tooltip), status, details);

  const g = canvas.getContext('2d');
  const dpr = window.devicePixelRatio || 1;
  const view = { s: 1, tx: 0, ty: 0, fitS: 1 };
  let places = [], arcs = [], deg = new Map(), hover = -1, frame = 0;
  const has = (i) => net.nodes[i].lat !== undefined && net.nodes[i].lon !== undefined;

  function compute() {
    const edges = visibleEdges(net, f);
    deg = new Map();
    arcs = [];
    for (const e of edges) {
      const a = net.edges.a[e], b = net.edges.b[e];
      if (!has(a) || !has(b)) continue;
      arcs.push(e);
      deg.set(a, (deg.get(a) || 0) + 1);
      deg.set(b, (deg.get(b) || 0) + 1);
    }
    places = [...deg.keys()].sort((p, q) => deg.get(q) - deg.get(p) || p - q);
    status.textContent = t('net.shown', { n: places.length, e: arcs.length });
    if (details.open) buildTable();
    draw();
  }

  function fit() {
    const w = canvas.clientWidth || 800, hh = canvas.clientHeight || 500;
    view.s = view.fitS = Math.min(w / 360, hh / 170);
    view.tx = w / 2;
    view.ty = hh / 2 + 10 * view.s;
  }
  const px = (lon) => lon * view.s + view.tx;
  const py = (lat) => -lat * view.s + view.ty;

  function draw() { if (!frame) frame = requestAnimationFrame(paint); }
  function paint() {
    frame = 0;
    const w = canvas.clientWidth, hh = canvas.clientHeight;
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(hh * dpr)) { canvas.width = Math.round(w * dpr); canvas.height = Math.round(hh * dpr); }
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.fillStyle = '#dfeaf3';
    g.fillRect(0, 0, w, hh);
    g.fillStyle = '#f7f5ef';
    g.strokeStyle = '#b9c0c7';
    g.lineWidth = 0.6;
    // Fill whole rings; stroke them without the edges that run along the antimeridian.
    const fill = new Path2D(), border = new Path2D();
    for (const feat of geo.features) {
      const polys = feat.geometry.type === 'Polygon' ? [feat.geometry.coordinates] : feat.geometry.coordinates;
      for (const poly of polys) for (const ring of poly) {
        ring.forEach(([lon, lat], k) => {
          const [x, y] = [px(lon), py(lat)];
          if (!k) { fill.moveTo(x, y); border.moveTo(x, y); return; }
          fill.lineTo(x, y);
          const [plon] = ring[k - 1];
          if (Math.abs(lon) === 180 && Math.abs(plon) === 180) border.moveTo(x, y); else border.lineTo(x, y);
        });
        fill.closePath();
      }
    }
    g.fill(fill, 'evenodd');
    g.stroke(border);
    g.globalAlpha = 0.7;
    g.lineWidth = 1.3;
    for (let k = 0; k < 3; k++) {
      g.strokeStyle = KIND_COLOURS[k];
      g.beginPath();
      for (const e of arcs) {
        if (net.edges.kind[e] !== k) continue;
        const A = net.nodes[net.edges.a[e]], B = net.nodes[net.edges.b[e]];
        const x1 = px(A.lon), y1 = py(A.lat), x2 = px(B.lon), y2 = py(B.lat);
        const mx = (x1 + x2) / 2, my = (y1 + y2) / 2, dx = x2 - x1, dy = y2 - y1;
        g.moveTo(x1, y1);
        g.quadraticCurveTo(mx - dy * 0.2, my + dx * 0.2 - Math.hypot(dx, dy) * 0.1, x2, y2);
      }
      g.stroke();
    }
    g.globalAlpha = 1;
    g.font = '12px system-ui, "WenQuanYi Micro Hei", sans-serif';
    g.textBaseline = 'middle';
    for (const [k, i] of places.entries()) {
      const n = net.nodes[i];
      const r = 2.5 + Math.sqrt(deg.get(i));
      g.fillStyle = i === hover ? '#1a1a1a' : '#1d4e89';
      g.beginPath();
      g.arc(px(n.lon), py(n.lat), r, 0, Math.PI * 2);
      g.fill();
      if (k < 12 || i === hover) {
        const text = nodeLabel(net, i);
        g.fillStyle = 'rgba(255,255,255,.8)';
        g.fillRect(px(n.lon) + r + 2, py(n.lat) - 8, g.measureText(text).width + 4, 16);
        g.fillStyle = '#1a1a1a';
        g.fillText(text, px(n.lon) + r + 4, py(n.lat));
      }
    }
  }

  function placeAt(x, y) {
    let best = -1, bd = 10;
    for (const i of places) {
      const d = Math.hypot(px(net.nodes[i].lon) - x, py(net.nodes[i].lat) - y) - (2.5 + Math.sqrt(deg.get(i)));
      if (d < bd) { bd = d; best = i; }
    }
    return best;
  }

  function buildTable() {
    const th = (cols) => h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col' }, c))));
    const name = (i) => { const p = nodePath(net, i); return p ? h('a', { href: p }, nodeLabel(net, i)) : nodeLabel(net, i); };
    tableBox.replaceChildren(
      h('h2', {}, `${t('map.places')} (${places.length})`),
      h('div', { class: 'table-wrap' }, h('table', {}, th([t('net.node'), t('net.country'), t('map.lat'), t('map.lon'), t('net.links')]),
        h('tbody', {}, places.map((i) => h('tr', {}, h('td', {}, name(i)), h('td', {}, countryLabel(net, net.nodes[i].c)), h('td', {}, net.nodes[i].lat), h('td', {}, net.nodes[i].lon), h('td', {}, deg.get(i))))))),
      h('h2', {}, `${t('map.ties')} (${arcs.length})`),
      h('div', { class: 'table-wrap' }, h('table', {}, th([t('map.from'), t('map.to'), t('map.kind'), t('map.year')]),
        h('tbody', {}, arcs.slice(0, 2000).map((e) => h('tr', {}, h('td', {}, name(net.edges.a[e])), h('td', {}, name(net.edges.b[e])), h('td', {}, t(`net.${KINDS[net.edges.kind[e]]}`)), h('td', {}, net.edges.year[e] || '')))))));
  }

  let drag = null;
  const local = (ev) => { const r = canvas.getBoundingClientRect(); return [ev.clientX - r.left, ev.clientY - r.top]; };
  canvas.addEventListener('pointerdown', (ev) => { const [x, y] = local(ev); drag = { x, y, tx: view.tx, ty: view.ty, moved: false }; canvas.setPointerCapture(ev.pointerId); });
  canvas.addEventListener('pointermove', (ev) => {
    const [x, y] = local(ev);
    if (drag) {
      if (Math.hypot(x - drag.x, y - drag.y) > 4) drag.moved = true;
      if (drag.moved) { view.tx = drag.tx + x - drag.x; view.ty = drag.ty + y - drag.y; draw(); }
      return;
    }
    const i = placeAt(x, y);
    if (i !== hover) { hover = i; draw(); }
    canvas.style.cursor = i >= 0 ? 'pointer' : '';
    if (i >= 0) {
      tooltip.textContent = `${nodeLabel(net, i)} · ${countryLabel(net, net.nodes[i].c)} · ${deg.get(i)} ${t('net.links')}`;
      tooltip.style.display = 'block';
      tooltip.style.left = `${Math.min(x + 12, canvas.clientWidth - 200)}px`;
      tooltip.style.top = `${y + 12}px`;
    } else tooltip.style.display = 'none';
  });
  canvas.addEventListener('pointerup', (ev) => {
    const d = drag; drag = null;
    if (d && !d.moved) { const [x, y] = local(ev); const i = placeAt(x, y); const p = i >= 0 && nodePath(net, i); if (p) navigate(p); }
  });
  const zoomAt = (x, y, k) => {
    const s2 = Math.max(view.fitS * 0.8, Math.min(view.fitS * 60, view.s * k));
    view.tx = x - (x - view.tx) * (s2 / view.s); view.ty = y - (y - view.ty) * (s2 / view.s); view.s = s2; draw();
  };
  canvas.addEventListener('wheel', (ev) => { ev.preventDefault(); const [x, y] = local(ev); zoomAt(x, y, Math.exp(-ev.deltaY * 0.0015)); }, { passive: false });
  canvas.addEventListener('keydown', (ev) => {
    const moves = { ArrowLeft: [60, 0], ArrowRight: [-60, 0], ArrowUp: [0, 60], ArrowDown: [0, -60] };
    if (moves[ev.key]) { view.tx += moves[ev.key][0]; view.ty += moves[ev.key][1]; draw(); }
    else if (ev.key === '+' || ev.key === '=') zoomAt(canvas.clientWidth / 2, canvas.clientHeight / 2, 1.3);
    else if (ev.key === '-') zoomAt(canvas.clientWidth / 2, canvas.clientHeight / 2, 1 / 1.3);
    else if (ev.key === '0') { fit(); draw(); }
    else return;
    ev.preventDefault();
  });
  const resize = new ResizeObserver(() => draw());
  resize.observe(canvas);
  fit();
  compute();
  return () => { resize.disconnect(); if (frame) cancelAnimationFrame(frame); };
}
