// Cases: the interdiction cases opened from alerts. #/cases lists the cases the user may read
// (GET /api/v1/cases?authority=), grouped by the competent authority that owns them, with an
// authority filter; #/cases/{id} shows one case (GET /api/v1/cases/{id}) with its history and
// the steps the law allows next (POST /api/v1/cases/{id}/consent-request, consent-answer,
// pursuit, hand-over, accept, board, close), offered to watch officers of the state that acts
// on the case (next_actor). The server decides; a refused step shows its reason.
import { api } from '../api.js';
import { h } from '../dom.js';
import { t, has, fmtDateTime } from '../i18n/index.js';
import { errorView } from '../shell.js';
import { dataPage, table, field, select } from './page.js';
import { listOf } from './alerts.js';
import { stateName, zoneName } from './map.js';
import { currentUser } from './login.js';

const label = (prefix, v) => (v && has(`${prefix}.${v}`) ? t(`${prefix}.${v}`) : v || '');
const authorities = ['SEMAR', 'USCG'];
const filters = { authority: '' };
let stepError = null; // the last refused step of the case shown
const typed = { lat: '', lon: '', outcome: '', note: '' }; // what is being typed, kept across refreshes
const outcomes = ['no_offence', 'seizure', 'detention', 'lost_contact', 'false_alarm', 'referred'];

