// One symbol: live quote, chart with the user's alert levels and past firings, and its alerts.
import { get } from '../api.js';
import { busy, errorToast, h, icon, pageHeading } from '../dom.js';
import { change, dateTime, direction, percent, price, relativeTime, time } from '../format.js';
import { chartCredit, createPriceChart, levelsOfRule } from '../chart.js';
import { watchPrices } from '../hubs.js';
import { instrument } from '../instruments.js';
import { onNotifications } from '../notifications.js';
import { describeCondition, STATES } from '../rules.js';
import { addToWatchlist, isWatched, loadWatchlist, removeFromWatchlist } from '../watchlist.js';

/** Each range with an interval that gives a readable number of bars (60, 288, 168, ~30). */
export const RANGES = {
  '1h': { label: '1 hour', ms: 3600_000, interval: '1m' },
  '1d': { label: '1 day', ms: 86_400_000, interval: '5m' },
  '1w': { label: '1 week', ms: 7 * 86_400_000, interval: '1h' },
  '1m': { label: '1 month', ms: 30 * 86_400_000, interval: '1d' },
  // Day bars are kept beyond the one-minute history, so a chart reaches back a year; a backtest replays minutes, so not it.
  '1y': { label: '1 year', ms: 365 * 86_400_000, interval: '1d', chartOnly: true },
};

export async function loadHistory(symbol, range, { signal, to = new Date() } = {}) {
  const { ms, interval } = RANGES[range];
  const from = new Date(to.getTime() - ms);
  const query = `from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}&interval=${interval}`;
  return get(`/api/prices/${encodeURIComponent(symbol)}/history?${query}`, { signal });
}

const MAX_RULES_WITH_FIRINGS = 20;

