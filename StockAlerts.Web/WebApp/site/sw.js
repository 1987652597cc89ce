// StockAlerts service worker: the app shell offline, Web Push banners, and clicks on them.
// Bump VERSION when the list below or anything in vendor/ or icons/ changes.
const VERSION = 'v1';
const CACHE = `stockalerts-shell-${VERSION}`;

const SHELL = [
  './',
  'index.html',
  'manifest.webmanifest',
  'css/app.css',
  'js/app.js',
  'js/api.js',
  'js/account.js',
  'js/chart.js',
  'js/dom.js',
  'js/format.js',
  'js/forms.js',
  'js/hubs.js',
  'js/instruments.js',
  'js/notifications.js',
  'js/push.js',
  'js/rules.js',
  'js/watchlist.js',
  'js/views/alerts.js',
  'js/views/editor.js',
  'js/views/inbox.js',
  'js/views/settings.js',
  'js/views/signin.js',
  'js/views/symbol.js',
  'js/views/watchlist.js',
  'vendor/signalr.min.js',
  'vendor/lightweight-charts.standalone.production.js',
  'icons/icon.svg',
  'icons/icon-192.png',
];

// Live data is never cached: it would show old prices and notifications as if they were current.
const NEVER_CACHE = /^\/(api|hubs|hangfire|health|scalar|openapi|metrics)(\/|$)/;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((name) => name.startsWith('stockalerts-shell-') && name !== CACHE).map((name) => caches.delete(name)));
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || NEVER_CACHE.test(url.pathname)) return;
  if (request.mode === 'navigate') {
    event.respondWith(networkFirst(request, 'index.html'));
  } else if (/\/(vendor|icons)\//.test(url.pathname)) {
    event.respondWith(cacheFirst(request));
  } else {
    // The app's own modules import each other: serving a mix of old and new copies after a deploy would break
    // them, so they come fresh when online and from the cache only when offline.
    event.respondWith(networkFirst(request));
  }
});

async function networkFirst(request, fallback) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok && response.type === 'basic') await cache.put(fallback ?? request, response.clone());
    return response;
  } catch {
    return (await cache.match(fallback ?? request, { ignoreSearch: true })) ?? Response.error();
  }
}

// Libraries and icons change only with a new VERSION of this file.
async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request, { ignoreSearch: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok && response.type === 'basic') await cache.put(request, response.clone());
  return response;
}

// ---- Push ----

async function tellClients(message) {
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  for (const client of windows) client.postMessage(message);
}

self.addEventListener('push', (event) => {
  let payload = {};
  try {
    payload = event.data ? event.data.json() : {};
  } catch {
    payload = { body: event.data?.text() };
  }
  const data = payload.data ?? {};
  event.waitUntil((async () => {
    // Open pages fetch what is new; a silent push (no title: already shown live, or quiet hours) stops there.
    await tellClients({ type: 'push', data });
    if (!payload.title) return;
    await self.registration.showNotification(payload.title, {
      body: payload.body ?? '',
      data,
      icon: 'icons/icon-192.png',
      badge: 'icons/icon-192.png',
      // One banner per rule: a newer firing replaces the older one.
      tag: data.ruleId ? `rule-${data.ruleId}` : data.kind === 'digest' ? 'digest' : undefined,
      renotify: Boolean(data.ruleId || data.kind === 'digest'),
      // A banner without sound or vibration (e.g. quiet hours) for browsers, which must show something per push.
      silent: payload.silent === true,
      timestamp: Date.now(),
    });
  })());
});

function targetOf(data) {
  const fallback = new URL('./#/inbox', self.registration.scope);
  if (!data?.url) return fallback;
  try {
    const url = new URL(data.url, self.registration.scope);
    return url.origin === self.location.origin ? url : fallback;
  } catch {
    return fallback;
  }
}

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const target = targetOf(event.notification.data);
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    const open = windows.find((client) => new URL(client.url).origin === self.location.origin);
    if (open) {
      await open.focus();
      open.postMessage({ type: 'navigate', hash: target.hash || '#/inbox' });
      return;
    }
    await self.clients.openWindow(target.href);
  })());
});
