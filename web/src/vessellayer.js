// VesselLayer draws thousands of vessels as one WebGL point sprite each (a MapLibre custom
// layer), and moves them smoothly: every update gives each vessel a start (where it is drawn now)
// and an end (its new report), and the vertex shader interpolates between them over the update
// interval. A frame therefore costs one draw call whatever the number of vessels, and an update
// re-uploads a few typed arrays instead of re-tiling GeoJSON. Vessels under way are arrows along
// their heading (or course); stopped ones, or those without a course, are dots.
import { MercatorCoordinate } from 'maplibre-gl';
import { categories } from './style.js';

const vertexSrc = `#version 300 es
uniform mat4 u_matrix;
uniform float u_t;
uniform float u_size;
in vec2 a_from;
in vec2 a_to;
in float a_rot;
in float a_cat;
out float v_rot;
out float v_cat;
void main() {
  gl_Position = u_matrix * vec4(mix(a_from, a_to, u_t), 0.0, 1.0);
  gl_PointSize = u_size;
  v_rot = a_rot;
  v_cat = a_cat;
}`;

const fragmentSrc = `#version 300 es
precision mediump float;
uniform vec3 u_colors[${categories.length}];
uniform float u_ring;
uniform float u_bearing;
in float v_rot;
in float v_cat;
out vec4 colour;
float edge(vec2 p, vec2 a, vec2 b) { return (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x); }
bool tri(vec2 p, vec2 a, vec2 b, vec2 c) {
  float d1 = edge(p, a, b), d2 = edge(p, b, c), d3 = edge(p, c, a);
  return !((d1 < 0.0 || d2 < 0.0 || d3 < 0.0) && (d1 > 0.0 || d2 > 0.0 || d3 > 0.0));
}
bool arrow(vec2 q, float s) {
  vec2 tip = vec2(0.0, -0.95) * s, right = vec2(0.62, 0.85) * s, notch = vec2(0.0, 0.45) * s, left = vec2(-0.62, 0.85) * s;
  return tri(q, tip, right, notch) || tri(q, tip, notch, left);
}
void main() {
  vec2 c = gl_PointCoord * 2.0 - 1.0;
  if (u_ring > 0.5) {
    float r = length(c);
    if (r < 0.78 || r > 1.0) discard;
    colour = vec4(0.07, 0.07, 0.07, 1.0);
    return;
  }
  vec3 fill = u_colors[int(v_cat + 0.5)];
  if (v_rot < 0.0) {
    float r = length(c);
    if (r > 0.5) discard;
    colour = vec4(r > 0.36 ? vec3(0.1) : fill, 1.0);
    return;
  }
  float a = radians(v_rot - u_bearing);
  vec2 q = vec2(cos(a) * c.x + sin(a) * c.y, -sin(a) * c.x + cos(a) * c.y);
  if (!arrow(q, 1.0)) discard;
  colour = vec4(arrow(q + vec2(0.0, 0.06), 0.72) ? fill : vec3(0.1), 1.0);
}`;

function hexToRGB(hex) {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) / 255, ((n >> 8) & 255) / 255, (n & 255) / 255];
}

function compile(gl, type, src) {
  const s = gl.createShader(type);
  gl.shaderSource(s, src);
  gl.compileShader(s);
  if (!gl.getShaderParameter(s, gl.COMPILE_STATUS)) throw new Error('vessel shader: ' + gl.getShaderInfoLog(s)); // i18n-ignore: a developer error
  return s;
}

export class VesselLayer {
  constructor() {
    this.id = 'vessels';
    this.type = 'custom';
    this.renderingMode = '2d';
    this.n = 0;
    this.mmsi = new Uint32Array(0);
    this.from = new Float32Array(0); // mercator x, y per vessel
    this.to = new Float32Array(0);
    this.rot = new Float32Array(0); // degrees, -1 for a dot
    this.cat = new Float32Array(0);
    this.index = new Map(); // MMSI → index
    this.t0 = 0;
    this.duration = 1;
    this.selected = -1; // MMSI
    this.frames = 0;
    this.maxMove = 0; // largest glide of the last update, mercator units
    this.alwaysAnimate = false;
  }

