// Settings: notification preferences, browser notifications, devices, and the account.
import { ApiError, apiUrl, del, endSession, get, put, signOut } from '../api.js';
import { busy, confirmDialog, dialog, errorToast, h, pageHeading, toast } from '../dom.js';
import { clearErrors, errorSlot, errorSummary, field, input, showErrors, textValue } from '../forms.js';
import { browserTimeZone, dateTime, relativeTime, timeZones } from '../format.js';
import { deleteAccount, exportData, loadAccount } from '../account.js';
import { currentSubscription, disablePush, enablePush, forgetPushLocally, pushSupported, thisDevice } from '../push.js';

const CHANNELS = [['push', 'Push to my devices'], ['live', 'In the open app'], ['webhook', 'Webhook (for alerts that have one)']];

export default async function render(main, { signal }) {
  const [preferences, account] = await Promise.all([
    get('/api/notifications/preferences', { signal }),
    loadAccount(),
  ]);
  if (signal.aborted) return;

  const devicesList = h('ul', { class: 'item-list', 'data-testid': 'devices-list' });
  const pushCard = h('section', { class: 'card', 'aria-labelledby': 'push-heading', 'data-testid': 'push-card' });

  main.append(
    h('div', { class: 'page-head' }, pageHeading('Settings')),
    preferencesForm(preferences),
    pushCard,
    h('section', { class: 'card', 'aria-labelledby': 'devices-heading' },
      h('h2', { id: 'devices-heading' }, 'Devices that get push notifications'), devicesList),
    accountCard(account),
    aboutCard());

  await Promise.all([drawPush(), loadDevices()]);

  // ---- Preferences ----
  function preferencesForm(current) {
    const channelBoxes = CHANNELS.map(([value]) => h('input', {
      type: 'checkbox', name: 'defaultChannels', value, id: `default-${value}`, 'data-testid': `default-channel-${value}`,
      checked: current.defaultChannels.includes(value),
    }));
    const quietFrom = input({ type: 'time', value: current.quietFrom ?? '' });
    const quietTo = input({ type: 'time', value: current.quietTo ?? '' });
    const zones = h('datalist', { id: 'settings-zones' }, timeZones().map((zone) => h('option', { value: zone })));
    const timeZone = input({ list: 'settings-zones', autocomplete: 'off', spellcheck: 'false', value: current.timeZone });
    const digest = h('input', { type: 'checkbox', id: 'digest', 'data-field': 'digest', 'data-testid': 'digest', checked: current.digest });
    const save = h('button', { type: 'submit', class: 'primary', 'data-testid': 'save-preferences' }, 'Save preferences');
    const zoneHint = current.timeZone === 'UTC' && browserTimeZone() !== 'UTC'
      ? h('button', { type: 'button', class: 'link-button', onclick: () => { timeZone.value = browserTimeZone(); } }, `Use ${browserTimeZone()}`)
      : null;

    const form = h('form', { class: 'card', novalidate: true, 'data-testid': 'preferences-form', 'aria-labelledby': 'prefs-heading' },
      h('h2', { id: 'prefs-heading' }, 'Notifications'),
      errorSummary('preferences-errors'),
      h('fieldset', { 'data-field': 'defaultChannels', 'aria-describedby': 'error-defaultChannels' },
        h('legend', {}, 'New alerts notify me by default'),
        h('div', { class: 'checks' }, channelBoxes.map((box, index) => h('label', { class: 'check', for: box.id }, box, CHANNELS[index][1]))),
        errorSlot('defaultChannels')),
      h('fieldset', {},
        h('legend', {}, 'Quiet hours'),
        h('p', { class: 'hint' }, 'Push notifications arrive silently between these times. Leave both empty for none.'),
        h('div', { class: 'field-row' }, field('quietFrom', 'From', quietFrom), field('quietTo', 'To', quietTo))),
      field('timeZone', 'Time zone', timeZone, { hint: zoneHint }),
      zones,
      h('div', { class: 'field' },
        h('label', { class: 'check', for: 'digest' }, digest, 'Group bursts of alerts into one push'),
        errorSlot('digest')),
      h('div', { class: 'form-actions' }, save));

    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      clearErrors(form);
      const body = {
        defaultChannels: channelBoxes.filter((box) => box.checked).map((box) => box.value),
        quietFrom: quietFrom.value || null,
        quietTo: quietTo.value || null,
        timeZone: textValue(timeZone) ?? '',
        digest: digest.checked,
      };
      try {
        await busy(save, () => put('/api/notifications/preferences', body));
        toast('Preferences saved.');
      } catch (error) {
        if (error instanceof ApiError && Object.keys(error.errors).length) showErrors(form, error.errors);
        else showErrors(form, {}, { message: error.message });
      }
    });
    return form;
  }

  // ---- This browser ----
  async function drawPush() {
    const heading = h('h2', { id: 'push-heading' }, 'Notifications in this browser');
    if (!pushSupported()) {
      pushCard.replaceChildren(heading, h('p', { 'data-testid': 'push-status' },
        'This browser cannot receive push notifications. On iPhone and iPad, add StockAlerts to the home screen first.'));
      return;
    }
    const subscription = await currentSubscription().catch(() => null);
    const enabled = Boolean(subscription && thisDevice()) && Notification.permission === 'granted';
    const status = h('p', { 'data-testid': 'push-status' }, enabled
      ? 'On: alerts reach this browser even when StockAlerts is closed.'
      : Notification.permission === 'denied'
        ? 'Blocked: notifications are turned off for this site in the browser\'s settings.'
        : 'Off: you see alerts here only while StockAlerts is open.');
    const button = enabled
      ? h('button', { type: 'button', 'data-testid': 'push-disable' }, 'Turn off for this browser')
      : h('button', { type: 'button', class: 'primary', 'data-testid': 'push-enable', disabled: Notification.permission === 'denied' }, 'Enable browser notifications');
    button.addEventListener('click', () => busy(button, async () => {
      try {
        if (enabled) {
          await disablePush();
          toast('Browser notifications are off.');
        } else {
          await enablePush();
          toast('Browser notifications are on.');
        }
      } catch (error) {
        errorToast(error);
      }
      await Promise.all([drawPush(), loadDevices()]);
    }));
    pushCard.replaceChildren(heading, status, h('div', { class: 'button-row' }, button));
  }

  // ---- Devices ----
  async function loadDevices() {
    let devices;
    try {
      devices = await get('/api/devices', { signal });
    } catch (error) {
      if (error.name !== 'AbortError') errorToast(error);
      return;
    }
    const mine = thisDevice();
    devicesList.replaceChildren(...devices.map((device) => {
      // The list has no endpoints; this browser is recognised by the id it got when it registered.
      const isThis = Boolean(mine && (device.id === mine.id || (device.token && device.token === mine.endpoint)));
      const label = isThis ? 'This browser' : device.platform === 'web' ? 'A web browser' : device.platform === 'ios' ? 'iPhone or iPad' : 'Android phone';
      return h('li', { class: 'item', 'data-testid': `device-${device.id}` },
        h('div', { class: 'item__head' },
          h('p', { class: 'item__title', 'data-testid': isThis ? 'this-device' : null }, label),
          h('span', { class: 'item__meta' }, `last seen ${relativeTime(device.lastSeenAt)}`)),
        h('p', { class: 'item__meta' }, `${device.platform}${device.appVersion ? ` · app ${device.appVersion}` : ''} · added ${dateTime(device.createdAt)}`),
        h('div', { class: 'button-row' },
          h('button', { type: 'button', class: 'small-button danger', 'data-testid': `remove-device-${device.id}`, 'aria-label': `Remove ${label}`, onclick: (event) => removeDevice(device, isThis, event.currentTarget) }, 'Remove')));
    }));
    if (!devices.length) devicesList.append(h('li', { class: 'empty' }, 'No devices yet. Phones with the app and browsers with notifications on appear here.'));
  }

  async function removeDevice(device, isThis, button) {
    const confirmed = await confirmDialog({
      title: 'Remove this device?',
      message: 'It will no longer receive push notifications until it is registered again.',
      confirmLabel: 'Remove', danger: true, testid: 'confirm-remove-device',
    });
    if (!confirmed) return;
    await busy(button, async () => {
      try {
        if (isThis) await disablePush();
        else await del(`/api/devices/${device.id}`);
        toast('Device removed.');
      } catch (error) {
        errorToast(error);
      }
    });
    await Promise.all([drawPush(), loadDevices()]);
  }

  // ---- Account ----
  function accountCard(who) {
    const signOutButton = h('button', { type: 'button', 'data-testid': 'sign-out' }, 'Sign out');
    const exportButton = h('button', { type: 'button', 'data-testid': 'export-data' }, 'Download my data');
    const deleteButton = h('button', { type: 'button', class: 'danger', 'data-testid': 'delete-account' }, 'Delete account');

    signOutButton.addEventListener('click', () => busy(signOutButton, async () => {
      // A signed-out browser should not keep receiving this account's pushes.
      await disablePush().catch(() => {});
      await signOut();
    }));
    exportButton.addEventListener('click', () => busy(exportButton, () => exportData().catch(errorToast)));
    deleteButton.addEventListener('click', async () => {
      const deleted = await dialog({
        title: 'Delete your account?',
        message: 'Your alerts, notifications, devices and watchlist are deleted for good. Enter your password to confirm.',
        fields: [{ name: 'password', label: 'Password', type: 'password', autocomplete: 'current-password' }],
        confirmLabel: 'Delete my account', danger: true, testid: 'delete-account-dialog',
        onConfirm: async ({ password }) => {
          if (!password) throw new Error('Enter your password.');
          try {
            await deleteAccount(password);
          } catch (error) {
            const messages = error instanceof ApiError ? Object.values(error.errors).flat() : [];
            throw new Error(messages.length ? messages.join(' ') : error.message);
          }
        },
      });
      if (deleted) {
        // The account and its devices are gone on the server; only this browser's side is left to clear.
        await forgetPushLocally();
        toast('Your account was deleted.');
        endSession('user');
      }
    });

    return h('section', { class: 'card', 'aria-labelledby': 'account-heading' },
      h('h2', { id: 'account-heading' }, 'Account'),
      h('dl', { class: 'kv' },
        h('dt', {}, 'Signed in as'), h('dd', { 'data-testid': 'account-email' }, who?.email ?? '–')),
      who?.isAdmin
        ? h('p', {}, h('a', { href: apiUrl('/hangfire'), 'data-testid': 'admin-link', rel: 'noopener' }, 'Jobs dashboard'), ' (admins only)')
        : null,
      h('div', { class: 'button-row' }, signOutButton, exportButton, deleteButton));
  }

  function aboutCard() {
    const server = localStorage.getItem('apiBase');
    return h('section', { class: 'card small muted', 'aria-label': 'About' },
      server ? h('p', { 'data-testid': 'api-base' }, `Development: using the API at ${server}.`) : null,
      h('p', {}, 'Charts by ', h('a', { href: 'https://www.tradingview.com/', rel: 'noopener', target: '_blank' }, 'TradingView Lightweight Charts™'),
        ' (', h('a', { href: 'vendor/lightweight-charts.LICENSE.txt' }, 'Apache-2.0'), ', ', h('a', { href: 'vendor/lightweight-charts.NOTICE.txt' }, 'notice'), ').',
        ' Live updates by ASP.NET Core SignalR (', h('a', { href: 'vendor/signalr.LICENSE.txt' }, 'MIT'), ').'));
  }
}
