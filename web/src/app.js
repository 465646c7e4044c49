// The Accord map page: vessels from /api/v1/vessels refreshed every 2 s over a local Natural
// Earth basemap; a click on a vessel opens its details and draws its last 24 h track.
import 'maplibre-gl/dist/maplibre-gl.css';
import './app.css';
import { Map, NavigationControl, ScaleControl, setWorkerUrl } from 'maplibre-gl';
import { strings, initialLanguage, saveLanguage, applyStatic } from './i18n.js';
import { style, addArrowImages, category, categories, vesselLayers } from './style.js';

const refreshMs = 2000;
const trackRefreshMs = 15000;
const vesselLimit = 20000;

const config = JSON.parse(document.getElementById('accord-config').textContent);
setWorkerUrl(new URL(config.worker, location.href).href);

const state = {
  lang: initialLanguage(),
  count: null,
  limited: false,
  updated: null,
  offline: false,
  selected: null, // MMSI
  detail: null, // last vessel JSON of the selected vessel
  trackCount: null,
};
let t = strings[state.lang];

const $ = (id) => document.getElementById(id);

const map = new Map({
  container: 'map',
  style: style(new URL(config.basemap, location.href).href),
  bounds: [[-100, 5], [-60, 32]], // Gulf of Mexico, Caribbean and Mexican Pacific
  fitBoundsOptions: { padding: 10 },
  attributionControl: false,
  maxPitch: 0,
});
map.addControl(new NavigationControl({ showCompass: true }), 'top-left');
map.addControl(new ScaleControl({ unit: 'nautical' }), 'bottom-left');

// Exposed for the browser smoke test and for debugging from the console.
window.accord = { map, state, vesselLayers };

// ---- vessels -----------------------------------------------------------------------------

const wrapLon = (x) => ((((x + 180) % 360) + 360) % 360) - 180;
const clampLat = (y) => Math.max(-90, Math.min(90, y));

// viewBBox is the bbox parameter for the visible area; the server splits boxes that cross the
// antimeridian (minLon > maxLon).
function viewBBox() {
  const b = map.getBounds();
  const round = (v) => Math.round(v * 1e4) / 1e4;
  let w = b.getWest(), e = b.getEast();
  if (e - w >= 360) { w = -180; e = 180; } else { w = wrapLon(w); e = wrapLon(e); }
  if (e === -180) e = 180;
  return [round(w), round(clampLat(b.getSouth())), round(e), round(clampLat(b.getNorth()))].join(',');
}

function toFeature(v) {
  const course = v.heading ?? v.cog;
  const props = { mmsi: v.mmsi, cat: category(v.ship_type) };
  if (course !== undefined && (v.sog ?? 0) >= 0.5) props.rot = course;
  return { type: 'Feature', geometry: { type: 'Point', coordinates: [v.lon, v.lat] }, properties: props };
}

async function refreshVessels() {
  try {
    const res = await fetch(`${config.api}/vessels?bbox=${viewBBox()}&limit=${vesselLimit}`,
      { signal: AbortSignal.timeout(10000), cache: 'no-store' });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const list = await res.json();
    await map.getSource('vessels').setData({ type: 'FeatureCollection', features: list.map(toFeature) });
    state.count = list.length;
    state.limited = res.headers.get('Accord-Limit-Reached') === 'true';
    state.updated = new Date();
    state.offline = false;
    if (state.selected !== null) {
      const v = list.find((x) => x.mmsi === state.selected);
      if (v && state.detail && v.time !== state.detail.time) Object.assign(state.detail, v);
      if (v) renderPanel();
    }
  } catch (err) {
    state.offline = true;
    console.warn('vessel refresh failed', err);
  }
  renderHeader();
  setTimeout(refreshVessels, refreshMs);
}

// ---- selection, panel and track ---------------------------------------------------------------

let trackTimer;

async function select(mmsi) {
  clearTimeout(trackTimer);
  state.selected = mmsi;
  state.detail = null;
  state.trackCount = null;
  map.setFilter('vessels-selected', ['==', ['get', 'mmsi'], mmsi]);
  $('panel').hidden = false;
  renderPanel();
  try {
    const res = await fetch(`${config.api}/vessels/${mmsi}`, { cache: 'no-store' });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    if (state.selected === mmsi) state.detail = await res.json();
  } catch (err) {
    console.warn('vessel detail failed', err);
  }
  renderPanel();
  refreshTrack(mmsi);
}

async function refreshTrack(mmsi) {
  if (state.selected !== mmsi) return;
  try {
    const res = await fetch(`${config.api}/vessels/${mmsi}/track?format=geojson`, { cache: 'no-store' });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const f = await res.json();
    if (state.selected !== mmsi) return;
    state.trackCount = f.properties.count;
    map.getSource('track').setData(f.geometry ? f : { type: 'FeatureCollection', features: [] });
    renderPanel();
  } catch (err) {
    console.warn('track failed', err);
  }
  clearTimeout(trackTimer);
  if (state.selected === mmsi) trackTimer = setTimeout(() => refreshTrack(mmsi), trackRefreshMs);
}

