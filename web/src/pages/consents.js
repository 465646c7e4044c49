// Consent inbox: the consent requests addressed to the signed-in approver's state
// (GET /api/v1/consents?status=pending|all). Approve with a scope — an area that may be smaller
// than the one asked (a box entered as south/west/north/east or drawn with two clicks on a map,
// or a polygon entered as "lat lon" pairs), a window, a force ceiling — conditions and an
// expiry (POST /api/v1/consents/{id}/decision {granted: true, ...}); deny with a reason
// ({granted: false, reason}); revoke a consent given (POST /api/v1/consents/{id}/revoke). Every
// answer re-decides the operation; the page shows its decision before and after.
import { api } from '../api.js';
import { h } from '../dom.js';
import { t, has, fmtDateTime, fmtNumber, onLanguage } from '../i18n/index.js';
import { errorView } from '../shell.js';
import { field, select } from './page.js';
import { decisionView, decisionBadge } from './operations-decision.js';
import { toRFC3339, inputTime } from './operations-geo.js';
import { pickerMap, bboxOf, boxPolygon } from './operations-map.js';
import { typeName, placeText, participantsText, windowText } from './operations.js';
import { stateName } from './map.js';

const statusName = (s) => (has(`consentStatus.${s}`) ? t(`consentStatus.${s}`) : s || '');
const roleName = (r) => (has(`consentRoles.${r}`) ? t(`consentRoles.${r}`) : r || '');

const st = { container: null, active: false, list: undefined, error: null, filter: 'pending', results: new Map(), drafts: new Map(), pickers: new Map(), gen: 0 };

// parsePolygon reads "lat lon" pairs (one per line, or separated by ";" or ",") into a closed
// GeoJSON polygon; null when fewer than three points or a number is bad.
export function parsePolygon(text) {
  const pts = [];
  for (const part of text.split(/[\n;]+/)) {
    const nums = part.trim().split(/[\s,]+/).filter(Boolean).map(Number);
    if (!nums.length) continue;
    if (nums.length !== 2 || nums.some((v) => !Number.isFinite(v)) || Math.abs(nums[0]) > 90 || Math.abs(nums[1]) > 180) return null;
    pts.push([nums[1], nums[0]]);
  }
  if (pts.length < 3) return null;
  const [a, b] = [pts[0], pts[pts.length - 1]];
  if (a[0] !== b[0] || a[1] !== b[1]) pts.push([...a]);
  return { type: 'Polygon', coordinates: [pts] }; // i18n-ignore: GeoJSON
}

async function load() {
  const my = ++st.gen;
  try {
    // Requests answered on this page stay in the pending view, with the answer's outcome.
    const all = st.filter === 'all' || st.results.size > 0;
    const body = await api('/consents', { query: { status: all ? 'all' : 'pending' } });
    if (my !== st.gen) return;
    st.list = (body?.consents ?? []).filter((c) => st.filter === 'all' || c.status === 'pending' || st.results.has(c.id));
    st.error = null;
  } catch (err) {
    if (my !== st.gen) return;
    st.error = err;
  }
  render();
}

async function act(req, path, body) {
  const before = req.operation?.decision;
  try {
    const r = await api(`/consents/${encodeURIComponent(req.id)}/${path}`, { method: 'POST', body });
    st.results.set(req.id, { before, answer: r });
  } catch (err) {
    st.results.set(req.id, { error: err });
  }
  st.drafts.delete(req.id);
  await load();
  document.getElementById(`c-result-${req.id}`)?.focus();
}

