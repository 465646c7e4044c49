// A small map for forms: the coastline basemap (no tiles, no external host) where a click picks
// a point, or two clicks pick the corners of a box, and an area (an asked scope) can be shown.
// Forms keep their coordinate fields as the keyboard path; the map is the pointer path.
import { Map as MapLibreMap, NavigationControl, setWorkerUrl } from 'maplibre-gl';
import { config } from '../config.js';
import { h } from '../dom.js';
import { t } from '../i18n/index.js';
import { style } from '../style.js';

const empty = { type: 'FeatureCollection', features: [] }; // i18n-ignore: GeoJSON

// boxPolygon is the GeoJSON polygon of a box (degrees).
export function boxPolygon(s, w, n, e) {
  return { type: 'Polygon', coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]] }; // i18n-ignore: GeoJSON
}

// bboxOf returns [south, west, north, east] of a GeoJSON polygon's outer ring, or null.
export function bboxOf(poly) {
  const ring = poly?.coordinates?.[0];
  if (!ring?.length) return null;
  let s = 90, w = 180, n = -90, e = -180;
  for (const [x, y] of ring) { s = Math.min(s, y); n = Math.max(n, y); w = Math.min(w, x); e = Math.max(e, x); }
  return [s, w, n, e];
}

// pickerMap builds a map in a new element and returns {el, setPoint, setArea, setBox, remove}.
// opts: mode 'point' (a click calls onPoint(lat, lon)) or 'box' (two clicks call
// onBox(s, w, n, e)); center [lon, lat] and zoom.
export function pickerMap(opts) {
  const el = h('div', { class: 'picker-map', role: 'img', 'aria-label': t(opts.mode === 'box' ? 'pickMap.boxLabel' : 'pickMap.pointLabel') });
  // Sized through the CSSOM (the page's CSP allows no style attributes).
  Object.assign(el.style, { position: 'relative', width: '100%', maxWidth: '48rem', height: '320px', border: '1px solid #5c6b77' });
  const hint = h('p', { class: 'note', 'aria-live': 'polite' }, t(opts.mode === 'box' ? 'pickMap.boxHint' : 'pickMap.pointHint'));
  const wrap = h('div', { class: 'picker' }, el, hint);
  setWorkerUrl(new URL(config.worker, location.href).href);
  let map, ready = false, corner = null;
  const data = { point: empty, area: empty, box: empty };
  const apply = () => {
    if (!ready) return;
    for (const k of ['point', 'area', 'box']) map.getSource('pick-' + k).setData(data[k]);
  };
  // The element must be in the document before MapLibre measures it.
  requestAnimationFrame(() => {
    map = new MapLibreMap({
      container: el, style: style(new URL(config.basemap, location.href).href),
      center: opts.center || [-100, 22], zoom: opts.zoom ?? 3.2, attributionControl: false, maxPitch: 0,
      renderWorldCopies: false, dragRotate: false,
      locale: { 'NavigationControl.ZoomIn': t('maplibre.zoomIn'), 'NavigationControl.ZoomOut': t('maplibre.zoomOut'), 'Map.Title': t('maplibre.mapTitle') },
    });
    map.addControl(new NavigationControl({ showCompass: false }), 'top-left');
    map.on('load', () => {
      for (const k of ['area', 'box', 'point']) map.addSource('pick-' + k, { type: 'geojson', data: empty });
      map.addLayer({ id: 'pick-area', type: 'line', source: 'pick-area', paint: { 'line-color': '#1c5fb4', 'line-width': 2, 'line-dasharray': [3, 2] } });
      map.addLayer({ id: 'pick-box-fill', type: 'fill', source: 'pick-box', paint: { 'fill-color': '#c2255c', 'fill-opacity': 0.25 } });
      map.addLayer({ id: 'pick-box', type: 'line', source: 'pick-box', paint: { 'line-color': '#c2255c', 'line-width': 2 } });
      map.addLayer({ id: 'pick-point', type: 'circle', source: 'pick-point', paint: { 'circle-radius': 6, 'circle-color': '#c2255c', 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 2 } });
      ready = true;
      apply();
      if (opts.fit) map.fitBounds(opts.fit, { padding: 30, duration: 0, maxZoom: 9 });
    });
    map.on('click', (e) => {
      const lat = Math.round(e.lngLat.lat * 1e4) / 1e4, lon = Math.round(e.lngLat.lng * 1e4) / 1e4;
      if (opts.mode === 'box') {
        if (!corner) {
          corner = [lat, lon];
          hint.textContent = t('pickMap.secondCorner');
          api.setPoint(lat, lon);
          return;
        }
        const [s, n] = [Math.min(corner[0], lat), Math.max(corner[0], lat)];
        const [w, ea] = [Math.min(corner[1], lon), Math.max(corner[1], lon)];
        corner = null;
        hint.textContent = t('pickMap.boxHint');
        data.point = empty;
        api.setBox(s, w, n, ea);
        opts.onBox?.(s, w, n, ea);
      } else {
        api.setPoint(lat, lon);
        opts.onPoint?.(lat, lon);
      }
    });
  });
  const feature = (geometry) => ({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry }] }); // i18n-ignore: GeoJSON
  const api = {
    el: wrap,
    setPoint(lat, lon) {
      data.point = Number.isFinite(lat) && Number.isFinite(lon) ? feature({ type: 'Point', coordinates: [lon, lat] }) : empty; // i18n-ignore: GeoJSON
      apply();
    },
    setArea(poly) { data.area = poly ? feature(poly) : empty; apply(); },
    setBox(s, w, n, e) {
      data.box = [s, w, n, e].every(Number.isFinite) && s < n && w < e ? feature(boxPolygon(s, w, n, e)) : empty;
      apply();
    },
    remove() { map?.remove(); },
  };
  return api;
}