function closePanel() {
  clearTimeout(trackTimer);
  state.selected = null;
  state.detail = null;
  $('panel').hidden = true;
  map.setFilter('vessels-selected', ['==', ['get', 'mmsi'], -1]);
  map.getSource('track').setData({ type: 'FeatureCollection', features: [] });
}

const fmtNum = (v, digits) => v.toLocaleString(state.lang, { maximumFractionDigits: digits });

function fmtTime(iso) {
  if (!iso) return '';
  return new Intl.DateTimeFormat(state.lang, { dateStyle: 'short', timeStyle: 'medium', timeZone: 'UTC' })
    .format(new Date(iso)) + ' UTC';
}

function fmtLatLon(lat, lon) {
  const dm = (v, pos, neg) => {
    const a = Math.abs(v), d = Math.floor(a), m = (a - d) * 60;
    return `${d}°${m.toFixed(3).padStart(6, '0')}′${v >= 0 ? pos : neg}`;
  };
  return `${dm(lat, 'N', 'S')} ${dm(lon, 'E', 'W')}`;
}

function renderPanel() {
  if (state.selected === null) return;
  const v = state.detail;
  const f = t.fields;
  $('panel-title').textContent = v ? (v.name || t.unknownVessel) : t.loading;
  const rows = [];
  const add = (label, value) => { if (value !== undefined && value !== null && value !== '') rows.push([label, value]); };
  if (v) {
    add(f.mmsi, String(v.mmsi).padStart(9, '0'));
    add(f.imo, v.imo);
    add(f.callsign, v.callsign);
    add(f.flag, v.flag);
    const cat = category(v.ship_type);
    add(f.type, t.categories[cat] + (v.ship_type ? ` (${v.ship_type})` : ''));
    if (v.length !== undefined || v.beam !== undefined) {
      add(f.dimensions, `${v.length !== undefined ? fmtNum(v.length, 1) : t.notAvailable} × ${v.beam !== undefined ? fmtNum(v.beam, 1) : t.notAvailable} m`);
    }
    if (v.draught !== undefined) add(f.draught, `${fmtNum(v.draught, 1)} m`);
    add(f.destination, v.destination);
    add(f.position, fmtLatLon(v.lat, v.lon));
    add(f.time, fmtTime(v.time));
    add(f.sog, v.sog !== undefined ? `${fmtNum(v.sog, 1)} kn` : t.notAvailable);
    add(f.cog, v.cog !== undefined ? `${fmtNum(v.cog, 1)}°` : t.notAvailable);
    if (v.heading !== undefined) add(f.heading, `${fmtNum(v.heading, 0)}°`);
    if (v.nav_status !== undefined) add(f.navStatus, t.navStatus[v.nav_status] ?? String(v.nav_status));
    add(f.transponder, v.class_b ? t.classB : t.classA);
    add(f.source, v.source);
  }
  const dl = $('panel-fields');
  dl.replaceChildren(...rows.flatMap(([k, val]) => {
    const dt = document.createElement('dt');
    dt.textContent = k;
    const dd = document.createElement('dd');
    dd.textContent = String(val);
    return [dt, dd];
  }));
  $('panel-track').textContent = state.trackCount === null ? '' : (state.trackCount ? t.track(state.trackCount) : t.trackNone);
}

function renderHeader() {
  $('count').textContent = state.count === null ? '–'
    : fmtNum(state.count, 0) + (state.limited ? ` (${t.limitReached})` : '');
  $('updated').textContent = state.updated
    ? new Intl.DateTimeFormat(state.lang, { timeStyle: 'medium' }).format(state.updated) : '–';
  $('status').textContent = state.offline ? t.offline : '';
  $('status').classList.toggle('bad', state.offline);
}

function renderLegend() {
  const items = categories.map(([cat, fill]) => {
    const row = document.createElement('div');
    const sw = document.createElement('span');
    sw.className = 'swatch swatch-' + cat;
    sw.dataset.colour = fill;
    const label = document.createElement('span');
    label.textContent = t.categories[cat];
    row.append(sw, label);
    return row;
  });
  $('legend').replaceChildren(...items);
}

function setLanguage(lang) {
  state.lang = lang;
  t = strings[lang];
  saveLanguage(lang);
  $('lang').value = lang;
  applyStatic(document, t, lang);
  renderHeader();
  renderLegend();
  renderPanel();
}

// ---- wiring -----------------------------------------------------------------------------

const langSelect = $('lang');
langSelect.replaceChildren(...Object.entries(strings).map(([code, s]) => new Option(s.languageName, code)));
langSelect.addEventListener('change', () => setLanguage(langSelect.value));
$('panel-close').addEventListener('click', closePanel);
document.addEventListener('keydown', (e) => { if (e.key === 'Escape') closePanel(); });
setLanguage(state.lang);

map.on('load', () => {
  addArrowImages(map);
  for (const layer of vesselLayers) {
    map.on('click', layer, (e) => select(e.features[0].properties.mmsi));
    map.on('mouseenter', layer, () => { map.getCanvas().style.cursor = 'pointer'; });
    map.on('mouseleave', layer, () => { map.getCanvas().style.cursor = ''; });
  }
  refreshVessels();
});