function draftOf(req) {
  let d = st.drafts.get(req.id);
  if (d) return d;
  const sc = req.scope || {};
  const b = bboxOf(sc.area);
  const r4 = (v) => String(Math.round(v * 1e4) / 1e4);
  d = {
    shape: 'box', s: b ? r4(b[0]) : '', w: b ? r4(b[1]) : '', n: b ? r4(b[2]) : '', e: b ? r4(b[3]) : '', polygon: '',
    start: sc.start ? inputTime(new Date(sc.start)) : '', end: sc.end ? inputTime(new Date(sc.end)) : '',
    force: String(sc.max_force_level ?? 1), conditions: '', expires: sc.end ? inputTime(new Date(sc.end)) : '', denyReason: '', revokeReason: '',
  };
  st.drafts.set(req.id, d);
  return d;
}

// approveForm is the grant with its scope. The area is a box or a polygon; left empty, the
// area asked for is granted.
function approveForm(req) {
  const id = req.id;
  const d = draftOf(req);
  const upd = (k) => (e) => { d[k] = e.target.value; if ('swne'.includes(k) && k.length === 1) st.pickers.get(id)?.setBox(Number(d.s), Number(d.w), Number(d.n), Number(d.e)); };
  const inp = (k, attrs) => h('input', { id: `c-${k}-${id}`, value: d[k], ...attrs, on: { input: upd(k) } });
  const coord = (k, max) => inp(k, { type: 'number', step: 'any', min: String(-max), max: String(max) });
  const mapSlot = h('div', { id: `c-map-${id}` });
  const drawBtn = h('button', { type: 'button', class: 'btn', id: `c-draw-${id}`, on: {
    click: () => {
      if (st.pickers.has(id)) return;
      const b = bboxOf(req.scope?.area);
      const p = pickerMap({
        mode: 'box', fit: b ? [[b[1], b[0]], [b[3], b[2]]] : undefined,
        onBox(s, w, n, e) {
          Object.assign(d, { shape: 'box', s: String(s), w: String(w), n: String(n), e: String(e) });
          for (const k of ['s', 'w', 'n', 'e']) { const el = document.getElementById(`c-${k}-${id}`); if (el) el.value = d[k]; }
          const sh = document.getElementById(`c-shape-${id}`); if (sh) sh.value = 'box';
        },
      });
      st.pickers.set(id, p);
      mapSlot.replaceChildren(p.el);
      p.setArea(req.scope?.area);
      if (d.s !== '') p.setBox(Number(d.s), Number(d.w), Number(d.n), Number(d.e));
    },
  } }, t('consent.draw'));
  const shape = select({ id: `c-shape-${id}`, on: { change: (e) => { d.shape = e.target.value; } } },
    [['box', t('consent.shapeBox')], ['polygon', t('consent.shapePolygon')], ['asked', t('consent.shapeAsked')]], d.shape);
  const form = h('form', { class: 'form', 'aria-label': t('consent.approveTitle', { id }) },
    h('h3', {}, t('consent.approveTitle', { id })),
    h('p', { class: 'note' }, t('consent.approveHint')),
    h('fieldset', {}, h('legend', {}, t('consent.area')),
      field(t('consent.shape'), shape),
      h('div', { class: 'row' }, field(t('consent.south'), coord('s', 90)), field(t('consent.west'), coord('w', 180)),
        field(t('consent.north'), coord('n', 90)), field(t('consent.east'), coord('e', 180))),
      field(t('consent.polygon'), h('textarea', { id: `c-polygon-${id}`, rows: '3', on: { input: upd('polygon') } }, d.polygon), t('consent.polygonHint')),
      drawBtn, mapSlot),
    h('div', { class: 'row' }, field(t('consent.start'), inp('start', { type: 'datetime-local', required: true })),
      field(t('consent.end'), inp('end', { type: 'datetime-local', required: true })),
      field(t('consent.expires'), inp('expires', { type: 'datetime-local' }), t('consent.expiresHint'))),
    h('div', { class: 'row' }, field(t('consent.force'), inp('force', { type: 'number', min: '1', max: String(req.scope?.max_force_level ?? 5), step: '1', required: true }), t('consent.forceHint', { max: req.scope?.max_force_level ?? 5 }))),
    field(t('consent.conditions'), h('textarea', { id: `c-cond-${id}`, rows: '2', on: { input: upd('conditions') } }, d.conditions), t('consent.conditionsHint')),
    h('p', { class: 'error compact', id: `c-local-${id}`, role: 'alert', hidden: true }),
    h('button', { type: 'submit', class: 'btn primary', id: `c-approve-${id}` }, t('consent.approve')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const local = document.getElementById(`c-local-${id}`);
    const scope = { start: toRFC3339(d.start), end: toRFC3339(d.end), max_force_level: Number(d.force) };
    if (d.shape === 'box') {
      const [s, w, n, ea] = [d.s, d.w, d.n, d.e].map(Number);
      if (![d.s, d.w, d.n, d.e].every((v) => v !== '') || !(s < n && w < ea)) {
        local.textContent = t('consent.badBox');
        local.hidden = false;
        document.getElementById(`c-s-${id}`)?.focus();
        return;
      }
      scope.area = boxPolygon(s, w, n, ea);
    } else if (d.shape === 'polygon') {
      const poly = parsePolygon(d.polygon);
      if (!poly) {
        local.textContent = t('consent.badPolygon');
        local.hidden = false;
        document.getElementById(`c-polygon-${id}`)?.focus();
        return;
      }
      scope.area = poly;
    }
    local.hidden = true;
    const body = { granted: true, scope, conditions: d.conditions.split('\n').map((s) => s.trim()).filter(Boolean) };
    if (d.expires) body.expires = toRFC3339(d.expires);
    act(req, 'decision', body);
  });
  return form;
}

