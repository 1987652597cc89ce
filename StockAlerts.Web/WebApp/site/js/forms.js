// Form fields keyed by the JSON path the API validates, so a 400's errors land next to the right input.
import { h, replaceChildren } from './dom.js';

/** An error line for one JSON path: id and data-testid "error-{path}". */
export function errorSlot(path) {
  return h('p', { class: 'field-error', id: `error-${path}`, 'data-testid': `error-${path}`, 'data-error-for': path });
}

/**
 * A labelled control for one JSON path. The control gets data-field="{path}" (the stable hook for tests and for
 * error placement) and is described by its hint and its error line.
 */
export function field(path, label, control, { hint, wrapperAttributes = {} } = {}) {
  const id = `f-${path}`;
  control.id = id;
  if (!control.name) control.name = path;
  control.dataset.field = path;
  const hintLine = hint ? h('p', { class: 'hint', id: `hint-${path}` }, hint) : null;
  const error = errorSlot(path);
  control.setAttribute('aria-describedby', [hintLine?.id, error.id].filter(Boolean).join(' '));
  return h('div', { class: 'field', ...wrapperAttributes }, h('label', { for: id }, label), control, hintLine, error);
}

export const input = (attributes = {}) => h('input', { type: 'text', ...attributes });

export const numberInput = (attributes = {}) => h('input', { type: 'number', step: 'any', inputmode: 'decimal', ...attributes });

export function select(options, attributes = {}) {
  return h('select', attributes, options.map((option) => Array.isArray(option.options)
    ? h('optgroup', { label: option.label }, option.options.map(optionElement))
    : optionElement(option)));
}

const optionElement = ({ value, label }) => h('option', { value }, label);

/**
 * Server keys to our paths: "TimeZone" → "timeZone", "Rule.condition.level" → "condition.level" (prefix "rule"),
 * "Channels[0]" → "channels".
 */
export function normalizeKey(key, prefix) {
  // A list of values is one control ("channels[0]" → "channels"); a list of objects keeps its index ("conditions[1].level").
  let path = key.replace(/\[\d+\]$/, '').split('.')
    .map((segment) => (segment ? segment[0].toLowerCase() + segment.slice(1) : segment)).join('.');
  if (prefix && path.startsWith(`${prefix}.`)) path = path.slice(prefix.length + 1);
  return path;
}

export function clearErrors(form) {
  for (const slot of form.querySelectorAll('[data-error-for]')) slot.textContent = '';
  for (const control of form.querySelectorAll('[aria-invalid]')) control.removeAttribute('aria-invalid');
  const summary = form.querySelector('[data-error-summary]');
  if (summary) summary.hidden = true;
}

const isShown = (element) => element.closest('[hidden]') === null;

/**
 * Puts each message next to its field; messages for keys without a visible field go to the form's summary
 * ([data-error-summary]). alias(path) may map a key to another field (e.g. "passwordTooShort" → "password").
 * Focuses the first invalid field, or the summary.
 */
export function showErrors(form, errors, { prefix, alias = (path) => path, message } = {}) {
  clearErrors(form);
  const unplaced = [];
  let firstInvalid = null;
  for (const [key, messages] of Object.entries(errors ?? {})) {
    const path = alias(normalizeKey(key, prefix));
    const text = [].concat(messages).join(' ');
    const slot = form.querySelector(`[data-error-for="${CSS.escape(path)}"]`);
    if (slot && isShown(slot)) {
      slot.textContent = slot.textContent ? `${slot.textContent} ${text}` : text;
      const control = form.querySelector(`[data-field="${CSS.escape(path)}"]`);
      if (control && isShown(control)) control.setAttribute('aria-invalid', 'true');
      firstInvalid ??= control && isShown(control) ? control : slot;
    } else {
      unplaced.push(text);
    }
  }
  const summary = form.querySelector('[data-error-summary]');
  if (summary && (unplaced.length || message)) {
    replaceChildren(summary,
      h('h2', { tabindex: '-1' }, message ?? 'Please check the form'),
      unplaced.length ? h('ul', {}, unplaced.map((text) => h('li', {}, text))) : null);
    summary.hidden = false;
  }
  const focusTarget = firstInvalid ?? (summary && !summary.hidden ? summary.querySelector('h2') : null);
  focusTarget?.focus?.();
  if (focusTarget && !focusTarget.matches('input, select, textarea')) focusTarget.scrollIntoView?.({ block: 'center' });
}

export function errorSummary(testid = 'error-summary') {
  return h('div', { class: 'error-summary', 'data-error-summary': true, 'data-testid': testid, role: 'alert', hidden: true });
}

/** Reads a number input: null when empty, NaN kept out (the browser gives "" for text it cannot parse). */
export function numberValue(control) {
  if (!control || control.value.trim() === '') return null;
  const value = Number(control.value);
  return Number.isFinite(value) ? value : null;
}

export function textValue(control) {
  const value = control?.value.trim() ?? '';
  return value === '' ? null : value;
}

/** Shows a number, or nothing for null/undefined. */
export function setNumber(control, value) {
  if (control) control.value = value === null || value === undefined ? '' : String(value);
}
