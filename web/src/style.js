// The map style, defined here in full: a sea background, land and coastline from the local
// Natural Earth GeoJSON, the maritime zones of the jurisdiction engine (GET /api/v1/zones) and
// the track of the selected vessel. Vessels are drawn by the custom layer in vessellayer.js. No
// tiles, glyphs or sprites are loaded from anywhere, so there are no text layers: labels live in
// HTML (legend, panel, the Western Gap marker).

// Ship categories from the ITU-R M.1371 ship and cargo type, with their map colours.
export const categories = [
  ['cargo', '#2f9e44'],
  ['tanker', '#d9480f'],
  ['passenger', '#1c7ed6'],
  ['fishing', '#f59f00'],
  ['military', '#7048e8'],
  ['tug', '#8d6e63'],
  ['highspeed', '#0ca678'],
  ['special', '#c2255c'],
  ['pleasure', '#e64980'],
  ['other', '#868e96'],
];

// category maps an ITU-R M.1371 ship type (0..99; 0 or absent when unknown) to a category key.
export function category(t) {
  if (!t) return 'other';
  if (t === 30) return 'fishing';
  if (t === 31 || t === 32 || t === 52) return 'tug';
  if (t === 35 || t === 55) return 'military';
  if (t === 36 || t === 37) return 'pleasure';
  if (t >= 40 && t <= 49) return 'highspeed';
  if (t >= 50 && t <= 59) return 'special';
  if (t >= 60 && t <= 69) return 'passenger';
  if (t >= 70 && t <= 79) return 'cargo';
  if (t >= 80 && t <= 89) return 'tanker';
  return 'other';
}

const catIndex = Object.fromEntries(categories.map(([c], i) => [c, i]));
export const categoryIndex = (t) => catIndex[category(t)];

// Zone colours: a hue per state, stronger near the coast. High seas (the Western Gap among them)
// are hatched yellow; the treaty line is a dashed dark red line.
export const stateColours = [['MEX', '#1b7f3b'], ['USA', '#1c5fb4']];
export const otherStateColour = '#6b6b6b';
export const zoneOpacity = [['territorial_sea', 0.42], ['internal_waters', 0.42], ['contiguous_zone', 0.26], ['eez', 0.12]];
export const highSeasColour = '#f2d36b';
export const treatyColour = '#9b1c1c';

const empty = { type: 'FeatureCollection', features: [] };

// style returns the style object; basemapURL must be absolute (the worker fetches it).
export function style(basemapURL) {
  return {
    version: 8,
    sources: {
      basemap: { type: 'geojson', data: basemapURL, attribution: '' },
      zones: { type: 'geojson', data: empty },
      track: { type: 'geojson', data: empty },
    },
    layers: [
      { id: 'sea', type: 'background', paint: { 'background-color': '#b9d3e6' } },
      {
        id: 'zones-high-seas', type: 'fill', source: 'zones',
        filter: ['==', ['get', 'zone'], 'high_seas'],
        paint: { 'fill-color': highSeasColour, 'fill-opacity': 0.45, 'fill-antialias': false },
      },
      {
        id: 'zones', type: 'fill', source: 'zones',
        filter: ['match', ['get', 'zone'], ['territorial_sea', 'internal_waters', 'contiguous_zone', 'eez'], true, false],
        paint: {
          'fill-color': ['match', ['get', 'state'], ...stateColours.flat(), otherStateColour],
          'fill-opacity': ['match', ['get', 'zone'], ...zoneOpacity.flat(), 0.1],
          'fill-antialias': false,
        },
      },
      {
        id: 'land', type: 'fill', source: 'basemap', filter: ['==', ['get', 'kind'], 'land'],
        paint: { 'fill-color': '#efebe2' },
      },
      {
        id: 'coastline', type: 'line', source: 'basemap', filter: ['==', ['get', 'kind'], 'land'],
        paint: { 'line-color': '#4f6f89', 'line-width': ['interpolate', ['linear'], ['zoom'], 2, 0.5, 8, 1.5] },
      },
      {
        id: 'borders', type: 'line', source: 'basemap', filter: ['==', ['get', 'kind'], 'border'],
        paint: { 'line-color': '#8a857b', 'line-width': 0.8, 'line-dasharray': [3, 2] },
      },
      {
        // Lines of the zones document: the US–Mexico treaty line (zone "treaty_line" or any line).
        id: 'treaty-line', type: 'line', source: 'zones',
        filter: ['match', ['geometry-type'], ['LineString', 'MultiLineString'], true, false],
        paint: { 'line-color': treatyColour, 'line-width': 2, 'line-dasharray': [4, 2] },
      },
      {
        id: 'track-line', type: 'line', source: 'track',
        layout: { 'line-join': 'round', 'line-cap': 'round' },
        paint: { 'line-color': '#111111', 'line-width': 2.5, 'line-opacity': 0.85 },
      },
    ],
  };
}