function denyForm(req) {
  const d = draftOf(req);
  const reason = h('input', { id: `c-deny-${req.id}`, required: true, autocomplete: 'off', value: d.denyReason, on: { input: (e) => { d.denyReason = e.target.value; } } });
  return h('form', { class: 'form inline', on: { submit: (e) => { e.preventDefault(); act(req, 'decision', { granted: false, reason: d.denyReason.trim() }); } } },
    field(t('consent.denyReason'), reason, t('consent.denyHint')), h('button', { type: 'submit', class: 'btn danger', id: `c-deny-btn-${req.id}` }, t('consent.deny')));
}

function revokeForm(req) {
  const d = draftOf(req);
  const reason = h('input', { id: `c-revoke-${req.id}`, required: true, autocomplete: 'off', value: d.revokeReason, on: { input: (e) => { d.revokeReason = e.target.value; } } });
  return h('form', { class: 'form inline', on: { submit: (e) => { e.preventDefault(); act(req, 'revoke', { reason: d.revokeReason.trim() }); } } },
    field(t('consent.revokeReason'), reason, t('consent.revokeHint')), h('button', { type: 'submit', class: 'btn danger', id: `c-revoke-btn-${req.id}` }, t('consent.revoke')));
}

function scopeView(sc) {
  if (!sc) return null;
  return h('dl', { class: 'counts' },
    h('dt', {}, t('consent.area')), h('dd', {}, placeText(sc)),
    h('dt', {}, t('operations.window')), h('dd', {}, windowText(sc.start, sc.end)),
    h('dt', {}, t('consent.force')), h('dd', {}, fmtNumber(sc.max_force_level ?? 0, 0)),
    (sc.participants || []).length ? [h('dt', {}, t('operations.participants')), h('dd', {}, participantsText(sc.participants))] : null);
}

function resultView(req) {
  const r = st.results.get(req.id);
  if (!r) return null;
  const box = h('div', { id: `c-result-${req.id}`, class: 'group', tabindex: '-1', 'aria-live': 'polite' });
  if (r.error) box.append(errorView(r.error, { feature: t('consent.actionFeature') }));
  else {
    const after = r.answer?.decision;
    box.append(
      h('p', {}, t('consent.answered', { status: statusName(r.answer?.consent?.status) })),
      h('p', { class: 'decision-change', dataset: { before: r.before || 'none', after: after?.decision || 'none' } },
        t('consent.decisionBefore'), ' ', decisionBadge(r.before), ' → ', t('consent.decisionAfter'), ' ', decisionBadge(after)),
      decisionView(after));
  }
  return box;
}

