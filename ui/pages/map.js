// `/map`: places on a world map (Natural Earth 1:110m, embedded) with their links as arcs;
// the same filters as the network page. Equirectangular projection on a canvas.
//
// - Rings that cross the antimeridian (Russia, Fiji) are unwrapped where a step jumps more
//   than 180° of longitude and drawn once more shifted by 360°, so no ring spans the world.
// - Countries and continents are areas, not points: a country a link names is shaded (its
//   Natural Earth shape, by name), a continent is not drawn; neither is an arc's end.
// - An event is drawn at the place it was held in (a green square), with a dashed line from
//   each other party to it; an event with no place on the map is not drawn (the status line
//   counts them, the table lists them).
// - Labels are placed greedily, most linked place first, skipping any that would overlap one
//   already drawn; more appear as you zoom; the hovered place's label is always drawn.
// - `focus=` a place: its links drawn strong, the rest and the places it is not linked to
//   dimmed, its label placed first and painted last (always on top). Home cities (where a
//   report's publisher is based) are ringed.
import { h, navigate } from '../dom.js';
import { t } from '../i18n.js';
import { select } from '../sparql.js';
import { panZoom } from '../panzoom.js';
import { loadNetwork, readFilters, filterControls, visibleEdges, nodeLabel, countryLabel, nodePath, readFocus, focusControl, loadHomes, KIND_COLOURS, KINDS } from '../netdata.js';

let world = null;
let venues = null;

/** Rings ready to draw: unwrapped longitudes, the shifts to draw them at, border breaks. */
function prepare(geo) {
  const features = [];
  for (const feat of geo.features) {
    const polys = feat.geometry.type === 'Polygon' ? [feat.geometry.coordinates] : feat.geometry.coordinates;
    const rings = [];
    for (const poly of polys) for (const ring of poly) {
      const lon = [], lat = [], brk = [];
      let shift = 0, lo = Infinity, hi = -Infinity;
      ring.forEach(([x, y], k) => {
        if (k) {
          const px = ring[k - 1][0];
          if (x - px > 180) shift -= 360; else if (px - x > 180) shift += 360;
          // No border along the antimeridian itself.
          brk.push(Math.abs(x) === 180 && Math.abs(px) === 180);
        } else brk.push(true);
        lon.push(x + shift); lat.push(y);
        lo = Math.min(lo, x + shift); hi = Math.max(hi, x + shift);
      });
      const shifts = [0];
      if (hi > 180) shifts.push(-360);
      if (lo < -180) shifts.push(360);
      rings.push({ lon, lat, brk, shifts });
    }
    features.push({ name: feat.properties && feat.properties.name, rings });
  }
  return features;
}

