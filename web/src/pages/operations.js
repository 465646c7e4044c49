// Operations: the operations the user may read with their latest policy decision
// (GET /api/v1/operations), one operation in full with the rules that fired, their citations
// and reasons in the page's language and its consent requests (GET /api/v1/operations/{id}),
// and a form to propose one (POST /api/v1/operations, the input of `accord policy check`
// without consents): type, place (a point or a circle, by clicking the map or entering
// latitude and longitude), window, participants, force ceiling, target vessel.
import { api } from '../api.js';
import { h } from '../dom.js';
import { t, has, fmtDateTime, fmtNumber, onLanguage } from '../i18n/index.js';
import { errorView } from '../shell.js';
import { table, field, select } from './page.js';
import { decisionView, decisionBadge } from './operations-decision.js';
import { circlePolygon, toRFC3339, inputTime } from './operations-geo.js';
import { pickerMap, bboxOf } from './operations-map.js';
import { stateName } from './map.js';

const types = ['maritime_interdiction', 'arrest', 'search_premises', 'surveillance', 'asset_freeze', 'transfer',
  'joint_patrol', 'naval_presence', 'liaison_meeting', 'training_visit'];
const kinds = ['officer', 'agent', 'troops', 'ship'];

export const typeName = (v) => (has(`opTypes.${v}`) ? t(`opTypes.${v}`) : v || '');
const consentStatusName = (s) => (has(`consentStatus.${s}`) ? t(`consentStatus.${s}`) : s || '');
const roleName = (r) => (has(`consentRoles.${r}`) ? t(`consentRoles.${r}`) : r || '');
const liaisonName = (s) => (has(`liaison.${s}`) ? t(`liaison.${s}`) : s || '');

// windowText is "start – end" in the page's language (UTC).
export const windowText = (a, b) => `${fmtDateTime(a, 'short')} – ${fmtDateTime(b, 'short')}`;

// scopeText summarises a scope or an operation's place: the area's box or the point.
export function placeText(x) {
  const p = x?.location;
  if (p && Number.isFinite(p.lat)) return t('operations.point', { lat: fmtNumber(p.lat, 3), lon: fmtNumber(p.lon, 3) });
  const b = bboxOf(x?.area);
  if (b) return t('operations.box', { s: fmtNumber(b[0], 3), w: fmtNumber(b[1], 3), n: fmtNumber(b[2], 3), e: fmtNumber(b[3], 3) });
  return t('operations.anywhere');
}

export const participantsText = (ps) => (ps || []).map((p) => t('operations.participantLine', {
  count: fmtNumber(p.count ?? 0, 0), kind: has(`participantKinds.${p.kind}`) ? t(`participantKinds.${p.kind}`) : p.kind,
  agency: p.agency, state: stateName(p.state), armed: p.armed ? t('operations.armedShort') : '',
})).join('; ');

// consentRequestsView lists an operation's consent requests with their state and answer.
export function consentRequestsView(list) {
  if (!list?.length) return h('p', { class: 'note' }, t('operations.noConsents'));
  return table(t('operations.consentsCaption'), [
    [t('operations.consentOf'), (c) => `${c.authority || t('consent.anyAuthority')} (${stateName(c.state)})`],
    [t('operations.consentRole'), (c) => roleName(c.role)],
    [t('operations.consentStatus'), (c) => h('span', { class: `status status-${c.status}` }, consentStatusName(c.status))],
    [t('operations.consentScope'), (c) => {
      const s = c.decision?.granted ? c.decision.scope : c.scope;
      return [placeText(s), ' · ', windowText(s?.start, s?.end), ' · ', t('operations.forceShort', { level: s?.max_force_level ?? '–' })];
    }],
  ], list);
}

// The page's state, kept across re-renders (language switch, reload of the list).
const st = {
  container: null, active: false, list: undefined, listError: null, detail: null, detailError: null,
  result: undefined, draft: null, picker: null, gen: 0,
};

function newDraft() {
  const now = Date.now();
  return {
    type: 'joint_patrol', lat: '', lon: '', radius: '0',
    start: inputTime(new Date(now + 86400e3)), end: inputTime(new Date(now + 3 * 86400e3)),
    force: '2', flag: '', stateless: false, tlp: 'AMBER',
    participants: [{ state: 'USA', agency: 'DEA', kind: 'agent', count: '4', armed: false, role: 'support' }],
  };
}

