// The vessel feed worker: fetches GET /api/v1/vessels off the page's main thread, parses the
// JSON (several MB for 10,000 vessels) and answers with typed arrays ready for the WebGL layer
// (transferred, not copied), so a refresh never blocks the page's frames.
//
// Request:  {id, url}            URL of the vessels query (absolute)
// Answer:   {id, ok, n, mmsi, x, y, rot, cat, limited, requestMs, parseMs, sample}
//           x, y: Web Mercator coordinates 0..1 (Float64Array); rot: course for an arrow or -1
//           for a dot; cat: ship category index; sample: the full records of the MMSIs asked
//           for in `keep` (the selected vessel), since only the worker sees the records.
//           On failure: {id, ok: false, status, message}.
import { categoryIndex } from './style.js';

self.onmessage = async (e) => {
  const { id, url, keep = [] } = e.data;
  const t0 = performance.now();
  try {
    const res = await fetch(url, { cache: 'no-store', signal: AbortSignal.timeout(10000) });
    if (!res.ok) {
      self.postMessage({ id, ok: false, status: res.status, message: (await res.text()).slice(0, 500) });
      return;
    }
    const text = await res.text();
    const t1 = performance.now();
    const list = JSON.parse(text);
    const n = list.length;
    const mmsi = new Uint32Array(n), x = new Float64Array(n), y = new Float64Array(n);
    const rot = new Float32Array(n), cat = new Float32Array(n);
    const sample = {};
    const wanted = new Set(keep);
    for (let i = 0; i < n; i++) {
      const v = list[i];
      mmsi[i] = v.mmsi;
      x[i] = (v.lon + 180) / 360;
      const s = Math.sin((Math.max(-85.05, Math.min(85.05, v.lat)) * Math.PI) / 180);
      y[i] = 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
      const course = v.heading ?? v.cog;
      rot[i] = course !== undefined && (v.sog ?? 0) >= 0.5 ? course : -1;
      cat[i] = categoryIndex(v.ship_type);
      if (wanted.has(v.mmsi)) sample[v.mmsi] = v;
    }
    self.postMessage({
      id, ok: true, n, mmsi, x, y, rot, cat, sample,
      limited: res.headers.get('Accord-Limit-Reached') === 'true',
      requestMs: t1 - t0, parseMs: performance.now() - t1,
    }, [mmsi.buffer, x.buffer, y.buffer, rot.buffer, cat.buffer]);
  } catch (err) {
    self.postMessage({ id, ok: false, status: 0, message: String(err && err.message) });
  }
};