  onAdd(map, gl) {
    this.map = map;
    const p = gl.createProgram();
    gl.attachShader(p, compile(gl, gl.VERTEX_SHADER, vertexSrc));
    gl.attachShader(p, compile(gl, gl.FRAGMENT_SHADER, fragmentSrc));
    gl.linkProgram(p);
    if (!gl.getProgramParameter(p, gl.LINK_STATUS)) throw new Error('vessel program: ' + gl.getProgramInfoLog(p)); // i18n-ignore: a developer error
    this.program = p;
    this.u = {};
    for (const name of ['u_matrix', 'u_t', 'u_size', 'u_colors', 'u_ring', 'u_bearing']) this.u[name] = gl.getUniformLocation(p, name);
    this.vao = gl.createVertexArray();
    gl.bindVertexArray(this.vao);
    this.buffers = {};
    for (const [name, size] of [['a_from', 2], ['a_to', 2], ['a_rot', 1], ['a_cat', 1]]) {
      const b = gl.createBuffer();
      const loc = gl.getAttribLocation(p, name);
      gl.bindBuffer(gl.ARRAY_BUFFER, b);
      gl.enableVertexAttribArray(loc);
      gl.vertexAttribPointer(loc, size, gl.FLOAT, false, 0, 0);
      this.buffers[name] = b;
    }
    gl.bindVertexArray(null);
    this.colors = new Float32Array(categories.flatMap(([, hex]) => hexToRGB(hex)));
    this.dirty = true;
  }

  onRemove(map, gl) {
    gl.deleteProgram(this.program);
    gl.deleteVertexArray(this.vao);
    for (const b of Object.values(this.buffers)) gl.deleteBuffer(b);
  }

  // progress is the interpolation parameter now, 0..1.
  progress(now = performance.now()) {
    return Math.min(1, Math.max(0, (now - this.t0) / this.duration));
  }

  // position returns the mercator coordinate [x, y] where vessel i is drawn at time now.
  position(i, now = performance.now()) {
    const t = this.progress(now);
    return [this.from[2 * i] + (this.to[2 * i] - this.from[2 * i]) * t, this.from[2 * i + 1] + (this.to[2 * i + 1] - this.from[2 * i + 1]) * t];
  }

  // update replaces the vessels with the feed worker's arrays (see vesselworker.js: mmsi, x, y
  // in Web Mercator, rot, cat). Each vessel already shown glides from where it is drawn now to
  // its new position over durationMs; a new vessel appears at its position. When no vessel moves
  // by a visible amount at the current zoom, nothing is repainted during the glide.
  update(d, durationMs) {
    const now = performance.now();
    const n = d.n;
    const from = new Float32Array(2 * n), to = new Float32Array(2 * n);
    // Fast path: the server lists the vessels in the same order as last time, so vessel k is
    // the old vessel k and no MMSI lookups (or new index) are needed.
    let same = n === this.n;
    for (let k = 0; same && k < n; k++) same = d.mmsi[k] === this.mmsi[k];
    const index = same ? this.index : new Map();
    const t = this.progress(now);
    let maxMove = 0;
    for (let k = 0; k < n; k++) {
      const m = d.mmsi[k];
      const nx = d.x[k], ny = d.y[k];
      to[2 * k] = nx;
      to[2 * k + 1] = ny;
      const old = same ? k : this.index.get(m);
      if (old !== undefined) {
        const x = this.from[2 * old] + (this.to[2 * old] - this.from[2 * old]) * t;
        const y = this.from[2 * old + 1] + (this.to[2 * old + 1] - this.from[2 * old + 1]) * t;
        from[2 * k] = x;
        from[2 * k + 1] = y;
        const dx = Math.abs(nx - x), dy = Math.abs(ny - y);
        if (dx > maxMove) maxMove = dx;
        if (dy > maxMove) maxMove = dy;
      } else {
        from[2 * k] = nx;
        from[2 * k + 1] = ny;
      }
      if (!same) index.set(m, k);
    }
    Object.assign(this, { n, from, to, rot: d.rot, cat: d.cat, mmsi: d.mmsi, index, maxMove, t0: now, duration: Math.max(1, durationMs), dirty: true });
    this.map?.triggerRepaint();
    // The last frame of the glide, when the glide itself was too small to animate.
    clearTimeout(this.landing);
    this.landing = setTimeout(() => this.map?.triggerRepaint(), this.duration + 20);
  }

