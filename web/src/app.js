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
import { loginPage, loadSession } from './pages/login.js';

window.accord = window.accord || {};
for (const p of [mapPage, alertsPage, casesPage, operationsPage, consentPage, oversightPage, loginPage]) registerPage(p);
start();
loadSession();
