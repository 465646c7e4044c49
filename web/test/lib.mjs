// Shared set-up of the browser tests: headless Chromium through playwright-core (the browser
// binary is $CHROMIUM or /usr/bin/chromium), with guards that record every problem the page
// shows: a request to any host other than the test server, a console error, an uncaught
// exception, a Content-Security-Policy violation, an HTTP error (other than those the test
// expects).
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

// WebGL in headless Chromium without a GPU: SwiftShader through ANGLE.
const args = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--no-first-run', '--disable-sync',
  ...(process.env.SMOKE_GL_ARGS ?? '--use-gl=angle --use-angle=swiftshader --enable-unsafe-swiftshader').split(' ').filter(Boolean),
];

export const timeoutMs = Number(process.env.SMOKE_TIMEOUT_MS || 60000);

// shots is the screenshot directory: $ACCORD_SCREENSHOTS, else the second argument.
export function shotsDir(arg) {
  const dir = process.env.ACCORD_SCREENSHOTS || arg;
  if (!dir) throw new Error('no screenshot directory: set ACCORD_SCREENSHOTS or pass it as the second argument');
  mkdirSync(dir, { recursive: true });
  return dir;
}

export async function launch() {
  return chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args });
}

// guardedPage opens a page whose problems are pushed to problems. allowStatus(url, status)
// returns true for HTTP errors the test expects (e.g. 404 of an API route the server lacks).
// missingRoutes collects the API paths the server answered with its "no API route" catch-all.
export const missingRoutes = new Set();
// unavailableRoutes collects the API paths answered 503 "unavailable" (a back end not running).
export const unavailableRoutes = new Set();

export async function guardedPage(browser, base, problems, opts = {}) {
  const origin = new URL(base).origin;
  const context = await browser.newContext({ viewport: opts.viewport || { width: 1280, height: 800 }, locale: opts.locale || 'es-MX' });
  const page = await context.newPage();
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`);
    });
  });
  const allow = opts.allowStatus || (() => false);
  page.on('console', (m) => {
    // Chromium logs every failed fetch as a console error; those are judged by status below.
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) problems.push(`console error: ${m.text()}`);
    if (/missing message/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('response', async (r) => {
    if (r.status() < 400) return;
    const body = await r.text().catch(() => '');
    // An API route this server does not have is answered by the catch-all; the page must show
    // its "not available on this server" state, which the tests check separately.
    if (/no API route|the API is read-only/.test(body)) { missingRoutes.add(new URL(r.url()).pathname); return; }
    // A route whose back end this server does not run (503 "unavailable"): the page must show
    // that state and what to do; the tests check it.
    if (r.status() === 503 && /"code":"unavailable"/.test(body)) { unavailableRoutes.add(new URL(r.url()).pathname); return; }
    if (!allow(r.url(), r.status(), body)) problems.push(`HTTP ${r.status()} for ${r.url()}: ${body.slice(0, 200)}`);
  });
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith('data:') && !u.startsWith('blob:') && new URL(u).origin !== origin) problems.push(`request to another host: ${u}`);
  });
  return { context, page };
}

export async function cspViolations(page, problems) {
  for (const v of await page.evaluate(() => window.__cspViolations || [])) problems.push(`CSP violation: ${v}`);
}

export async function shot(page, dir, name) {
  const file = path.join(dir, name + '.png');
  await page.screenshot({ path: file });
  console.log(`screenshot: ${file}`);
  return file;
}

// waitVessels waits until the vessel layer holds at least n vessels and returns the count.
export async function waitVessels(page, n = 1) {
  return page.waitForFunction((min) => {
    const a = window.accord;
    return a && a.layer && a.layer.n >= min && a.layer.frames > 0 ? a.layer.n : 0;
  }, n, { timeout: timeoutMs, polling: 250 }).then((h) => h.jsonValue());
}

// signIn signs in as $E2E_USER with $E2E_PASSWORD on the sign-in page (the picture needs a
// signed-in user: without a session the UI opens there), waits until the header names the user,
// then goes to hash (default the map).
export async function signIn(page, base, hash = '#/map') {
  const user = process.env.E2E_USER, password = process.env.E2E_PASSWORD;
  if (!user || !password) throw new Error('set E2E_USER and E2E_PASSWORD: the picture needs a signed-in user');
  await page.goto(base + '/#/login', { waitUntil: 'load', timeout: timeoutMs });
  await page.waitForSelector('#login-user', { timeout: timeoutMs });
  await page.fill('#login-user', user);
  await page.fill('#login-pass', password);
  await page.click('#view-page form button[type=submit]');
  await page.waitForSelector('#user-name', { timeout: timeoutMs });
  if (hash) await page.goto(base + '/' + hash, { waitUntil: 'load', timeout: timeoutMs });
}

// finish prints the problems and exits non-zero when there are any.
export function finish(problems) {
  if (problems.length) {
    console.error('browser test failed:\n  ' + problems.join('\n  '));
    process.exit(1);
  }
  console.log('ok');
  process.exit(0);
}

// drawnAt reports whether something dark (a vessel's outline: the basemap and zones have no
// near-black pixels) is drawn within r CSS pixels of (x, y): it screenshots that square and has
// the browser decode the PNG, since WebGL's buffer cannot be read back after compositing.
export async function drawnAt(page, x, y, r = 7) {
  const png = await page.screenshot({ clip: { x: x - r, y: y - r, width: 2 * r + 1, height: 2 * r + 1 } });
  return page.evaluate(async (b64) => {
    const img = new Image();
    img.src = 'data:image/png;base64,' + b64;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width;
    c.height = img.height;
    const ctx = c.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    let dark = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] < 60 && d[i + 1] < 60 && d[i + 2] < 60) dark++;
    return dark;
  }, png.toString('base64'));
}

// vesselsDrawn samples up to n vessels in the visible, unobstructed part of the map and returns
// how many of them have pixels drawn where the layer says they are.
export async function vesselsDrawn(page, n = 10) {
  const pts = await page.evaluate((max) => {
    const { layer, map } = window.accord;
    const r = map.getCanvas().getBoundingClientRect();
    const obstacles = ['legend', 'panel'].map((id) => document.getElementById(id)).filter((e) => e && !e.hidden).map((e) => e.getBoundingClientRect());
    const out = [];
    for (let i = 0; i < layer.n && out.length < max; i++) {
      const p = layer.screenPoint(layer.mmsi[i]);
      const x = r.left + p.x, y = r.top + p.y;
      if (x < r.left + 60 || x > r.right - 20 || y < r.top + 20 || y > r.bottom - 30) continue;
      if (obstacles.some((o) => x > o.left - 15 && x < o.right + 15 && y > o.top - 15 && y < o.bottom + 15)) continue;
      out.push({ x, y });
    }
    return out;
  }, n);
  let drawn = 0;
  for (const p of pts) if (await drawnAt(page, p.x, p.y) >= 3) drawn++;
  return { sampled: pts.length, drawn };
}
