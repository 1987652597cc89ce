// The user's notifications: one list kept here for the inbox and the unread badge, fed by REST pages, the live
// hub and catch-up after being offline. Every path de-duplicates by id.
import { get, post } from './api.js';
import { LiveConnection } from './hubs.js';

const PAGE_SIZE = 50;
const CATCH_UP_PAGE = 100;

const events = new EventTarget();
const items = new Map();
let unread = 0;
// The newest createdAt that a REST answer covered completely. Live messages do not move it: one may overtake a
// notification that we missed while reconnecting, and catch-up must still ask for that one.
let syncedUntil = null;
let olderCursor = null;
let hasOlder = false;
let loaded = false;

const hub = new LiveConnection('/hubs/notifications', { onStarted: () => catchUp() });
hub.on('NotificationCreated', (notification) => receiveLive(notification));

/**
 * Events: 'change' (the list or the unread count changed), 'created' (detail: { notification }, one arrived live),
 * 'caught-up' (detail: { notifications }, arrived while this app was away).
 */
export function onNotifications(type, listener) {
  const handler = (event) => listener(event.detail);
  events.addEventListener(type, handler);
  return () => events.removeEventListener(type, handler);
}

function emit(type, detail) {
  events.dispatchEvent(new CustomEvent(type, { detail }));
}

export const isUnread = (notification) => !notification.readAt && !notification.dismissedAt;

export function notificationList() {
  return [...items.values()].sort((a, b) => new Date(b.createdAt) - new Date(a.createdAt));
}

export const unreadCount = () => unread;
export const canLoadOlder = () => hasOlder;
export const isLoaded = () => loaded;

export function startNotifications() {
  hub.start();
}

export async function stopNotifications() {
  items.clear();
  unread = 0;
  syncedUntil = null;
  olderCursor = null;
  hasOlder = false;
  loaded = false;
  emit('change');
  await hub.stop();
}

function upsert(notification) {
  const known = items.get(notification.id);
  items.set(notification.id, known ? { ...known, ...notification } : notification);
  return !known;
}

function advanceSyncedUntil(createdAt) {
  if (!syncedUntil || new Date(createdAt) > new Date(syncedUntil)) syncedUntil = createdAt;
}

function receiveLive(live) {
  // Known already (from the inbox, or sent again because no acknowledgement reached the server, as from a hidden
  // tab): acknowledge it so the server stops sending it (its push went out long before), and show it once.
  if (items.has(live.id)) {
    ack(live.id);
    return;
  }
  // The hub sends a slimmer shape than the list: time is the notification's createdAt.
  const notification = {
    id: live.id, ruleId: live.ruleId, symbol: live.symbol, price: live.price, title: live.title, body: live.body,
    createdAt: live.time, readAt: null, dismissedAt: null, actedAt: null, action: null,
  };
  upsert(notification);
  unread += 1;
  emit('change');
  emit('created', { notification });
}

/** Tells the server the open app showed it, so the phone's push goes out silent instead of ringing again. */
export function ack(notificationId) {
  return hub.invoke('Ack', notificationId).catch(() => false);
}

/** The first page, or everything since the last complete answer. Safe to call any time (push, reconnect, focus). */
export async function catchUp() {
  if (!syncedUntil) {
    // Nothing was there at the last look (or nothing was loaded yet): the first page is the catch-up.
    const wasLoaded = loaded;
    const fresh = await loadFirstPage();
    if (wasLoaded && fresh.length) emit('caught-up', { notifications: fresh });
    return;
  }
  const fresh = [];
  let since = syncedUntil;
  for (let round = 0; round < 10; round++) {
    const page = await get(`/api/notifications?since=${encodeURIComponent(since)}&limit=${CATCH_UP_PAGE}`);
    unread = page.unread;
    for (const notification of page.items) {
      if (upsert(notification)) fresh.push(notification);
      advanceSyncedUntil(notification.createdAt);
    }
    if (page.items.length < CATCH_UP_PAGE) break;
    since = page.items.at(-1).createdAt;
  }
  emit('change');
  if (fresh.length) emit('caught-up', { notifications: fresh });
}

async function loadFirstPage() {
  const page = await get(`/api/notifications?limit=${PAGE_SIZE}`);
  const fresh = page.items.filter((notification) => upsert(notification));
  if (page.items.length) advanceSyncedUntil(page.items[0].createdAt);
  else syncedUntil = null;
  olderCursor = page.nextCursor;
  hasOlder = Boolean(page.nextCursor);
  unread = page.unread;
  loaded = true;
  emit('change');
  return fresh;
}

export async function loadOlder() {
  if (!hasOlder) return;
  const page = await get(`/api/notifications?limit=${PAGE_SIZE}&before=${encodeURIComponent(olderCursor)}`);
  for (const notification of page.items) upsert(notification);
  olderCursor = page.nextCursor;
  hasOlder = Boolean(page.nextCursor);
  unread = page.unread;
  emit('change');
}

async function mark(id, verb) {
  const before = items.get(id);
  const updated = await post(`/api/notifications/${id}/${verb}`);
  upsert(updated);
  if (before && isUnread(before) && !isUnread(updated)) unread = Math.max(0, unread - 1);
  emit('change');
  return updated;
}

export const markRead = (id) => mark(id, 'read');
export const dismiss = (id) => mark(id, 'dismiss');

export async function markAllRead() {
  const { marked } = await post('/api/notifications/read-all');
  const now = new Date().toISOString();
  for (const notification of items.values()) {
    if (!notification.readAt) notification.readAt = now;
  }
  unread = 0;
  emit('change');
  return marked;
}

/** snooze {minutes} | rearm | disable | moveLevel {amount | percent}; answers what changed on the rule. */
export async function act(id, action, body) {
  const before = items.get(id);
  const result = await post(`/api/notifications/${id}/actions/${action}`, body ?? {});
  const now = new Date().toISOString();
  if (before) {
    if (isUnread(before)) unread = Math.max(0, unread - 1);
    upsert({ id, action, actedAt: now, readAt: before.readAt ?? now });
  }
  emit('change');
  return result;
}