function card(req) {
  const op = req.operation || {};
  const status = req.status || 'pending';
  const dec = req.decision;
  return h('article', { class: 'card', id: `c-card-${req.id}`, 'aria-labelledby': `c-title-${req.id}`, dataset: { status } },
    h('h2', { id: `c-title-${req.id}` }, t('consent.requestTitle', { id: req.operation_id, type: typeName(op.type) })),
    h('p', {}, t('consent.requestLine', {
      role: roleName(req.role), authority: req.authority || t('consent.anyAuthority'), state: stateName(req.state),
      by: req.requested_by, at: fmtDateTime(req.requested_at, 'short'),
    })),
    h('p', {}, h('strong', {}, t('consent.status')), ' ', h('span', { class: `status status-${status}` }, statusName(status)),
      ' · ', h('strong', {}, t('consent.opDecision')), ' ', decisionBadge(op.decision),
      ' · ', t('consent.opLine', { states: (op.states || []).map(stateName).join(', '), window: windowText(op.start, op.end), force: op.force_level ?? '–' })),
    h('h3', {}, t('consent.asked')), scopeView(req.scope),
    dec ? [h('h3', {}, dec.granted ? t('consent.granted') : t('consent.refused')),
      dec.granted ? scopeView(dec.scope) : null,
      dec.reason ? h('p', {}, t('consent.reasonLine', { reason: dec.reason })) : null,
      (dec.conditions || []).length ? h('ul', { class: 'rules' }, dec.conditions.map((c) => h('li', {}, c))) : null,
      h('p', { class: 'note' }, t('consent.decidedLine', { by: dec.decided_by, at: fmtDateTime(dec.decided_at, 'short'), expires: dec.expires ? fmtDateTime(dec.expires, 'short') : t('consent.noExpiry') })),
      dec.revoked_at ? h('p', {}, t('consent.revokedLine', { by: dec.revoked_by || '', at: fmtDateTime(dec.revoked_at, 'short'), reason: dec.revoke_reason || '' })) : null] : null,
    resultView(req),
    status === 'pending' ? [approveForm(req), denyForm(req)] : null,
    status === 'granted' ? revokeForm(req) : null);
}

function render() {
  if (!st.active) return;
  for (const p of st.pickers.values()) p.remove();
  st.pickers.clear();
  const focused = st.container.contains(document.activeElement) ? document.activeElement.id : '';
  const filter = select({ id: 'c-filter', on: { change: (e) => { st.filter = e.target.value; st.list = undefined; render(); load(); } } },
    [['pending', t('consent.filterPending')], ['all', t('consent.filterAll')]], st.filter);
  let body;
  if (st.error) body = errorView(st.error, { feature: t('consent.feature'), retry: load });
  else if (st.list === undefined) body = h('p', { class: 'note', role: 'status' }, t('common.loading'));
  else if (!st.list.length) body = h('p', { class: 'empty' }, t(st.filter === 'pending' ? 'consent.nonePending' : 'consent.none'));
  else body = st.list.map(card);
  st.container.replaceChildren(...[
    h('div', { class: 'toolbar' }, field(t('consent.filter'), filter), h('button', { type: 'button', class: 'btn', on: { click: load } }, t('common.refresh'))),
    body].flat());
  if (focused) document.getElementById(focused)?.focus();
}

onLanguage(() => render());

export const consentPage = {
  id: 'consent',
  show(container) {
    st.container = container;
    st.active = true;
    st.list = undefined;
    st.error = null;
    render();
    load();
  },
  hide() {
    st.active = false;
    st.gen++;
    for (const p of st.pickers.values()) p.remove();
    st.pickers.clear();
  },
};
