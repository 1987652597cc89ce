// The user's alert rules with their live state, and the hand on them: pause, resume, re-arm, edit, delete.
import { del, get, post } from '../api.js';
import { busy, confirmDialog, errorToast, h, icon, pageHeading, toast } from '../dom.js';
import { dateTime, duration, price, relativeTime } from '../format.js';
import { instruments, knownInstrument } from '../instruments.js';
import { onNotifications } from '../notifications.js';
import { describeCondition, describeFrequency, STATES } from '../rules.js';

const PAGE_SIZE = 50;
const REFRESH_MS = 30_000;

export default async function render(main, { signal }) {
  const items = new Map();
  let rules = [];
  let total = 0;
  let page = 1;

  const filter = h('select', { id: 'alerts-filter', 'data-testid': 'alerts-filter' },
    h('option', { value: '' }, 'All'),
    Object.entries(STATES).map(([value, label]) => h('option', { value }, label)));
  const list = h('ul', { class: 'item-list', 'data-testid': 'alerts-list' });
  const empty = h('div', { class: 'empty', 'data-testid': 'alerts-empty', hidden: true });
  const more = h('button', { type: 'button', 'data-testid': 'alerts-more', hidden: true }, 'Show more');
  const count = h('p', { class: 'muted small', role: 'status', 'data-testid': 'alerts-count' });

  main.append(
    h('div', { class: 'page-head' },
      pageHeading('Alerts'),
      h('a', { class: 'button primary', href: '#/alerts/new', 'data-testid': 'new-alert' }, icon('plus'), 'New alert')),
    h('div', { class: 'filters' },
      h('div', { class: 'field' }, h('label', { for: 'alerts-filter' }, 'Show'), filter), count),
    list, empty, more);

  filter.addEventListener('change', () => load({ reset: true }).catch(errorToast));
  more.addEventListener('click', () => busy(more, () => load({ next: true })).catch(errorToast));

  // A notification means its rule just fired: its state and count changed.
  const stopListening = onNotifications('created', ({ notification }) => refreshRule(notification.ruleId));
  const timer = setInterval(() => {
    if (document.visibilityState === 'visible') load({ quiet: true }).catch(() => {});
  }, REFRESH_MS);
  signal.addEventListener('abort', () => {
    stopListening();
    clearInterval(timer);
  });

  async function load({ reset = false, next = false, quiet = false } = {}) {
    if (reset) page = 1;
    const requested = next ? page + 1 : 1;
    // A quiet refresh re-reads everything shown so far in one call (at most 100).
    const size = quiet ? Math.min(100, Math.max(PAGE_SIZE, rules.length)) : PAGE_SIZE;
    const state = filter.value ? `&state=${encodeURIComponent(filter.value)}` : '';
    const data = await get(`/api/alerts?page=${requested}&pageSize=${size}${state}`, { signal });
    await instruments([...new Set(data.items.map((rule) => rule.symbol))]);
    if (signal.aborted) return;
    page = requested;
    rules = next ? [...rules, ...data.items.filter((rule) => !items.has(rule.id))] : data.items;
    total = data.total;
    draw();
  }

  function draw() {
    items.clear();
    list.replaceChildren(...rules.map((rule) => {
      const element = ruleItem(rule);
      items.set(rule.id, element);
      return element;
    }));
    empty.hidden = rules.length > 0;
    if (!rules.length) {
      empty.replaceChildren(filter.value
        ? h('p', {}, `No ${STATES[filter.value].toLowerCase()} alerts.`)
        : h('p', {}, 'You have no alerts yet. ', h('a', { href: '#/alerts/new' }, 'Create your first alert'), ', or open a symbol from your watchlist.'));
    }
    more.hidden = rules.length >= total;
    count.textContent = total ? `${total} alert${total === 1 ? '' : 's'}` : '';
  }

  function replace(rule) {
    const index = rules.findIndex((candidate) => candidate.id === rule.id);
    if (index === -1) return;
    rules[index] = rule;
    const element = ruleItem(rule);
    items.get(rule.id)?.replaceWith(element);
    items.set(rule.id, element);
  }

  async function refreshRule(ruleId) {
    if (!items.has(ruleId)) return;
    try {
      replace(await get(`/api/alerts/${ruleId}`, { signal }));
    } catch {
      // Deleted meanwhile or offline: the periodic refresh will settle it.
    }
  }

  async function change(rule, verb, button) {
    try {
      const updated = await busy(button, () => post(`/api/alerts/${rule.id}/${verb}`));
      replace(updated);
      toast(`${rule.symbol}: ${STATES[updated.state] ?? updated.state}.`);
      items.get(rule.id)?.querySelector(`[data-testid="${nextFocus(updated)}-${rule.id}"]`)?.focus();
    } catch (error) {
      errorToast(error);
    }
  }

  async function remove(rule) {
    const confirmed = await confirmDialog({
      title: 'Delete this alert?',
      message: `${rule.symbol}: ${describeCondition(rule.condition, knownInstrument(rule.symbol)?.currency)}. Its past firings stay in your history.`,
      confirmLabel: 'Delete', danger: true, testid: 'confirm-delete',
    });
    if (!confirmed) return;
    try {
      await del(`/api/alerts/${rule.id}`);
      rules = rules.filter((candidate) => candidate.id !== rule.id);
      total = Math.max(0, total - 1);
      draw();
      toast('Alert deleted.');
    } catch (error) {
      errorToast(error);
    }
  }

  function ruleItem(rule) {
    const currency = knownInstrument(rule.symbol)?.currency;
    const paused = rule.state === 'paused';
    const canRearm = rule.state === 'triggered' || rule.state === 'expired';
    const condition = describeCondition(rule.condition, currency);
    const details = [
      describeFrequency(rule.frequency),
      `via ${rule.channels.join(', ')}`,
      rule.schedule ? `${rule.schedule.days.join(', ')} ${rule.schedule.from}–${rule.schedule.to} (${rule.schedule.timeZone})` : null,
      rule.confirmationSeconds ? `confirmed over ${duration(rule.confirmationSeconds)}` : null,
      rule.expiresAt ? `expires ${dateTime(rule.expiresAt)}` : null,
    ].filter(Boolean).join(' · ');
    const fired = rule.fireCount
      ? `Fired ${rule.fireCount}× · last ${relativeTime(rule.lastFiredAt)}${rule.lastFiredPrice != null ? ` at ${price(rule.lastFiredPrice, currency)}` : ''}`
      : 'Not fired yet';
    return h('li', { class: 'item', 'data-testid': `alert-row-${rule.id}`, 'data-state': rule.state },
      h('div', { class: 'item__head' },
        h('p', { class: 'item__title' },
          h('a', { href: `#/symbol/${encodeURIComponent(rule.symbol)}` }, rule.symbol), ' ', rule.name ? `“${rule.name}”` : condition),
        h('span', { class: `state state--${rule.state}`, 'data-testid': `alert-state-${rule.id}` }, STATES[rule.state] ?? rule.state)),
      rule.name ? h('p', { class: 'item__body' }, condition) : null,
      h('p', { class: 'item__meta' }, details),
      h('p', { class: 'item__meta' }, fired,
        rule.pausedUntil ? ` · paused until ${dateTime(rule.pausedUntil)}` : '',
        rule.stateReason ? ` · ${rule.stateReason}` : ''),
      h('div', { class: 'button-row' },
        paused
          ? h('button', { type: 'button', class: 'small-button', 'data-testid': `resume-${rule.id}`, onclick: (event) => change(rule, 'resume', event.currentTarget) }, 'Resume')
          : h('button', { type: 'button', class: 'small-button', 'data-testid': `pause-${rule.id}`, disabled: rule.state === 'expired', onclick: (event) => change(rule, 'pause', event.currentTarget) }, 'Pause'),
        canRearm ? h('button', { type: 'button', class: 'small-button', 'data-testid': `rearm-${rule.id}`, onclick: (event) => change(rule, 'rearm', event.currentTarget) }, 'Re-arm') : null,
        h('a', { class: 'button small-button', href: `#/alerts/${rule.id}/edit`, 'data-testid': `edit-${rule.id}` }, 'Edit'),
        h('button', { type: 'button', class: 'small-button danger', 'data-testid': `delete-${rule.id}`, 'aria-label': `Delete alert on ${rule.symbol}`, onclick: () => remove(rule) }, 'Delete')));
  }

  await load();
}

/** After pause/resume the button is replaced; keep keyboard focus on its counterpart. */
function nextFocus(rule) {
  return rule.state === 'paused' ? 'resume' : 'pause';
}
