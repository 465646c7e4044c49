// Oversight: the ledger that records every decision. It shows the latest signed checkpoint
// (GET /api/v1/ledger/checkpoint, a C2SP tlog-checkpoint signed note: origin, number of entries,
// root hash, then the log's and the witnesses' signatures) and, where the server offers it,
// the verification status and counts of what was recorded (GET /api/v1/oversight).
import { api } from '../api.js';
import { h } from '../dom.js';
import { t, has, fmtDateTime, fmtNumber } from '../i18n/index.js';
import { errorView } from '../shell.js';
import { dataPage } from './page.js';
import { checkGrowth } from '../ledgercheck.js';

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

export const oversightPage = dataPage({
  id: 'oversight',
  refreshMs: 30000,
  feature: () => t('oversight.feature'),
  async load() {
    const [cp, ov] = await Promise.all([settle(api('/ledger/checkpoint', { text: true })), settle(api('/oversight'))]);
    // Both missing: the page has nothing to show, say so once.
    if (cp.e && ov.e && cp.e.kind === ov.e.kind) throw cp.e;
    const checkpoint = cp.v ? parseCheckpoint(cp.v) : cp.e;
    let growth;
    if (!(checkpoint instanceof Error)) {
      // The proof must end at the checkpoint just read, whatever the log did since.
      growth = await checkGrowth(checkpoint, (from, to) => api('/ledger/proof/consistency', { query: { from, to } }))
        .catch((err) => ({ status: 'error', error: err }));
    }
    return { checkpoint, growth, oversight: ov.v ?? ov.e };
  },
  render({ checkpoint, growth, oversight }) {
    const out = [];
    out.push(h('section', { class: 'group' }, h('h2', {}, t('oversight.checkpoint')),
      checkpoint instanceof Error ? errorView(checkpoint, { feature: t('oversight.checkpointFeature') })
        : h('dl', { class: 'counts' },
          h('dt', {}, t('oversight.origin')), h('dd', {}, checkpoint.origin),
          h('dt', {}, t('oversight.seq')), h('dd', {}, fmtNumber(checkpoint.size, 0)),
          h('dt', {}, t('oversight.root')), h('dd', {}, h('code', {}, checkpoint.root)),
          h('dt', {}, t('oversight.signers')), h('dd', {}, checkpoint.signers.join(', ') || t('common.na'))),
      growth ? growthView(growth) : null));
    if (oversight instanceof Error) {
      out.push(h('section', { class: 'group' }, h('h2', {}, t('oversight.verification')),
        errorView(oversight, { feature: t('oversight.verificationFeature') })));
      return out;
    }
    const v = oversight.verification || {};
    const ok = v.ok ?? v.valid;
    const counts = Object.entries(oversight.counts || {});
    out.push(
      h('section', { class: 'group' }, h('h2', {}, t('oversight.verification')),
        h('p', { class: ok ? 'ok' : 'bad', role: 'status' }, ok === undefined ? t('oversight.notVerified')
          : ok ? t('oversight.verified', { count: v.entries ?? 0, at: fmtDateTime(v.at ?? v.checked_at) })
            : t('oversight.broken', { message: v.error ?? v.message ?? '' }))),
      h('section', { class: 'group' }, h('h2', {}, t('oversight.counts')),
        counts.length ? h('dl', { class: 'counts' }, counts.map(([k, n]) => [h('dt', {}, has(`ledgerKinds.${k}`) ? t(`ledgerKinds.${k}`) : k), h('dd', {}, fmtNumber(n, 0))]))
          : h('p', { class: 'empty' }, t('oversight.noCounts'))));
    return out;
  },
});
