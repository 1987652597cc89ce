// SignalR connections: /hubs/prices (live quotes) and the plumbing /hubs/notifications shares.
// signalR is the global from vendor/signalr.min.js, loaded before the modules.
import { apiUrl, getAccessToken, get, hasSession } from './api.js';

const connections = new Set();
const statusListeners = new Set();

// The default policy gives up after four tries; a price app should keep trying while it is open.
const retryForever = {
  nextRetryDelayInMilliseconds: ({ previousRetryCount }) =>
    hasSession() ? Math.min(30_000, 1000 * 2 ** previousRetryCount) + Math.random() * 1000 : null,
};

// Waits between start attempts; coming back online ends every wait at once.
const sleepers = new Set();
function sleep(ms) {
  return new Promise((resolve) => {
    const wake = () => {
      clearTimeout(timer);
      sleepers.delete(wake);
      resolve();
    };
    const timer = setTimeout(wake, ms);
    sleepers.add(wake);
  });
}
window.addEventListener('online', () => {
  for (const wake of [...sleepers]) wake();
});

/**
 * One hub connection that starts on demand, keeps reconnecting while signed in, and calls onStarted after every
 * (re)connection: the server forgets a connection's subscriptions when it drops.
 */
export class LiveConnection {
  constructor(path, { onStarted } = {}) {
    this.path = path;
    this.onStarted = onStarted;
    this.handlers = [];
    this.connection = null;
    this.state = 'idle';
    connections.add(this);
  }

  on(name, handler) {
    this.handlers.push([name, handler]);
    this.connection?.on(name, handler);
  }

  get connected() {
    return this.connection?.state === signalR.HubConnectionState.Connected;
  }

  start() {
    if (this.connection) return;
    const connection = new signalR.HubConnectionBuilder()
      .withUrl(apiUrl(this.path), { accessTokenFactory: () => getAccessToken() })
      .withAutomaticReconnect(retryForever)
      .configureLogging(signalR.LogLevel.Warning)
      .build();
    for (const [name, handler] of this.handlers) connection.on(name, handler);
    connection.onreconnecting(() => this.setState('reconnecting'));
    connection.onreconnected(() => this.started());
    connection.onclose(() => {
      // Closed for good (retries exhausted or server shut down): start over unless we stopped it.
      if (this.connection === connection) this.startWithRetry(connection);
    });
    this.connection = connection;
    this.startWithRetry(connection);
  }

  async startWithRetry(connection) {
    this.setState('connecting');
    for (let attempt = 0; this.connection === connection && hasSession(); attempt++) {
      try {
        await connection.start();
        await this.started();
        return;
      } catch {
        if (this.connection !== connection) return;
        this.setState('offline');
        await sleep(Math.min(30_000, 1000 * 2 ** attempt) + Math.random() * 1000);
      }
    }
    if (this.connection === connection) this.setState('idle');
  }

  async started() {
    this.setState('connected');
    try {
      await this.onStarted?.();
    } catch (error) {
      console.warn(`${this.path}: after connecting`, error);
    }
  }

  async stop() {
    const connection = this.connection;
    this.connection = null;
    this.setState('idle');
    await connection?.stop();
  }

  invoke(method, ...args) {
    if (!this.connected) return Promise.reject(new Error(`${this.path} is not connected`));
    return this.connection.invoke(method, ...args);
  }

  setState(state) {
    this.state = state;
    const overall = overallState();
    for (const listener of statusListeners) listener(overall);
  }
}

/** 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'offline' over every started connection. */
function overallState() {
  const states = [...connections].map((connection) => connection.state).filter((state) => state !== 'idle');
  if (states.length === 0) return 'idle';
  for (const state of ['offline', 'reconnecting', 'connecting']) {
    if (states.includes(state)) return state;
  }
  return 'connected';
}

export function onLiveStatus(listener) {
  statusListeners.add(listener);
  listener(overallState());
  return () => statusListeners.delete(listener);
}

export async function stopAllHubs() {
  await Promise.allSettled([...connections].map((connection) => connection.stop()));
}

// ---- Prices ----

// The server caps live symbols per connection; any beyond are polled over REST instead.
const MAX_LIVE_SYMBOLS = 50;
const POLL_MS = 15_000;

