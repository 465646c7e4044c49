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

// With E2E_SCENARIOS=1 the script plays the acceptance scenarios of the web UI against a real
// `accord serve --simulate planted` (TestBrowserScenarios; see scenarios() at the end) instead
// of the checks below.
if (process.env.E2E_SCENARIOS) await scenarios(base, dir);

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
    // Closing: an outcome and a note; the case shows them and offers no step any more.
    await page.selectOption('#case-outcome', 'no_offence');
    await page.fill('#case-close-note', 'Nada ilícito a bordo');
    await page.click('#case-close');
    await page.waitForFunction(() => document.getElementById('case-detail')?.dataset.status === 'closed', null, { timeout: timeoutMs });
    const closed = await page.evaluate(() => ({ rows: document.querySelectorAll('#view-page table.grid tbody tr').length,
      shown: document.getElementById('case-outcome-shown')?.textContent || '', form: !!document.getElementById('case-close-form'), board: !!document.getElementById('case-board') }));
    console.log(`closed case: ${JSON.stringify(closed)}`);
    check(closed.rows === 3 && /Sin ilícito/.test(closed.shown) && /Nada ilícito a bordo/.test(closed.shown) && !closed.form && !closed.board,
      `the closed case should show its outcome and note, its closing in the history, and no step: ${JSON.stringify(closed)}`);
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

