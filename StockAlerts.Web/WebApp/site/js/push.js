// The service worker and Web Push: this browser as a device of platform "web".
import { ApiError, del, get, isMissingEndpoint, post } from './api.js';

const DEVICE_KEY = 'stockalerts.pushDevice';

export const pushSupported = () => 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;

export async function registerServiceWorker() {
  if (!('serviceWorker' in navigator)) return null;
  try {
    return await navigator.serviceWorker.register('sw.js', { scope: './' });
  } catch (error) {
    console.warn('service worker not registered', error);
    return null;
  }
}

async function registration() {
  if (!('serviceWorker' in navigator)) return null;
  return (await navigator.serviceWorker.getRegistration()) ?? registerServiceWorker();
}

export async function currentSubscription() {
  if (!pushSupported()) return null;
  const worker = await registration();
  return worker ? worker.pushManager.getSubscription() : null;
}

/** The device id the server gave this browser's subscription (the device list does not show endpoints). */
export function thisDevice() {
  try {
    return JSON.parse(localStorage.getItem(DEVICE_KEY) ?? 'null');
  } catch {
    return null;
  }
}

function base64UrlToBytes(text) {
  const padded = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  return Uint8Array.from(atob(padded), (char) => char.charCodeAt(0));
}

function sameKey(buffer, bytes) {
  if (!buffer) return false;
  const existing = new Uint8Array(buffer);
  return existing.length === bytes.length && existing.every((byte, index) => byte === bytes[index]);
}

async function serverKey() {
  try {
    const { publicKey } = await get('/api/devices/web-push-key');
    return base64UrlToBytes(publicKey);
  } catch (error) {
    if (isMissingEndpoint(error)) {
      throw new ApiError(404, { detail: 'This server does not send browser notifications yet. Live notifications still appear while the app is open.' });
    }
    throw error;
  }
}

async function registerDevice(subscription) {
  const { keys } = subscription.toJSON();
  const device = await post('/api/devices', {
    token: subscription.endpoint,
    platform: 'web',
    appVersion: 'web',
    webPush: { p256dh: keys.p256dh, auth: keys.auth },
  });
  localStorage.setItem(DEVICE_KEY, JSON.stringify({ id: device?.id ?? null, endpoint: subscription.endpoint }));
  return device;
}

/** Asks for permission, subscribes with the server's VAPID key and registers the subscription as a device. */
export async function enablePush() {
  if (!pushSupported()) throw new Error('This browser cannot receive push notifications.');
  const applicationServerKey = await serverKey();
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') {
    throw new Error(permission === 'denied'
      ? 'Notifications are blocked for this site. Allow them in the browser\'s site settings, then try again.'
      : 'Notifications were not allowed.');
  }
  const worker = await registration();
  if (!worker) throw new Error('The service worker could not be installed, so push cannot work here.');
  await navigator.serviceWorker.ready;
  let subscription = await worker.pushManager.getSubscription();
  // A subscription made for an older server key cannot be used with the new one.
  if (subscription && !sameKey(subscription.options.applicationServerKey, applicationServerKey)) {
    await subscription.unsubscribe();
    subscription = null;
  }
  subscription ??= await worker.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey });
  return registerDevice(subscription);
}

/** Unsubscribes this browser and removes its device on the server. */
export async function disablePush() {
  const subscription = await currentSubscription();
  const device = thisDevice();
  localStorage.removeItem(DEVICE_KEY);
  await subscription?.unsubscribe();
  if (device?.id) {
    try {
      await del(`/api/devices/${device.id}`);
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) throw error;
    }
  }
}

/** At start: tell the server this browser is still here (devices unseen for months are pruned). */
export async function refreshPushDevice() {
  if (!pushSupported() || Notification.permission !== 'granted') return;
  const subscription = await currentSubscription();
  if (subscription && thisDevice()) await registerDevice(subscription);
}

/** Forgets the subscription here only: the server side is already gone (e.g. the account was deleted). */
export async function forgetPushLocally() {
  localStorage.removeItem(DEVICE_KEY);
  const subscription = await currentSubscription().catch(() => null);
  await subscription?.unsubscribe().catch(() => {});
}
