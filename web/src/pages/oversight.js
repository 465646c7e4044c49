// Oversight: the ledger that records every decision (GET /api/v1/oversight, for the oversight,
// monitor and admin roles): the latest signed checkpoints with their witness cosignatures, the
// server's latest verification of the whole log (with a button to verify again now,
// POST /api/v1/oversight/verify), and counts of what the log records (operations by decision,
// consents by state, alerts by kind, entries by action). The liaison meetings whose written
// report is overdue come from GET /api/v1/liaison?overdue=1 (oversight and monitor roles).
// Independently of the server's word, this browser checks that the log only grew since it last
// looked (ledgercheck.js) against the latest checkpoint (GET /api/v1/ledger/checkpoint).
import { api } from '../api.js';
import { h } from '../dom.js';
import { t, has, fmtDateTime, fmtNumber } from '../i18n/index.js';
import { errorView } from '../shell.js';
import { dataPage, table } from './page.js';
import { checkGrowth } from '../ledgercheck.js';
import { windowText } from './operations.js';
import { stateName } from './map.js';

// parseCheckpoint reads a signed note: body lines, a blank line, signature lines "— name sig".
export function parseCheckpoint(note) {
  const [body, sigs = ''] = note.split('\n\n');
  const [origin, size, root] = body.split('\n');
  const signers = sigs.split('\n').filter((l) => l.startsWith('\u2014 ')).map((l) => l.slice(2).split(' ')[0]);
  return { origin, size: Number(size), root, signers };
}

// growthView says whether the log only grew since this browser last looked.
function growthView(g) {
  if (g.status === 'error') return errorView(g.error, { feature: t('oversight.proofFeature'), compact: true });
  const cls = g.status === 'inconsistent' ? 'bad' : g.status === 'unverifiable' ? 'note' : 'ok';
  return h('p', { id: 'ledger-growth', class: cls, role: 'status', dataset: { status: g.status } }, t(`oversight.growth.${g.status}`, { from: g.from ?? 0, to: g.to ?? 0 }));
}

const settle = (p) => p.then((v) => ({ v }), (e) => ({ e }));
let verifyResult; // the answer of the last "verify now" (an ApiError, or undefined)

const label = (group, k) => (has(`oversight.${group}.${k}`) ? t(`oversight.${group}.${k}`) : k);

// countList renders a map of counts as a definition list, largest first.
function countList(id, group, m, order) {
  const keys = order ? [...order, ...Object.keys(m || {}).filter((k) => !order.includes(k))] : Object.keys(m || {}).sort((a, b) => m[b] - m[a]);
  if (!keys.length) return h('p', { class: 'empty' }, t('oversight.noneCounted'));
  return h('dl', { class: 'counts', id }, keys.map((k) => [h('dt', {}, label(group, k)), h('dd', { dataset: { key: k } }, fmtNumber(m?.[k] ?? 0, 0))]));
}

function verificationView(ov, reload) {
  const v = ov.verification;
  const verifyBtn = h('button', { type: 'button', class: 'btn', id: 'ov-verify', on: {
    click: async (e) => {
      e.target.disabled = true;
      e.target.textContent = t('oversight.verifying');
      try { await api('/oversight/verify', { method: 'POST', timeoutMs: 30000 }); verifyResult = undefined; } catch (err) { verifyResult = err; }
      await reload();
      document.getElementById('ov-verify')?.focus();
    },
  } }, t('oversight.verifyNow'));
  let status;
  if (!v) status = h('p', { class: 'note', role: 'status', id: 'ov-status', dataset: { status: 'running' } }, t('oversight.firstRun'));
  else {
    const cls = v.status === 'ok' ? 'ok' : v.status === 'failed' ? 'bad' : 'note';
    status = h('p', { class: cls, role: 'status', id: 'ov-status', dataset: { status: v.status } }, t(`oversight.status.${v.status}`, {
      count: v.entries, at: fmtDateTime(v.finished), ms: fmtNumber(v.duration_ms, 0), problems: fmtNumber(v.problems_total, 0), message: v.message || '',
    }));
  }
  return h('section', { class: 'group' }, h('h2', {}, t('oversight.verification')),
    h('p', { class: 'note' }, t('oversight.verificationHint')),
    status,
    v ? h('dl', { class: 'counts' },
      h('dt', {}, t('oversight.root')), h('dd', {}, h('code', {}, v.root)),
      h('dt', {}, t('oversight.recordsChecked')), h('dd', {}, t('oversight.recordsLine', { checked: fmtNumber(v.records_checked, 0), unchecked: fmtNumber(v.records_unchecked, 0) })),
      h('dt', {}, t('oversight.checkpointsChecked')), h('dd', {}, t('oversight.checkpointsLine', { checkpoints: fmtNumber(v.checkpoints_checked, 0), cosignatures: fmtNumber(v.cosignatures_verified, 0) })),
      ov.next_verification ? [h('dt', {}, t('oversight.next')), h('dd', {}, fmtDateTime(ov.next_verification))] : null) : null,
    v && v.problems?.length ? h('ul', { class: 'rules', id: 'ov-problems' }, v.problems.map((p) => h('li', {},
      h('strong', {}, label('problems', p.kind)), ' ', p.record_type ? `${p.record_type}/${p.record_id} ` : '', p.seq !== undefined ? t('oversight.atEntry', { seq: p.seq }) : '', ' — ', p.detail))) : null,
    v?.status === 'failed' ? h('p', { class: 'bad' }, t('oversight.failedNext')) : null,
    verifyResult ? errorView(verifyResult, { feature: t('oversight.verifyFeature'), compact: true }) : null,
    h('p', {}, verifyBtn));
}

