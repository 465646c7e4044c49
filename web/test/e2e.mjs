// End-to-end test of the web UI in headless Chromium, against a running server:
//
//   node web/test/e2e.mjs http://127.0.0.1:8080 /tmp/shots     (or ACCORD_SCREENSHOTS=/tmp/shots)
//
// It checks, and saves a screenshot of each step:
//   - the map page renders vessels; a click opens the vessel panel with static data, the
//     jurisdiction (or its "not available" state) and the 24 h track;
//   - keyboard use: the first Tab reaches the skip link, which moves focus to the content; every
//     focused control shows a visible focus ring; navigation links work from the keyboard;
//   - every page (Map, Alerts, Cases, Operations, Consent inbox, Oversight, Sign in) has a title
//     and a one-line explanation, and shows its data or a clear error state that says what to do
//     (a route the server lacks must give the "not available on this server" state);
//   - the text on every page reaches WCAG AA contrast;
//   - the language switches between Spanish and English, the choice survives a reload, and
//     numbers and dates follow the language;
//   - no request goes to any host but the server, nothing breaks the CSP, no console error, no
//     missing message.
import { launch, guardedPage, cspViolations, shot, shotsDir, waitVessels, vesselsDrawn, finish, timeoutMs, missingRoutes, unavailableRoutes, signIn } from './lib.mjs';
import { contrastProblems, focusIndicator } from './a11y.mjs';

const [base, dirArg] = process.argv.slice(2);
if (!base) {
  console.error('usage: node web/test/e2e.mjs BASE_URL [SCREENSHOT_DIR]');
  process.exit(2);
}
const dir = shotsDir(dirArg);

