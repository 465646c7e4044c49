// Rendering of a policy decision (allow, needs_consent, deny) with the rules that fired, their
// citations and their reasons in the current language.
import { h } from '../dom.js';
import { t, has, language } from '../i18n/index.js';
import { stateName } from './map.js';

// textOf picks a bilingual text ({es, en}, as the policy engine writes reasons and conditions)
// in the current language.
const textOf = (v) => (v && typeof v === 'object' ? v[language()] ?? v.en ?? '' : v ?? '');

// reasonOf picks the reason of a fired rule in the current language from the shapes the policy
// engine may use: reason {es, en}, reason_es/reason_en, or a plain reason.
function reasonOf(r) {
  const l = language();
  if (r[`reason_${l}`]) return r[`reason_${l}`];
  if (r.reason && typeof r.reason === 'object') return r.reason[l] ?? r.reason.en ?? '';
  if (r.reasons && typeof r.reasons === 'object') return r.reasons[l] ?? r.reasons.en ?? '';
  return r.reason ?? '';
}

export function decisionBadge(d) {
  const v = typeof d === 'string' ? d : d?.decision;
  return h('span', { class: `decision decision-${v}` }, has(`decision.${v}`) ? t(`decision.${v}`) : v || t('decision.none'));
}

export function decisionView(d) {
  if (!d) return h('p', { class: 'note' }, t('decision.none'));
  const req = d.required_consents || [];
  return h('div', { class: 'decisionbox' },
    h('p', {}, decisionBadge(d)),
    req.length ? h('p', {}, t('decision.consentOf', {
      list: req.map((c) => [c.authority, stateName(c.state), c.role && (has(`consentRoles.${c.role}`) ? t(`consentRoles.${c.role}`) : c.role)].filter(Boolean).join(', ')).join('; '),
    })) : null,
    (d.conditions || []).length ? h('div', {}, h('strong', {}, t('decision.conditions')),
      h('ul', { class: 'rules' }, d.conditions.map((c) => h('li', {}, textOf(c))))) : null,
    (d.rules || []).length ? h('ul', { class: 'rules' }, d.rules.map((r) => h('li', {},
      h('strong', {}, r.id), ' ', r.effect || r.decision ? decisionBadge(r.effect || r.decision) : null, ' ',
      reasonOf(r), r.citation ? h('span', { class: 'cite' }, ' — ', r.citation) : null))) : null,
    d.policy_version ? h('p', { class: 'note' }, t('decision.version', { version: String(d.policy_version).slice(0, 12) })) : null);
}