// caseID is the id in #/cases/{id}, or '' on the list.
const caseID = () => decodeURIComponent(location.hash.replace(/^#\/?cases\/?/, '').split('/')[0] || '');

const placeText = (p) => `${stateName(p?.state)} · ${zoneName(p?.zone ?? '')}`;
const eventName = (a) => label('cases.eventNames', String(a || '').replace('.', '_'));

function listView(list, { reload }) {
  const bar = h('form', { class: 'filters', role: 'search', 'aria-label': t('cases.filters'), on: { submit: (e) => e.preventDefault() } },
    field(t('cases.filterAuthority'), select({ id: 'case-authority', on: { change: (e) => { filters.authority = e.target.value; reload(); } } },
      [['', t('common.all')], ...authorities.map((a) => [a, a])], filters.authority)));
  if (!list.length) return [bar, h('p', { class: 'empty' }, t('cases.none'))];
  const byAuthority = new Map();
  for (const c of list) {
    const k = c.authority || '';
    if (!byAuthority.has(k)) byAuthority.set(k, []);
    byAuthority.get(k).push(c);
  }
  return [bar, ...[...byAuthority.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([auth, cases]) => h('section', { class: 'group' },
    h('h2', {}, t('cases.authority', { authority: auth || t('where.noAuthority'), count: cases.length })),
    table(t('cases.caption', { authority: auth || t('where.noAuthority') }), [
      [t('cases.id'), (c) => h('a', { href: `#/cases/${encodeURIComponent(c.id)}`, class: 'case-link', 'aria-label': t('cases.view', { id: c.id }) }, String(c.id ?? ''))],
      [t('cases.status'), (c) => label('caseStatus', c.status)],
      [t('cases.opened'), (c) => fmtDateTime(c.opened ?? c.events?.[0]?.time)],
      [t('cases.vessels'), (c) => (c.mmsi || []).join(', ')],
      [t('cases.flag'), (c) => (c.flag ? stateName(c.flag) : t('cases.stateless'))],
      [t('cases.place'), (c) => placeText(c.place)],
      [t('cases.next'), (c) => (c.status === 'boarded' || c.status === 'closed' ? t('common.na') : stateName(c.next_actor))],
    ], cases)))];
}

// steps returns the buttons (and the pursuit form) for the steps the case's status allows.
function steps(c, run) {
  const hs = !c.place?.state || c.place?.zone === 'high_seas';
  const btn = (id, text, path, body, primary) => h('button', { id, type: 'button', class: 'btn' + (primary ? ' primary' : ''),
    on: { click: (e) => { e.currentTarget.disabled = true; run(path, body); } } }, text);
  const out = [];
  switch (c.status) {
    case 'open':
      if (hs) out.push(btn('case-consent-request', t('cases.consentRequest'), 'consent-request', {}, true));
      if (!hs && c.place?.state === c.acting_state) out.push(btn('case-pursuit-start', t('cases.pursuitStart'), 'pursuit', { action: 'start' }));
      out.push(btn('case-board', t('cases.board'), 'board', {}, !hs));
      break;
    case 'awaiting_consent':
      out.push(btn('case-consent-yes', t('cases.consentGranted'), 'consent-answer', { granted: true }, true),
        btn('case-consent-no', t('cases.consentRefused'), 'consent-answer', { granted: false }));
      break;
    case 'consent_granted':
    case 'consent_refused':
      out.push(btn('case-board', t('cases.board'), 'board', {}, c.status === 'consent_granted'));
      break;
    case 'pursuit': {
      const input = (k, min, max) => h('input', { id: `case-${k}`, type: 'number', step: 'any', min, max, required: true, value: typed[k],
        on: { input: (e) => { typed[k] = e.target.value; } } });
      const lat = input('lat', -90, 90), lon = input('lon', -180, 180);
      out.push(h('form', { class: 'form', id: 'case-pursuit', on: { submit: (e) => { e.preventDefault(); run('pursuit', { action: 'update', lat: Number(lat.value), lon: Number(lon.value) }); } } },
        field(t('cases.lat'), lat), field(t('cases.lon'), lon),
        h('button', { type: 'submit', class: 'btn primary' }, t('cases.pursuitUpdate'))),
      btn('case-board', t('cases.board'), 'board', {}));
      break;
    }
    case 'pursuit_must_stop':
      out.push(btn('case-hand-over', t('cases.handOver'), 'hand-over', {}, true));
      break;
    case 'handed_over':
      out.push(btn('case-accept', t('cases.accept'), 'accept', {}, true));
      break;
  }
  // Any case its authority has may be closed (a handed-over one is accepted first).
  if (c.status !== 'handed_over' && c.status !== 'closed') out.push(closeForm(run));
  return out;
}

// closeForm closes the case with an outcome and an optional note.
function closeForm(run) {
  const outcome = select({ id: 'case-outcome', required: true, on: { change: (e) => { typed.outcome = e.target.value; } } },
    [['', '—'], ...outcomes.map((o) => [o, t(`cases.outcomes.${o}`)])], typed.outcome);
  const note = h('textarea', { id: 'case-close-note', rows: '2', maxlength: '500', on: { input: (e) => { typed.note = e.target.value; } } }, typed.note);
  return h('form', { class: 'form', id: 'case-close-form', on: { submit: (e) => {
    e.preventDefault();
    run('close', { outcome: outcome.value, note: note.value });
  } } },
  field(t('cases.outcome'), outcome),
  field(t('cases.closeNote'), note, t('cases.closeNoteHint')),
  h('button', { type: 'submit', id: 'case-close', class: 'btn' }, t('cases.close')));
}

function detailView(c, { reload }) {
  const run = async (path, body) => {
    stepError = null;
    try {
      await api(`/cases/${encodeURIComponent(c.id)}/${path}`, { method: 'POST', body });
      typed.lat = typed.lon = typed.outcome = typed.note = '';
    } catch (err) {
      stepError = err;
    }
    await reload();
  };
  const u = currentUser();
  const mine = u && (u.roles || []).includes('watch_officer') && u.state === c.next_actor;
  const m = c.markings || {};
  const actions = mine ? steps(c, run) : [];
  return [
    h('p', {}, h('a', { href: '#/cases', id: 'case-back' }, t('cases.back'))),
    h('section', { class: 'group', id: 'case-detail', dataset: { status: c.status } },
      h('h2', {}, t('cases.detailTitle', { id: c.id })),
      h('dl', { class: 'counts' },
        h('dt', {}, t('cases.status')), h('dd', { id: 'case-status' }, label('caseStatus', c.status)),
        h('dt', {}, t('cases.authorityNow')), h('dd', {}, c.authority || t('where.noAuthority')),
        h('dt', {}, t('cases.actingState')), h('dd', {}, stateName(c.acting_state)),
        h('dt', {}, t('cases.place')), h('dd', {}, placeText(c.place)),
        h('dt', {}, t('cases.vessels')), h('dd', {}, (c.mmsi || []).join(', ')),
        h('dt', {}, t('cases.flag')), h('dd', {}, c.flag ? stateName(c.flag) : t('cases.stateless')),
        h('dt', {}, t('cases.alert')), h('dd', {}, c.alert_id || ''),
        h('dt', {}, t('cases.openedBy')), h('dd', {}, `${c.opened_by || ''} · ${fmtDateTime(c.opened)}`),
        h('dt', {}, t('cases.markings')), h('dd', {}, [m.originator, m.tlp && `TLP:${m.tlp}`, (m.rel_to || []).join(', ')].filter(Boolean).join(' · ')),
        c.closed ? [h('dt', {}, t('cases.closed')), h('dd', { id: 'case-outcome-shown' },
          [label('cases.outcomes', c.outcome), fmtDateTime(c.closed), c.close_note].filter(Boolean).join(' · '))] : null)),
    h('section', { class: 'group' },
      h('h2', {}, t('cases.steps')),
      stepError ? errorView(stepError, { feature: t('cases.stepFeature'), compact: true }) : null,
      mine ? (actions.length ? h('div', { class: 'row', id: 'case-actions' }, actions) : h('p', { class: 'note' }, t('cases.noSteps')))
        : h('p', { class: 'note', id: 'case-not-yours' }, t('cases.notYours', { state: stateName(c.next_actor) }))),
    h('section', { class: 'group' },
      h('h2', {}, t('cases.events')),
      table(t('cases.eventsCaption', { id: c.id }), [
        [t('cases.time'), (e) => fmtDateTime(e.time)],
        [t('cases.step'), (e) => eventName(e.action)],
        [t('cases.detail'), (e) => e.detail || ''],
        [t('cases.by'), (e) => e.by || ''],
      ], c.events || [])),
  ];
}

const page = dataPage({
  id: 'cases',
  refreshMs: 15000,
  feature: () => (caseID() ? t('cases.detailFeature') : t('cases.feature')),
  load: async () => {
    const id = caseID();
    if (id) return { one: await api(`/cases/${encodeURIComponent(id)}`) };
    return { list: listOf(await api('/cases', { query: { authority: filters.authority } }), 'cases', 'items') };
  },
  render(data, { reload }) {
    return data.one ? detailView(data.one, { reload }) : listView(data.list, { reload });
  },
});

export const casesPage = {
  ...page,
  show(c) { stepError = null; page.show(c); },
};
