// Cases: the interdiction cases opened from alerts (GET /api/v1/cases), grouped by the competent
// authority that owns them.
import { api } from '../api.js';
import { h } from '../dom.js';
import { t, has, fmtDateTime } from '../i18n/index.js';
import { dataPage, table } from './page.js';
import { listOf } from './alerts.js';
import { stateName, zoneName } from './map.js';

const label = (prefix, v) => (v && has(`${prefix}.${v}`) ? t(`${prefix}.${v}`) : v || '');

export const casesPage = dataPage({
  id: 'cases',
  refreshMs: 15000,
  feature: () => t('cases.feature'),
  load: async () => listOf(await api('/cases'), 'cases', 'items'),
  render(list) {
    if (!list.length) return [h('p', { class: 'empty' }, t('cases.none'))];
    const byAuthority = new Map();
    for (const c of list) {
      const k = c.authority || '';
      if (!byAuthority.has(k)) byAuthority.set(k, []);
      byAuthority.get(k).push(c);
    }
    return [...byAuthority.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([auth, cases]) => h('section', { class: 'group' },
      h('h2', {}, t('cases.authority', { authority: auth || t('where.noAuthority'), count: cases.length })),
      table(t('cases.caption', { authority: auth || t('where.noAuthority') }), [
        [t('cases.id'), (c) => String(c.id ?? '')],
        [t('cases.status'), (c) => label('caseStatus', c.status)],
        [t('cases.opened'), (c) => fmtDateTime(c.opened ?? c.opened_at ?? c.created_at ?? c.events?.[0]?.time)],
        [t('cases.vessels'), (c) => (c.mmsi || c.alert?.mmsi || []).join(', ')],
        [t('cases.alert'), (c) => label('alertKinds', c.kind ?? c.alert?.kind)],
        [t('cases.place'), (c) => { const p = c.place ?? c.alert ?? c; return `${stateName(p.state)} · ${zoneName(p.zone ?? '')}`; }],
        [t('cases.note'), (c) => c.regime_note ?? c.note ?? ''],
      ], cases)));
  },
});
