// Builds the map page's assets into internal/web/static/dist (never committed), from which the Go
// binary embeds them:
//   app.js, app.css           the page script (MapLibre GL + web/src) and styles, bundled by esbuild
//   vesselworker.js           the worker that fetches and decodes the vessel feed
//   maplibre-gl-worker.mjs    MapLibre's worker module, copied as published
//   basemap.geojson           land polygons and country borders from Natural Earth (world-atlas),
//                             converted from TopoJSON with topojson-client
// plus a .gz of every file, which the server sends to clients that accept gzip.
//
// Usage, from the repository root after `npm ci`:  node web/build.mjs
import * as esbuild from 'esbuild';
import { feature, mesh } from 'topojson-client';
import { mkdir, readFile, rm, writeFile, copyFile, readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { gzipSync, constants } from 'node:zlib';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const out = path.join(root, 'internal/web/static/dist');
const resolve = (spec) => fileURLToPath(import.meta.resolve(spec));

await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });

// 1. The page script and its CSS (esbuild writes app.css next to app.js).
await esbuild.build({
  entryPoints: { app: path.join(here, 'src/app.js'), vesselworker: path.join(here, 'src/vesselworker.js') },
  bundle: true,
  format: 'esm',
  target: ['es2022'],
  minify: true,
  legalComments: 'eof',
  outdir: out,
  logLevel: 'warning',
});

// 2. MapLibre's worker, loaded by the page through setWorkerUrl.
await copyFile(resolve('maplibre-gl/dist/maplibre-gl-worker.mjs'), path.join(out, 'maplibre-gl-worker.mjs'));

// 3. The basemap: Natural Earth 1:50m land and country borders, coordinates rounded to 0.001°
// (about 100 m, finer than the 1:50m source).
const round = (c) => (typeof c[0] === 'number' ? c.map((v) => Math.round(v * 1000) / 1000) : c.map(round));
const readJSON = async (spec) => JSON.parse(await readFile(resolve(spec), 'utf8'));
const land = await readJSON('world-atlas/land-50m.json');
const countries = await readJSON('world-atlas/countries-50m.json');
const landGeom = feature(land, land.objects.land).geometry
  ?? { type: 'MultiPolygon', coordinates: feature(land, land.objects.land).features.flatMap((f) => f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates) };
const borders = mesh(countries, countries.objects.countries, (a, b) => a !== b);
const basemap = {
  type: 'FeatureCollection',
  features: [
    { type: 'Feature', properties: { kind: 'land', source: 'Natural Earth' }, geometry: { type: landGeom.type, coordinates: round(landGeom.coordinates) } },
    { type: 'Feature', properties: { kind: 'border', source: 'Natural Earth' }, geometry: { type: borders.type, coordinates: round(borders.coordinates) } },
  ],
};
await writeFile(path.join(out, 'basemap.geojson'), JSON.stringify(basemap));

// 4. Precompressed variants.
for (const name of await readdir(out)) {
  const data = await readFile(path.join(out, name));
  await writeFile(path.join(out, name + '.gz'), gzipSync(data, { level: constants.Z_BEST_COMPRESSION }));
}

for (const name of (await readdir(out)).sort()) {
  const size = (await readFile(path.join(out, name))).length;
  console.log(`${path.relative(root, path.join(out, name))}\t${(size / 1024).toFixed(0)} KiB`);
}
