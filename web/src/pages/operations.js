// Operations: proposed and authorised operations with their policy decision and its reasons
// (GET /api/v1/operations), and a form to propose one (POST /api/v1/operations, the input
// format of `accord policy check`).
import { api } from '../api.js';
import { h } from '../dom.js';
import { t, has, fmtDateTime, fmtNumber } from '../i18n/index.js';
import { errorView } from '../shell.js';
import { dataPage, table, field, select } from './page.js';
import { listOf } from './alerts.js';
import { decisionView } from './decision.js';
import { circlePolygon, toRFC3339, inputTime } from './geo.js';

const types = ['maritime_interdiction', 'arrest', 'search_premises', 'surveillance', 'asset_freeze', 'transfer',
  'joint_patrol', 'naval_presence', 'liaison_meeting', 'training_visit'];
const kinds = ['officer', 'agent', 'troops', 'ship'];
let lastResult; // the answer to the last proposal (operation or ApiError)

const typeName = (v) => (has(`opTypes.${v}`) ? t(`opTypes.${v}`) : v || '');

function placeText(op) {
  const p = op.location || op.place?.point || op.place;
  if (p && Number.isFinite(p.lat)) return `${fmtNumber(p.lat, 3)}, ${fmtNumber(p.lon, 3)}`;
  if (op.area || op.place?.area) return t('operations.area');
  return '';
}

function proposeForm(reload, rerender) {
  const now = new Date();
  const f = {
    type: select({ id: 'op-type', name: 'type' }, types.map((v) => [v, typeName(v)]), 'joint_patrol'),
    lat: h('input', { id: 'op-lat', type: 'number', step: 'any', min: '-90', max: '90', required: true, value: '24.5' }),
    lon: h('input', { id: 'op-lon', type: 'number', step: 'any', min: '-180', max: '180', required: true, value: '-107.5' }),
    radius: h('input', { id: 'op-radius', type: 'number', step: 'any', min: '0', value: '0' }),
    start: h('input', { id: 'op-start', type: 'datetime-local', required: true, value: inputTime(new Date(now.getTime() + 86400e3)) }),
    end: h('input', { id: 'op-end', type: 'datetime-local', required: true, value: inputTime(new Date(now.getTime() + 3 * 86400e3)) }),
    state: select({ id: 'op-state' }, [['USA', t('states.USA')], ['MEX', t('states.MEX')]], 'USA'),
    agency: h('input', { id: 'op-agency', required: true, value: 'DEA', autocomplete: 'off' }),
    kind: select({ id: 'op-kind' }, kinds.map((k) => [k, t(`participantKinds.${k}`)]), 'agent'),
    count: h('input', { id: 'op-count', type: 'number', min: '1', step: '1', required: true, value: '4' }),
    armed: h('input', { id: 'op-armed', type: 'checkbox' }),
    force: h('input', { id: 'op-force', type: 'number', min: '1', max: '5', step: '1', required: true, value: '2' }),
    flag: h('input', { id: 'op-flag', maxlength: '3', autocomplete: 'off' }),
    stateless: h('input', { id: 'op-stateless', type: 'checkbox' }),
  };
  const submit = h('button', { type: 'submit', class: 'btn primary' }, t('operations.propose'));
  const form = h('form', { class: 'form', 'aria-labelledby': 'op-form-title' },
    h('h2', { id: 'op-form-title' }, t('operations.proposeTitle')),
    h('p', { class: 'note' }, t('operations.proposeHint')),
    h('div', { class: 'row' }, field(t('operations.type'), f.type), field(t('operations.force'), f.force, t('operations.forceHint'))),
    h('div', { class: 'row' }, field(t('operations.lat'), f.lat), field(t('operations.lon'), f.lon), field(t('operations.radius'), f.radius, t('operations.radiusHint'))),
    h('div', { class: 'row' }, field(t('operations.start'), f.start), field(t('operations.end'), f.end)),
    h('fieldset', {}, h('legend', {}, t('operations.participants')),
      h('div', { class: 'row' }, field(t('operations.state'), f.state), field(t('operations.agency'), f.agency),
        field(t('operations.kind'), f.kind), field(t('operations.count'), f.count),
        h('div', { class: 'field check' }, f.armed, h('label', { for: 'op-armed' }, t('operations.armed'))))),
    h('fieldset', {}, h('legend', {}, t('operations.target')),
      h('div', { class: 'row' }, field(t('operations.flag'), f.flag, t('operations.flagHint')),
        h('div', { class: 'field check' }, f.stateless, h('label', { for: 'op-stateless' }, t('operations.stateless'))))),
    submit);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const lat = Number(f.lat.value), lon = Number(f.lon.value), radius = Number(f.radius.value);
    const body = {
      type: f.type.value,
      start: toRFC3339(f.start.value),
      end: toRFC3339(f.end.value),
      participants: [{ state: f.state.value, agency: f.agency.value.trim(), kind: f.kind.value, count: Number(f.count.value), armed: f.armed.checked, role: 'lead' }],
      force_level: Number(f.force.value),
    };
    if (radius > 0) body.area = circlePolygon(lat, lon, radius); else body.location = { lat, lon };
    if (f.flag.value.trim() || f.stateless.checked) body.target_vessel = { flag: f.flag.value.trim().toUpperCase(), stateless: f.stateless.checked };
    submit.disabled = true;
    try {
      lastResult = await api('/operations', { method: 'POST', body });
    } catch (err) {
      lastResult = err;
    }
    submit.disabled = false;
    await reload();
    document.getElementById('op-result')?.focus();
  });
  return form;
}

export const operationsPage = dataPage({
  id: 'operations',
  feature: () => t('operations.feature'),
  load: async () => listOf(await api('/operations'), 'operations', 'items'),
  render(list, { reload, rerender }) {
    const result = lastResult === undefined ? null : h('section', { id: 'op-result', tabindex: '-1', class: 'group', 'aria-live': 'polite' },
      h('h2', {}, t('operations.result')),
      lastResult instanceof Error ? errorView(lastResult, { feature: t('operations.proposeFeature') })
        : [h('p', {}, t('operations.recorded', { id: lastResult.id ?? '' })), decisionView(lastResult.decision ?? lastResult)]);
    return [
      result,
      list.length ? table(t('operations.caption'), [
        [t('operations.id'), (o) => String(o.id ?? '')],
        [t('operations.type'), (o) => typeName(o.type)],
        [t('operations.place'), placeText],
        [t('operations.window'), (o) => `${fmtDateTime(o.start, 'short')} – ${fmtDateTime(o.end, 'short')}`],
        [t('operations.by'), (o) => (o.participants || []).map((p) => `${p.agency} (${p.state}) ×${p.count}`).join(', ')],
        [t('operations.decision'), (o) => decisionView(o.decision ?? o)],
      ], list) : h('p', { class: 'empty' }, t('operations.none')),
      proposeForm(reload, rerender),
    ];
  },
});
