// The map page: the coastline basemap, the maritime zones from the jurisdiction engine, live
// vessels (refreshed every 2 s and interpolated between refreshes), and a panel with the
// selected vessel's static data, jurisdiction and 24 h track.
import { Map as MapLibreMap, Marker, MercatorCoordinate, NavigationControl, ScaleControl, setWorkerUrl } from 'maplibre-gl';
import { config } from '../config.js';
import { api, ApiError } from '../api.js';
import { h, $ } from '../dom.js';
import { t, has, fmtNumber, fmtDateTime, fmtTime, onLanguage } from '../i18n/index.js';
import { style, categories, category, stateColours, otherStateColour, zoneOpacity, highSeasColour, treatyColour } from '../style.js';
import { VesselLayer } from '../vessellayer.js';
import { addAlertLayer } from '../alertlayer.js';
import { errorView } from '../shell.js';
import { localiseValidity } from './page.js';

export const refreshMs = 2000;
const trackRefreshMs = 15000;
const vesselLimit = 20000;

const state = {
  count: null, limited: false, updated: null, error: null,
  zones: 'loading', // 'loading' | 'ok' | ApiError
  selected: null, detail: null, where: undefined, whereError: null, trackCount: null, trackError: null,
};

let map, layer, timer, trackTimer, running = false, gapMarker;

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

let loop = 0; // generation of the refresh loop: a restart ends the previous one

function startLoop() {
  clearTimeout(timer);
  refreshVessels(++loop);
}

// The feed worker fetches and decodes the vessel list off the main thread (vesselworker.js).
let worker, reqId = 0;
const pending = new Map();
function feed(url, keep) {
  if (!worker) {
    worker = new Worker(new URL(config.vesselWorker, location.href), { type: 'module' });
    worker.onmessage = (e) => { const done = pending.get(e.data.id); pending.delete(e.data.id); done?.(e.data); };
  }
  return new Promise((resolve) => {
    const id = ++reqId;
    pending.set(id, resolve);
    worker.postMessage({ id, url, keep });
  });
}

async function refreshVessels(gen) {
  if (!running || gen !== loop) return;
  const started = performance.now();
  try {
    const url = new URL(`${config.api}/vessels`, location.href);
    url.searchParams.set('bbox', viewBBox());
    url.searchParams.set('limit', vesselLimit);
    const d = await feed(url.href, state.selected !== null ? [state.selected] : []);
    if (!d.ok) {
      let message = d.message;
      try { message = JSON.parse(d.message).error.message; } catch { /* not JSON */ }
      const kind = d.status === 0 ? 'offline' : d.status === 503 ? 'unavailable' : d.status >= 500 ? 'server' : d.status === 401 ? 'auth' : d.status === 403 ? 'forbidden' : 'rejected';
      throw new ApiError(kind, d.status, '', message, '/vessels');
    }
    const got = performance.now();
    layer.update(d, refreshMs);
    state.timing = { requestMs: d.requestMs, parseMs: d.parseMs, updateMs: performance.now() - got, refreshes: (state.timing?.refreshes ?? 0) + 1 };
    state.count = d.n;
    state.limited = d.limited;
    state.updated = new Date();
    state.error = null;
    const v = state.selected !== null ? d.sample[state.selected] : undefined;
    if (v && state.detail && v.time !== state.detail.time) { Object.assign(state.detail, v); renderPanel(); }
  } catch (err) {
    state.error = err;
    console.warn('vessel refresh failed', err);
  }
  renderStatus();
  if (running && gen === loop) timer = setTimeout(() => refreshVessels(gen), Math.max(0, refreshMs - (performance.now() - started)));
}

