// Small DOM helpers. Text always goes in as text nodes, never as HTML, so server data cannot inject markup.

/**
 * h('button', { class: 'primary', onclick: save, 'data-testid': 'save' }, 'Save')
 * Attributes: on* functions become listeners; true/false toggle boolean attributes; null/undefined are skipped.
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else if (name === 'class') {
      element.className = Array.isArray(value) ? value.filter(Boolean).join(' ') : value;
    } else if (name === 'value' && 'value' in element) {
      element.value = value;
    } else if (name === 'checked' || name === 'selected') {
      element[name] = Boolean(value);
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(element, children);
  return element;
}

function append(parent, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function replaceChildren(parent, ...children) {
  parent.replaceChildren();
  append(parent, children);
}

/** A page heading that receives focus after navigation, so screen readers announce the new page. */
export function pageHeading(text, attributes = {}) {
  return h('h1', { tabindex: '-1', 'data-page-heading': true, ...attributes }, text);
}

const toastRegion = () => document.getElementById('toasts');

/**
 * An in-page message in the aria-live region. options: title, action {label, onClick}, error, timeout (ms, 0 = stays).
 */
export function toast(message, { title, action, error = false, timeout = 7000 } = {}) {
  const close = () => item.remove();
  const item = h('div', { class: ['toast', error && 'toast--error'], 'data-testid': 'toast' },
    h('div', { class: 'toast__text' }, title ? h('strong', { class: 'toast__title' }, title) : null, message),
    action ? h('button', { type: 'button', onclick: () => { close(); action.onClick(); } }, action.label) : null,
    h('button', { type: 'button', class: 'toast__close', 'aria-label': 'Close message', onclick: close }, '×'));
  const region = toastRegion();
  region.append(item);
  // Keep at most four on screen.
  while (region.children.length > 4) region.firstElementChild.remove();
  if (timeout) setTimeout(close, timeout);
  return close;
}

export function errorToast(error) {
  return toast(error?.message ?? String(error), { error: true, timeout: 9000 });
}

/**
 * A modal dialog; resolves to the submitted values (an object) or null when cancelled.
 * fields: [{ name, label, type, autocomplete }]; danger styles the confirm button as destructive.
 * onConfirm(values) may reject: its message is shown and the dialog stays open (e.g. a wrong password).
 */
export function dialog({ title, message, confirmLabel = 'OK', cancelLabel = 'Cancel', danger = false, fields = [], testid, onConfirm }) {
  return new Promise((resolve) => {
    const id = (name) => (testid ? `${testid}-${name}` : null);
    const errorLine = h('p', { class: 'field-error', role: 'alert', 'data-testid': id('error') });
    const confirmButton = h('button', { type: 'submit', class: danger ? 'danger' : 'primary', 'data-testid': id('confirm') }, confirmLabel);
    const form = h('form', { novalidate: true },
      h('h2', { id: 'dialog-title' }, title),
      message ? h('p', {}, message) : null,
      fields.map((field) => h('div', { class: 'field' },
        h('label', { for: `dialog-${field.name}` }, field.label),
        h('input', {
          id: `dialog-${field.name}`, name: field.name, type: field.type ?? 'text',
          autocomplete: field.autocomplete ?? 'off', 'data-testid': id(field.name),
        }))),
      errorLine,
      h('div', { class: 'form-actions' },
        confirmButton,
        h('button', { type: 'button', onclick: () => element.close(), 'data-testid': id('cancel') }, cancelLabel)));
    const element = h('dialog', { 'aria-labelledby': 'dialog-title', 'data-testid': testid }, form);
    let result = null;
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const values = Object.fromEntries(new FormData(form));
      errorLine.textContent = '';
      try {
        if (onConfirm) await busy(confirmButton, () => onConfirm(values));
        result = values;
        element.close();
      } catch (error) {
        errorLine.textContent = error?.message ?? String(error);
      }
    });
    element.addEventListener('close', () => {
      element.remove();
      resolve(result);
    });
    document.body.append(element);
    element.showModal();
  });
}

export const confirmDialog = (options) => dialog(options).then((values) => values !== null);

/** Turns a button into "busy" while the promise runs, so double clicks cannot send twice. */
export async function busy(button, work) {
  const wasDisabled = button.disabled;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    return await work();
  } finally {
    button.disabled = wasDisabled;
    button.removeAttribute('aria-busy');
  }
}

export function debounce(fn, ms) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

const ICONS = {
  bell: 'M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1z',
  close: 'M18.3 5.7a1 1 0 0 0-1.4 0L12 10.6 7.1 5.7a1 1 0 0 0-1.4 1.4l4.9 4.9-4.9 4.9a1 1 0 1 0 1.4 1.4l4.9-4.9 4.9 4.9a1 1 0 0 0 1.4-1.4L13.4 12l4.9-4.9a1 1 0 0 0 0-1.4z',
  plus: 'M13 5a1 1 0 0 0-2 0v6H5a1 1 0 0 0 0 2h6v6a1 1 0 0 0 2 0v-6h6a1 1 0 0 0 0-2h-6z',
};

/** A decorative icon (hidden from screen readers: the button around it carries the label). */
export function icon(name) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', '20');
  svg.setAttribute('height', '20');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  svg.setAttribute('fill', 'currentColor');
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', ICONS[name]);
  svg.append(path);
  return svg;
}

/** Restarts a CSS animation class (used to flash a price that just changed). */
export function flash(element, className) {
  element.classList.remove('flash-up', 'flash-down');
  void element.offsetWidth;
  element.classList.add(className);
}