function checkpointsView(ov) {
  const cps = ov.checkpoints || [];
  if (!cps.length) return h('p', { class: 'empty' }, t('oversight.noCheckpoints'));
  return table(t('oversight.checkpointsCaption'), [
    [t('oversight.seq'), (c) => fmtNumber(c.size, 0)],
    [t('oversight.root'), (c) => h('code', {}, c.root)],
    [t('oversight.logSignature'), (c) => h('span', { class: c.log_signature_valid ? 'ok' : 'bad' }, c.log_signature_valid ? t('oversight.signatureOk') : t('oversight.signatureBad', { error: c.error || '' }))],
    [t('oversight.cosignatures'), (c) => (c.cosignatures.length ? c.cosignatures.map((w) => t('oversight.cosignedBy', { witness: w.witness, at: fmtDateTime(w.time, 'short') })).join('; ') : t('oversight.noCosignatures'))
      + (c.unverified_signers?.length ? ' ' + t('oversight.unknownSigners', { list: c.unverified_signers.join(', ') }) : '')],
  ], cps);
}

function liaisonView(l) {
  if (l instanceof Error) return errorView(l, { feature: t('oversight.liaisonFeature'), compact: true });
  const rows = l?.meetings ?? l?.liaison ?? l?.items ?? (Array.isArray(l) ? l : []);
  if (!rows.length) return h('p', { class: 'ok', id: 'ov-liaison' }, t('oversight.noOverdue'));
  return table(t('oversight.liaisonCaption', { count: rows.length }), [
    [t('operations.id'), (r) => r.operation_id],
    [t('operations.window'), (r) => windowText(r.start, r.end)],
    [t('oversight.due'), (r) => fmtDateTime(r.due, 'short')],
    [t('oversight.overdueBy'), (r) => t('oversight.hours', { n: fmtNumber(r.overdue_hours ?? 0, 0) })],
    [t('operations.states'), (r) => (r.states || []).map(stateName).join(', ')],
  ], rows);
}

export const oversightPage = dataPage({
  id: 'oversight',
  refreshMs: 30000,
  feature: () => t('oversight.feature'),
  async load() {
    const [cp, ov, li] = await Promise.all([settle(api('/ledger/checkpoint', { text: true })), settle(api('/oversight')), settle(api('/liaison', { query: { overdue: '1' } }))]);
    // Both missing: the page has nothing to show, say so once.
    if (cp.e && ov.e && cp.e.kind === ov.e.kind) throw cp.e;
    const checkpoint = cp.v ? parseCheckpoint(cp.v) : cp.e;
    let growth;
    if (!(checkpoint instanceof Error)) {
      // The proof must end at the checkpoint just read, whatever the log did since.
      growth = await checkGrowth(checkpoint, (from, to) => api('/ledger/proof/consistency', { query: { from, to } }))
        .catch((err) => ({ status: 'error', error: err }));
    }
    return { checkpoint, growth, oversight: ov.v ?? ov.e, liaison: li.v ?? li.e };
  },
  render({ checkpoint, growth, oversight, liaison }, { reload }) {
    const out = [];
    if (oversight instanceof Error) {
      out.push(h('section', { class: 'group' }, h('h2', {}, t('oversight.verification')), errorView(oversight, { feature: t('oversight.verificationFeature') })));
    } else {
      const c = oversight.counts;
      out.push(verificationView(oversight, reload),
        h('section', { class: 'group' }, h('h2', {}, t('oversight.checkpoints')), h('p', { class: 'note' }, t('oversight.checkpointsHint')), checkpointsView(oversight)),
        h('section', { class: 'group' }, h('h2', {}, t('oversight.counts')),
          c ? [h('p', { class: 'note' }, t('oversight.countsHint', { count: fmtNumber(c.as_of_entries, 0) })),
            h('div', {},
              h('div', {}, h('h3', {}, t('oversight.operationsTitle')), countList('ov-operations', 'decisions', c.operations, ['allow', 'needs_consent', 'deny', 'none'])),
              h('div', {}, h('h3', {}, t('oversight.consentsTitle')), countList('ov-consents', 'consents', c.consents, ['pending', 'granted', 'denied', 'revoked'])),
              h('div', {}, h('h3', {}, t('oversight.alertsTitle')), countList('ov-alerts', 'alerts', c.alerts)),
              h('div', {}, h('h3', {}, t('oversight.actionsTitle')), countList('ov-actions', 'actions', c.by_action))),
            c.other && Object.keys(c.other).length ? countList('ov-other', 'extra', c.other) : null,
          ] : h('p', { class: 'note' }, t('oversight.firstRun'))));
    }
    out.push(h('section', { class: 'group' }, h('h2', {}, t('oversight.liaisonTitle')), h('p', { class: 'note' }, t('oversight.liaisonHint')), liaisonView(liaison)));
    out.push(h('section', { class: 'group' }, h('h2', {}, t('oversight.checkpoint')),
      h('p', { class: 'note' }, t('oversight.browserCheckHint')),
      checkpoint instanceof Error ? errorView(checkpoint, { feature: t('oversight.checkpointFeature') })
        : h('dl', { class: 'counts' },
          h('dt', {}, t('oversight.origin')), h('dd', {}, checkpoint.origin),
          h('dt', {}, t('oversight.seq')), h('dd', {}, fmtNumber(checkpoint.size, 0)),
          h('dt', {}, t('oversight.root')), h('dd', {}, h('code', {}, checkpoint.root)),
          h('dt', {}, t('oversight.signers')), h('dd', {}, checkpoint.signers.join(', ') || t('common.na'))),
      growth ? growthView(growth) : null));
    return out;
  },
});

