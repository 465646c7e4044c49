// The page shell: navigation between the pages (hash routes #/map, #/alerts, ...), the page
// heading with its one-line explanation, the language switch, and the error view every page uses
// to say what went wrong and what to do next.
import { h, $ } from './dom.js';
import { t, catalogs, language, setLanguage, onLanguage, applyStatic } from './i18n/index.js';

// errorView renders err (an ApiError, or any Error, taken as 'offline') as a box that says what
// happened and what to do next. opts: feature (what failed, e.g. "the alerts queue"), retry (a
// function: shows a Retry button), compact (one line), retrying (the caller retries by itself).
export function errorView(err, opts = {}) {
  const kind = err?.kind || 'offline';
  const feature = opts.feature || t('errors.thisFeature');
  const title = t(`errors.${kind}.title`, { feature, status: err?.status ?? '' });
  const next = [t(`errors.${kind}.next`, { feature, path: err?.path ? '/api/v1' + err.path : '' })];
  // A refusal that lists several field problems shows them all, one per line.
  const fields = kind === 'rejected' && err?.fields?.length > 1 ? err.fields : [];
  if ((kind === 'rejected' || kind === 'notfound' || kind === 'unavailable') && err?.message && !fields.length) next.push(t('errors.serverSaid', { message: err.message }));
  if (fields.length) next.push(t('errors.serverFields', { count: fields.length }));
  if (opts.retrying) next.push(t('errors.retrying'));
  const box = h('div', { class: 'error' + (opts.compact ? ' compact' : ''), role: 'alert', dataset: { kind } },
    h('strong', {}, title), ' ', h('span', {}, next.join(' ')),
    fields.length ? h('ul', { class: 'fielderrors' }, fields.map((f) => h('li', { dataset: { field: f.field } },
      h('code', {}, f.field), `: ${f.problem || ''}${f.fix ? ` — ${f.fix}` : ''}`))) : null);
  if (kind === 'auth') box.append(' ', h('a', { href: '#/login' }, t('errors.auth.link')));
  if (opts.retry) box.append(' ', h('button', { type: 'button', class: 'btn', on: { click: opts.retry } }, t('common.retry')));
  return box;
}

// Router: pages are {id, show(container), hide()}; navigation entries are the ids listed in nav.
const pages = new Map();
let current;

export function registerPage(page) { pages.set(page.id, page); }

function routeId() {
  const id = location.hash.replace(/^#\/?/, '').split('/')[0];
  return pages.has(id) ? id : 'map';
}

function show(focus) {
  const id = routeId();
  const page = pages.get(id);
  if (current && current !== page) current.hide?.();
  current = page;
  document.body.dataset.page = id;
  for (const a of document.querySelectorAll('#nav a')) {
    if (a.getAttribute('href') === '#/' + id) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  $('view-map').hidden = id !== 'map';
  $('view-page').hidden = id === 'map';
  renderHead();
  page.show(id === 'map' ? $('view-map') : $('view-page'));
  applyStatic(document);
  if (focus) $('page-title').focus();
}

function renderHead() {
  const id = routeId();
  $('page-title').textContent = t(`pages.${id}.title`);
  $('page-intro').textContent = t(`pages.${id}.intro`);
  document.title = t('shell.documentTitle', { page: t(`pages.${id}.title`) });
}

// start wires the shell and shows the page named by the URL.
export function start() {
  const sel = $('lang');
  sel.replaceChildren(...Object.entries(catalogs).map(([code, c]) => h('option', { value: code, lang: code }, c.languageName)));
  sel.value = language();
  sel.addEventListener('change', () => setLanguage(sel.value));
  document.documentElement.lang = language();
  onLanguage(() => { sel.value = language(); applyStatic(document); renderHead(); });
  window.addEventListener('hashchange', () => show(true));
  $('skip').addEventListener('click', (e) => { e.preventDefault(); $('main').focus(); });
  show(false);
}
