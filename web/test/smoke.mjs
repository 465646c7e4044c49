// Browser smoke test of the map page, run against a live server:
//
//   node web/test/smoke.mjs http://127.0.0.1:8080 /tmp/map.png
//
// It loads the page in headless Chromium (playwright-core; the browser binary is $CHROMIUM or
// /usr/bin/chromium), waits until the map has rendered vessel features, clicks one and waits for
// its side panel and track, then saves a screenshot. It exits non-zero, saying why, when no vessel
// is rendered, the panel does not open, the page logs an error, the Content-Security-Policy
// blocks something, or the page requests any other host.
import { chromium } from 'playwright-core';

const [base, shot] = process.argv.slice(2);
if (!base || !shot) {
  console.error('usage: node web/test/smoke.mjs BASE_URL SCREENSHOT.png');
  process.exit(2);
}
const timeoutMs = Number(process.env.SMOKE_TIMEOUT_MS || 60000);

// WebGL in headless Chromium without a GPU: SwiftShader through ANGLE.
const args = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--no-first-run', '--disable-sync',
  ...(process.env.SMOKE_GL_ARGS ?? '--use-gl=angle --use-angle=swiftshader --enable-unsafe-swiftshader').split(' ').filter(Boolean),
];

const problems = [];
const origin = new URL(base).origin;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args,
});
let status = 0;
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'es-MX' });
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`);
    });
  });
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()} for ${r.url()}`); });
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith('data:') && !u.startsWith('blob:') && new URL(u).origin !== origin) {
      problems.push(`request to another host: ${u}`);
    }
  });

  const res = await page.goto(base + '/', { waitUntil: 'load', timeout: timeoutMs });
  if (!res.ok()) throw new Error(`GET / answered ${res.status()}`);

  // Wait for vessels to be drawn (the first refresh runs when the map has loaded).
  const count = await page.waitForFunction(() => {
    const a = window.accord;
    if (!a || !a.map.loaded()) return 0;
    return a.map.queryRenderedFeatures({ layers: a.vesselLayers }).length;
  }, null, { timeout: timeoutMs, polling: 250 }).then((h) => h.jsonValue());
  const renderer = await page.evaluate(() => {
    const gl = window.accord.map.getCanvas().getContext('webgl2') || window.accord.map.getCanvas().getContext('webgl');
    const ext = gl && gl.getExtension('WEBGL_debug_renderer_info');
    return ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : 'unknown';
  });
  console.log(`WebGL renderer: ${renderer}`);
  console.log(`vessel features rendered: ${count}`);
  const header = await page.textContent('#count');
  console.log(`header vessel count: ${header}`);

  // Click the first rendered vessel; the panel must open with its details and track.
  const pt = await page.evaluate(() => {
    const { map, vesselLayers } = window.accord;
    const f = map.queryRenderedFeatures({ layers: vesselLayers })[0];
    const p = map.project(f.geometry.coordinates);
    const r = map.getCanvas().getBoundingClientRect();
    return { x: r.left + p.x, y: r.top + p.y, mmsi: f.properties.mmsi };
  });
  await page.mouse.click(pt.x, pt.y);
  await page.waitForFunction(() => {
    const a = window.accord;
    return !document.getElementById('panel').hidden && a.state.detail && a.state.trackCount !== null;
  }, null, { timeout: timeoutMs, polling: 250 });
  const title = await page.textContent('#panel-title');
  console.log(`panel opened for ${pt.mmsi}: ${title}; ${await page.textContent('#panel-track')}`);
  await page.waitForTimeout(500); // let the track layer draw
  await page.screenshot({ path: shot });
  console.log(`screenshot: ${shot}`);

  for (const v of await page.evaluate(() => window.__cspViolations)) problems.push(`CSP violation: ${v}`);
} catch (err) {
  problems.push(err.message);
} finally {
  await browser.close();
}
if (problems.length) {
  console.error('smoke test failed:\n  ' + problems.join('\n  '));
  status = 1;
}
process.exit(status);