async function loadList() {
  const my = ++st.gen;
  try {
    const body = await api('/operations');
    if (my !== st.gen) return;
    st.list = body?.operations ?? [];
    st.listError = null;
  } catch (err) {
    if (my !== st.gen) return;
    st.listError = err;
  }
  renderList();
}

async function openDetail(id) {
  st.detail = { id, loading: true };
  st.detailError = null;
  renderDetail();
  try {
    st.detail = await api(`/operations/${encodeURIComponent(id)}`);
  } catch (err) {
    st.detail = { id };
    st.detailError = err;
  }
  renderDetail();
  document.getElementById('op-detail')?.focus();
}

// fill replaces el's children with kids, flattened, without the empty ones.
const fill = (el, ...kids) => el.replaceChildren(...kids.flat(Infinity).filter((k) => k !== null && k !== undefined && k !== false));

function section(id) {
  let el = document.getElementById(id);
  if (!el) el = h('section', { id, class: 'group', tabindex: '-1' });
  return el;
}

function renderList() {
  if (!st.active) return;
  const el = section('op-list');
  let body;
  if (st.listError) body = errorView(st.listError, { feature: t('operations.feature'), retry: loadList });
  else if (st.list === undefined) body = h('p', { class: 'note', role: 'status' }, t('common.loading'));
  else if (!st.list.length) body = h('p', { class: 'empty' }, t('operations.none'));
  else {
    body = table(t('operations.caption'), [
      [t('operations.id'), (o) => h('button', { type: 'button', class: 'btn link', dataset: { op: o.id }, on: { click: () => openDetail(o.id) } }, o.id)],
      [t('operations.type'), (o) => typeName(o.type)],
      [t('operations.window'), (o) => windowText(o.start, o.end)],
      [t('operations.states'), (o) => (o.states || []).map(stateName).join(', ')],
      [t('operations.force'), (o) => fmtNumber(o.force_level, 0)],
      [t('operations.decision'), (o) => [decisionBadge(o.decision || undefined), o.liaison_report ? [' ', h('span', { class: 'note' }, liaisonName(o.liaison_report))] : null]],
      [t('operations.proposedBy'), (o) => `${o.created_by} (${o.markings?.originator ?? ''}) · ${fmtDateTime(o.created, 'short')}`],
    ], st.list);
  }
  const focused = el.contains(document.activeElement) ? document.activeElement.dataset.op : undefined;
  fill(el, h('h2', {}, t('operations.listTitle')), h('p', { class: 'note' }, t('operations.listHint')), body,
    h('p', {}, h('button', { type: 'button', class: 'btn', on: { click: loadList } }, t('common.refresh'))));
  if (focused) el.querySelector(`button[data-op="${CSS.escape(focused)}"]`)?.focus();
}

// operationView shows one operation in full (GET /api/v1/operations/{id} or the answer of a
// proposal).
function operationView(o) {
  const op = o.operation || {};
  return [
    h('dl', { class: 'counts' },
      h('dt', {}, t('operations.type')), h('dd', {}, typeName(op.type)),
      h('dt', {}, t('operations.place')), h('dd', {}, placeText(op)),
      h('dt', {}, t('operations.window')), h('dd', {}, windowText(op.start, op.end)),
      h('dt', {}, t('operations.participants')), h('dd', {}, participantsText(op.participants)),
      h('dt', {}, t('operations.force')), h('dd', {}, fmtNumber(op.force_level, 0))),
    h('h3', {}, t('operations.decisionTitle')),
    decisionView(o.decision),
    (o.decisions || []).length > 1 ? h('p', { class: 'note' }, t('operations.history', {
      list: o.decisions.map((d) => `${fmtDateTime(d.at, 'short')} ${has(`decision.${d.decision}`) ? t(`decision.${d.decision}`) : d.decision}`).join(' → '),
    })) : null,
    h('h3', {}, t('operations.consentsTitle')),
    consentRequestsView(o.consent_requests),
  ];
}

