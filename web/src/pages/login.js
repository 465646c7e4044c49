// Sign-in: POST /api/v1/login with the user name and password; the server answers with a
// session cookie (and the CSRF token for later changes). The header shows who is signed in.
import { api, setCSRF } from '../api.js';
import { h, $ } from '../dom.js';
import { t, has, onLanguage } from '../i18n/index.js';
import { errorView } from '../shell.js';
import { field } from './page.js';

let user = null; // {username, name, agency, state, roles}
let error = null;

const roleName = (r) => (has(`roles.${r}`) ? t(`roles.${r}`) : r);

function userFrom(body) {
  const u = body?.user ?? body;
  return u && (u.username || u.name || u.id) ? u : null;
}

export function renderUser() {
  const el = $('user');
  if (!el) return;
  if (!user) {
    el.replaceChildren(h('a', { href: '#/login' }, t('login.signIn')));
    return;
  }
  const roles = (user.roles || (user.role ? [user.role] : [])).map(roleName).join(', ');
  el.replaceChildren(h('span', {}, t('login.signedInAs', { name: user.name || user.username, agency: user.agency ?? '', roles })), ' ',
    h('button', { type: 'button', class: 'btn link', on: { click: logout } }, t('login.signOut')));
}

// loadSession asks the server who is signed in (GET /api/v1/session); a server without
// sessions leaves the header with the sign-in link.
export async function loadSession() {
  try {
    const s = await api('/session');
    user = userFrom(s);
    if (s?.csrf) setCSRF(s.csrf);
  } catch { user = null; }
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
function render() {
  if (!container) return;
  const name = h('input', { id: 'login-user', name: 'username', autocomplete: 'username', required: true });
  const pass = h('input', { id: 'login-pass', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const submit = h('button', { type: 'submit', class: 'btn primary' }, t('login.submit'));
  const form = h('form', { class: 'form narrow', 'aria-labelledby': 'page-title' },
    user ? h('p', { class: 'ok', role: 'status' }, t('login.already', { name: user.name || user.username })) : null,
    error ? errorView(error, { feature: t('login.feature') }) : null,
    field(t('login.user'), name), field(t('login.password'), pass), submit);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    submit.disabled = true;
    try {
      const body = await api('/login', { method: 'POST', body: { username: name.value.trim(), password: pass.value } });
      user = userFrom(body) || { username: name.value.trim() };
      if (body?.csrf) setCSRF(body.csrf);
      error = null;
      renderUser();
      location.hash = '#/alerts';
      return;
    } catch (err) {
      // A wrong password is a 401: say so in the form, not "sign in first".
      error = err.kind === 'auth' ? Object.assign(err, { kind: 'badLogin' }) : err;
    }
    submit.disabled = false;
    render();
    pass.focus();
  });
  container.replaceChildren(form);
}

onLanguage(() => { render(); renderUser(); });

export const loginPage = {
  id: 'login',
  show(c) { container = c; render(); },
  hide() { container = null; },
};
