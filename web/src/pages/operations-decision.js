// Rendering of a policy decision (allow, needs_consent, deny) with the rules that fired, their
// effects, citations and reasons in the current language, the consents still needed and those
// given, and the conditions. The policy engine writes every reason and condition in Spanish and
// English ({es, en}); the page shows the one of its language.
import { h } from '../dom.js';
import { t, has, language, fmtDateTime } from '../i18n/index.js';
import { stateName } from './map.js';

// textOf picks a bilingual text ({es, en}) in the current language.
export const textOf = (v) => (v && typeof v === 'object' ? v[language()] ?? v.en ?? '' : v ?? '');

const roleName = (r) => (has(`consentRoles.${r}`) ? t(`consentRoles.${r}`) : r);

// decisionBadge shows a decision (or a rule's effect) as a coloured word.
export function decisionBadge(d) {
  const v = typeof d === 'string' ? d : d?.decision;
  return h('span', { class: `decision decision-${v || 'none'}`, dataset: { decision: v || 'none' } }, has(`decision.${v}`) ? t(`decision.${v}`) : v || t('decision.none'));
}

const consentList = (cs) => cs.map((c) => [c.authority || t('consent.anyAuthority'), stateName(c.state), c.role && roleName(c.role)].filter(Boolean).join(', ')).join('; ');

export function decisionView(d) {
  if (!d) return h('p', { class: 'note' }, t('decision.none'));
  const req = d.required_consents || [];
  const given = d.satisfied_consents || [];
  return h('div', { class: 'decisionbox', dataset: { decision: d.decision } },
    h('p', {}, decisionBadge(d), d.at ? h('span', { class: 'note' }, ' ', t('decision.at', { at: fmtDateTime(d.at, 'short') })) : null),
    h('p', { class: 'note' }, t(`decision.explain.${has(`decision.explain.${d.decision}`) ? d.decision : 'none'}`)),
    req.length ? h('p', {}, h('strong', {}, t('decision.consentOf')), ' ', consentList(req)) : null,
    given.length ? h('p', {}, h('strong', {}, t('decision.consentGiven')), ' ', consentList(given)) : null,
    (d.conditions || []).length ? h('div', {}, h('strong', {}, t('decision.conditions')),
      h('ul', { class: 'rules' }, d.conditions.map((c) => h('li', {}, textOf(c))))) : null,
    (d.rules || []).length ? h('div', {}, h('strong', {}, t('decision.rules')), h('ul', { class: 'rules' }, d.rules.map((r) => h('li', { dataset: { rule: r.id } },
      h('strong', {}, r.id), ' ', r.effect ? decisionBadge(r.effect) : null, ' ',
      textOf(r.reason), r.citation ? h('span', { class: 'cite' }, ' — ', r.citation) : null)))) : null,
    d.policy_version ? h('p', { class: 'note' }, t('decision.version', { version: String(d.policy_version).replace(/^sha256:/, '').slice(0, 12) })) : null);
}