function renderDetail() {
  if (!st.active) return;
  const el = section('op-detail');
  el.hidden = !st.detail;
  if (!st.detail) return fill(el);
  let body;
  if (st.detailError) body = errorView(st.detailError, { feature: t('operations.detailFeature'), retry: () => openDetail(st.detail.id) });
  else if (st.detail.loading) body = h('p', { class: 'note', role: 'status' }, t('common.loading'));
  else body = operationView(st.detail);
  fill(el, h('h2', {}, t('operations.detailTitle', { id: st.detail.id })), body,
    h('p', {}, h('button', { type: 'button', class: 'btn', on: { click: () => { st.detail = null; renderDetail(); } } }, t('common.close'))));
}

function renderResult() {
  if (!st.active) return;
  const el = section('op-result');
  el.setAttribute('aria-live', 'polite');
  el.hidden = st.result === undefined;
  if (st.result === undefined) return fill(el);
  const r = st.result;
  fill(el, h('h2', {}, t('operations.result')),
    r instanceof Error ? errorView(r, { feature: t('operations.proposeFeature') })
      : [h('p', {}, t('operations.recorded', { id: r.id ?? '' })), operationView(r)]);
}

function participantRow(p, i, rerender) {
  const upd = (k) => (e) => { p[k] = e.target.type === 'checkbox' ? e.target.checked : e.target.value; };
  const id = (k) => `op-p${i}-${k}`;
  return h('div', { class: 'row participant' },
    field(t('operations.state'), select({ id: id('state'), on: { change: upd('state') } }, [['USA', t('states.USA')], ['MEX', t('states.MEX')]], p.state)),
    field(t('operations.agency'), h('input', { id: id('agency'), required: true, value: p.agency, autocomplete: 'off', on: { input: upd('agency') } })),
    field(t('operations.kind'), select({ id: id('kind'), on: { change: upd('kind') } }, kinds.map((k) => [k, t(`participantKinds.${k}`)]), p.kind)),
    field(t('operations.count'), h('input', { id: id('count'), type: 'number', min: '1', step: '1', required: true, value: p.count, on: { input: upd('count') } })),
    field(t('operations.role'), h('input', { id: id('role'), required: true, value: p.role, autocomplete: 'off', on: { input: upd('role') } }), t('operations.roleHint')),
    h('div', { class: 'field check' }, h('input', { id: id('armed'), type: 'checkbox', checked: p.armed, on: { change: upd('armed') } }), h('label', { for: id('armed') }, t('operations.armed'))),
    st.draft.participants.length > 1 ? h('button', { type: 'button', class: 'btn', on: { click: () => { st.draft.participants.splice(i, 1); rerender(); } } }, t('operations.removeParticipant', { n: i + 1 })) : null);
}