async function loadZones() {
  try {
    const fc = await api('/zones', { timeoutMs: 60000 });
    map.getSource('zones').setData(fc);
    state.zones = 'ok';
    state.zonesAttribution = fc.attribution || '';
    state.treaty = (fc.features || []).some((f) => /LineString$/.test(f.geometry?.type || ''));
    if (!gapMarker) {
      gapMarker = new Marker({ element: h('div', { class: 'gap-label', 'aria-hidden': 'true' }), anchor: 'center' })
        .setLngLat([-92.6, 25.4]).addTo(map);
    }
  } catch (err) {
    state.zones = err;
    console.warn('zones failed', err);
  }
  renderLegend();
  renderStatus();
}

// ---- selection, panel and track ---------------------------------------------------------------

async function select(mmsi) {
  clearTimeout(trackTimer);
  Object.assign(state, { selected: mmsi, detail: null, where: undefined, whereError: null, trackCount: null, trackError: null });
  layer.select(mmsi);
  $('panel').hidden = false;
  renderPanel();
  try {
    const v = await api(`/vessels/${mmsi}`);
    if (state.selected === mmsi) state.detail = v;
  } catch (err) {
    if (state.selected === mmsi) state.detailError = err;
  }
  renderPanel();
  if (state.detail) refreshWhere(mmsi);
  refreshTrack(mmsi);
}

async function refreshWhere(mmsi) {
  const v = state.detail;
  try {
    const a = await api('/where', { query: { lat: v.lat, lon: v.lon } });
    if (state.selected === mmsi) { state.where = a; state.whereError = null; }
  } catch (err) {
    if (state.selected === mmsi) state.whereError = err;
  }
  renderPanel();
}

async function refreshTrack(mmsi) {
  if (state.selected !== mmsi) return;
  try {
    const f = await api(`/vessels/${mmsi}/track`, { query: { format: 'geojson' } });
    if (state.selected !== mmsi) return;
    state.trackCount = f.properties?.count ?? 0;
    state.trackError = null;
    map.getSource('track').setData(f.geometry ? f : { type: 'FeatureCollection', features: [] });
  } catch (err) {
    state.trackError = err;
  }
  renderPanel();
  clearTimeout(trackTimer);
  if (state.selected === mmsi) {
    trackTimer = setTimeout(() => { refreshTrack(mmsi); if (state.detail) refreshWhere(mmsi); }, trackRefreshMs);
  }
}

function closePanel() {
  clearTimeout(trackTimer);
  const was = state.selected;
  Object.assign(state, { selected: null, detail: null, where: undefined });
  $('panel').hidden = true;
  layer.select(-1);
  map.getSource('track').setData({ type: 'FeatureCollection', features: [] });
  if (was !== null) $('map').querySelector('canvas')?.focus();
}

function fmtLatLon(lat, lon) {
  const dm = (v, pos, neg) => {
    const a = Math.abs(v), d = Math.floor(a), m = (a - d) * 60;
    return `${fmtNumber(d, 0)}°${fmtNumber(m, 3)}′${v >= 0 ? pos : neg}`;
  };
  return `${dm(lat, t('units.north'), t('units.south'))} ${dm(lon, t('units.east'), t('units.west'))}`;
}

export const stateName = (code) => (code ? (has(`states.${code}`) ? t(`states.${code}`) : code) : t('states.none'));
export const zoneName = (z) => (has(`zones.${z}`) ? t(`zones.${z}`) : z);

function dl(rows) {
  return h('dl', {}, rows.filter(([, v]) => v !== undefined && v !== null && v !== '').map(([k, v]) => [h('dt', {}, k), h('dd', {}, String(v))]));
}

