// dataPage builds a page that loads data from the API and renders it, with a loading state, an
// error state that says what to do next (errorView), a re-render on language switch and an
// optional periodic refresh. spec: id, feature() (what the page shows, for error messages),
// load() → data, render(data, {reload, rerender}) → nodes, refreshMs (optional).
import { h } from '../dom.js';
import { t, onLanguage } from '../i18n/index.js';
import { errorView } from '../shell.js';

export function dataPage(spec) {
  let container, data, error, active = false, timer, gen = 0;
  const render = () => {
    if (!active) return;
    let body;
    if (error) body = [errorView(error, { feature: spec.feature(), retry: reload })];
    else if (data === undefined) body = [h('p', { class: 'note', role: 'status' }, t('common.loading'))];
    else body = spec.render(data, { reload, rerender: render });
    // Keep the focus on a control that survives the re-render (a filter being changed).
    const focused = container.contains(document.activeElement) ? document.activeElement.id : '';
    container.replaceChildren(...[body].flat());
    if (focused) document.getElementById(focused)?.focus();
  };
  async function reload() {
    const my = ++gen;
    clearTimeout(timer);
    try {
      const d = await spec.load();
      if (my !== gen) return;
      data = d;
      error = null;
    } catch (err) {
      if (my !== gen) return;
      error = err;
      console.warn(spec.id, err);
    }
    render();
    if (active && spec.refreshMs && (!error || error.kind === 'offline' || error.kind === 'server')) {
      timer = setTimeout(reload, spec.refreshMs);
    }
  }
  onLanguage(render);
  return {
    id: spec.id,
    show(c) {
      container = c;
      active = true;
      data = undefined;
      error = null;
      render();
      reload();
    },
    hide() { active = false; gen++; clearTimeout(timer); },
    rerender: render,
  };
}

// table renders rows as an HTML table with a caption; columns: [[header, cell(row) → node|text]].
export function table(caption, columns, rows) {
  return h('table', { class: 'grid' },
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, columns.map(([head]) => h('th', { scope: 'col' }, head)))),
    h('tbody', {}, rows.map((r) => h('tr', {}, columns.map(([, cell]) => h('td', {}, cell(r)))))));
}

// localiseValidity makes the browser's validation messages of a control speak the page's
// language (Chromium words them in its own UI language otherwise).
export function localiseValidity(control) {
  control.addEventListener('invalid', () => {
    const v = control.validity;
    let msg = '';
    if (v.valueMissing) msg = t('forms.required');
    else if (v.badInput || v.typeMismatch) msg = t('forms.badInput');
    else if (v.rangeUnderflow || v.rangeOverflow) msg = t('forms.range', { min: control.min || '–', max: control.max || '–' });
    else if (v.stepMismatch) msg = t('forms.step');
    else if (v.patternMismatch || v.tooLong) msg = t('forms.pattern');
    control.setCustomValidity(msg);
  });
  control.addEventListener('input', () => control.setCustomValidity(''));
}

// field is a labelled form control.
export function field(label, control, hint) {
  localiseValidity(control);
  const id = control.id || (control.id = 'f-' + Math.random().toString(36).slice(2, 9));
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, hint ? h('small', {}, hint) : null);
}

// select builds a <select> from [value, label] pairs.
export function select(attrs, options, value) {
  const s = h('select', attrs, options.map(([v, label]) => h('option', { value: v }, label)));
  if (value !== undefined) s.value = value;
  return s;
}
