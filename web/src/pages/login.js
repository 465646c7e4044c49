// Sign-in: POST /api/v1/login {name, password}; the server answers with an HttpOnly session
// cookie, the user ({id, name, agency, state, roles}) and the CSRF token for later changes.
// GET /api/v1/me says who is signed in after a reload. The header shows who is signed in.
import { api, setCSRF } from '../api.js';
import { h, $ } from '../dom.js';
import { t, has, onLanguage } from '../i18n/index.js';
import { errorView } from '../shell.js';
import { field } from './page.js';

let user = null; // {id, name, agency, state, roles}
let error = null;

const roleName = (r) => (has(`roles.${r}`) ? t(`roles.${r}`) : r);

function userFrom(body) {
  const u = body?.user ?? body;
  return u && u.name ? u : null;
}

export const currentUser = () => user;

// landing is the page a role starts on: approvers their consent inbox, analysts and legal
// officers the operations, oversight and monitors the ledger, everyone else the alerts.
function landing(u) {
  const roles = u.roles || [];
  if (roles.includes('approver')) return '#/consent';
  if (roles.includes('analyst') || roles.includes('legal')) return '#/operations';
  if (roles.includes('oversight') || roles.includes('monitor')) return '#/oversight';
  return '#/alerts';
}

export function renderUser() {
  const el = $('user');
  if (!el) return;
  if (!user) {
    el.replaceChildren(h('a', { href: '#/login' }, t('login.signIn')));
    return;
  }
  const roles = (user.roles || (user.role ? [user.role] : [])).map(roleName).join(', ');
  el.replaceChildren(h('span', { id: 'user-name' }, t('login.signedInAs', { name: user.name, agency: user.agency ?? '', roles })), ' ',
    h('button', { type: 'button', class: 'btn link', on: { click: logout } }, t('login.signOut')));
}

// loadSession asks the server who is signed in (GET /api/v1/me); not signed in (401) or a
// server without accounts leaves the header with the sign-in link.
export async function loadSession() {
  try {
    user = userFrom(await api('/me'));
  } catch (err) {
    user = null;
    if (err.kind === 'auth') setCSRF('');
  }
  renderUser();
}

async function logout() {
  try { await api('/logout', { method: 'POST', body: {} }); } catch (err) { console.warn('logout', err); }
  user = null;
  setCSRF('');
  renderUser();
  location.hash = '#/login';
}

let container;
let lastName = ''; // the user name typed, kept when the form re-renders with an error
function render() {
  if (!container) return;
  const name = h('input', { id: 'login-user', name: 'username', autocomplete: 'username', required: true, value: lastName });
  const pass = h('input', { id: 'login-pass', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const submit = h('button', { type: 'submit', class: 'btn primary' }, t('login.submit'));
  // (field() localises the browser's validation messages.)
  const form = h('form', { class: 'form narrow', 'aria-labelledby': 'page-title' },
    user ? h('p', { class: 'ok', role: 'status' }, t('login.already', { name: user.name })) : null,
    error ? errorView(error, { feature: t('login.feature') }) : null,
    field(t('login.user'), name), field(t('login.password'), pass), submit);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    submit.disabled = true;
    lastName = name.value.trim();
    try {
      const body = await api('/login', { method: 'POST', body: { name: name.value.trim(), password: pass.value } });
      user = userFrom(body) || { name: name.value.trim() };
      setCSRF(body?.csrf_token);
      error = null;
      renderUser();
      location.hash = landing(user);
      return;
    } catch (err) {
      // A wrong password is a 401: say so in the form, not "sign in first".
      error = err.kind === 'auth' ? Object.assign(err, { kind: 'badLogin' }) : err;
    }
    render();
    document.getElementById('login-pass')?.focus();
  });
  container.replaceChildren(form);
}

onLanguage(() => { render(); renderUser(); });

export const loginPage = {
  id: 'login',
  show(c) { container = c; render(); },
  hide() { container = null; },
};
