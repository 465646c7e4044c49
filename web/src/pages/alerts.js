// Alerts: the behaviour alerts of the detectors the user may read (GET /api/v1/alerts), newest
// first, with filters and a button that opens an interdiction case for the competent authority
// (POST /api/v1/cases); the opened case links to its page (#/cases/{id}).
import { api } from '../api.js';
import { h } from '../dom.js';
import { t, fmtDateTime, fmtNumber } from '../i18n/index.js';
import { errorView } from '../shell.js';
import { dataPage, table, field, select } from './page.js';
import { stateName, zoneName } from './map.js';

const kinds = ['gap', 'encounter', 'loitering', 'zone_entry', 'speed', 'identity'];
const severities = ['high', 'medium', 'low'];
const filters = { kind: '', severity: '', state: '' };
const opened = new Map(); // alert id → case (or ApiError)

// listOf accepts a bare array or an object with the list under one of keys.
export function listOf(body, ...keys) {
  if (Array.isArray(body)) return body;
  for (const k of keys) if (Array.isArray(body?.[k])) return body[k];
  return [];
}

export const alertsPage = dataPage({
  id: 'alerts',
  refreshMs: 10000,
  feature: () => t('alerts.feature'),
  load: async () => listOf(await api('/alerts', { query: { limit: 500 } }), 'alerts', 'items'),
  render(list, { rerender }) {
    const states = [...new Set(list.map((a) => a.state || ''))].sort();
    const shown = list.filter((a) => (!filters.kind || a.kind === filters.kind)
      && (!filters.severity || a.severity === filters.severity)
      && (!filters.state || (a.state || '-') === filters.state));
    const bar = h('form', { class: 'filters', role: 'search', 'aria-label': t('alerts.filters'), on: { submit: (e) => e.preventDefault() } },
      field(t('alerts.kind'), select({ id: 'alert-kind', on: { change: (e) => { filters.kind = e.target.value; rerender(); } } },
        [['', t('common.all')], ...kinds.map((k) => [k, t(`alertKinds.${k}`)])], filters.kind)),
      field(t('alerts.severity'), select({ id: 'alert-severity', on: { change: (e) => { filters.severity = e.target.value; rerender(); } } },
        [['', t('common.all')], ...severities.map((k) => [k, t(`severity.${k}`)])], filters.severity)),
      field(t('alerts.state'), select({ id: 'alert-state', on: { change: (e) => { filters.state = e.target.value; rerender(); } } },
        [['', t('common.all')], ...states.map((s) => [s || '-', stateName(s)])], filters.state)));
    const openCase = async (a, btn) => {
      btn.disabled = true;
      try {
        opened.set(a.id, await api('/cases', { method: 'POST', body: { alert_id: a.id } }));
      } catch (err) {
        opened.set(a.id, err);
      }
      rerender();
    };
    const action = (a) => {
      const c = opened.get(a.id) ?? (a.case_id ? { id: a.case_id } : undefined);
      if (c instanceof Error) return errorView(c, { feature: t('alerts.openCaseFeature'), compact: true });
      if (c) return h('a', { href: `#/cases/${encodeURIComponent(c.id ?? '')}`, class: 'done' }, t('alerts.caseOpened', { id: c.id ?? '', authority: c.authority ?? a.authority ?? '' }));
      const b = h('button', { id: `open-case-${a.id}`, type: 'button', class: 'btn primary', 'aria-label': t('alerts.openCaseFor', { kind: t(`alertKinds.${a.kind}`), mmsi: (a.mmsi || []).join(', ') }) }, t('alerts.openCase'));
      b.addEventListener('click', () => openCase(a, b));
      return b;
    };
    return [
      bar,
      h('p', { class: 'note', role: 'status' }, t('alerts.count', { count: shown.length, total: list.length })),
      shown.length === 0 ? h('p', { class: 'empty' }, list.length ? t('alerts.noneFiltered') : t('alerts.none')) : table(t('alerts.caption'), [
        [t('alerts.severity'), (a) => h('span', { class: `sev sev-${a.severity}` }, t(`severity.${a.severity}`))],
        [t('alerts.kind'), (a) => t(`alertKinds.${a.kind}`) + (a.open ? ` · ${t('alerts.ongoing')}` : '')],
        [t('alerts.vessels'), (a) => (a.mmsi || []).join(', ')],
        [t('alerts.window'), (a) => `${fmtDateTime(a.start, 'short')} – ${fmtDateTime(a.end, 'short')}`],
        [t('alerts.place'), (a) => `${stateName(a.state)} · ${zoneName(a.zone)}` + (Number.isFinite(a.shore_nm) ? ` · ${t('units.nm', { v: fmtNumber(a.shore_nm, 0) })}` : '')],
        [t('alerts.authority'), (a) => a.authority || t('where.noAuthority')],
        [t('alerts.action'), action],
      ], shown),
    ];
  },
});
