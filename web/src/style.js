// The map style, defined here in full: a sea background, land and coastline from the local
// Natural Earth GeoJSON, and the vessel and track layers. No tiles, glyphs or sprites are loaded
// from anywhere, so there are no text layers: labels live in HTML (the side panel).

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

export const colour = Object.fromEntries(categories);

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

const empty = { type: 'FeatureCollection', features: [] };

const colourByCategory = ['match', ['get', 'cat'], ...categories.flat(), '#868e96'];

export const vesselLayers = ['vessels-dot', 'vessels-arrow'];

// style returns the style object; basemapURL must be absolute (the worker fetches it).
export function style(basemapURL) {
  return {
    version: 8,
    sources: {
      basemap: { type: 'geojson', data: basemapURL, attribution: '' },
      vessels: { type: 'geojson', data: empty },
      track: { type: 'geojson', data: empty },
    },
    layers: [
      { id: 'sea', type: 'background', paint: { 'background-color': '#a5c4dc' } },
      {
        id: 'land', type: 'fill', source: 'basemap', filter: ['==', ['get', 'kind'], 'land'],
        paint: { 'fill-color': '#efebe2' },
      },
      {
        id: 'coastline', type: 'line', source: 'basemap', filter: ['==', ['get', 'kind'], 'land'],
        paint: { 'line-color': '#5f7f99', 'line-width': ['interpolate', ['linear'], ['zoom'], 2, 0.5, 8, 1.5] },
      },
      {
        id: 'borders', type: 'line', source: 'basemap', filter: ['==', ['get', 'kind'], 'border'],
        paint: { 'line-color': '#a39e93', 'line-width': 0.8, 'line-dasharray': [3, 2] },
      },
      {
        id: 'track-line', type: 'line', source: 'track',
        layout: { 'line-join': 'round', 'line-cap': 'round' },
        paint: { 'line-color': '#212529', 'line-width': 2, 'line-opacity': 0.8 },
      },
      {
        id: 'vessels-selected', type: 'circle', source: 'vessels', filter: ['==', ['get', 'mmsi'], -1],
        paint: { 'circle-radius': 13, 'circle-color': 'rgba(0,0,0,0)', 'circle-stroke-color': '#212529', 'circle-stroke-width': 2 },
      },
      {
        // Vessels without a usable course (or stopped): a dot.
        id: 'vessels-dot', type: 'circle', source: 'vessels', filter: ['!', ['has', 'rot']],
        paint: {
          'circle-radius': ['interpolate', ['linear'], ['zoom'], 3, 3, 10, 6],
          'circle-color': colourByCategory,
          'circle-stroke-color': '#1b1b1b',
          'circle-stroke-width': 0.8,
        },
      },
      {
        // Vessels under way: an arrow along the heading (or the course when no heading).
        id: 'vessels-arrow', type: 'symbol', source: 'vessels', filter: ['has', 'rot'],
        layout: {
          'icon-image': ['concat', 'arrow-', ['get', 'cat']],
          'icon-rotate': ['get', 'rot'],
          'icon-rotation-alignment': 'map',
          'icon-allow-overlap': true,
          'icon-ignore-placement': true,
          'icon-size': ['interpolate', ['linear'], ['zoom'], 3, 0.6, 10, 1],
        },
      },
    ],
  };
}

// addArrowImages draws one arrow icon per category (no sprite file is fetched).
export function addArrowImages(map) {
  const ratio = 2;
  const size = 22 * ratio;
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = size;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  for (const [cat, fill] of categories) {
    ctx.clearRect(0, 0, size, size);
    ctx.beginPath();
    ctx.moveTo(size / 2, 2 * ratio);
    ctx.lineTo(size - 5 * ratio, size - 3 * ratio);
    ctx.lineTo(size / 2, size - 7 * ratio);
    ctx.lineTo(5 * ratio, size - 3 * ratio);
    ctx.closePath();
    ctx.fillStyle = fill;
    ctx.fill();
    ctx.lineWidth = 1.2 * ratio;
    ctx.strokeStyle = '#1b1b1b';
    ctx.stroke();
    map.addImage('arrow-' + cat, ctx.getImageData(0, 0, size, size), { pixelRatio: ratio });
  }
}