function renderPanel() {
  if (state.selected === null) return;
  const v = state.detail;
  $('panel-title').textContent = v ? (v.name || t('vessel.unknown')) : (state.detailError ? t('vessel.title', { mmsi: state.selected }) : t('common.loading'));
  const body = [];
  if (!v && state.detailError) body.push(errorView(state.detailError, { feature: t('vessel.feature') }));
  if (v) {
    const cat = category(v.ship_type);
    body.push(dl([
      [t('vessel.mmsi'), String(v.mmsi).padStart(9, '0')],
      [t('vessel.imo'), v.imo],
      [t('vessel.callsign'), v.callsign],
      [t('vessel.flag'), v.flag],
      [t('vessel.type'), t(`categories.${cat}`) + (v.ship_type ? ` (${v.ship_type})` : '')],
      [t('vessel.dimensions'), v.length !== undefined || v.beam !== undefined
        ? t('units.lengthBeam', { l: v.length ?? t('common.na'), b: v.beam ?? t('common.na') }) : undefined],
      [t('vessel.draught'), v.draught !== undefined ? t('units.metres', { v: v.draught }) : undefined],
      [t('vessel.destination'), v.destination],
      [t('vessel.position'), fmtLatLon(v.lat, v.lon)],
      [t('vessel.time'), fmtDateTime(v.time)],
      [t('vessel.sog'), v.sog !== undefined ? t('units.knots', { v: v.sog }) : t('common.na')],
      [t('vessel.cog'), v.cog !== undefined ? t('units.degrees', { v: v.cog }) : t('common.na')],
      [t('vessel.heading'), v.heading !== undefined ? t('units.degrees', { v: v.heading }) : undefined],
      [t('vessel.navStatus'), v.nav_status !== undefined ? (has(`navStatus.${v.nav_status}`) ? t(`navStatus.${v.nav_status}`) : String(v.nav_status)) : undefined],
      [t('vessel.transponder'), v.class_b ? t('vessel.classB') : t('vessel.classA')],
      [t('vessel.source'), v.source],
    ]));
    body.push(h('h3', {}, t('where.title')));
    const a = state.where;
    if (a) {
      body.push(dl([
        [t('where.state'), stateName(a.state) + (a.territory ? ` (${a.territory})` : '')],
        [t('where.zone'), zoneName(a.zone)],
        [t('where.authority'), a.authority || t('where.noAuthority')],
        [t('where.baseline'), a.baseline_nm !== undefined ? t('units.nm', { v: a.baseline_nm }) : undefined],
        [t('where.boarding'), a.regime?.boarding_consent ? t(`consentNeeded.${a.regime.boarding_consent}`) : undefined],
        [t('where.hotPursuit'), a.regime ? (a.regime.hot_pursuit ? t('common.yes') : t('common.no')) : undefined],
      ]));
      if (a.regime?.citations?.length) body.push(h('p', { class: 'note' }, t('where.citations', { list: a.regime.citations.join('; ') })));
    } else if (state.whereError) {
      body.push(errorView(state.whereError, { feature: t('where.feature'), compact: true }));
    } else {
      body.push(h('p', { class: 'note' }, t('common.loading')));
    }
  }
  let track = '';
  if (state.trackError) track = t('vessel.trackFailed');
  else if (state.trackCount !== null) track = state.trackCount ? t('vessel.track', { count: state.trackCount }) : t('vessel.trackNone');
  body.push(h('p', { class: 'note', id: 'panel-track' }, track));
  $('panel-body').replaceChildren(...body);
}

function renderStatus() {
  if (!$('count')) return;
  $('count').textContent = state.count === null ? '–' : fmtNumber(state.count, 0) + (state.limited ? ` (${t('map.limitReached')})` : '');
  $('updated').textContent = state.updated ? fmtTime(state.updated) : '–';
  const st = $('map-status');
  st.replaceChildren();
  if (state.error) st.append(errorView(state.error, { feature: t('map.vesselsFeature'), compact: true, retrying: true }));
  else if (state.zones instanceof Error) st.append(errorView(state.zones, { feature: t('map.zonesFeature'), compact: true }));
}

function swatch(style) {
  const s = h('span', { class: 'swatch' });
  Object.assign(s.style, style);
  return s;
}