export default async function render(main, { params, signal }) {
  const symbol = params.symbol.toUpperCase();
  const info = await instrument(symbol);
  if (signal.aborted) return;
  if (!info) {
    main.append(pageHeading(`No symbol “${symbol}”`),
      h('p', {}, 'This server does not know that symbol. ', h('a', { href: '#/watchlist' }, 'Back to the watchlist')));
    return;
  }
  document.title = `${symbol} · StockAlerts`;
  const currency = info.currency;
  await loadWatchlist().catch(() => {});

  // Quote header
  const bigPrice = h('span', { class: 'big-price', 'data-testid': 'symbol-price' }, '–');
  const bigChange = h('span', { class: 'big-change', 'data-testid': 'symbol-change' });
  const stale = h('span', { class: 'stale-badge', 'data-testid': 'symbol-stale', hidden: true }, 'Stale');
  const asOf = h('p', { class: 'muted small', 'data-testid': 'symbol-time' });
  const watchButton = h('button', { type: 'button', 'data-testid': 'watch-toggle', 'aria-pressed': String(isWatched(symbol)) });
  const showWatch = () => {
    watchButton.textContent = isWatched(symbol) ? 'On your watchlist' : 'Add to watchlist';
    watchButton.setAttribute('aria-pressed', String(isWatched(symbol)));
  };
  showWatch();
  watchButton.addEventListener('click', () => busy(watchButton, async () => {
    try {
      await (isWatched(symbol) ? removeFromWatchlist(symbol) : addToWatchlist(symbol));
    } catch (error) {
      errorToast(error);
    }
    showWatch();
  }));

  // Chart
  const chartBox = h('div', { class: 'chart', 'data-testid': 'chart', role: 'img', 'aria-label': `Price chart of ${symbol}` });
  const chartSummary = h('p', { class: 'chart-summary muted small', 'data-testid': 'chart-summary' });
  let range = '1d';
  const rangeButtons = Object.entries(RANGES).map(([key, value]) => h('button', {
    type: 'button', 'aria-pressed': String(key === range), title: value.label, 'data-testid': `range-${key}`,
    onclick: () => selectRange(key),
  }, key.toUpperCase()));

  // Alerts and firings
  const alertList = h('ul', { class: 'item-list', 'data-testid': 'symbol-alerts' });
  const firingList = h('ul', { class: 'item-list', 'data-testid': 'symbol-firings' });

  main.append(
    h('div', { class: 'page-head' },
      h('div', {}, pageHeading(symbol), h('p', { class: 'muted', 'data-testid': 'symbol-name' }, `${info.displayName} · ${currency}`)),
      h('div', { class: 'button-row' },
        watchButton,
        h('a', { class: 'button primary', href: `#/alerts/new?symbol=${encodeURIComponent(symbol)}`, 'data-testid': 'symbol-new-alert' }, icon('bell'), 'New alert'))),
    h('section', { class: 'card', 'aria-label': 'Quote' },
      h('div', { class: 'quote-head' }, bigPrice, bigChange, stale), asOf),
    h('section', { class: 'card', 'aria-labelledby': 'chart-heading' },
      h('div', { class: 'chart-toolbar' },
        h('h2', { id: 'chart-heading', class: 'visually-hidden' }, 'Chart'),
        h('div', { class: 'segmented', role: 'group', 'aria-label': 'Time range' }, rangeButtons)),
      chartBox, chartCredit(), chartSummary),
    h('section', { class: 'card', 'aria-labelledby': 'alerts-heading' },
      h('h2', { id: 'alerts-heading' }, `Your alerts on ${symbol}`), alertList),
    h('section', { class: 'card', 'aria-labelledby': 'firings-heading' },
      h('h2', { id: 'firings-heading' }, 'Recent firings'), firingList));

  let chart;
  try {
    chart = await createPriceChart(chartBox, { label: `Price chart of ${symbol}` });
  } catch (error) {
    chartBox.replaceChildren(h('p', { class: 'muted' }, error.message));
  }
  if (signal.aborted) {
    chart?.destroy();
    return;
  }

  let latest = null;
  const stopWatching = watchPrices([symbol], (quote) => {
    latest = quote;
    const trend = direction(quote.change);
    bigPrice.textContent = price(quote.price, currency);
    bigPrice.dataset.price = quote.price;
    bigChange.textContent = `${change(quote.change, currency)} (${percent(quote.changePercent)})`;
    bigChange.className = `big-change ${trend}`;
    stale.hidden = !quote.stale;
    asOf.textContent = quote.stale
      ? `No new price since ${dateTime(quote.lastSeen ?? quote.time)} (${quote.source})`
      : `As of ${time(quote.time)} · ${quote.source}`;
    chart?.addQuote(quote);
  });
  const stopNotifications = onNotifications('created', ({ notification }) => {
    if (notification.symbol === symbol) loadRules();
  });
  signal.addEventListener('abort', () => {
    stopWatching();
    stopNotifications();
    chart?.destroy();
  });

  async function selectRange(next) {
    range = next;
    for (const button of rangeButtons) button.setAttribute('aria-pressed', String(button.dataset.testid === `range-${next}`));
    try {
      const history = await loadHistory(symbol, next, { signal });
      if (range !== next || !chart) return;
      chart.setBars(history.bars, history.interval);
      if (latest) chart.addQuote(latest);
      chartSummary.textContent = summarize(history.bars, RANGES[next].label, currency);
    } catch (error) {
      if (error.name !== 'AbortError') errorToast(error);
    }
  }

  async function loadRules() {
    try {
      const page = await get(`/api/alerts?symbol=${encodeURIComponent(symbol)}&pageSize=100`, { signal });
      renderRules(page.items);
      chart?.setLevels(page.items.filter((rule) => rule.state !== 'expired').flatMap((rule) => levelsOfRule(rule)));
      const firings = await loadFirings(page.items);
      renderFirings(firings);
      chart?.setMarkers(firings.map((firing) => ({ time: firing.firedAt, price: firing.price })));
    } catch (error) {
      if (error.name !== 'AbortError') errorToast(error);
    }
  }

  // There is no "firings of a symbol" endpoint: ask per rule, for the rules that have fired.
  async function loadFirings(rules) {
    const fired = rules.filter((rule) => rule.fireCount > 0).slice(0, MAX_RULES_WITH_FIRINGS);
    const pages = await Promise.all(fired.map((rule) =>
      get(`/api/alerts/${rule.id}/firings?pageSize=100`, { signal }).then((page) => page.items.map((firing) => ({ ...firing, rule }))).catch(() => [])));
    return pages.flat().sort((a, b) => new Date(b.firedAt) - new Date(a.firedAt));
  }

  function renderRules(rules) {
    alertList.replaceChildren(...rules.map((rule) => h('li', { class: 'item', 'data-testid': `symbol-alert-${rule.id}` },
      h('div', { class: 'item__head' },
        h('p', { class: 'item__title' }, rule.name || describeCondition(rule.condition, currency)),
        h('span', { class: `state state--${rule.state}` }, STATES[rule.state] ?? rule.state)),
      rule.name ? h('p', { class: 'item__body' }, describeCondition(rule.condition, currency)) : null,
      h('p', { class: 'item__meta' }, rule.fireCount ? `Fired ${rule.fireCount}× · last ${relativeTime(rule.lastFiredAt)}` : 'Not fired yet',
        ' · ', h('a', { href: `#/alerts/${rule.id}/edit` }, 'Edit')))));
    if (!rules.length) {
      alertList.append(h('li', { class: 'empty' }, 'No alerts on this symbol yet. ',
        h('a', { href: `#/alerts/new?symbol=${encodeURIComponent(symbol)}` }, 'Create one')));
    }
  }

  function renderFirings(firings) {
    firingList.replaceChildren(...firings.slice(0, 10).map((firing) => h('li', { class: 'item', 'data-testid': `firing-${firing.id}` },
      h('div', { class: 'item__head' },
        h('p', { class: 'item__title' }, price(firing.price, currency)),
        h('span', { class: 'item__meta' }, dateTime(firing.firedAt))),
      h('p', { class: 'item__body' }, firing.description))));
    if (!firings.length) firingList.append(h('li', { class: 'empty' }, 'None of your alerts on this symbol has fired yet.'));
  }

  await Promise.all([selectRange(range), loadRules()]);
}

function summarize(bars, label, currency) {
  if (!bars.length) return `No stored prices for the last ${label}.`;
  const low = Math.min(...bars.map((bar) => bar.low));
  const high = Math.max(...bars.map((bar) => bar.high));
  const first = bars[0].open;
  const last = bars.at(-1).close;
  const move = first ? ((last - first) / first) * 100 : 0;
  return `Last ${label}: low ${price(low, currency)}, high ${price(high, currency)}, ${percent(move)} from ${price(first, currency)} to ${price(last, currency)}.`;
}
