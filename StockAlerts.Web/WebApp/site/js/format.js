// Numbers and times in the reader's locale (Intl), with the instrument's currency when it is known.

const formatters = new Map();

function formatter(key, options) {
  let cached = formatters.get(key);
  if (!cached) {
    cached = new Intl.NumberFormat(undefined, options);
    formatters.set(key, cached);
  }
  return cached;
}

/** Prices carry as many decimals as they need: 2 for stocks, up to 6 for currency pairs like 1.08452. */
function decimalsOf(value) {
  const text = String(value);
  const dot = text.indexOf('.');
  const decimals = dot === -1 ? 0 : text.length - dot - 1;
  return Math.min(Math.max(decimals, 2), 6);
}

export function price(value, currency) {
  if (value === null || value === undefined || Number.isNaN(Number(value))) return '–';
  const digits = decimalsOf(value);
  const options = { minimumFractionDigits: 2, maximumFractionDigits: digits };
  if (currency) {
    try {
      return formatter(`p:${currency}:${digits}`, { ...options, style: 'currency', currency }).format(value);
    } catch {
      // An unknown currency code: fall back to a plain number.
    }
  }
  return formatter(`n:${digits}`, options).format(value);
}

export function number(value, maximumFractionDigits = 6) {
  if (value === null || value === undefined) return '–';
  return formatter(`num:${maximumFractionDigits}`, { maximumFractionDigits }).format(value);
}

/** A signed change: +1.25 / −0.40 (with currency when known). */
export function change(value, currency) {
  if (value === null || value === undefined) return '–';
  const digits = decimalsOf(value);
  const options = { minimumFractionDigits: 2, maximumFractionDigits: digits, signDisplay: 'exceptZero' };
  if (currency) {
    try {
      return formatter(`c:${currency}:${digits}`, { ...options, style: 'currency', currency }).format(value);
    } catch {
      // fall through
    }
  }
  return formatter(`cn:${digits}`, options).format(value);
}

/** percentValue is in percent already (the API's changePercent: 1.5 means 1.5 %). */
export function percent(percentValue, signed = true) {
  if (percentValue === null || percentValue === undefined) return '–';
  return formatter(`pct:${signed}`, {
    style: 'percent', minimumFractionDigits: 2, maximumFractionDigits: 2, signDisplay: signed ? 'exceptZero' : 'auto',
  }).format(percentValue / 100);
}

/** 'up' | 'down' | 'flat' for colouring a change. */
export function direction(value) {
  if (value === null || value === undefined || Number(value) === 0) return 'flat';
  return Number(value) > 0 ? 'up' : 'down';
}

const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const timeFormat = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });
const relativeFormat = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

export function dateTime(iso) {
  if (!iso) return '–';
  return dateTimeFormat.format(new Date(iso));
}

export function time(iso) {
  if (!iso) return '–';
  return timeFormat.format(new Date(iso));
}

export function relativeTime(iso, now = Date.now()) {
  if (!iso) return '–';
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 45) return 'just now';
  if (abs < 3600) return relativeFormat.format(Math.round(seconds / 60), 'minute');
  if (abs < 86_400) return relativeFormat.format(Math.round(seconds / 3600), 'hour');
  if (abs < 7 * 86_400) return relativeFormat.format(Math.round(seconds / 86_400), 'day');
  return dateTime(iso);
}

export function duration(seconds) {
  if (seconds === null || seconds === undefined) return '–';
  if (seconds % 86_400 === 0) return `${seconds / 86_400} d`;
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

export const browserTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

export function timeZones() {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return zones.includes('UTC') ? zones : ['UTC', ...zones];
}
