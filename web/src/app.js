// The Accord web UI: the shell (navigation, language switch) and its pages. The map page is built
// once and kept while other pages show, so returning to it is instant.
import 'maplibre-gl/dist/maplibre-gl.css';
import './app.css';
import { registerPage, start } from './shell.js';
import { mapPage } from './pages/map.js';
import { alertsPage } from './pages/alerts.js';
import { casesPage } from './pages/cases.js';
import { operationsPage } from './pages/operations.js';
import { consentPage } from './pages/consents.js';
import { oversightPage } from './pages/oversight.js';
import { loginPage, loadSession, currentUser } from './pages/login.js';

window.accord = window.accord || {};
for (const p of [mapPage, alertsPage, casesPage, operationsPage, consentPage, oversightPage, loginPage]) registerPage(p);
// The picture needs a signed-in user (the API answers 401 otherwise): without a session the
// UI goes to the sign-in page first, so no page asks for data it cannot have.
loadSession().then(() => {
  if (!currentUser() && !/^#\/login/.test(location.hash)) location.hash = '#/login';
  start();
});
