// The watchlist lives on the server (GET/PUT/DELETE /api/watchlist); on a server without that endpoint it is kept
// in this browser instead, and moved to the server once the server has it.
import { del, get, isMissingEndpoint, put } from './api.js';
import { currentAccount, loadAccount } from './account.js';

let mode = null;
let symbols = [];

const storageKey = () => `stockalerts.watchlist.${currentAccount()?.email ?? 'default'}`;

function readLocal() {
  try {
    const stored = JSON.parse(localStorage.getItem(storageKey()) ?? '[]');
    return Array.isArray(stored) ? stored.filter((symbol) => typeof symbol === 'string') : [];
  } catch {
    return [];
  }
}

function saveLocal() {
  localStorage.setItem(storageKey(), JSON.stringify(symbols));
}

/** 'server' or 'local' once loaded. */
export const watchlistMode = () => mode;
export const watchlistSymbols = () => [...symbols];
export const isWatched = (symbol) => symbols.includes(symbol.toUpperCase());

export async function loadWatchlist() {
  try {
    const data = await get('/api/watchlist');
    mode = 'server';
    symbols = data?.symbols ?? [];
    await moveLocalListToServer();
  } catch (error) {
    if (!isMissingEndpoint(error)) throw error;
    // The browser copy is kept per account, so the account must be known before reading it.
    await loadAccount();
    mode = 'local';
    symbols = readLocal();
  }
  return watchlistSymbols();
}

async function moveLocalListToServer() {
  await loadAccount();
  const local = readLocal();
  const missing = local.filter((symbol) => !symbols.includes(symbol));
  for (const symbol of missing) {
    try {
      await put(`/api/watchlist/${encodeURIComponent(symbol)}`);
      symbols.push(symbol);
    } catch {
      // A symbol the server no longer knows stays behind; the rest moved.
    }
  }
  localStorage.removeItem(storageKey());
}

export async function addToWatchlist(symbol) {
  symbol = symbol.toUpperCase();
  if (mode === null) await loadWatchlist();
  if (mode === 'server') {
    try {
      const data = await put(`/api/watchlist/${encodeURIComponent(symbol)}`);
      if (Array.isArray(data?.symbols)) symbols = data.symbols;
    } catch (error) {
      if (!isMissingEndpoint(error)) throw error;
      mode = 'local';
      symbols = readLocal();
    }
  }
  if (!symbols.includes(symbol)) symbols.push(symbol);
  if (mode === 'local') saveLocal();
  return watchlistSymbols();
}

export async function removeFromWatchlist(symbol) {
  symbol = symbol.toUpperCase();
  if (mode === null) await loadWatchlist();
  if (mode === 'server') {
    try {
      await del(`/api/watchlist/${encodeURIComponent(symbol)}`);
    } catch (error) {
      if (isMissingEndpoint(error)) {
        mode = 'local';
        symbols = readLocal();
      } else if (error.status !== 404) {
        // 404 with a detail: it was not on the list, which is what we wanted.
        throw error;
      }
    }
  }
  symbols = symbols.filter((item) => item !== symbol);
  if (mode === 'local') saveLocal();
  return watchlistSymbols();
}

export function forgetWatchlist() {
  mode = null;
  symbols = [];
}
