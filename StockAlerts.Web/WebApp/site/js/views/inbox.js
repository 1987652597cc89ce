// The inbox: notifications newest first, live; read, dismiss, and act on the rule behind each one.
import { busy, errorToast, h, pageHeading, toast } from '../dom.js';
import { dateTime, price, relativeTime } from '../format.js';
import { instruments, knownInstrument } from '../instruments.js';
import {
  act, canLoadOlder, catchUp, dismiss, isLoaded, isUnread, loadOlder, markAllRead, markRead, notificationList, onNotifications, unreadCount,
} from '../notifications.js';

const SNOOZE_CHOICES = [[15, '15 minutes'], [60, '1 hour'], [240, '4 hours'], [1440, '1 day'], [10_080, '1 week']];
const ACTION_DONE = { snooze: 'Snoozed', rearm: 'Re-armed', disable: 'Disabled', moveLevel: 'Level moved' };

export default async function render(main, { signal }) {
  const elements = new Map();
  const list = h('ul', { class: 'item-list', 'data-testid': 'inbox-list', 'aria-label': 'Notifications' });
  const empty = h('p', { class: 'empty', 'data-testid': 'inbox-empty', hidden: true }, 'No notifications yet. When one of your alerts fires, it shows up here.');
  const readAll = h('button', { type: 'button', 'data-testid': 'read-all' }, 'Mark all as read');
  const showDismissed = h('input', { type: 'checkbox', id: 'show-dismissed', 'data-testid': 'show-dismissed' });
  const older = h('button', { type: 'button', 'data-testid': 'inbox-more', hidden: true }, 'Show older');
  const summary = h('p', { class: 'muted small', 'data-testid': 'inbox-summary' });

  main.append(
    h('div', { class: 'page-head' }, pageHeading('Inbox'), readAll),
    h('div', { class: 'filters' }, summary, h('label', { class: 'check', for: 'show-dismissed' }, showDismissed, 'Show dismissed')),
    list, empty, older);

  readAll.addEventListener('click', () => busy(readAll, async () => {
    try {
      const marked = await markAllRead();
      toast(marked ? `Marked ${marked} as read.` : 'Everything was already read.');
    } catch (error) {
      errorToast(error);
    }
  }));
  older.addEventListener('click', () => busy(older, () => loadOlder().catch(errorToast)));
  showDismissed.addEventListener('change', draw);

  const stop = onNotifications('change', draw);
  // "2 minutes ago" should not stay "just now" while the page is open.
  const clock = setInterval(() => {
    for (const stamp of list.querySelectorAll('time[datetime]')) stamp.textContent = relativeTime(stamp.getAttribute('datetime'));
  }, 30_000);
  signal.addEventListener('abort', () => {
    stop();
    clearInterval(clock);
  });
  if (!isLoaded()) await catchUp();
  // Prices show in their instrument's currency; the catalog is one cached request.
  await instruments([...new Set(notificationList().map((notification) => notification.symbol))]).catch(() => {});
  if (signal.aborted) return;
  draw();

  function draw() {
    const visible = notificationList().filter((notification) => showDismissed.checked || !notification.dismissedAt);
    const keep = new Set(visible.map((notification) => notification.id));
    for (const [id, element] of elements) {
      if (!keep.has(id)) {
        element.remove();
        elements.delete(id);
      }
    }
    // Keyed update: an item is rebuilt only when it changed, so open menus and focus elsewhere stay put.
    let previous = null;
    for (const notification of visible) {
      const signature = [notification.readAt, notification.dismissedAt, notification.action].join('|');
      let element = elements.get(notification.id);
      if (!element || element.dataset.signature !== signature) {
        const hadFocus = element?.contains(document.activeElement);
        const next = item(notification);
        next.dataset.signature = signature;
        if (element?.querySelector('details')?.open) next.querySelector('details').open = true;
        if (element) element.replaceWith(next);
        element = next;
        elements.set(notification.id, element);
        if (hadFocus) (element.querySelector('button') ?? element).focus();
      }
      const expectedPosition = previous ? previous.nextElementSibling : list.firstElementChild;
      if (expectedPosition !== element) {
        if (previous) previous.after(element);
        else list.prepend(element);
      }
      previous = element;
    }
    empty.hidden = visible.length > 0;
    older.hidden = !canLoadOlder();
    readAll.disabled = unreadCount() === 0;
    const unread = unreadCount();
    summary.textContent = unread ? `${unread} unread` : 'All read';
  }

  function item(notification) {
    const id = notification.id;
    const currency = knownInstrument(notification.symbol)?.currency;
    const unread = isUnread(notification);
    const run = (button, work) => busy(button, async () => {
      try {
        await work();
      } catch (error) {
        errorToast(error);
      }
    });
    const doAction = (button, action, body) => run(button, async () => {
      const result = await act(id, action, body);
      toast(result.changed || `${ACTION_DONE[action]}.`);
    });

    const snoozeMinutes = h('select', { id: `snooze-minutes-${id}`, 'data-testid': `snooze-minutes-${id}` },
      SNOOZE_CHOICES.map(([value, label]) => h('option', { value, selected: value === 60 }, label)));
    const moveValue = h('input', { id: `move-value-${id}`, type: 'number', step: 'any', inputmode: 'decimal', 'data-testid': `move-value-${id}`, placeholder: 'e.g. 5 or -2' });
    const moveUnit = h('select', { id: `move-unit-${id}`, 'data-testid': `move-unit-${id}` },
      h('option', { value: 'amount' }, 'price amount'), h('option', { value: 'percent' }, 'percent'));
    const moveError = h('p', { class: 'field-error', id: `move-error-${id}`, 'data-testid': `error-move-${id}` });
    moveValue.setAttribute('aria-describedby', moveError.id);

    const moveForm = h('form', { class: 'inline-form', novalidate: true },
      h('div', { class: 'field' }, h('label', { for: moveValue.id }, 'Move the level by'), moveValue),
      h('div', { class: 'field' }, h('label', { for: moveUnit.id }, 'In'), moveUnit),
      h('button', { type: 'submit', 'data-testid': `move-level-${id}` }, 'Move level'),
      moveError);
    moveForm.addEventListener('submit', (event) => {
      event.preventDefault();
      const value = Number(moveValue.value);
      if (moveValue.value.trim() === '' || !Number.isFinite(value) || value === 0) {
        moveError.textContent = 'Enter a non-zero number; negative moves the level down.';
        moveValue.setAttribute('aria-invalid', 'true');
        moveValue.focus();
        return;
      }
      moveError.textContent = '';
      moveValue.removeAttribute('aria-invalid');
      doAction(event.submitter ?? moveForm.querySelector('button'), 'moveLevel', { [moveUnit.value]: value });
    });

    return h('li', {
      class: ['item', unread && 'unread', notification.dismissedAt && 'dismissed'],
      'data-testid': `notification-${id}`, 'data-unread': String(unread), tabindex: '-1',
    },
    h('div', { class: 'item__head' },
      h('p', { class: 'item__title' }, unread ? h('span', { class: 'visually-hidden' }, 'Unread: ') : null, notification.title),
      h('time', { class: 'item__meta', datetime: notification.createdAt, title: dateTime(notification.createdAt) }, relativeTime(notification.createdAt))),
    h('p', { class: 'item__body' }, notification.body),
    h('p', { class: 'item__meta' },
      h('a', { href: `#/symbol/${encodeURIComponent(notification.symbol)}` }, notification.symbol),
      notification.price != null ? ` at ${price(notification.price, currency)}` : '',
      notification.action ? ` · ${ACTION_DONE[notification.action] ?? notification.action}` : '',
      notification.dismissedAt ? ' · dismissed' : ''),
    h('div', { class: 'button-row' },
      unread ? h('button', { type: 'button', class: 'small-button', 'data-testid': `read-${id}`, onclick: (event) => run(event.currentTarget, () => markRead(id)) }, 'Mark read') : null,
      notification.dismissedAt ? null : h('button', { type: 'button', class: 'small-button', 'data-testid': `dismiss-${id}`, 'aria-label': `Dismiss: ${notification.title}`, onclick: (event) => run(event.currentTarget, () => dismiss(id)) }, 'Dismiss')),
    h('details', { 'data-testid': `actions-${id}` },
      h('summary', {}, 'Change the alert'),
      h('div', { class: 'inline-form' },
        h('div', { class: 'field' }, h('label', { for: snoozeMinutes.id }, 'Snooze for'), snoozeMinutes),
        h('button', { type: 'button', 'data-testid': `snooze-${id}`, onclick: (event) => doAction(event.currentTarget, 'snooze', { minutes: Number(snoozeMinutes.value) }) }, 'Snooze')),
      moveForm,
      h('div', { class: 'button-row' },
        h('button', { type: 'button', 'data-testid': `rearm-${id}`, onclick: (event) => doAction(event.currentTarget, 'rearm') }, 'Re-arm'),
        h('button', { type: 'button', class: 'danger', 'data-testid': `disable-${id}`, onclick: (event) => doAction(event.currentTarget, 'disable') }, 'Disable alert'))));
  }
}
