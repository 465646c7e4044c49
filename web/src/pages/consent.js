// Consent inbox: the consent requests addressed to the signed-in approver's authority
// (GET /api/v1/consents). Approve with a scope (area, window, participants, force ceiling),
// conditions and an expiry; deny with a reason; revoke a consent given earlier.
import { api } from '../api.js';
import { h } from '../dom.js';
import { t, has, fmtDateTime } from '../i18n/index.js';
import { errorView } from '../shell.js';
import { dataPage, field } from './page.js';
import { listOf } from './alerts.js';
import { decisionView } from './decision.js';
import { stateName } from './map.js';
import { circlePolygon, toRFC3339, inputTime } from './geo.js';

const results = new Map(); // request id → answer or ApiError

const statusName = (s) => (has(`consentStatus.${s}`) ? t(`consentStatus.${s}`) : s || '');

// centre returns a point inside the asked area (the mean of its outer ring) or the operation's
// location, to prefill the granted circle.
function centre(req) {
  const ring = req.scope?.area?.coordinates?.[0] ?? req.operation?.area?.coordinates?.[0];
  if (ring?.length) {
    const pts = ring.slice(0, -1);
    return { lat: pts.reduce((a, p) => a + p[1], 0) / pts.length, lon: pts.reduce((a, p) => a + p[0], 0) / pts.length };
  }
  return req.operation?.location ?? {};
}

function approveForm(req, done) {
  const id = String(req.id);
  const op = req.operation || {};
  const asked = req.scope || {};
  const p = centre(req);
  const start = asked.start || op.start ? new Date(asked.start || op.start) : new Date();
  const end = asked.end || op.end ? new Date(asked.end || op.end) : new Date(Date.now() + 86400e3);
  const people = asked.participants || op.participants || [];
  const f = {
    lat: h('input', { id: `c-lat-${id}`, type: 'number', step: 'any', required: true, value: p.lat !== undefined ? String(Math.round(p.lat * 1e4) / 1e4) : '' }),
    lon: h('input', { id: `c-lon-${id}`, type: 'number', step: 'any', required: true, value: p.lon !== undefined ? String(Math.round(p.lon * 1e4) / 1e4) : '' }),
    radius: h('input', { id: `c-radius-${id}`, type: 'number', step: 'any', min: '0.1', required: true, value: '10' }),
    start: h('input', { id: `c-start-${id}`, type: 'datetime-local', required: true, value: inputTime(start) }),
    end: h('input', { id: `c-end-${id}`, type: 'datetime-local', required: true, value: inputTime(end) }),
    force: h('input', { id: `c-force-${id}`, type: 'number', min: '1', max: '5', step: '1', required: true, value: String(asked.max_force_level ?? op.force_level ?? 2) }),
    count: h('input', { id: `c-count-${id}`, type: 'number', min: '1', step: '1', value: String(Math.max(0, ...people.map((x) => x.count || 0)) || '') }),
    conditions: h('textarea', { id: `c-cond-${id}`, rows: '2' }),
    expires: h('input', { id: `c-exp-${id}`, type: 'datetime-local', value: inputTime(end) }),
  };
  const form = h('form', { class: 'form' },
    h('div', { class: 'row' }, field(t('consent.lat'), f.lat), field(t('consent.lon'), f.lon), field(t('consent.radius'), f.radius, t('consent.radiusHint'))),
    h('div', { class: 'row' }, field(t('consent.start'), f.start), field(t('consent.end'), f.end), field(t('consent.expires'), f.expires)),
    h('div', { class: 'row' }, field(t('consent.force'), f.force), field(t('consent.count'), f.count)),
    field(t('consent.conditions'), f.conditions, t('consent.conditionsHint')),
    h('button', { type: 'submit', class: 'btn primary' }, t('consent.approve')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const scope = {
      area: circlePolygon(Number(f.lat.value), Number(f.lon.value), Number(f.radius.value)),
      start: toRFC3339(f.start.value), end: toRFC3339(f.end.value),
      max_force_level: Number(f.force.value),
    };
    // Participants as asked, each group capped at the number granted.
    if (people.length) scope.participants = people.map((x) => ({ ...x, count: f.count.value ? Math.min(x.count || 0, Number(f.count.value)) : x.count }));
    scope.state = req.state;
    if (req.authority) scope.authority = req.authority;
    done('approve', { scope, conditions: f.conditions.value.split('\n').map((s) => s.trim()).filter(Boolean), expires: toRFC3339(f.expires.value) });
  });
  return form;
}

export const consentPage = dataPage({
  id: 'consent',
  feature: () => t('consent.feature'),
  load: async () => listOf(await api('/consents'), 'consents', 'requests', 'items'),
  render(list, { reload }) {
    const act = async (req, action, body) => {
      try {
        results.set(req.id, await api(`/consents/${encodeURIComponent(req.id)}/${action}`, { method: 'POST', body }));
      } catch (err) {
        results.set(req.id, err);
      }
      await reload();
    };
    const item = (req) => {
      const op = req.operation || {};
      const res = results.get(req.id);
      const status = req.status || 'pending';
      const denyReason = h('input', { id: `c-deny-${req.id}`, autocomplete: 'off' });
      return h('article', { class: 'card', 'aria-labelledby': `c-title-${req.id}` },
        h('h2', { id: `c-title-${req.id}` }, t('consent.requestTitle', { id: req.id, type: has(`opTypes.${op.type}`) ? t(`opTypes.${op.type}`) : op.type ?? '' })),
        h('p', {}, t('consent.requestLine', {
          from: (op.participants || req.scope?.participants || []).map((p) => `${p.agency} (${stateName(p.state)}) ×${p.count}`).join(', '),
          authority: req.authority ?? '', state: stateName(req.state),
          start: fmtDateTime(op.start, 'short'), end: fmtDateTime(op.end, 'short'),
        })),
        h('p', {}, h('strong', {}, t('consent.status')), ' ', statusName(status)),
        op.decision ? decisionView(op.decision) : null,
        res instanceof Error ? errorView(res, { feature: t('consent.actionFeature') }) : null,
        status === 'pending' ? [
          approveForm(req, (action, body) => act(req, action, body)),
          h('form', { class: 'form inline', on: { submit: (e) => { e.preventDefault(); act(req, 'deny', { reason: denyReason.value.trim() }); } } },
            field(t('consent.denyReason'), denyReason), h('button', { type: 'submit', class: 'btn danger' }, t('consent.deny'))),
        ] : null,
        status === 'granted' || status === 'approved' ? h('button', { type: 'button', class: 'btn danger', on: { click: () => act(req, 'revoke', {}) } }, t('consent.revoke')) : null);
    };
    return [
      h('p', {}, h('button', { type: 'button', class: 'btn', on: { click: reload } }, t('common.refresh'))),
      list.length ? list.map(item) : h('p', { class: 'empty' }, t('consent.none')),
    ];
  },
});