  // animating reports whether the glide moves some vessel by a visible amount (a quarter
  // pixel) at the current zoom; alwaysAnimate forces it (the frame-time test's worst case).
  animating() {
    return this.alwaysAnimate || this.maxMove * 512 * 2 ** this.map.getZoom() >= 0.25;
  }

  select(mmsi) {
    this.selected = mmsi ?? -1;
    this.map?.triggerRepaint();
  }

  // pointSize is the sprite size in CSS pixels at the current zoom.
  pointSize() {
    const z = this.map.getZoom();
    return Math.min(24, Math.max(13, 8 + z * 1.4));
  }

  render(gl, options) {
    if (!this.n) return;
    gl.useProgram(this.program);
    gl.bindVertexArray(this.vao);
    if (this.dirty) {
      for (const [name, data] of [['a_from', this.from], ['a_to', this.to], ['a_rot', this.rot], ['a_cat', this.cat]]) {
        gl.bindBuffer(gl.ARRAY_BUFFER, this.buffers[name]);
        gl.bufferData(gl.ARRAY_BUFFER, data, gl.DYNAMIC_DRAW);
      }
      this.dirty = false;
    }
    const t = this.progress();
    // defaultProjectionData.mainMatrix maps mercator coordinates (0..1) to clip space.
    gl.uniformMatrix4fv(this.u.u_matrix, false, options.defaultProjectionData?.mainMatrix ?? options.modelViewProjectionMatrix);
    gl.uniform1f(this.u.u_t, t);
    gl.uniform1f(this.u.u_size, this.pointSize() * devicePixelRatio);
    gl.uniform3fv(this.u.u_colors, this.colors);
    gl.uniform1f(this.u.u_bearing, this.map.getBearing());
    gl.uniform1f(this.u.u_ring, 0);
    gl.enable(gl.BLEND);
    gl.blendFunc(gl.ONE, gl.ONE_MINUS_SRC_ALPHA);
    gl.drawArrays(gl.POINTS, 0, this.n);
    const sel = this.index.get(this.selected);
    if (sel !== undefined) {
      gl.uniform1f(this.u.u_ring, 1);
      gl.uniform1f(this.u.u_size, (this.pointSize() + 12) * devicePixelRatio);
      gl.drawArrays(gl.POINTS, sel, 1);
    }
    gl.bindVertexArray(null);
    this.frames++;
    if (t < 1 && this.animating()) this.map.triggerRepaint();
  }

  // hit returns the MMSI of the vessel drawn nearest to the screen point (CSS pixels relative
  // to the map canvas) within its sprite, or undefined.
  hit(point) {
    if (!this.n) return undefined;
    const m = MercatorCoordinate.fromLngLat(this.map.unproject(point));
    const world = 512 * 2 ** this.map.getZoom();
    const r = this.pointSize() / 2 + 3;
    let best, bestD = r * r;
    const now = performance.now();
    for (let i = 0; i < this.n; i++) {
      const [x, y] = this.position(i, now);
      const dx = (x - m.x) * world, dy = (y - m.y) * world;
      const d = dx * dx + dy * dy;
      if (d <= bestD) { bestD = d; best = this.mmsi[i]; }
    }
    return best;
  }

  // screenPoint returns where vessel mmsi is drawn, in CSS pixels relative to the canvas.
  screenPoint(mmsi) {
    const i = this.index.get(mmsi);
    if (i === undefined) return undefined;
    const [x, y] = this.position(i);
    const p = this.map.project(new MercatorCoordinate(x, y, 0).toLngLat());
    return { x: p.x, y: p.y };
  }
}