function renderForm() {
  if (!st.active) return;
  const el = section('op-form');
  const d = st.draft;
  st.picker?.remove();
  const upd = (k) => (e) => { d[k] = e.target.type === 'checkbox' ? e.target.checked : e.target.value; if (k === 'lat' || k === 'lon' || k === 'radius') showPlace(); };
  const input = (k, attrs) => h('input', { id: `op-${k}`, value: d[k], ...attrs, on: { input: upd(k), change: upd(k) } });
  const f = {
    type: select({ id: 'op-type', on: { change: upd('type') } }, types.map((v) => [v, typeName(v)]), d.type),
    lat: input('lat', { type: 'number', step: 'any', min: '-90', max: '90', required: true }),
    lon: input('lon', { type: 'number', step: 'any', min: '-180', max: '180', required: true }),
    radius: input('radius', { type: 'number', step: 'any', min: '0', max: '500' }),
    start: input('start', { type: 'datetime-local', required: true }),
    end: input('end', { type: 'datetime-local', required: true }),
    force: input('force', { type: 'number', min: '1', max: '5', step: '1', required: true }),
    flag: input('flag', { maxlength: '3', autocomplete: 'off', pattern: '[A-Za-z]{3}' }),
    stateless: h('input', { id: 'op-stateless', type: 'checkbox', checked: d.stateless, on: { change: upd('stateless') } }),
    tlp: select({ id: 'op-tlp', on: { change: upd('tlp') } }, [['AMBER', t('operations.tlpAmber')], ['GREEN', t('operations.tlpGreen')]], d.tlp),
  };
  const picker = pickerMap({
    mode: 'point', center: [-100, 22], zoom: 3.2,
    onPoint(lat, lon) { d.lat = String(lat); d.lon = String(lon); f.lat.value = d.lat; f.lon.value = d.lon; showPlace(); },
  });
  st.picker = picker;
  function showPlace() {
    const lat = Number(d.lat), lon = Number(d.lon), r = Number(d.radius);
    if (d.lat === '' || d.lon === '' || !Number.isFinite(lat) || !Number.isFinite(lon)) { picker.setPoint(); picker.setArea(); return; }
    picker.setPoint(lat, lon);
    picker.setArea(r > 0 ? circlePolygon(lat, lon, r) : null);
  }
  showPlace();
  const submit = h('button', { type: 'submit', class: 'btn primary' }, t('operations.propose'));
  const form = h('form', { class: 'form', 'aria-labelledby': 'op-form-title' },
    h('h2', { id: 'op-form-title' }, t('operations.proposeTitle')),
    h('p', { class: 'note' }, t('operations.proposeHint')),
    h('div', { class: 'row' }, field(t('operations.type'), f.type), field(t('operations.force'), f.force, t('operations.forceHint')),
      field(t('operations.tlp'), f.tlp, t('operations.tlpHint'))),
    h('fieldset', {}, h('legend', {}, t('operations.placeTitle')),
      h('p', { class: 'note' }, t('operations.placeHint')),
      h('div', { class: 'row' }, field(t('operations.lat'), f.lat), field(t('operations.lon'), f.lon), field(t('operations.radius'), f.radius, t('operations.radiusHint'))),
      picker.el),
    h('div', { class: 'row' }, field(t('operations.start'), f.start), field(t('operations.end'), f.end)),
    h('fieldset', {}, h('legend', {}, t('operations.participants')),
      d.participants.map((p, i) => participantRow(p, i, renderForm)),
      h('button', { type: 'button', class: 'btn', id: 'op-add-participant', on: { click: () => { d.participants.push({ state: 'MEX', agency: 'SEMAR', kind: 'officer', count: '10', armed: true, role: 'lead' }); renderForm(); document.getElementById(`op-p${d.participants.length - 1}-agency`)?.focus(); } } }, t('operations.addParticipant'))),
    h('fieldset', {}, h('legend', {}, t('operations.target')),
      h('div', { class: 'row' }, field(t('operations.flag'), f.flag, t('operations.flagHint')),
        h('div', { class: 'field check' }, f.stateless, h('label', { for: 'op-stateless' }, t('operations.stateless'))))),
    submit);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const lat = Number(d.lat), lon = Number(d.lon), radius = Number(d.radius) || 0;
    const body = {
      type: d.type, start: toRFC3339(d.start), end: toRFC3339(d.end), force_level: Number(d.force), tlp: d.tlp,
      participants: d.participants.map((p) => ({ state: p.state, agency: p.agency.trim(), kind: p.kind, count: Number(p.count), armed: !!p.armed, role: p.role.trim() })),
    };
    if (radius > 0) body.area = circlePolygon(lat, lon, radius); else body.location = { lat, lon };
    if (d.flag.trim() || d.stateless) body.target_vessel = { flag: d.flag.trim().toUpperCase(), stateless: !!d.stateless };
    submit.disabled = true;
    try {
      st.result = await api('/operations', { method: 'POST', body });
    } catch (err) {
      st.result = err;
    }
    submit.disabled = false;
    renderResult();
    document.getElementById('op-result')?.focus();
    loadList();
  });
  el.replaceChildren(form);
}

function renderAll() {
  const c = st.container;
  c.replaceChildren(section('op-result'), section('op-detail'), section('op-list'), section('op-form'));
  renderResult();
  renderDetail();
  renderList();
  renderForm();
}

onLanguage(() => { if (st.active) renderAll(); });

export const operationsPage = {
  id: 'operations',
  show(container) {
    st.container = container;
    st.active = true;
    st.list = undefined;
    st.draft = st.draft || newDraft();
    container.replaceChildren();
    // Sections are looked up by id: drop any left from an earlier visit.
    renderAll();
    loadList();
  },
  hide() {
    st.active = false;
    st.gen++;
    st.picker?.remove();
    st.picker = null;
  },
};
