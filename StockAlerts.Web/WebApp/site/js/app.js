// Start-up, hash routing, the signed-in lifecycle (hubs, badge, toasts) and messages from the service worker.
import { ApiError, hasSession, onSessionChange } from './api.js';
import { h, replaceChildren, toast } from './dom.js';
import { forgetAccount, loadAccount } from './account.js';
import { onLiveStatus, stopPrices } from './hubs.js';
import { ack, catchUp, onNotifications, startNotifications, stopNotifications, unreadCount } from './notifications.js';
import { refreshPushDevice, registerServiceWorker } from './push.js';
import { forgetWatchlist } from './watchlist.js';
import { forgetInstruments } from './instruments.js';

const RETURN_TO_KEY = 'stockalerts.returnTo';

const routes = [
  { pattern: /^\/signin$/, view: () => import('./views/signin.js'), title: 'Sign in', public: true },
  { pattern: /^\/watchlist$/, view: () => import('./views/watchlist.js'), title: 'Watchlist', nav: 'watchlist' },
  { pattern: /^\/symbol\/([^/]+)$/, names: ['symbol'], view: () => import('./views/symbol.js'), title: 'Symbol', nav: 'watchlist' },
  { pattern: /^\/alerts$/, view: () => import('./views/alerts.js'), title: 'Alerts', nav: 'alerts' },
  { pattern: /^\/alerts\/new$/, view: () => import('./views/editor.js'), title: 'New alert', nav: 'alerts' },
  { pattern: /^\/alerts\/([^/]+)\/edit$/, names: ['id'], view: () => import('./views/editor.js'), title: 'Edit alert', nav: 'alerts' },
  { pattern: /^\/inbox$/, view: () => import('./views/inbox.js'), title: 'Inbox', nav: 'inbox' },
  { pattern: /^\/settings$/, view: () => import('./views/settings.js'), title: 'Settings', nav: 'settings' },
];

const main = document.getElementById('main');
const nav = document.getElementById('app-nav');
let currentPage = null;
let sessionStarted = false;
let firstRender = true;

