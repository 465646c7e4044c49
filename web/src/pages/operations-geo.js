// circlePolygon returns a GeoJSON Polygon approximating a circle of radiusNM nautical miles
// around (lat, lon) with n vertices (spherical, good to a fraction of a percent at these sizes).
export function circlePolygon(lat, lon, radiusNM, n = 32) {
  const R = 3440.065; // Earth radius, nm
  const d = radiusNM / R, φ1 = (lat * Math.PI) / 180, λ1 = (lon * Math.PI) / 180;
  const ring = [];
  for (let i = 0; i <= n; i++) {
    const θ = (2 * Math.PI * (i % n)) / n;
    const φ2 = Math.asin(Math.sin(φ1) * Math.cos(d) + Math.cos(φ1) * Math.sin(d) * Math.cos(θ));
    const λ2 = λ1 + Math.atan2(Math.sin(θ) * Math.sin(d) * Math.cos(φ1), Math.cos(d) - Math.sin(φ1) * Math.sin(φ2));
    ring.push([Math.round(((λ2 * 180) / Math.PI) * 1e5) / 1e5, Math.round(((φ2 * 180) / Math.PI) * 1e5) / 1e5]);
  }
  return { type: 'Polygon', coordinates: [ring] }; // i18n-ignore: GeoJSON
}

// toRFC3339 turns the value of a datetime-local input (taken as UTC) into an RFC 3339 time.
export const toRFC3339 = (v) => (v ? new Date(v + 'Z').toISOString().replace('.000Z', 'Z') : undefined);

// inputTime formats a Date for a datetime-local input, in UTC.
export const inputTime = (d) => d.toISOString().slice(0, 16);
