// Message catalogs and locale formatting. Every user-visible string of the page comes from
// es.json or en.json through t(); numbers and dates go through Intl in the current language.
// The catalogs have the same keys (checked by TestUICatalogs); a value is a string with {name}
// placeholders, or an object of plural forms ("one", "other", ...) chosen by Intl.PluralRules
// on params.count.
import es from './es.json';
import en from './en.json';

export const catalogs = { es, en };
const storageKey = 'accord.lang';
let lang = 'es';
const listeners = new Set();

// initialLanguage is the language saved by the switch, else the browser's when we have it, else
// Spanish.
function initialLanguage() {
  try {
    const saved = localStorage.getItem(storageKey);
    if (saved && catalogs[saved]) return saved;
  } catch { /* storage disabled */ }
  for (const l of navigator.languages || [navigator.language]) {
    const base = String(l).toLowerCase().split('-')[0];
    if (catalogs[base]) return base;
  }
  return 'es';
}
lang = initialLanguage();

export const language = () => lang;

// setLanguage switches the language, saves it and tells every listener (pages re-render).
export function setLanguage(l) {
  if (!catalogs[l]) return;
  lang = l;
  try { localStorage.setItem(storageKey, l); } catch { /* storage disabled */ }
  document.documentElement.lang = l;
  for (const f of listeners) f(l);
}

// onLanguage registers f(lang), called after every switch; it returns an unregister function.
export function onLanguage(f) {
  listeners.add(f);
  return () => listeners.delete(f);
}

function lookup(cat, key) {
  let v = cat;
  for (const part of key.split('.')) {
    if (v === undefined || v === null) return undefined;
    v = v[part];
  }
  return v;
}

// has reports whether key names a message (for optional codes such as zone or state names).
export const has = (key) => typeof lookup(catalogs[lang], key) === 'string' || typeof lookup(catalogs[lang], key)?.other === 'string';

// t returns the message key in the current language with its {placeholders} filled from params
// (numbers formatted for the language). A missing key shows as the key itself and is logged, so
// a gap is visible rather than blank.
export function t(key, params = {}) {
  let v = lookup(catalogs[lang], key);
  if (v && typeof v === 'object') {
    const form = new Intl.PluralRules(lang).select(Number(params.count ?? 0));
    v = v[form] ?? v.other;
  }
  if (typeof v !== 'string') {
    console.warn('missing message', lang, key);
    return key;
  }
  return v.replace(/\{(\w+)\}/g, (m, name) => {
    const p = params[name];
    if (p === undefined || p === null) return m;
    return typeof p === 'number' ? fmtNumber(p) : String(p);
  });
}

// fmtNumber formats a number for the current language (at most `digits` decimals).
export function fmtNumber(v, digits = 2) {
  return new Intl.NumberFormat(lang, { maximumFractionDigits: digits }).format(v);
}

// fmtDateTime formats an RFC 3339 time or a Date in UTC, e.g. "3/12/26, 22:14:05 UTC".
export function fmtDateTime(v, style = 'medium') {
  if (!v) return '';
  const d = v instanceof Date ? v : new Date(v);
  if (Number.isNaN(d.getTime())) return String(v);
  return t('units.utc', { time: new Intl.DateTimeFormat(lang, { dateStyle: 'short', timeStyle: style, timeZone: 'UTC' }).format(d) });
}

// fmtTime formats the time of day of a Date in the browser's time zone.
export function fmtTime(d) {
  return new Intl.DateTimeFormat(lang, { timeStyle: 'medium' }).format(d);
}

// fmtDuration formats a span in seconds as hours and minutes ("2 h 05 min").
export function fmtDuration(seconds) {
  const h = Math.floor(seconds / 3600), m = Math.round((seconds % 3600) / 60);
  return t('units.duration', { h: fmtNumber(h, 0), m: String(m).padStart(2, '0') });
}

// applyStatic fills the elements of root marked data-i18n (text) and data-i18n-label (aria-label).
export function applyStatic(root) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-label]')) el.setAttribute('aria-label', t(el.dataset.i18nLabel));
}
