// Converts a Natural Earth TopoJSON file from the npm package world-atlas@2 into the GeoJSON the
// map page draws (ui/data/world-110m.geojson). Run once, by hand; see ui/data/README.md.
//
//   cd /tmp && npm pack world-atlas@2 && tar xzf world-atlas-2.*.tgz
//   node ui/tools/topojson-to-geojson.mjs /tmp/package/countries-110m.json > ui/data/world-110m.geojson
//
// No dependencies: decodes quantized, delta-encoded arcs as the TopoJSON specification says.
import { readFileSync } from 'node:fs';

const topo = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const [sx, sy] = topo.transform ? topo.transform.scale : [1, 1];
const [tx, ty] = topo.transform ? topo.transform.translate : [0, 0];
const round = (v) => Math.round(v * 100) / 100;

const arcs = topo.arcs.map((arc) => {
  let x = 0, y = 0;
  return arc.map(([dx, dy]) => {
    if (topo.transform) { x += dx; y += dy; } else { x = dx; y = dy; }
    return [round(x * sx + tx), round(y * sy + ty)];
  });
});

function ring(indices) {
  const out = [];
  for (const i of indices) {
    const a = i < 0 ? arcs[~i].slice().reverse() : arcs[i];
    a.forEach((p, k) => { if (k > 0 || out.length === 0) out.push(p); });
  }
  return out;
}

function geometry(g) {
  switch (g.type) {
    case 'Polygon': return { type: 'Polygon', coordinates: g.arcs.map(ring) };
    case 'MultiPolygon': return { type: 'MultiPolygon', coordinates: g.arcs.map((p) => p.map(ring)) };
    default: return null;
  }
}

const object = topo.objects.countries || topo.objects.land;
const features = object.geometries
  .map((g) => ({ type: 'Feature', properties: { name: (g.properties && g.properties.name) || '' }, geometry: geometry(g) }))
  .filter((f) => f.geometry);
process.stdout.write(JSON.stringify({ type: 'FeatureCollection', features }) + '\n');
