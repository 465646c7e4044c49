// Oversight: the ledger's checkpoints, whether the chain verifies, and counts of what was
// recorded (GET /api/v1/oversight).
import { api } from '../api.js';
import { h } from '../dom.js';
import { t, has, fmtDateTime, fmtNumber } from '../i18n/index.js';
import { dataPage, table } from './page.js';

export const oversightPage = dataPage({
  id: 'oversight',
  refreshMs: 30000,
  feature: () => t('oversight.feature'),
  load: () => api('/oversight'),
  render(o) {
    const v = o.verification || {};
    const ok = v.ok ?? v.valid;
    const counts = Object.entries(o.counts || {});
    const cps = o.checkpoints || [];
    return [
      h('section', { class: 'group' }, h('h2', {}, t('oversight.verification')),
        h('p', { class: ok ? 'ok' : 'bad', role: 'status' }, ok === undefined ? t('oversight.notVerified')
          : ok ? t('oversight.verified', { count: v.entries ?? 0, at: fmtDateTime(v.at ?? v.checked_at) })
            : t('oversight.broken', { message: v.error ?? v.message ?? '' }))),
      h('section', { class: 'group' }, h('h2', {}, t('oversight.counts')),
        counts.length ? h('dl', { class: 'counts' }, counts.map(([k, n]) => [h('dt', {}, has(`ledgerKinds.${k}`) ? t(`ledgerKinds.${k}`) : k), h('dd', {}, fmtNumber(n, 0))]))
          : h('p', { class: 'empty' }, t('oversight.noCounts'))),
      h('section', { class: 'group' }, h('h2', {}, t('oversight.checkpoints')),
        cps.length ? table(t('oversight.checkpoints'), [
          [t('oversight.seq'), (c) => fmtNumber(c.seq ?? c.size ?? 0, 0)],
          [t('oversight.time'), (c) => fmtDateTime(c.time ?? c.at)],
          [t('oversight.root'), (c) => h('code', {}, String(c.root ?? c.hash ?? '').slice(0, 16))],
          [t('oversight.signed'), (c) => (c.signature || c.signed ? t('common.yes') : t('common.no'))],
        ], cps) : h('p', { class: 'empty' }, t('oversight.noCheckpoints'))),
    ];
  },
});
