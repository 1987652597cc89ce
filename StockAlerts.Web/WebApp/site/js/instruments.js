// Instrument names and currencies: quotes carry neither, so the catalog is fetched once and kept.
import { get } from './api.js';

let catalog = new Map();
let complete = false;
let loading = null;

function loadCatalog() {
  loading ??= get('/api/instruments?pageSize=100')
    .then((page) => {
      for (const item of page.items) catalog.set(item.symbol, item);
      complete = page.total <= page.items.length;
    })
    .catch((error) => {
      loading = null;
      throw error;
    });
  return loading;
}

/** {symbol, kind, currency, displayName, provider, enabled} or null when there is no such instrument. */
export async function instrument(symbol) {
  symbol = symbol.toUpperCase();
  await loadCatalog();
  if (catalog.has(symbol) || complete) return catalog.get(symbol) ?? null;
  const page = await get(`/api/instruments?search=${encodeURIComponent(symbol)}&pageSize=100`);
  for (const item of page.items) catalog.set(item.symbol, item);
  return catalog.get(symbol) ?? null;
}

export const knownInstrument = (symbol) => catalog.get(symbol.toUpperCase()) ?? null;

export async function instruments(symbols) {
  await Promise.all(symbols.map((symbol) => instrument(symbol).catch(() => null)));
  return symbols.map((symbol) => knownInstrument(symbol));
}

export async function searchInstruments(text, { signal } = {}) {
  const page = await get(`/api/instruments?search=${encodeURIComponent(text.trim())}&pageSize=20`, { signal });
  for (const item of page.items) catalog.set(item.symbol, item);
  return page.items.filter((item) => item.enabled);
}

export function forgetInstruments() {
  catalog = new Map();
  complete = false;
  loading = null;
}