function parseHash() {
  let raw = location.hash.replace(/^#/, '') || '/';
  try {
    raw = decodeURI(raw);
  } catch {
    // A malformed address: route it as it is (it will not match).
  }
  const [path, query = ''] = raw.split('?');
  return { path: path || '/', query: new URLSearchParams(query) };
}

/** Goes to a route such as '/symbol/AAPL'; replace keeps the current entry out of the history. */
export function navigate(path, { replace = false } = {}) {
  if (replace) {
    history.replaceState(null, '', `#${path}`);
    render();
  } else if (location.hash === `#${path}`) {
    render();
  } else {
    location.hash = path;
  }
}

async function render() {
  const { path, query } = parseHash();
  if (!hasSession() && path !== '/signin') {
    if (path !== '/') sessionStorage.setItem(RETURN_TO_KEY, location.hash.slice(1));
    navigate('/signin', { replace: true });
    return;
  }
  if (hasSession() && (path === '/' || path === '/signin')) {
    navigate('/watchlist', { replace: true });
    return;
  }

  currentPage?.abort();
  const page = new AbortController();
  currentPage = page;

  const route = routes.find((candidate) => candidate.pattern.test(path));
  if (!route) {
    showPage('Not found');
    replaceChildren(main, h('h1', { tabindex: '-1', 'data-page-heading': true }, 'Page not found'),
      h('p', {}, 'There is nothing at this address. ', h('a', { href: '#/watchlist' }, 'Go to your watchlist')));
    focusHeading();
    return;
  }
  if (!route.public) startSession();
  const match = path.match(route.pattern);
  const params = Object.fromEntries((route.names ?? []).map((name, index) => [name, decodeURIComponent(match[index + 1])]));

  setActiveNav(route.nav);
  showPage(route.title);
  replaceChildren(main, h('p', { class: 'loading', 'data-testid': 'loading' }, 'Loading…'));
  try {
    const module = await route.view();
    if (page.signal.aborted) return;
    main.replaceChildren();
    await module.default(main, { params, query, signal: page.signal, navigate });
  } catch (error) {
    if (page.signal.aborted || error?.name === 'AbortError') return;
    if (error instanceof ApiError && error.status === 401) return;
    const offline = error instanceof ApiError && error.status === 0;
    if (offline) {
      // Try again by itself when the connection is back.
      window.addEventListener('online', () => { if (currentPage === page) render(); }, { once: true, signal: page.signal });
    } else {
      console.error(error);
    }
    replaceChildren(main,
      h('h1', { tabindex: '-1', 'data-page-heading': true }, offline ? 'You are offline' : 'Something went wrong'),
      h('p', { 'data-testid': 'page-error' }, error?.message ?? String(error)),
      h('button', { type: 'button', class: 'primary', onclick: () => render() }, 'Try again'));
  }
  if (!page.signal.aborted) focusHeading();
}

function showPage(title) {
  document.title = `${title} · StockAlerts`;
}

// After navigation, focus moves to the new page's heading so a screen reader announces where the user is.
function focusHeading() {
  if (firstRender) {
    firstRender = false;
    return;
  }
  main.querySelector('[data-page-heading]')?.focus({ preventScroll: true });
  window.scrollTo(0, 0);
}

function setActiveNav(name) {
  for (const link of nav.querySelectorAll('a[data-nav]')) {
    if (link.dataset.nav === name) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

function startSession() {
  if (sessionStarted) return;
  sessionStarted = true;
  nav.hidden = false;
  loadAccount().catch((error) => console.warn('account', error));
  startNotifications();
  refreshPushDevice().catch((error) => console.warn('push device', error));
}

async function endSession(reason) {
  if (!sessionStarted) {
    if (parseHash().path !== '/signin') navigate('/signin', { replace: true });
    return;
  }
  sessionStarted = false;
  nav.hidden = true;
  updateBadge();
  await Promise.allSettled([stopNotifications(), stopPrices()]);
  forgetAccount();
  forgetWatchlist();
  forgetInstruments();
  if (reason === 'expired') toast('Your session has ended. Please sign in again.', { timeout: 10_000 });
  if (reason === 'other-tab') toast('You signed out in another tab.');
  navigate('/signin', { replace: true });
}

onSessionChange((state, reason) => {
  if (state === 'signed-out') endSession(reason);
  // Signed in from another tab: leave the sign-in form here too (this tab signing in navigates by itself).
  if (state === 'signed-in' && reason === 'other-tab' && parseHash().path === '/signin') navigate('/watchlist', { replace: true });
});

// ---- Unread badge, toasts for live notifications ----

const badge = document.getElementById('unread-count');
const inboxLink = nav.querySelector('a[data-nav="inbox"]');

function updateBadge() {
  const count = sessionStarted ? unreadCount() : 0;
  badge.textContent = count > 99 ? '99+' : String(count);
  badge.hidden = count === 0;
  inboxLink.setAttribute('aria-label', count ? `Inbox, ${count} unread` : 'Inbox');
}

onNotifications('change', updateBadge);

onNotifications('created', ({ notification }) => {
  // Shown here only while the page is visible; a hidden tab leaves the banner to the push, so it is not acked.
  if (document.visibilityState !== 'visible') return;
  toast(notification.body, {
    title: notification.title,
    action: { label: 'View', onClick: () => navigate(`/symbol/${encodeURIComponent(notification.symbol)}`) },
    timeout: 10_000,
  });
  ack(notification.id);
});

onNotifications('caught-up', ({ notifications }) => {
  const count = notifications.length;
  toast(count === 1 ? notifications[0].body : `${count} new notifications while you were away.`, {
    title: count === 1 ? notifications[0].title : undefined,
    action: { label: 'Open inbox', onClick: () => navigate('/inbox') },
  });
});

// ---- Live status ----

const liveStatus = document.getElementById('live-status');
const liveLabels = { connecting: 'Connecting…', connected: 'Live', reconnecting: 'Reconnecting…', offline: 'Offline' };
onLiveStatus((state) => {
  liveStatus.dataset.state = state;
  liveStatus.textContent = liveLabels[state] ?? '';
  liveStatus.hidden = state === 'idle';
});

// ---- Coming back: catch up on what arrived meanwhile ----

let hiddenSince = null;
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'hidden') {
    hiddenSince = Date.now();
  } else if (sessionStarted && hiddenSince && Date.now() - hiddenSince > 30_000) {
    catchUp().catch(() => {});
  }
});
window.addEventListener('online', () => {
  if (sessionStarted) catchUp().catch(() => {});
});

// ---- Service worker ----

if ('serviceWorker' in navigator) {
  navigator.serviceWorker.addEventListener('message', (event) => {
    const message = event.data ?? {};
    if (message.type === 'push' && sessionStarted) catchUp().catch(() => {});
    if (message.type === 'navigate' && typeof message.hash === 'string' && message.hash.startsWith('#/')) {
      location.hash = message.hash;
    }
  });
  window.addEventListener('load', () => registerServiceWorker());
}

// The hash is the route, so the skip link moves focus itself instead of changing it.
document.querySelector('.skip-link').addEventListener('click', (event) => {
  event.preventDefault();
  (main.querySelector('[data-page-heading]') ?? main).focus();
});

window.addEventListener('hashchange', render);
render();
