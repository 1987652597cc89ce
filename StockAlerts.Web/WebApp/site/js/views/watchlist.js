// The watchlist: live quotes for the user's symbols, and search to add more.
import { ApiError } from '../api.js';
import { busy, debounce, errorToast, flash, h, icon, pageHeading, toast } from '../dom.js';
import { field, input } from '../forms.js';
import { change, direction, percent, price, time } from '../format.js';
import { watchPrices } from '../hubs.js';
import { instruments, knownInstrument, searchInstruments } from '../instruments.js';
import { addToWatchlist, isWatched, loadWatchlist, removeFromWatchlist, watchlistMode } from '../watchlist.js';

const SUGGESTIONS = ['AAPL', 'MSFT', 'EURUSD'];

export default async function render(main, { signal }) {
  const rows = new Map();
  signal.addEventListener('abort', () => {
    for (const row of rows.values()) row.stopWatching();
  });

  const tbody = h('tbody');
  const table = h('table', { class: 'watchlist', 'data-testid': 'watchlist' },
    h('caption', { class: 'visually-hidden' }, 'Your watchlist with live prices'),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, 'Symbol'),
      h('th', { scope: 'col', class: 'num col-price' }, 'Price'),
      h('th', { scope: 'col', class: 'num col-change' }, 'Change'),
      h('th', { scope: 'col', class: 'col-actions' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
    tbody);
  const empty = h('div', { class: 'empty', 'data-testid': 'watchlist-empty' });
  const modeNote = h('p', { class: 'muted small', 'data-testid': 'watchlist-mode', hidden: true },
    'Your watchlist is saved in this browser, because this server does not keep watchlists yet.');
  const listCard = h('section', { class: 'card', 'aria-labelledby': 'watchlist-heading' },
    h('h2', { id: 'watchlist-heading', class: 'visually-hidden' }, 'Symbols'), table, empty, modeNote);

  main.append(h('div', { class: 'page-head' }, pageHeading('Watchlist')), searchCard(), listCard);

  const symbols = await loadWatchlist();
  await instruments(symbols);
  if (signal.aborted) return;
  modeNote.hidden = watchlistMode() !== 'local';
  for (const symbol of symbols) addRow(symbol);
  refreshEmpty();

  function addRow(symbol) {
    if (rows.has(symbol)) return;
    const info = knownInstrument(symbol);
    const priceText = h('span', { class: 'price', 'data-testid': `price-${symbol}` }, '–');
    const priceChange = h('span', { class: 'price-change', 'data-testid': `mobile-change-${symbol}` });
    const changeText = h('span', { 'data-testid': `change-${symbol}` }, '–');
    const changePercent = h('span', { class: 'change-pct', 'data-testid': `change-percent-${symbol}` });
    const stale = h('span', { class: 'stale-badge', 'data-testid': `stale-${symbol}`, hidden: true }, 'Stale');
    const row = h('tr', { 'data-testid': `watch-row-${symbol}`, 'data-symbol': symbol },
      h('td', {},
        h('a', { class: 'symbol', href: `#/symbol/${encodeURIComponent(symbol)}` }, symbol), ' ', stale,
        h('span', { class: 'name' }, info?.displayName ?? '')),
      h('td', { class: 'num' }, priceText, priceChange),
      h('td', { class: 'num col-change' }, changeText, changePercent),
      h('td', {}, h('div', { class: 'row-actions' },
        h('a', { class: 'button icon-button', href: `#/alerts/new?symbol=${encodeURIComponent(symbol)}`, 'aria-label': `New alert on ${symbol}`, title: 'New alert', 'data-testid': `new-alert-${symbol}` }, icon('bell')),
        h('button', { type: 'button', class: 'icon-button', 'aria-label': `Remove ${symbol} from the watchlist`, title: 'Remove', 'data-testid': `unwatch-${symbol}`, onclick: (event) => remove(symbol, event.currentTarget) }, icon('close')))));
    let lastPrice = null;
    const update = (quote) => {
      const currency = knownInstrument(symbol)?.currency;
      const trend = direction(quote.change);
      priceText.textContent = price(quote.price, currency);
      priceText.dataset.price = quote.price;
      changeText.textContent = change(quote.change, currency);
      changePercent.textContent = percent(quote.changePercent);
      priceChange.textContent = percent(quote.changePercent);
      for (const element of [changeText, changePercent, priceChange]) {
        element.classList.remove('up', 'down', 'flat');
        element.classList.add(trend);
      }
      stale.hidden = !quote.stale;
      stale.title = quote.stale ? `No new price since ${time(quote.lastSeen ?? quote.time)}` : '';
      if (lastPrice !== null && quote.price !== lastPrice) flash(priceText, quote.price > lastPrice ? 'flash-up' : 'flash-down');
      lastPrice = quote.price;
    };
    rows.set(symbol, { element: row, stopWatching: watchPrices([symbol], update) });
    tbody.append(row);
  }

  async function remove(symbol, button) {
    try {
      await busy(button, () => removeFromWatchlist(symbol));
    } catch (error) {
      errorToast(error);
      return;
    }
    const row = rows.get(symbol);
    row?.stopWatching();
    row?.element.remove();
    rows.delete(symbol);
    refreshEmpty();
    toast(`${symbol} removed from your watchlist.`, {
      action: { label: 'Undo', onClick: () => add(symbol) },
    });
  }

  async function add(symbol) {
    try {
      await addToWatchlist(symbol);
      await instruments([symbol]);
    } catch (error) {
      errorToast(error instanceof ApiError && error.status === 404 ? new Error(`${symbol} is not a symbol this server knows.`) : error);
      return false;
    }
    if (signal.aborted) return true;
    addRow(symbol);
    refreshEmpty();
    return true;
  }

  function refreshEmpty() {
    const isEmpty = rows.size === 0;
    table.hidden = isEmpty;
    empty.hidden = !isEmpty;
    if (isEmpty) {
      empty.replaceChildren(
        h('p', {}, 'Your watchlist is empty. Search above for a stock or a currency pair, or start with one of these:'),
        h('div', { class: 'button-row' }, SUGGESTIONS.map((symbol) =>
          h('button', { type: 'button', 'data-testid': `suggest-${symbol}`, onclick: (event) => busy(event.currentTarget, () => add(symbol)) }, icon('plus'), symbol))));
    }
  }

  function searchCard() {
    const search = input({ type: 'search', autocomplete: 'off', spellcheck: 'false', placeholder: 'e.g. AAPL, Tesla or EUR', 'data-testid': 'watch-search' });
    const results = h('ul', { class: 'search-results', 'data-testid': 'search-results' });
    const status = h('p', { class: 'visually-hidden', role: 'status' });
    let pending = null;
    let lastResults = [];

    const showResults = (items, text) => {
      lastResults = items;
      status.textContent = items.length ? `${items.length} result${items.length === 1 ? '' : 's'}` : (text ? 'No matches' : '');
      results.replaceChildren(...items.map((item) => h('li', { 'data-testid': `search-result-${item.symbol}` },
        h('span', { class: 'name' }, h('strong', {}, item.symbol), ` ${item.displayName} · ${item.currency}`),
        isWatched(item.symbol)
          ? h('span', { class: 'muted small' }, 'On your list')
          : h('button', { type: 'button', class: 'small-button', 'data-testid': `add-${item.symbol}`, 'aria-label': `Add ${item.symbol} to the watchlist`, onclick: async (event) => {
            const added = await busy(event.currentTarget, () => add(item.symbol));
            if (added) {
              search.value = '';
              showResults([], '');
              search.focus();
            }
          } }, 'Add'))));
      if (text && items.length === 0) results.append(h('li', { class: 'muted' }, `Nothing matches “${text}”.`));
    };

    const run = debounce(async () => {
      const text = search.value.trim();
      pending?.abort();
      if (!text) {
        showResults([], '');
        return;
      }
      pending = new AbortController();
      try {
        showResults(await searchInstruments(text, { signal: pending.signal }), text);
      } catch (error) {
        if (error.name !== 'AbortError') errorToast(error);
      }
    }, 200);
    search.addEventListener('input', run);

    const form = h('form', { role: 'search', class: 'card', 'data-testid': 'watch-search-form' },
      field('search', 'Add a stock or currency', search), status, results);
    // Enter adds the exact match, or the only result.
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const text = search.value.trim().toUpperCase();
      if (!text) return;
      const items = lastResults.length ? lastResults : await searchInstruments(text).catch(() => []);
      const match = items.find((item) => item.symbol === text) ?? (items.length === 1 ? items[0] : null);
      if (match && !isWatched(match.symbol) && await add(match.symbol)) {
        search.value = '';
        showResults([], '');
      } else if (!match) {
        showResults(items, text);
      }
    });
    return form;
  }
}