export async function render(root, ctx) {
  const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' }, '…');
  root.append(h('h1', {}, t('map.title')), status);
  world = world || fetch('/ui/data/world-110m.geojson').then((r) => r.json()).then(prepare);
  venues = venues || select('SELECT ?e ?p WHERE { ?e a am:Event ; am:heldIn ?p }').then((rows) => {
    const m = new Map();
    for (const r of rows) { if (!m.has(r.e)) m.set(r.e, []); m.get(r.e).push(r.p); }
    return m;
  });
  const [net, geo, heldIn, homes] = await Promise.all([loadNetwork(Number(ctx.query.get('seed')) || 1), world, venues, loadHomes()]);
  if (!ctx.current()) return;
  const f = readFilters(ctx.query, net);
  const canvas = h('canvas', { tabindex: '0', role: 'img', 'aria-label': t('map.alt'), id: 'map-canvas' });
  const tooltip = h('div', { class: 'tooltip', role: 'presentation' });
  const tableBox = h('div');
  const details = h('details', { class: 'alt', id: 'map-table' }, h('summary', {}, t('net.table')), tableBox);
  details.addEventListener('toggle', () => { if (details.open) buildTable(); });
  const sw = (style) => h('span', { class: 'sw', style: `width:1.4em;border-radius:0;border:0;${style}` });
  // Areas: countries and continents are never points.
  const isArea = (i) => net.nodes[i].lv === 'Country' || net.nodes[i].lv === 'Continent';
  const has = (i) => net.nodes[i].lat !== undefined && net.nodes[i].lon !== undefined && !isArea(i);
  let focus = readFocus(ctx.query, net);
  const candidates = net.nodes.map((n, i) => i).filter((i) => net.nodes[i].src & 1 && has(i));
  const filters = filterControls(net, f, () => compute());
  filters.append(focusControl(net, candidates, focus, (i) => { focus = i; compute(); }));
  root.append(filters,
    h('p', { class: 'muted' }, `${t('map.help')} ${t('map.nocoords')}`),
    h('div', { class: 'legend', 'aria-hidden': 'true' },
      h('span', {}, sw(`height:.25em;vertical-align:.2em;background:${KIND_COLOURS[0]}`), t('net.tie')),
      h('span', {}, sw(`height:.25em;vertical-align:.2em;background:${KIND_COLOURS[1]}`), t('net.agreement')),
      h('span', {}, sw(`width:.8em;background:${KIND_COLOURS[2]}`), t('map.venue')),
      h('span', {}, sw(`height:0;vertical-align:.25em;border-top:2px dashed ${KIND_COLOURS[2]}`), t('map.counterpart')),
      h('span', {}, sw('background:#e8d9a8'), t('map.area')),
      h('span', {}, h('span', { class: 'sw', style: 'background:#1d4e89;box-shadow:0 0 0 2px #fff,0 0 0 3.5px #1a1a1a' }), t('net.homecity'))),
    h('div', { class: 'viz' }, canvas, tooltip), status, details);

  const g = canvas.getContext('2d');
  const dpr = window.devicePixelRatio || 1;
  const view = { s: 1, tx: 0, ty: 0, fitS: 1 };
  const featureOf = new Map(geo.map((feat) => [feat.name, feat]));
  let places = [], arcs = [], shaded = new Set(), unplaced = [], deg = new Map(), events = new Map(), near = new Set(), hover = -1, frame = 0;
  const isHome = (i) => homes.has(net.nodes[i].iri);

  function compute() {
    const edges = visibleEdges(net, f);
    deg = new Map();
    arcs = [];
    shaded = new Set();
    unplaced = [];
    events = new Map();
    const bump = (i) => deg.set(i, (deg.get(i) || 0) + 1);
    const seen = new Set();
    for (const e of edges) {
      const a = net.edges.a[e], b = net.edges.b[e], kind = net.edges.kind[e];
      for (const i of [a, b]) if (isArea(i) && featureOf.has(net.nodes[i].en)) shaded.add(net.nodes[i].en);
      if (kind === 2) {
        const at = (heldIn.get(net.edges.fact[e]) || []).map((p) => net.byIri.get(p)).filter((i) => i !== undefined && has(i));
        if (!at.length) { unplaced.push(e); continue; }
        for (const v of at) {
          events.set(v, (events.get(v) || new Set()).add(net.edges.fact[e]));
          if (!deg.has(v)) deg.set(v, 0);
          for (const p of [a, b]) {
            const key = `${p} ${v} ${net.edges.fact[e]}`;
            if (at.includes(p) || !has(p) || seen.has(key)) continue;
            seen.add(key);
            arcs.push({ e, from: p, to: v, kind, dashed: true });
            bump(p); bump(v);
          }
        }
        continue;
      }
      if (!has(a) || !has(b)) { if (isArea(a) || isArea(b)) unplaced.push(e); continue; }
      arcs.push({ e, from: a, to: b, kind, dashed: false });
      bump(a); bump(b);
    }
    places = [...deg.keys()].sort((p, q) => deg.get(q) - deg.get(p) || p - q);
    near = new Set();
    let focusArcs = 0;
    if (focus >= 0) {
      near.add(focus);
      for (const a of arcs) if (a.from === focus || a.to === focus) { near.add(a.from); near.add(a.to); focusArcs++; }
    }
    const focusText = focus >= 0 ? ` · ${t('focus.status', { name: nodeLabel(net, focus), n: focusArcs })}` : '';
    status.textContent = `${t('net.shown', { n: places.length, e: arcs.length })}${focusText}${unplaced.length ? ` · ${t('map.unplaced', { n: unplaced.length })}` : ''}`;
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
  const radius = (i) => 2.5 + Math.sqrt(deg.get(i) + (events.has(i) ? events.get(i).size : 0));

  function draw() { if (!frame) frame = requestAnimationFrame(paint); }
  function paint() {
    frame = 0;
    const w = canvas.clientWidth, hh = canvas.clientHeight;
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(hh * dpr)) { canvas.width = Math.round(w * dpr); canvas.height = Math.round(hh * dpr); }
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.fillStyle = '#dfeaf3';
    g.fillRect(0, 0, w, hh);
    g.strokeStyle = '#b9c0c7';
    g.lineWidth = 0.6;
    const fill = new Path2D(), area = new Path2D(), border = new Path2D();
    for (const feat of geo) {
      const target = shaded.has(feat.name) ? area : fill;
      for (const ring of feat.rings) for (const dx of ring.shifts) {
        for (let k = 0; k < ring.lon.length; k++) {
          const x = px(ring.lon[k] + dx), y = py(ring.lat[k]);
          if (!k) target.moveTo(x, y); else target.lineTo(x, y);
          if (ring.brk[k]) border.moveTo(x, y); else border.lineTo(x, y);
        }
        target.closePath();
      }
    }
    g.fillStyle = '#f7f5ef';
    g.fill(fill, 'evenodd');
    g.fillStyle = '#e8d9a8';
    g.fill(area, 'evenodd');
    g.stroke(border);
    const focused = (arc) => focus < 0 || arc.from === focus || arc.to === focus;
    for (const strong of focus >= 0 ? [false, true] : [true]) for (const dashed of [false, true]) {
      g.globalAlpha = strong ? 0.7 : 0.12;
      g.lineWidth = strong && focus >= 0 ? 2 : 1.3;
      g.setLineDash(dashed ? [5, 4] : []);
      for (let k = 0; k < 3; k++) {
        g.strokeStyle = KIND_COLOURS[k];
        g.beginPath();
        for (const arc of arcs) {
          if (arc.kind !== k || arc.dashed !== dashed || focused(arc) !== strong) continue;
          const A = net.nodes[arc.from], B = net.nodes[arc.to];
          const x1 = px(A.lon), y1 = py(A.lat), x2 = px(B.lon), y2 = py(B.lat);
          const mx = (x1 + x2) / 2, my = (y1 + y2) / 2, ddx = x2 - x1, ddy = y2 - y1;
          g.moveTo(x1, y1);
          g.quadraticCurveTo(mx - ddy * 0.2, my + ddx * 0.2 - Math.hypot(ddx, ddy) * 0.1, x2, y2);
        }
        g.stroke();
      }
    }
    g.setLineDash([]);
    g.globalAlpha = 1;
    for (const i of places) {
      const n = net.nodes[i], r = radius(i), x = px(n.lon), y = py(n.lat);
      g.globalAlpha = focus < 0 || near.has(i) ? 1 : 0.3;
      if (isHome(i) || i === focus) {
        g.strokeStyle = '#1a1a1a';
        g.lineWidth = i === focus ? 2.5 : 1.5;
        g.beginPath();
        g.arc(x, y, r + (events.has(i) ? 5 : 3), 0, Math.PI * 2);
        g.stroke();
      }
      if (events.has(i)) {
        // A venue: the place's dot on a green square.
        g.fillStyle = KIND_COLOURS[2];
        g.fillRect(x - r - 3, y - r - 3, 2 * r + 6, 2 * r + 6);
      }
      g.fillStyle = i === hover ? '#1a1a1a' : '#1d4e89';
      g.beginPath();
      g.arc(x, y, r, 0, Math.PI * 2);
      g.fill();
    }
    g.globalAlpha = 1;
    drawLabels(w, hh);
  }

  // Greedy labels: most linked first, each kept only if its box overlaps no box drawn so far.
  let shownLabels = [];
  function drawLabels(w, hh) {
    g.font = '12px system-ui, "WenQuanYi Micro Hei", sans-serif';
    g.textBaseline = 'middle';
    const taken = [];
    shownLabels = [];
    const zoom = view.s / view.fitS;
    const limit = Math.round(12 * Math.max(1, zoom));
    const boxOf = (i) => {
      const n = net.nodes[i], r = radius(i) + (events.has(i) ? 3 : 0), x = px(n.lon) + r + 2, y = py(n.lat);
      const text = nodeLabel(net, i);
      return { i, text, x, y, box: [x, y - 8, x + g.measureText(text).width + 4, y + 8] };
    };
    const paintLabel = (l, strong) => {
      g.fillStyle = strong ? '#ffffff' : 'rgba(255,255,255,.85)';
      g.fillRect(l.box[0], l.box[1], l.box[2] - l.box[0], l.box[3] - l.box[1]);
      if (strong) { g.strokeStyle = '#1a1a1a'; g.lineWidth = 1; g.strokeRect(l.box[0], l.box[1], l.box[2] - l.box[0], l.box[3] - l.box[1]); }
      g.fillStyle = '#1a1a1a';
      g.fillText(l.text, l.x + 2, l.y);
    };
    // The focus and the hovered place first (always drawn; the others keep clear of them),
    // painted last so they are on top.
    const forced = [focus, hover].filter((i, k, a) => i >= 0 && deg.has(i) && a.indexOf(i) === k).map(boxOf);
    for (const l of forced) taken.push(l.box);
    let drawn = 0;
    for (const i of places) {
      if (drawn >= limit) break;
      if (i === hover || i === focus || (focus >= 0 && !near.has(i))) continue;
      const l = boxOf(i), box = l.box;
      if (box[0] < 0 || box[2] > w || box[1] < 0 || box[3] > hh || taken.some((b) => box[0] < b[2] && box[2] > b[0] && box[1] < b[3] && box[3] > b[1])) continue;
      taken.push(box);
      shownLabels.push(l);
      paintLabel(l, false);
      drawn++;
    }
    for (const l of forced) { shownLabels.push(l); paintLabel(l, l.i === focus); }
  }

  function placeAt(x, y) {
    let best = -1, bd = 10;
    for (const i of places) {
      const d = Math.hypot(px(net.nodes[i].lon) - x, py(net.nodes[i].lat) - y) - radius(i);
      if (d < bd) { bd = d; best = i; }
    }
    return best;
  }

  function buildTable() {
    const th = (cols) => h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col' }, c))));
    const name = (i) => { const p = nodePath(net, i); return p ? h('a', { href: p }, nodeLabel(net, i)) : nodeLabel(net, i); };
    const row = (e, a, b) => h('tr', {}, h('td', {}, name(a)), h('td', {}, name(b)), h('td', {}, t(`net.${KINDS[net.edges.kind[e]]}`)), h('td', {}, net.edges.year[e] || ''));
    tableBox.replaceChildren(
      h('h2', {}, `${t('map.places')} (${places.length})`),
      h('div', { class: 'table-wrap' }, h('table', {}, th([t('net.node'), t('net.country'), t('map.lat'), t('map.lon'), t('net.links')]),
        h('tbody', {}, places.map((i) => h('tr', {}, h('td', {}, name(i)), h('td', {}, countryLabel(net, net.nodes[i].c)), h('td', {}, net.nodes[i].lat), h('td', {}, net.nodes[i].lon), h('td', {}, deg.get(i))))))),
      h('h2', {}, `${t('map.ties')} (${arcs.length})`),
      h('div', { class: 'table-wrap' }, h('table', {}, th([t('map.from'), t('map.to'), t('map.kind'), t('map.year')]),
        h('tbody', {}, arcs.slice(0, 2000).map((arc) => row(arc.e, arc.from, arc.to))))),
      unplaced.length ? [h('h2', {}, `${t('map.notdrawn')} (${unplaced.length})`),
        h('div', { class: 'table-wrap' }, h('table', { id: 'map-unplaced' }, th([t('map.from'), t('map.to'), t('map.kind'), t('map.year')]),
          h('tbody', {}, unplaced.map((e) => row(e, net.edges.a[e], net.edges.b[e])))))] : null);
  }

  const { zoomAt } = panZoom(canvas, view, {
    draw, fit, min: 0.8, max: 60,
    hover(x, y) {
      const i = placeAt(x, y);
      if (i !== hover) { hover = i; draw(); }
      canvas.style.cursor = i >= 0 ? 'pointer' : '';
      if (i >= 0) {
        const held = events.has(i) ? ` · ${t('map.held', { n: events.get(i).size })}` : '';
        tooltip.textContent = `${nodeLabel(net, i)} · ${countryLabel(net, net.nodes[i].c)} · ${deg.get(i)} ${t('net.links')}${held}`;
        tooltip.style.display = 'block';
        tooltip.style.left = `${Math.min(x + 12, canvas.clientWidth - 200)}px`;
        tooltip.style.top = `${y + 12}px`;
      } else tooltip.style.display = 'none';
    },
    leave() { tooltip.style.display = 'none'; if (hover >= 0) { hover = -1; draw(); } },
    click(x, y) { const i = placeAt(x, y); const p = i >= 0 && nodePath(net, i); if (p) navigate(p); },
  });
  const resize = new ResizeObserver(() => draw());
  resize.observe(canvas);
  // For the end-to-end test and for scripting.
  window.amityMap = {
    project(lon, lat) { const r = canvas.getBoundingClientRect(); return { x: r.left + px(lon), y: r.top + py(lat) }; },
    get arcs() { return arcs.map((a) => ({ from: net.nodes[a.from].iri, to: net.nodes[a.to].iri, kind: KINDS[a.kind], fact: net.edges.fact[a.e], heldIn: a.dashed ? net.nodes[a.to].iri : null })); },
    get places() { return places.map((i) => net.nodes[i].iri); },
    get labels() { return shownLabels.map((l) => ({ iri: net.nodes[l.i].iri, text: l.text, box: l.box })); },
    get unplaced() { return unplaced.map((e) => net.edges.fact[e]); },
    get focus() { return focus >= 0 ? net.nodes[focus].iri : null; },
    get near() { return [...near].map((i) => net.nodes[i].iri); },
    get topLabel() { return shownLabels.length ? shownLabels[shownLabels.length - 1].text : null; },
    zoom(k) { zoomAt(canvas.clientWidth / 2, canvas.clientHeight / 2, k); },
  };
  fit();
  compute();
  return () => { resize.disconnect(); if (frame) cancelAnimationFrame(frame); delete window.amityMap; };
}
