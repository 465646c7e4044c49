// The alert layer of the map: every behaviour alert of the last 24 hours (GET /api/v1/alerts)
// as a circle where it began, coloured by severity; clicking one shows its kind, vessels,
// window, place and authority, and draws the tracks of its vessels over the alert's window
// (GET /api/v1/vessels/{mmsi}/track?format=geojson) with the evidence positions.
import { Popup } from 'maplibre-gl';
import { api } from './api.js';
import { h } from './dom.js';
import { t, has, fmtDateTime } from './i18n/index.js';

const refreshMs = 30000;
const severityColour = ['match', ['get', 'severity'], 'high', '#d7191c', 'medium', '#fdae61', '#2c7bb6'];
const empty = () => ({ type: 'FeatureCollection', features: [] });
const label = (group, key) => (has(`${group}.${key}`) ? t(`${group}.${key}`) : key);

// addAlertLayer adds the sources and layers to a loaded map and keeps them current.
export function addAlertLayer(map) {
  map.addSource('alerts', { type: 'geojson', data: empty() });
  map.addSource('alert-tracks', { type: 'geojson', data: empty() });
  map.addLayer({ id: 'alert-tracks', type: 'line', source: 'alert-tracks', filter: ['==', ['geometry-type'], 'LineString'],
    paint: { 'line-color': '#6a3d9a', 'line-width': 2 } });
  map.addLayer({ id: 'alert-evidence', type: 'circle', source: 'alert-tracks', filter: ['==', ['geometry-type'], 'Point'], // i18n-ignore: GeoJSON type names
    paint: { 'circle-radius': 3, 'circle-color': '#6a3d9a' } });
  map.addLayer({ id: 'alerts', type: 'circle', source: 'alerts',
    paint: { 'circle-radius': 9, 'circle-color': 'rgba(0,0,0,0)', 'circle-stroke-width': 3, 'circle-stroke-color': severityColour } });
  const byID = new Map();
  const refresh = async () => {
    if (document.visibilityState === 'hidden') return;
    let alerts;
    try {
      alerts = await api('/alerts', { query: { limit: 2000 } });
    } catch (err) {
      console.warn('alerts layer:', err.message);
      return;
    }
    byID.clear();
    const features = [];
    for (const a of alerts || []) {
      byID.set(a.id, a);
      features.push({ type: 'Feature', geometry: { type: 'Point', coordinates: [a.lon, a.lat] }, properties: { id: a.id, severity: a.severity } }); // i18n-ignore: GeoJSON type names
    }
    map.getSource('alerts').setData({ type: 'FeatureCollection', features });
  };
  refresh();
  setInterval(refresh, refreshMs);
  map.on('mouseenter', 'alerts', () => { map.getCanvas().style.cursor = 'pointer'; });
  map.on('mouseleave', 'alerts', () => { map.getCanvas().style.cursor = ''; });
  map.on('click', 'alerts', (e) => {
    const a = byID.get(e.features[0]?.properties.id);
    if (a) show(map, a);
  });
}

async function show(map, a) {
  const where = [a.state ? label('states', a.state) : t('states.none'), label('zones', a.zone), a.authority].filter(Boolean).join(' · ');
  const body = h('div', { class: 'alert-popup' },
    h('strong', {}, `${label('alertKinds', a.kind)} · ${label('severity', a.severity)}`),
    h('div', {}, `${t('alerts.vessels')}: ${a.mmsi.join(', ')}`),
    h('div', {}, `${t('alerts.window')}: ${fmtDateTime(a.start)} – ${fmtDateTime(a.end)}`),
    h('div', {}, `${t('alerts.place')}: ${a.place}`),
    h('div', {}, `${t('alerts.authority')}: ${where}`),
    h('div', {}, a.note));
  new Popup({ maxWidth: '360px' }).setLngLat([a.lon, a.lat]).setDOMContent(body).addTo(map);
  const pad = 3600 * 1000;
  const from = new Date(Date.parse(a.start) - pad).toISOString();
  const to = new Date(Date.parse(a.end) + pad).toISOString();
  const features = a.evidence.map((e) => ({ type: 'Feature', geometry: { type: 'Point', coordinates: [e.lon, e.lat] }, properties: { mmsi: e.mmsi } })); // i18n-ignore: GeoJSON type names
  for (const m of a.mmsi) {
    try {
      const f = await api(`/vessels/${m}/track`, { query: { from, to, format: 'geojson' } });
      if (f?.geometry) features.push(f);
    } catch (err) {
      console.warn('alert track', m, err.message);
    }
  }
  map.getSource('alert-tracks').setData({ type: 'FeatureCollection', features });
}