// alertsChecks: the queue lists the alerts, the kind filter narrows it, and "Open case" either
// opens a case or says why it cannot (the cases back end may not be on this server).
async function alertsChecks(page) {
  const rows = await page.$$eval('#view-page table.grid tbody tr', (r) => r.length);
  check(rows > 0, 'the alerts queue shows no rows');
  await page.focus('#alert-kind');
  await page.selectOption('#alert-kind', 'speed');
  const speedRows = await page.$$eval('#view-page table.grid tbody tr', (r) => r.length);
  check(speedRows > 0 && speedRows <= rows, `the kind filter should narrow ${rows} rows, got ${speedRows}`);
  check(await page.evaluate(() => document.activeElement.id) === 'alert-kind', 'the filter should keep the focus after it re-renders the list');
  await page.click('#view-page table.grid tbody tr:first-child button.primary');
  await page.waitForFunction(() => document.querySelector('#view-page tbody tr:first-child .error, #view-page tbody tr:first-child a.done'), null, { timeout: timeoutMs });
  const res = await page.evaluate(() => {
    const e = document.querySelector('#view-page tbody tr:first-child .error');
    return e ? { kind: e.dataset.kind, text: e.textContent } : { opened: document.querySelector('#view-page tbody tr:first-child a.done').textContent };
  });
  console.log(`open case: ${JSON.stringify(res)}`);
  check(res.opened || ['missing', 'unavailable', 'auth'].includes(res.kind), `opening a case failed unexpectedly: ${JSON.stringify(res)}`);
  if (res.opened) {
    // The case page: routed to SEMAR (Mexican EEZ), its history, and the boarding step.
    await page.click('#view-page tbody tr:first-child a.done');
    await page.waitForSelector('#case-detail', { timeout: timeoutMs });
    const c = await page.evaluate(() => ({ status: document.getElementById('case-detail').dataset.status, text: document.getElementById('case-detail').textContent, events: document.querySelectorAll('#view-page table.grid tbody tr').length }));
    console.log(`case page: ${c.status}, ${c.events} event(s)`);
    check(c.status === 'open' && /SEMAR/.test(c.text) && c.events === 1, `the opened case should be SEMAR's, open, with one event: ${JSON.stringify(c)}`);
    await shot(page, dir, '02-case-es');
    await page.click('#case-board');
    await page.waitForFunction(() => document.getElementById('case-detail')?.dataset.status === 'boarded', null, { timeout: timeoutMs });
    check(await page.evaluate(() => document.querySelectorAll('#view-page table.grid tbody tr').length) === 2, 'the boarding should appear in the case history');
    await page.click('#nav a[href="#/alerts"]');
    await page.waitForSelector('#alert-kind', { timeout: timeoutMs });
  }
  await page.selectOption('#alert-kind', '');
}
const problems = [];
const check = (ok, msg) => { if (!ok) problems.push(msg); };
const browser = await launch();
let failurePage;
try {
  // 401 from /me (nobody signed in yet) and from a wrong password are part of the test.
  const { page } = await guardedPage(browser, base, problems, {
    locale: 'es-MX', allowStatus: (url, status) => (status === 401 && /\/api\/v1\/(me|login)$/.test(new URL(url).pathname))
      // signed in as a watch officer, the oversight view is refused by role (its page says so)
      || (status === 403 && new URL(url).pathname === '/api/v1/oversight'),
  });
  failurePage = page;
  const res = await page.goto(base + '/', { waitUntil: 'load', timeout: timeoutMs });
  if (!res.ok()) throw new Error(`GET / answered ${res.status()}`);
  check(await page.evaluate(() => document.documentElement.lang) === 'es', 'a Spanish browser should get the page in Spanish');
  // Without a session the UI opens on the sign-in page (the picture needs a signed-in user);
  // signed in, it starts again on the map.
  await page.waitForFunction(() => document.body.dataset.page === 'login', null, { timeout: timeoutMs });
  check(await page.evaluate(() => location.hash) === '#/login', 'without a session the UI should open on the sign-in page');
  if (process.env.E2E_USER) {
    await signIn(page, base, '#/map');
    await page.reload({ waitUntil: 'load' });
  }

  // Keyboard: skip link first, then the navigation, each with a visible focus ring; the skip
  // link moves focus to the content.
  await page.keyboard.press('Tab');
  let f = await page.evaluate(focusIndicator);
  check(f.id === 'skip', `the first Tab should reach the skip link, got ${JSON.stringify(f)}`);
  check(f.visible, `the skip link shows no focus ring: ${f.outline}`);
  await page.keyboard.press('Tab');
  f = await page.evaluate(focusIndicator);
  check(f.visible && f.tag === 'a' && /#\/map$/.test(await page.evaluate(() => document.activeElement.getAttribute('href'))),
    `the second Tab should reach the first navigation link with a focus ring, got ${JSON.stringify(f)}`);
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Enter');
  check(await page.evaluate(() => document.activeElement.id) === 'main', 'the skip link should move focus to the main content');
  await page.keyboard.press('Tab');
  f = await page.evaluate(focusIndicator);
  check(f.visible && await page.evaluate(() => document.getElementById('main').contains(document.activeElement)),
    `Tab after the skip link should reach a control of the page with a focus ring, got ${JSON.stringify(f)}`);

  // Map: vessels, then a click on one opens its panel.
  const n = await waitVessels(page, 1);
  console.log(`vessels drawn: ${n}; header count: ${await page.textContent('#count')}`);
  const renderer = await page.evaluate(() => {
    const gl = window.accord.map.getCanvas().getContext('webgl2');
    const ext = gl && gl.getExtension('WEBGL_debug_renderer_info');
    return ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : 'unknown';
  });
  console.log(`WebGL renderer: ${renderer}`);
  await page.waitForTimeout(2500); // a refresh and its glide
  const seen = await vesselsDrawn(page, 12);
  console.log(`vessels visibly drawn where the layer puts them: ${seen.drawn} of ${seen.sampled} sampled`);
  check(seen.sampled >= 5 && seen.drawn >= Math.ceil(0.8 * seen.sampled), `vessels are not visibly drawn: ${JSON.stringify(seen)}`);
  const target = await page.evaluate(() => {
    const { layer, map } = window.accord;
    const r = map.getCanvas().getBoundingClientRect();
    for (let i = 0; i < layer.n; i++) {
      const m = layer.mmsi[i];
      const p = layer.screenPoint(m);
      if (p.x > 320 && p.x < r.width - 400 && p.y > 60 && p.y < r.height - 60) return { x: r.left + p.x, y: r.top + p.y, mmsi: m };
    }
    return null;
  });
  check(target, 'no vessel drawn in the clickable part of the map');
  if (target) {
    await page.mouse.click(target.x, target.y);
    await page.waitForFunction(() => {
      const s = window.accord.mapState;
      return !document.getElementById('panel').hidden && s.detail && s.trackCount !== null && (s.where || s.whereError);
    }, null, { timeout: timeoutMs, polling: 250 });
    const title = await page.textContent('#panel-title');
    console.log(`panel for ${target.mmsi}: ${title}; ${await page.textContent('#panel-track')}`);
    check(await page.evaluate((m) => window.accord.mapState.selected === m, target.mmsi), 'the clicked vessel is not the selected one');
    const where = await page.evaluate(() => {
      const s = window.accord.mapState;
      return s.where ? 'answer' : s.whereError.kind;
    });
    console.log(`jurisdiction in the panel: ${where}`);
    check(where === 'answer' || (['missing', 'unavailable'].includes(where) && await page.$(`#panel-body .error[data-kind="${where}"]`)),
      `the panel should show the jurisdiction or its "not available" state, got ${where}`);
    await page.waitForTimeout(600); // let the track draw
    await shot(page, dir, '01-map-vessel-es');
    await page.keyboard.press('Escape');
    check(await page.evaluate(() => document.getElementById('panel').hidden), 'Escape should close the vessel panel');
  }
  // The same from the keyboard: type an MMSI in the finder, the panel opens with focus on Close.
  if (target) {
    await page.focus('#find-mmsi');
    await page.keyboard.type(String(target.mmsi));
    await page.keyboard.press('Enter');
    await page.waitForFunction((m) => window.accord.mapState.selected === m && !document.getElementById('panel').hidden, target.mmsi, { timeout: timeoutMs });
    check(await page.evaluate(() => document.activeElement.id) === 'panel-close', 'finding a vessel by MMSI should move focus into its panel');
    await page.keyboard.press('Escape');
    await page.fill('#find-mmsi', '999999999');
    await page.keyboard.press('Enter');
    check(/999999999/.test(await page.textContent('#find-note')), 'an unknown MMSI should be reported next to the finder');
  }
  const zones = await page.evaluate(() => window.accord.mapState.zones === 'ok' ? 'ok' : window.accord.mapState.zones?.kind);
  console.log(`zones: ${zones}`);
  check(zones === 'ok' || (process.env.E2E_NO_ZONES && ['missing', 'unavailable'].includes(zones)), `the zones should load, got ${zones}`);
  for (const p of await page.evaluate(contrastProblems)) problems.push(`contrast on map: ${p}`);

  // Every page, reached through its navigation link.
  const pages = ['alerts', 'cases', 'operations', 'consent', 'oversight', 'map'];
  let k = 2;
  for (const id of pages) {
    await page.click(`#nav a[href="#/${id}"]`);
    await page.waitForFunction((pid) => document.body.dataset.page === pid, id);
    if (id !== 'map') {
      // Loaded: either content or an error box.
      await page.waitForFunction(() => !document.querySelector('#view-page [role=status]')?.textContent.match(/Cargando|Loading/) || document.querySelector('#view-page .error'), null, { timeout: timeoutMs });
      await page.waitForTimeout(200);
    }
    const head = await page.evaluate(() => ({ title: document.getElementById('page-title').textContent, intro: document.getElementById('page-intro').textContent }));
    check(head.title && head.intro.length > 30, `page ${id}: title or one-line explanation missing (${JSON.stringify(head)})`);
    const err = await page.evaluate(() => { const e = document.querySelector('#view-page:not([hidden]) .error'); return e ? { kind: e.dataset.kind, text: e.textContent } : null; });
    if (err) {
      console.log(`page ${id}: ${err.kind}: ${err.text}`);
      check(['missing', 'unavailable', 'auth'].includes(err.kind) || (id === 'oversight' && err.kind === 'forbidden'), `page ${id} shows an unexpected error: ${err.kind}: ${err.text}`);
      check(/servidor|server|administrador/i.test(err.text), `page ${id}: the error should say what to do: ${err.text}`);
    } else {
      console.log(`page ${id}: ${head.title}: content shown`);
    }
    if (id === 'alerts' && !err) await alertsChecks(page);
    if (id === 'oversight') {
      const g = await page.evaluate(() => document.getElementById('ledger-growth')?.dataset.status);
      console.log(`ledger growth check, first visit: ${g}`);
      if (!err) check(g === 'first', `the first visit should remember the checkpoint, got ${g}`);
    }
    for (const p of await page.evaluate(contrastProblems)) problems.push(`contrast on ${id}: ${p}`);
    await shot(page, dir, `${String(k++).padStart(2, '0')}-${id}-es`);
  }

  // Oversight again: the ledger grew meanwhile, and the browser verifies the consistency proof.
  if (await page.evaluate(() => !!localStorage.getItem('accord.checkpoint.accord/e2e'))) {
    await page.waitForTimeout(2500);
    await page.click('#nav a[href="#/oversight"]');
    await page.waitForSelector('#ledger-growth', { timeout: timeoutMs });
    const g = await page.evaluate(() => ({ status: document.getElementById('ledger-growth').dataset.status, text: document.getElementById('ledger-growth').textContent }));
    console.log(`ledger growth check, second visit: ${g.status}: ${g.text}`);
    check(g.status === 'consistent', `the second visit should verify that the ledger only grew, got ${JSON.stringify(g)}`);
    await shot(page, dir, `${String(k++).padStart(2, '0')}-oversight-verified-es`);
    // A history this browser saw that the server's log does not extend (here: the remembered
    // root altered) must raise the alarm.
    await page.evaluate(() => {
      const key = 'accord.checkpoint.accord/e2e';
      const v = JSON.parse(localStorage.getItem(key));
      v.root = btoa('x'.repeat(32));
      localStorage.setItem(key, JSON.stringify(v));
    });
    await page.waitForTimeout(2500);
    await page.click('#nav a[href="#/map"]');
    await page.click('#nav a[href="#/oversight"]');
    await page.waitForSelector('#ledger-growth', { timeout: timeoutMs });
    const bad = await page.evaluate(() => document.getElementById('ledger-growth').dataset.status);
    console.log(`ledger growth check against an altered history: ${bad}`);
    check(bad === 'inconsistent', `an altered history should raise the alarm, got ${bad}`);
  }

  // Sign-in page through the header link; with E2E_USER and E2E_PASSWORD (a watch officer), a
  // wrong password is refused in words, the right one lands on the alert queue and the header
  // names the user; the session survives a reload.
  await page.click('#user a[href="#/login"]', { timeout: 2000 }).catch(() => page.goto(base + '/#/login'));
  await page.waitForSelector('#login-user');
  const validity = await page.evaluate(() => { const el = document.getElementById('login-user'); el.checkValidity(); return el.validationMessage; });
  check(validity === 'Complete este campo.', `the browser's validation message should be in the page's language, got "${validity}"`);
  await shot(page, dir, `${String(k++).padStart(2, '0')}-login-es`);
  if (process.env.E2E_USER) {
    await page.fill('#login-user', process.env.E2E_USER);
    await page.fill('#login-pass', 'not the password');
    await page.click('#view-page form button[type=submit]');
    await page.waitForSelector('#view-page .error[data-kind="badLogin"]', { timeout: timeoutMs });
    check(await page.evaluate(() => document.activeElement.id) === 'login-pass', 'after a wrong password the focus should return to the password field');
    await page.fill('#login-pass', process.env.E2E_PASSWORD);
    await page.click('#view-page form button[type=submit]');
    await page.waitForFunction(() => document.body.dataset.page === 'alerts' && document.getElementById('user-name'), null, { timeout: timeoutMs });
    const who = await page.textContent('#user-name');
    console.log(`signed in: ${who}; landed on ${await page.evaluate(() => location.hash)}`);
    check(who.includes(process.env.E2E_USER) && who.includes('SEMAR') && /oficial de guardia/.test(who), `the header should name the user, agency and role: ${who}`);
    await page.reload({ waitUntil: 'load' });
    await page.waitForSelector('#user-name', { timeout: timeoutMs });
    await page.waitForSelector('#view-page table.grid, #view-page .error', { timeout: timeoutMs });
    await shot(page, dir, `${String(k++).padStart(2, '0')}-signed-in-alerts-es`);
  }

  // Language: switch to English, check, reload, still English.
  await page.click('#nav a[href="#/map"]');
  await page.waitForSelector('.maplibregl-ctrl-zoom-in');
  const esNav = await page.textContent('#nav a[href="#/map"]');
  const esZoom = await page.getAttribute('.maplibregl-ctrl-zoom-in', 'aria-label');
  await page.selectOption('#lang', 'en');
  const en = await page.evaluate(() => ({ lang: document.documentElement.lang, nav: document.querySelector('#nav a[href="#/map"]').textContent, title: document.getElementById('page-title').textContent, skip: document.getElementById('skip').textContent }));
  check(en.lang === 'en' && en.nav === 'Map' && en.skip === 'Skip to content' && esNav === 'Mapa', `language switch: ${esNav} → ${JSON.stringify(en)}`);
  const zoomLabel = await page.getAttribute('.maplibregl-ctrl-zoom-in', 'aria-label');
  check(zoomLabel === 'Zoom in' && esZoom === 'Acercar', `the map controls should follow the language: ${esZoom} → ${zoomLabel}`);
  await page.reload({ waitUntil: 'load' });
  await waitVessels(page, 1);
  const after = await page.evaluate(() => ({ lang: document.documentElement.lang, sel: document.getElementById('lang').value, intro: document.getElementById('page-intro').textContent }));
  check(after.lang === 'en' && after.sel === 'en' && /^Live vessels/.test(after.intro), `the language choice should survive a reload: ${JSON.stringify(after)}`);
  // Numbers follow the language: 12345.6 is "12,345.6" in English and "12,345.6"/"12 345,6" in Spanish.
  const nums = await page.evaluate(() => [new Intl.NumberFormat('en').format(12345.6), document.getElementById('count').textContent]);
  console.log(`English number format: ${nums[0]}; vessel count shown: ${nums[1]}`);
  await page.waitForTimeout(500);
  await shot(page, dir, `${String(k++).padStart(2, '0')}-map-en`);
  await page.selectOption('#lang', 'es');
  check(await page.evaluate(() => document.getElementById('page-intro').textContent.startsWith('Buques')), 'switching back to Spanish should translate the page');

  await cspViolations(page, problems);
  console.log(`API routes this server lacks (shown as "not available"): ${[...missingRoutes].sort().join(' ') || 'none'}`);
  console.log(`API routes whose back end this server does not run (503): ${[...unavailableRoutes].sort().join(' ') || 'none'}`);
} catch (err) {
  problems.push(err.stack || err.message);
  await failurePage?.screenshot({ path: `${dir}/failure.png` }).catch(() => {});
} finally {
  await browser.close();
}
finish(problems);