// ---- Acceptance scenarios (E2E_SCENARIOS=1) ---------------------------------------------------
//
// Against `accord serve --simulate planted --speedup N` with the live detectors, a SQLite store and
// these users (password $E2E_PASSWORD): oficial.semar (SEMAR, watch officer), analista.dea (DEA,
// analyst), aprobador.sre (SRE, approver), inspectora (Senado, oversight). Screenshots s01…:
//   1. The SEMAR watch officer signs in, sees the simulated go-fast on the map while it runs in
//      Mexico's EEZ, sees its zone-entry alert when it enters the Mexican territorial sea, and opens
//      a case from the alert queue; the case goes to SEMAR.
//   2. The DEA analyst (English) proposes a joint patrol on Mexican territory (place picked on the
//      map, then typed): the decision shown is "Needs consent" of SRE/GANSEG (Mexico).
//   3. The SRE approver (Spanish) grants consent for a smaller box than the area asked: the page
//      shows the decision before ("Needs consent") and after (the consent does not cover the
//      operation's place: denied), and the analyst's operations page shows the new decision.
//   4. The language switches between Spanish and English on the approver's page and back.
//   Then the inspector's oversight page: the ledger verifies and counts the operation.
async function scenarios(base, dir) {
  const problems = [];
  const check = (ok, msg) => { if (!ok) problems.push(msg); };
  const password = process.env.E2E_PASSWORD;
  const t0 = Date.now();
  const elapsed = () => `[${((Date.now() - t0) / 1000).toFixed(0)} s]`;
  const browser = await launch();
  let n = 1;
  const snap = async (page, name) => shot(page, dir, `s${String(n++).padStart(2, '0')}-${name}`);
  const allow401 = (url, status) => status === 401 && /\/api\/v1\/(me|login)$/.test(new URL(url).pathname);
  const pages = [];
  const poll = async (what, fn, ms) => {
    const until = Date.now() + ms;
    for (;;) {
      const v = await fn();
      if (v) return v;
      if (Date.now() > until) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  };
  // get reads the API as the page's signed-in user.
  const get = (page, path) => page.evaluate(async (p) => {
    const r = await fetch('/api/v1' + p, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
    return r.ok ? r.json() : { status: r.status };
  }, path);
  // signIn opens a page signed in as name; expect(url, status) allows HTTP errors the step
  // provokes on purpose, besides the 401s of signing in.
  const signIn = async (locale, name, landing, expect = () => false) => {
    const { page } = await guardedPage(browser, base, problems, { locale, allowStatus: (u, s) => allow401(u, s) || expect(u, s) });
    pages.push(page);
    await page.goto(base + '/#/login', { waitUntil: 'load', timeout: timeoutMs });
    await page.waitForSelector('#login-user');
    await page.fill('#login-user', name);
    await page.fill('#login-pass', password);
    await page.click('#view-page form button[type=submit]');
    await page.waitForSelector('#user-name', { timeout: timeoutMs });
    const hash = await page.evaluate(() => location.hash);
    check(hash === landing, `${name} should land on ${landing}, got ${hash}`);
    console.log(`${elapsed()} ${name} signed in (${locale}), landed on ${hash}`);
    return page;
  };
  try {
    // 1. SEMAR watch officer: the go-fast.
    const semar = await signIn('es-MX', 'oficial.semar', '#/alerts');
    // The map loads while the go-fast gets going.
    await semar.click('#nav a[href="#/map"]');
    await waitVessels(semar, 1);
    console.log(`${elapsed()} map shows vessels`);
    const goFast = await poll('the go-fast speed alert', async () => {
      const list = await get(semar, '/alerts?kind=speed');
      return Array.isArray(list) && list.find((a) => a.detail === 'go_fast');
    }, 180000);
    const mmsi = goFast.mmsi[0];
    console.log(`${elapsed()} go-fast: MMSI ${mmsi}, ${goFast.note}`);
    const findVessel = async () => {
      await semar.fill('#find-mmsi', String(mmsi));
      await semar.press('#find-mmsi', 'Enter');
      await semar.waitForFunction((m) => {
        const s = window.accord.mapState;
        return s.selected === m && !document.getElementById('panel').hidden && s.detail && (s.where || s.whereError);
      }, mmsi, { timeout: timeoutMs, polling: 250 });
      return semar.evaluate(() => { const s = window.accord.mapState; return s.where ? { state: s.where.state, zone: s.where.zone, lat: s.detail.lat, lon: s.detail.lon } : { error: s.whereError.kind }; });
    };
    const entered = async () => {
      const list = await get(semar, `/alerts?kind=zone_entry&mmsi=${mmsi}`);
      return Array.isArray(list) && list.find((a) => a.state === 'MEX' && a.zone === 'territorial_sea');
    };
    const early = await entered();
    const before = await findVessel();
    console.log(`${elapsed()} go-fast on the map ${early ? 'after' : 'before'} its zone entry: ${JSON.stringify(before)}`);
    check(!early && before.state === 'MEX' && before.zone !== 'territorial_sea', `the go-fast should be seen in Mexican waters outside the territorial sea before it enters (seen too late? raise the time to the crossing in TestBrowserScenarios): ${JSON.stringify(before)}`);
    await semar.waitForTimeout(600);
    await snap(semar, 'gofast-map-before-entry-es');
    const entry = await poll('the go-fast\'s zone-entry alert', entered, 240000);
    console.log(`${elapsed()} zone entry alert ${entry.id}: ${entry.place}; authority ${entry.authority}; ${entry.note}`);
    check(entry.authority === 'SEMAR', `the zone entry into the Mexican territorial sea should go to SEMAR, got ${entry.authority}`);
    const after = await findVessel();
    console.log(`go-fast on the map after its zone entry: ${JSON.stringify(after)}`);
    check(after.state === 'MEX' && ['territorial_sea', 'internal_waters', 'land'].includes(after.zone), `after the entry the go-fast should be in Mexican territorial sea or inner waters: ${JSON.stringify(after)}`);
    await semar.waitForTimeout(600);
    await snap(semar, 'gofast-map-after-entry-es');
    await semar.keyboard.press('Escape');
    await semar.click('#nav a[href="#/alerts"]');
    await semar.waitForSelector('#alert-kind', { timeout: timeoutMs });
    await semar.selectOption('#alert-kind', 'zone_entry');
    const btn = `#open-case-${entry.id}`;
    await semar.waitForSelector(btn, { timeout: timeoutMs });
    await snap(semar, 'alert-zone-entry-es');
    await semar.click(btn);
    await semar.waitForFunction((sel) => !document.querySelector(sel) || document.querySelector('#view-page .error'), btn, { timeout: timeoutMs });
    const err = await semar.evaluate(() => document.querySelector('#view-page .error')?.textContent);
    check(!err, `opening the case failed: ${err}`);
    const opened = await semar.evaluate(() => [...document.querySelectorAll('#view-page a.done')].map((a) => a.textContent));
    console.log(`case opened in the queue: ${opened.join(' | ')}`);
    check(opened.some((s) => /SEMAR/.test(s)), `the queue should say the case went to SEMAR: ${opened.join(' | ')}`);
    await snap(semar, 'case-opened-es');
    const cases = await get(semar, '/cases');
    const kase = Array.isArray(cases) && cases.find((c) => c.alert_id === entry.id);
    check(kase && kase.authority === 'SEMAR', `GET /cases should hold the case of alert ${entry.id} for SEMAR: ${JSON.stringify(kase || cases).slice(0, 300)}`);
    await semar.click('#nav a[href="#/cases"]');
    await semar.waitForFunction(() => document.body.dataset.page === 'cases' && !/Cargando|Loading/.test(document.getElementById('view-page').textContent), null, { timeout: timeoutMs });
    if (kase) check((await semar.textContent('#view-page')).includes(String(mmsi)) || (await semar.textContent('#view-page')).includes(kase.id), 'the cases page should list the new case');
    await snap(semar, 'cases-es');

    // 2. DEA analyst: a joint patrol on Mexican territory (Sinaloa coast), in English.
    let invalidProposals = 1; // the one invalid proposal sent on purpose below
    const dea = await signIn('en-US', 'analista.dea', '#/operations',
      (u, s) => s === 400 && new URL(u).pathname === '/api/v1/operations' && invalidProposals-- > 0);
    await dea.waitForSelector('#op-form .picker-map canvas', { timeout: timeoutMs });
    // The pointer path: a click on the map fills latitude and longitude.
    const box = await dea.locator('#op-form .picker-map canvas').boundingBox();
    await dea.waitForTimeout(1500);
    await dea.mouse.click(box.x + box.width * 0.45, box.y + box.height * 0.45);
    const picked = await dea.evaluate(() => [document.getElementById('op-lat').value, document.getElementById('op-lon').value]);
    console.log(`place picked on the map: ${picked.join(', ')}`);
    check(picked.every((v) => v !== '' && Number.isFinite(Number(v))), `a click on the map should fill latitude and longitude: ${picked}`);
    // The keyboard path: type the place (a 10 nm circle off Culiacán's coast, on Mexican land and waters).
    await dea.selectOption('#op-type', 'joint_patrol');
    await dea.fill('#op-lat', '24.75');
    await dea.fill('#op-lon', '-107.4');
    await dea.fill('#op-radius', '10');
    await dea.fill('#op-force', '2');
    await dea.fill('#op-p0-agency', 'DEA');
    await dea.selectOption('#op-p0-kind', 'agent');
    await dea.fill('#op-p0-count', '4');
    await dea.click('#op-add-participant');
    await dea.selectOption('#op-p1-state', 'MEX');
    await dea.fill('#op-p1-agency', 'SEMAR');
    await dea.fill('#op-p1-count', '12');
    await dea.waitForTimeout(500);
    // Two mistakes at once (a window that ends before it starts, an agency of spaces): the
    // page lists every field problem the server found, then the corrected form is sent.
    const start = await dea.inputValue('#op-start'), end = await dea.inputValue('#op-end');
    await dea.fill('#op-end', start);
    await dea.fill('#op-start', end);
    await dea.fill('#op-p0-agency', '   ');
    await dea.click('#op-form button[type=submit]');
    await dea.waitForSelector('#op-result .error', { timeout: timeoutMs });
    const problems2 = await dea.$$eval('#op-result .error li', (l) => l.map((x) => x.dataset.field));
    console.log(`${elapsed()} invalid proposal: fields ${problems2.join(', ')}`);
    check(problems2.includes('end') && problems2.includes('participants[0].agency'), `the refusal should list both field problems (end, participants[0].agency): ${problems2.join(', ')}`);
    await snap(dea, 'operation-invalid-en');
    await dea.fill('#op-start', start);
    await dea.fill('#op-end', end);
    await dea.fill('#op-p0-agency', 'DEA');
    await snap(dea, 'operation-form-en');
    await dea.click('#op-form button[type=submit]');
    await dea.waitForSelector('#op-result .decisionbox, #op-result .error', { timeout: timeoutMs });
    const proposed = await dea.evaluate(() => ({
      error: document.querySelector('#op-result .error')?.textContent,
      text: document.getElementById('op-result').textContent,
      decision: document.querySelector('#op-result .decisionbox')?.dataset.decision,
      badge: document.querySelector('#op-result .decisionbox .decision')?.textContent,
    }));
    console.log(`proposal: ${proposed.error || `${proposed.decision} (${proposed.badge})`}`);
    check(!proposed.error && proposed.decision === 'needs_consent' && proposed.badge === 'Needs consent', `the joint patrol should need consent: ${JSON.stringify(proposed).slice(0, 400)}`);
    check(/SRE\/GANSEG \(Mexico\)/.test(proposed.text), 'the decision should name the consent of SRE/GANSEG (Mexico)');
    check(/Const\. MX art\. 40/.test(proposed.text) && /territoriality/.test(proposed.text), 'the decision should show the territoriality rule and its citation');
    const opID = (await dea.textContent('#op-result p')).match(/op-[0-9a-f]+/)?.[0];
    check(opID, 'the result should name the new operation');
    console.log(`operation ${opID} proposed`);
    await snap(dea, 'operation-needs-consent-en');

    // 3. SRE approver: grant for a smaller box than the circle asked.
    const sre = await signIn('es-MX', 'aprobador.sre', '#/consent');
    const reqID = `${opID}-MEX-host`;
    await sre.waitForSelector(`#c-card-${CSS_escape(reqID)}`, { timeout: timeoutMs });
    const card = `#c-card-${CSS_escape(reqID)}`;
    const shown = await sre.evaluate((sel) => document.querySelector(sel + ' .decision')?.dataset.decision, card);
    check(shown === 'needs_consent', `the inbox should show the operation's current decision, needs_consent, got ${shown}`);
    // The pointer path: draw a box with two clicks.
    await sre.click(`#c-draw-${CSS_escape(reqID)}`);
    await sre.waitForSelector(`${card} .picker-map canvas`, { timeout: timeoutMs });
    await sre.waitForTimeout(1500);
    const mb = await sre.locator(`${card} .picker-map canvas`).boundingBox();
    await sre.mouse.click(mb.x + mb.width * 0.4, mb.y + mb.height * 0.6);
    await sre.mouse.click(mb.x + mb.width * 0.6, mb.y + mb.height * 0.4);
    const drawn = await sre.evaluate((id) => ['s', 'w', 'n', 'e'].map((k) => Number(document.getElementById(`c-${k}-${id}`).value)), reqID);
    console.log(`box drawn on the map: S ${drawn[0]} W ${drawn[1]} N ${drawn[2]} E ${drawn[3]}`);
    check(drawn[0] < drawn[2] && drawn[1] < drawn[3], `two clicks should fill a box: ${drawn}`);
    // The keyboard path: the box typed, well inside the 10 nm circle (about ±0.17°).
    for (const [k, v] of [['s', '24.70'], ['w', '-107.45'], ['n', '24.80'], ['e', '-107.35']]) await sre.fill(`#c-${k}-${CSS_escape(reqID)}`, v);
    await sre.fill(`#c-cond-${CSS_escape(reqID)}`, 'SEMAR al mando\nEnlace de la SRE a bordo');
    await snap(sre, 'consent-form-es');
    await sre.click(`#c-approve-${CSS_escape(reqID)}`);
    await sre.waitForSelector(`#c-result-${CSS_escape(reqID)}`, { timeout: timeoutMs });
    const change = await sre.evaluate((id) => {
      const r = document.getElementById(`c-result-${id}`);
      const c = r.querySelector('.decision-change');
      return { error: r.querySelector('.error')?.textContent, before: c?.dataset.before, after: c?.dataset.after, text: r.textContent };
    }, reqID);
    console.log(`${elapsed()} consent granted for a smaller area: decision ${change.before} → ${change.after}`);
    check(!change.error, `granting failed: ${change.error}`);
    check(change.before === 'needs_consent' && change.after === 'deny', `the decision should change from needs_consent to deny (the consent does not cover the operation's area): ${JSON.stringify(change).slice(0, 300)}`);
    check(/Requiere consentimiento/.test(change.text) && /Negada/.test(change.text), `the change should read in Spanish: ${change.text.slice(0, 300)}`);
    check(/consent\.scope/.test(change.text), 'the new decision should show the consent.scope rule');
    await snap(sre, 'consent-granted-decision-changed-es');
    // The analyst sees the new decision on the operation.
    await dea.click('#op-list button[data-op="' + opID + '"]').catch(async () => { await dea.reload(); await dea.click('#op-list button[data-op="' + opID + '"]'); });
    await dea.waitForSelector('#op-detail .decisionbox', { timeout: timeoutMs });
    const detail = await dea.evaluate(() => ({ decision: document.querySelector('#op-detail .decisionbox').dataset.decision, text: document.getElementById('op-detail').textContent }));
    console.log(`analyst's view of ${opID}: ${detail.decision}`);
    check(detail.decision === 'deny' && /Granted/.test(detail.text) && /Earlier decisions/.test(detail.text), `the analyst should see the new decision and the granted consent: ${detail.text.slice(0, 400)}`);
    await snap(dea, 'operation-after-consent-en');

    // 4. The language switch, on the approver's page.
    await sre.selectOption('#lang', 'en');
    const en = await sre.evaluate(() => ({ lang: document.documentElement.lang, title: document.getElementById('page-title').textContent, badge: document.querySelector('.decision-change .decision:last-child')?.textContent, nav: document.querySelector('#nav a[href="#/consent"]').textContent }));
    console.log(`language switched: ${JSON.stringify(en)}`);
    check(en.lang === 'en' && en.title === 'Consent inbox' && en.nav === 'Consent inbox', `switching to English should translate the page: ${JSON.stringify(en)}`);
    await snap(sre, 'consent-en');
    await sre.selectOption('#lang', 'es');
    const es = await sre.evaluate(() => ({ lang: document.documentElement.lang, title: document.getElementById('page-title').textContent }));
    check(es.lang === 'es' && es.title === 'Consentimientos', `switching back to Spanish: ${JSON.stringify(es)}`);
    await snap(sre, 'consent-es-again');

    // The inspector: the ledger verifies and counts the operation and the consent.
    const insp = await signIn('es-MX', 'inspectora', '#/oversight');
    await insp.click('#ov-verify');
    await insp.waitForFunction(() => ['ok', 'failed', 'incomplete'].includes(document.getElementById('ov-status')?.dataset.status) && document.getElementById('ov-verify') && !document.getElementById('ov-verify').disabled, null, { timeout: timeoutMs });
    const ov = await insp.evaluate(() => ({
      status: document.getElementById('ov-status').dataset.status, text: document.getElementById('ov-status').textContent,
      deny: document.querySelector('#ov-operations dd[data-key="deny"]')?.textContent, granted: document.querySelector('#ov-consents dd[data-key="granted"]')?.textContent,
    }));
    console.log(`${elapsed()} oversight: ${ov.status}: ${ov.text}; operations denied ${ov.deny}, consents granted ${ov.granted}`);
    check(ov.status === 'ok' && Number(ov.deny) >= 1 && Number(ov.granted) >= 1, `the oversight view should verify the ledger and count the operation: ${JSON.stringify(ov)}`);
    await snap(insp, 'oversight-es');
    for (const p of pages) for (const c of await p.evaluate(contrastProblems)) problems.push(`contrast on ${await p.evaluate(() => location.hash)}: ${c}`);
    for (const p of pages) await cspViolations(p, problems);
  } catch (err) {
    problems.push(err.stack || err.message);
    for (const [i, p] of pages.entries()) await p.screenshot({ path: `${dir}/failure-${i}.png` }).catch(() => {});
  } finally {
    await browser.close();
  }
  finish(problems);
}

// CSS_escape escapes an id for a CSS selector (ids here hold only letters, digits and "-").
function CSS_escape(s) { return String(s).replace(/[^a-zA-Z0-9_-]/g, (c) => '\\' + c); }