const listenersBySymbol = new Map();
const latestQuotes = new Map();
let subscribed = new Set();
let syncQueue = Promise.resolve();
let syncTimer = null;
let pollTimer = null;

const prices = new LiveConnection('/hubs/prices', {
  onStarted: () => {
    subscribed = new Set();
    queueSync(0);
  },
});
prices.on('PriceChanged', (quote) => deliver(quote));
prices.on('StaleChanged', ({ symbol, stale, lastSeen }) => {
  const quote = latestQuotes.get(symbol);
  if (quote) deliver({ ...quote, stale, lastSeen });
});

function deliver(quote) {
  const previous = latestQuotes.get(quote.symbol);
  // Stale-flag updates and REST polls can arrive after a newer live tick; keep the newest price.
  if (previous && quote.time && previous.time && new Date(quote.time) < new Date(previous.time)) {
    quote = { ...previous, stale: quote.stale };
  }
  latestQuotes.set(quote.symbol, quote);
  for (const listener of listenersBySymbol.get(quote.symbol) ?? []) listener(quote);
}

export function latestQuote(symbol) {
  return latestQuotes.get(symbol);
}

/**
 * Calls listener(quote) with each symbol's current quote and every change after it, until the returned function
 * is called. Several views may watch the same symbol.
 */
export function watchPrices(symbols, listener) {
  const unique = [...new Set(symbols.map((symbol) => symbol.toUpperCase()))];
  for (const symbol of unique) {
    if (!listenersBySymbol.has(symbol)) listenersBySymbol.set(symbol, new Set());
    listenersBySymbol.get(symbol).add(listener);
    const known = latestQuotes.get(symbol);
    if (known) queueMicrotask(() => listener(known));
  }
  prices.start();
  queueSync();
  return () => {
    for (const symbol of unique) {
      const listeners = listenersBySymbol.get(symbol);
      listeners?.delete(listener);
      if (listeners?.size === 0) listenersBySymbol.delete(symbol);
    }
    queueSync();
  };
}

// Views come and go together on navigation; waiting a moment turns "unwatch all, watch one" into one call.
function queueSync(delay = 150) {
  clearTimeout(syncTimer);
  syncTimer = setTimeout(() => {
    syncQueue = syncQueue.then(syncSubscriptions).catch((error) => console.warn('prices: subscribe', error));
  }, delay);
}

async function syncSubscriptions() {
  const wanted = [...listenersBySymbol.keys()];
  const live = wanted.slice(0, MAX_LIVE_SYMBOLS);
  updatePolling(wanted.slice(MAX_LIVE_SYMBOLS));
  if (!prices.connected) return;
  const removed = [...subscribed].filter((symbol) => !live.includes(symbol));
  const added = live.filter((symbol) => !subscribed.has(symbol));
  if (removed.length) {
    await prices.invoke('Unsubscribe', removed);
    for (const symbol of removed) subscribed.delete(symbol);
  }
  if (added.length) {
    try {
      receive(added, await prices.invoke('Subscribe', added));
    } catch {
      // One unknown or disabled symbol refuses the whole batch: subscribe the rest one by one.
      for (const symbol of added) {
        try {
          receive([symbol], await prices.invoke('Subscribe', [symbol]));
        } catch (error) {
          console.warn(`prices: cannot subscribe to ${symbol}`, error);
        }
      }
    }
  }
}

function receive(symbols, quotes) {
  for (const symbol of symbols) subscribed.add(symbol);
  for (const quote of quotes ?? []) deliver(quote);
}

function updatePolling(symbols) {
  clearInterval(pollTimer);
  pollTimer = null;
  if (symbols.length === 0) return;
  const poll = async () => {
    for (let i = 0; i < symbols.length; i += 100) {
      try {
        const quotes = await get(`/api/prices?symbols=${encodeURIComponent(symbols.slice(i, i + 100).join(','))}`);
        for (const quote of quotes ?? []) deliver(quote);
      } catch (error) {
        console.warn('prices: poll', error);
      }
    }
  };
  poll();
  pollTimer = setInterval(poll, POLL_MS);
}

export function stopPrices() {
  listenersBySymbol.clear();
  latestQuotes.clear();
  subscribed = new Set();
  updatePolling([]);
  return prices.stop();
}
