// Every user-visible string of the map page, by language. Add a language by adding a key with
// the same members; the language switch lists the keys of `strings`.

export const strings = {
  es: {
    languageName: 'Español',
    vessels: 'Buques',
    updated: 'Actualizado',
    language: 'Idioma',
    map: 'Mapa de buques',
    close: 'Cerrar',
    attribution: 'Mapa base: Natural Earth',
    offline: 'Sin conexión con el servidor; reintentando…',
    limitReached: 'límite alcanzado: acerque el mapa',
    loading: 'Cargando…',
    unknownVessel: 'Buque sin datos estáticos',
    notAvailable: 'n/d',
    trackNone: 'Sin derrota en las últimas 24 h.',
    track: (n) => `Derrota: ${n} posiciones en las últimas 24 h.`,
    fields: {
      mmsi: 'MMSI', imo: 'IMO', callsign: 'Indicativo', flag: 'Bandera', type: 'Tipo',
      dimensions: 'Eslora × manga', draught: 'Calado', destination: 'Destino',
      position: 'Posición', time: 'Último reporte', sog: 'Velocidad', cog: 'Rumbo',
      heading: 'Proa', navStatus: 'Estado', source: 'Fuente', transponder: 'Transpondedor',
    },
    classA: 'Clase A', classB: 'Clase B',
    categories: {
      fishing: 'Pesquero', tug: 'Remolcador', military: 'Militar / autoridad', pleasure: 'Vela / recreo',
      highspeed: 'Alta velocidad', special: 'Servicio especial', passenger: 'Pasaje', cargo: 'Carga',
      tanker: 'Tanquero', other: 'Otro / desconocido',
    },
    navStatus: [
      'En navegación con motor', 'Fondeado', 'Sin gobierno', 'Maniobrabilidad restringida',
      'Restringido por su calado', 'Amarrado', 'Varado', 'Pescando', 'En navegación a vela',
      'Reservado (HSC)', 'Reservado (WIG)', 'Remolcando por popa', 'Empujando o remolcando al costado',
      'Reservado', 'AIS-SART / MOB / EPIRB activo',
    ],
  },
  en: {
    languageName: 'English',
    vessels: 'Vessels',
    updated: 'Updated',
    language: 'Language',
    map: 'Vessel map',
    close: 'Close',
    attribution: 'Basemap: Natural Earth',
    offline: 'No connection to the server; retrying…',
    limitReached: 'limit reached: zoom in',
    loading: 'Loading…',
    unknownVessel: 'Vessel without static data',
    notAvailable: 'n/a',
    trackNone: 'No track in the last 24 h.',
    track: (n) => `Track: ${n} positions in the last 24 h.`,
    fields: {
      mmsi: 'MMSI', imo: 'IMO', callsign: 'Call sign', flag: 'Flag', type: 'Type',
      dimensions: 'Length × beam', draught: 'Draught', destination: 'Destination',
      position: 'Position', time: 'Last report', sog: 'Speed', cog: 'Course',
      heading: 'Heading', navStatus: 'Status', source: 'Source', transponder: 'Transponder',
    },
    classA: 'Class A', classB: 'Class B',
    categories: {
      fishing: 'Fishing', tug: 'Tug / towing', military: 'Military / law enforcement', pleasure: 'Sailing / pleasure',
      highspeed: 'High speed', special: 'Special service', passenger: 'Passenger', cargo: 'Cargo',
      tanker: 'Tanker', other: 'Other / unknown',
    },
    navStatus: [
      'Under way using engine', 'At anchor', 'Not under command', 'Restricted manoeuvrability',
      'Constrained by her draught', 'Moored', 'Aground', 'Engaged in fishing', 'Under way sailing',
      'Reserved (HSC)', 'Reserved (WIG)', 'Towing astern', 'Pushing ahead or towing alongside',
      'Reserved', 'AIS-SART / MOB / EPIRB active',
    ],
  },
};

const storageKey = 'accord.lang';

// initialLanguage is the language saved by the switch, else the browser's when we have it, else
// Spanish.
export function initialLanguage() {
  try {
    const saved = localStorage.getItem(storageKey);
    if (saved && strings[saved]) return saved;
  } catch { /* storage disabled */ }
  for (const l of navigator.languages || [navigator.language]) {
    const base = String(l).toLowerCase().split('-')[0];
    if (strings[base]) return base;
  }
  return 'es';
}

export function saveLanguage(lang) {
  try { localStorage.setItem(storageKey, lang); } catch { /* storage disabled */ }
}

// applyStatic fills the elements marked data-i18n (text) and data-i18n-label (aria-label).
export function applyStatic(root, t, lang) {
  document.documentElement.lang = lang;
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t[el.dataset.i18n];
  for (const el of root.querySelectorAll('[data-i18n-label]')) el.setAttribute('aria-label', t[el.dataset.i18nLabel]);
}