function renderLegend() {
  const el = $('legend');
  if (!el) return;
  const rows = [h('h2', {}, t('legend.vessels')), h('div', { class: 'cols' },
    categories.map(([cat, fill]) => h('div', {}, swatch({ background: fill, borderRadius: '50%' }), h('span', {}, t(`categories.${cat}`)))))];
  // The alert layer's rings (alertlayer.js), by severity.
  rows.push(h('h2', {}, t('legend.alerts')));
  for (const [sev, colour] of [['high', '#d7191c'], ['medium', '#fdae61'], ['low', '#2c7bb6']]) {
    rows.push(h('div', {}, swatch({ background: 'transparent', border: `3px solid ${colour}`, borderRadius: '50%' }), h('span', {}, t(`severity.${sev}`))));
  }
  rows.push(h('h2', {}, t('legend.zones')));
  if (state.zones === 'ok') {
    for (const [code, colour] of [...stateColours, ['other', otherStateColour]]) {
      for (const [zone, op] of zoneOpacity.filter(([z]) => z !== 'internal_waters')) {
        if (code === 'other' && zone !== 'eez') continue;
        rows.push(h('div', {}, swatch({ background: colour, opacity: Math.min(1, op * 1.6) }),
          h('span', {}, t('legend.zoneOf', { zone: zoneName(zone), state: code === 'other' ? t('states.others') : stateName(code) }))));
      }
    }
    rows.push(h('div', {}, swatch({ background: highSeasColour }), h('span', {}, t('legend.highSeas'))));
    // The treaty line, when the zones document carries it as a line (otherwise the boundary shows
    // as the change from Mexico's to the United States' colours).
    if (state.treaty) rows.push(h('div', {}, swatch({ background: 'none', border: 'none', borderTop: `3px dashed ${treatyColour}`, height: '0' }), h('span', {}, t('legend.treaty'))));
  } else if (state.zones === 'loading') {
    rows.push(h('p', { class: 'note' }, t('common.loading')));
  } else {
    rows.push(h('p', { class: 'note' }, t('legend.zonesUnavailable')));
  }
  el.replaceChildren(...rows);
  if (gapMarker) gapMarker.getElement().textContent = t('map.westernGap');
  $('attribution').textContent = t('map.attribution') + (state.zonesAttribution ? ' · ' + state.zonesAttribution : '');
}

// findForm selects a vessel by MMSI from the keyboard (the map itself needs a pointer): the
// panel opens and the map centres on the vessel.
function findForm() {
  const input = h('input', { id: 'find-mmsi', inputmode: 'numeric', pattern: '[0-9]{9}', maxlength: '9', size: '10', autocomplete: 'off', required: true });
  localiseValidity(input);
  const note = h('span', { id: 'find-note', class: 'note', 'aria-live': 'polite' });
  const form = h('form', { class: 'find', role: 'search' },
    h('label', { for: 'find-mmsi', 'data-i18n': 'map.find' }), input,
    h('button', { type: 'submit', class: 'btn', 'data-i18n': 'map.findButton' }), note);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const mmsi = Number(input.value.trim());
    note.textContent = '';
    const p = layer?.index.get(mmsi);
    if (p === undefined) { note.textContent = t('map.findNone', { mmsi: input.value.trim() }); return; }
    const [x, y] = layer.position(p);
    map.easeTo({ center: new MercatorCoordinate(x, y, 0).toLngLat(), duration: 0 });
    select(mmsi);
    document.getElementById('panel-close')?.focus();
  });
  return form;
}

// mapLocale is MapLibre's UI strings (control titles, scale units) from the catalogs.
function mapLocale() {
  return {
    'Map.Title': t('maplibre.mapTitle'),
    'Marker.Title': t('maplibre.marker'),
    'NavigationControl.ZoomIn': t('maplibre.zoomIn'),
    'NavigationControl.ZoomOut': t('maplibre.zoomOut'),
    'NavigationControl.ResetBearing': t('maplibre.resetBearing'),
    'Popup.Close': t('maplibre.closePopup'),
    'ScaleControl.NauticalMiles': t('maplibre.nauticalMiles'),
    'ScaleControl.Kilometers': t('maplibre.kilometers'),
    'ScaleControl.Meters': t('maplibre.meters'),
  };
}

