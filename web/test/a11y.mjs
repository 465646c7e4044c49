// In-page accessibility checks, run through page.evaluate: the contrast ratio of every visible
// text (WCAG 2.x relative luminance; AA needs 4.5:1, 3:1 for large text) and the focus indicator.

// contrastProblems returns a description of every visible element with its own text whose
// colour contrast against its effective background is below AA. Backgrounds are composed from
// the element up to the page (semi-transparent layers over what is below; the page is white);
// text over the map canvas without a background of its own is skipped (the canvas has no CSS
// background to measure).
export function contrastProblems() {
  const parse = (c) => {
    const m = c.match(/rgba?\(([^)]+)\)/);
    if (!m) return [0, 0, 0, 0];
    const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, bottom) => {
    const a = top[3];
    return [0, 1, 2].map((i) => top[i] * a + bottom[i] * (1 - a)).concat(1);
  };
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own) continue;
    const r = el.getBoundingClientRect();
    const cs = getComputedStyle(el);
    if (r.width === 0 || r.height === 0 || cs.visibility === 'hidden' || el.closest('[hidden]')) continue;
    if (r.bottom < 0 || r.top > innerHeight) continue;
    // Background: layers from the element up.
    const layers = [];
    let opaque = false, overMap = false;
    for (let e = el; e; e = e.parentElement) {
      const bg = parse(getComputedStyle(e).backgroundColor);
      if (bg[3] > 0) layers.push(bg);
      if (bg[3] >= 1) { opaque = true; break; }
      if (e.classList.contains('maparea') || e.classList.contains('maplibregl-map')) { overMap = true; break; }
    }
    if (overMap && !layers.length) continue;
    let bg = [255, 255, 255, 1];
    for (const l of layers.reverse()) bg = over(l, bg);
    let fg = parse(cs.color);
    fg = over([fg[0], fg[1], fg[2], fg[3] * Number(cs.opacity)], bg);
    const size = parseFloat(cs.fontSize), bold = Number(cs.fontWeight) >= 700;
    const large = size >= 24 || (bold && size >= 18.66);
    const need = large ? 3 : 4.5;
    const got = ratio(fg, bg);
    if (got < need && !el.closest('button:disabled')) {
      out.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${el.className} "${el.textContent.trim().slice(0, 40)}": ${got.toFixed(2)}:1 < ${need}:1 (${cs.color} on rgb(${bg.slice(0, 3).map(Math.round)})${opaque ? '' : ', partly transparent'})`);
    }
  }
  return out;
}

// focusIndicator describes how the focused element shows focus: outline or box-shadow.
export function focusIndicator() {
  const el = document.activeElement;
  if (!el || el === document.body) return { id: '', visible: false };
  const cs = getComputedStyle(el);
  const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2;
  const shadow = cs.boxShadow && cs.boxShadow !== 'none';
  return { id: el.id, tag: el.tagName.toLowerCase(), text: (el.textContent || '').trim().slice(0, 30), visible: outline || shadow, outline: `${cs.outlineStyle} ${cs.outlineWidth} ${cs.outlineColor}` };
}