// relabelControls applies a language switch to the controls MapLibre already built (it reads
// its locale only when it builds them).
function relabelControls() {
  const loc = mapLocale();
  map._locale = Object.assign({}, map._locale, loc);
  for (const [sel, key] of [['.maplibregl-ctrl-zoom-in', 'NavigationControl.ZoomIn'], ['.maplibregl-ctrl-zoom-out', 'NavigationControl.ZoomOut'], ['.maplibregl-ctrl-compass', 'NavigationControl.ResetBearing']]) {
    const b = map.getContainer().querySelector(sel);
    if (b) { b.title = loc[key]; b.setAttribute('aria-label', loc[key]); }
  }
  map.getCanvas().setAttribute('aria-label', loc['Map.Title']);
  map.jumpTo({ center: map.getCenter() }); // the scale control relabels on move
}

function build(container) {
  container.replaceChildren(
    h('div', { class: 'toolbar' },
      h('span', { class: 'stat' }, h('span', { 'data-i18n': 'map.vessels' }), ': ', h('output', { id: 'count' }, '–')),
      h('span', { class: 'stat' }, h('span', { 'data-i18n': 'map.updated' }), ': ', h('output', { id: 'updated' }, '–')),
      findForm(),
      h('div', { id: 'map-status', class: 'map-status', role: 'status' })),
    h('div', { class: 'maparea' },
      h('div', { id: 'map', class: 'map', role: 'region', 'data-i18n-label': 'map.region' }),
      h('aside', { id: 'panel', class: 'panel', hidden: true, 'aria-labelledby': 'panel-title' },
        h('button', { id: 'panel-close', class: 'close', type: 'button', 'data-i18n-label': 'common.close', on: { click: closePanel } }, '×'),
        h('h2', { id: 'panel-title' }),
        h('div', { id: 'panel-body' })),
      h('section', { id: 'legend', class: 'legend', 'data-i18n-label': 'legend.title' }),
      h('div', { id: 'attribution', class: 'attribution' })),
  );
}

// show mounts the map page into container (built once, kept while hidden) and starts the
// refresh loop; hide stops it.
export const mapPage = {
  id: 'map',
  show(container) {
    if (!map) {
      build(container);
      setWorkerUrl(new URL(config.worker, location.href).href);
      map = new MapLibreMap({
        container: 'map',
        style: style(new URL(config.basemap, location.href).href),
        bounds: [[-100, 5], [-60, 32]], // Gulf of Mexico, Caribbean and Mexican Pacific
        fitBoundsOptions: { padding: 10 },
        attributionControl: false,
        maxPitch: 0,
        renderWorldCopies: false,
        locale: mapLocale(),
      });
      map.addControl(new NavigationControl({ showCompass: true }), 'top-left');
      map.addControl(new ScaleControl({ unit: 'nautical' }), 'bottom-left');
      layer = new VesselLayer();
      window.accord.map = map;
      window.accord.layer = layer;
      map.on('load', () => {
        map.addLayer(layer);
        map.on('click', (e) => { const m = layer.hit(e.point); if (m !== undefined) select(m); });
        let pending = false;
        map.on('mousemove', (e) => {
          if (pending) return;
          pending = true;
          requestAnimationFrame(() => { pending = false; map.getCanvas().style.cursor = layer.hit(e.point) !== undefined ? 'pointer' : ''; });
        });
        loadZones();
        addAlertLayer(map);
        if (running) startLoop();
      });
      document.addEventListener('keydown', (e) => { if (e.key === 'Escape' && state.selected !== null) closePanel(); });
      onLanguage(() => { relabelControls(); renderStatus(); renderLegend(); renderPanel(); });
      renderLegend();
    } else {
      map.resize();
    }
    running = true;
    if (map.getLayer('vessels')) startLoop();
    renderStatus();
  },
  hide() {
    running = false;
    loop++;
    clearTimeout(timer);
  },
};

// Exposed for the browser tests and for debugging from the console.
window.accord = Object.assign(window.accord || {}, { mapState: state, select });
