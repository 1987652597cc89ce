// Price charts on TradingView Lightweight Charts (vendor/, global LightweightCharts), loaded on first use only:
// it is most of the app's weight and only the symbol page and the backtest need it.
import { h } from './dom.js';
import { number } from './format.js';

const LIBRARY = 'vendor/lightweight-charts.standalone.production.js';

export const INTERVAL_SECONDS = { '1m': 60, '5m': 300, '1h': 3600, '1d': 86_400 };

let library = null;

export function loadChartLibrary() {
  library ??= new Promise((resolve, reject) => {
    if (window.LightweightCharts) {
      resolve(window.LightweightCharts);
      return;
    }
    const script = document.createElement('script');
    script.src = LIBRARY;
    script.addEventListener('load', () => resolve(window.LightweightCharts));
    script.addEventListener('error', () => {
      library = null;
      script.remove();
      reject(new Error('The chart could not be loaded. Check your connection and try again.'));
    });
    document.head.append(script);
  });
  return library;
}

const toSeconds = (iso) => Math.floor(new Date(iso).getTime() / 1000);

function themeColors() {
  const style = getComputedStyle(document.documentElement);
  const value = (name) => style.getPropertyValue(name).trim();
  return {
    surface: value('--surface'), text: value('--text'), muted: value('--muted'), border: value('--border'),
    up: value('--up'), down: value('--down'), accent: value('--accent'), warn: value('--warn-text'),
  };
}

function decimalsIn(values) {
  let decimals = 2;
  for (const value of values) {
    const text = String(value);
    const dot = text.indexOf('.');
    if (dot !== -1) decimals = Math.max(decimals, text.length - dot - 1);
  }
  return Math.min(decimals, 6);
}

const localTime = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const localDay = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const localMonth = new Intl.DateTimeFormat(undefined, { month: 'short', year: 'numeric' });
const localYear = new Intl.DateTimeFormat(undefined, { year: 'numeric' });
const localFull = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
// Daily bars start at midnight UTC; shown in local time they would slip to the day before west of Greenwich.
const utcDay = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', timeZone: 'UTC' });
const utcFull = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });

/**
 * A candlestick chart that can take history, live quotes, alert levels (price lines) and firings (markers).
 * Charts in local time; follows the light/dark theme.
 */
export async function createPriceChart(container, { label } = {}) {
  const LightweightCharts = await loadChartLibrary();
  const colors = themeColors();
  let intervalSeconds = 60;
  let lastBar = null;
  let priceLines = [];
  let precision = 2;

  const daily = () => intervalSeconds >= 86_400;
  const chart = LightweightCharts.createChart(container, {
    autoSize: true,
    // The library's logo injects an inline <style>, which the CSP refuses; chartCredit() links to TradingView instead.
    layout: { background: { type: 'solid', color: colors.surface }, textColor: colors.muted, attributionLogo: false },
    grid: { vertLines: { color: colors.border + '66' }, horzLines: { color: colors.border + '66' } },
    rightPriceScale: { borderColor: colors.border },
    timeScale: {
      borderColor: colors.border, timeVisible: true, secondsVisible: false,
      tickMarkFormatter: (time, type) => {
        const date = new Date(time * 1000);
        if (type === 0) return localYear.format(date);
        if (type === 1) return localMonth.format(date);
        if (type === 2) return (daily() ? utcDay : localDay).format(date);
        return localTime.format(date);
      },
    },
    localization: {
      timeFormatter: (time) => (daily() ? utcFull : localFull).format(new Date(time * 1000)),
      priceFormatter: (price) => number(price, precision),
    },
    handleScroll: { vertTouchDrag: false },
  });
  const series = chart.addSeries(LightweightCharts.CandlestickSeries, {
    upColor: colors.up, downColor: colors.down, wickUpColor: colors.up, wickDownColor: colors.down, borderVisible: false,
  });
  const markers = LightweightCharts.createSeriesMarkers(series, []);
  if (label) container.setAttribute('aria-label', label);

  const scheme = matchMedia('(prefers-color-scheme: dark)');
  const retheme = () => {
    const next = themeColors();
    chart.applyOptions({
      layout: { background: { type: 'solid', color: next.surface }, textColor: next.muted },
      grid: { vertLines: { color: next.border + '66' }, horzLines: { color: next.border + '66' } },
      rightPriceScale: { borderColor: next.border },
      timeScale: { borderColor: next.border },
    });
    series.applyOptions({ upColor: next.up, downColor: next.down, wickUpColor: next.up, wickDownColor: next.down });
  };
  scheme.addEventListener('change', retheme);

  function setPrecision(values) {
    const next = decimalsIn(values);
    if (next === precision) return;
    precision = next;
    series.applyOptions({ priceFormat: { type: 'price', precision, minMove: 10 ** -precision } });
  }

  return {
    /** bars: the API's [{time, open, high, low, close}] for one interval. */
    setBars(bars, interval) {
      intervalSeconds = INTERVAL_SECONDS[interval] ?? 60;
      const data = bars.map((bar) => ({ time: toSeconds(bar.time), open: bar.open, high: bar.high, low: bar.low, close: bar.close }));
      setPrecision(bars.flatMap((bar) => [bar.open, bar.close]));
      series.setData(data);
      lastBar = data.at(-1) ?? null;
      chart.timeScale().fitContent();
    },

    /** A live quote continues the last bar, or opens the next one. */
    addQuote(quote) {
      const price = quote.price;
      const time = Math.floor(toSeconds(quote.time) / intervalSeconds) * intervalSeconds;
      if (!lastBar || time > lastBar.time) {
        lastBar = { time, open: lastBar?.close ?? price, high: price, low: price, close: price };
        lastBar.high = Math.max(lastBar.open, price);
        lastBar.low = Math.min(lastBar.open, price);
      } else if (time === lastBar.time) {
        lastBar = { ...lastBar, high: Math.max(lastBar.high, price), low: Math.min(lastBar.low, price), close: price };
      } else {
        return;
      }
      series.update(lastBar);
    },

    /** levels: [{price, title, kind: 'level' | 'lower' | 'upper' | 'preview'}] */
    setLevels(levels) {
      for (const line of priceLines) series.removePriceLine(line);
      const current = themeColors();
      priceLines = levels.filter((level) => Number.isFinite(level.price)).map((level) => series.createPriceLine({
        price: level.price,
        color: level.kind === 'preview' ? current.warn : current.accent,
        lineWidth: level.kind === 'preview' ? 2 : 1,
        lineStyle: LightweightCharts.LineStyle.Dashed,
        axisLabelVisible: true,
        title: level.title ?? '',
      }));
      // The lines live on the canvas; this says which are drawn, for assistive text and for tests.
      container.dataset.levels = levels.filter((level) => Number.isFinite(level.price)).map((level) => level.price).join(' ');
    },

    /** firings: [{time, price, text}] placed at the price they fired at. */
    setMarkers(firings, { color } = {}) {
      const markerColor = color ?? themeColors().accent;
      const list = firings
        .map((firing) => ({
          time: Math.floor(toSeconds(firing.time) / intervalSeconds) * intervalSeconds,
          position: 'atPriceMiddle', price: firing.price, shape: 'circle', color: markerColor, text: firing.text ?? '', size: 1,
        }))
        .sort((a, b) => a.time - b.time);
      markers.setMarkers(list);
    },

    destroy() {
      scheme.removeEventListener('change', retheme);
      chart.remove();
    },
  };
}

/** The attribution the chart library's licence asks for, shown under every chart. */
export function chartCredit() {
  return h('p', { class: 'chart-credit' },
    h('a', { href: 'https://www.tradingview.com/', target: '_blank', rel: 'noopener' }, 'Chart by TradingView'));
}

/** The lines a rule draws: its level, or its channel's bounds, or a percent-change target from its reference. */
export function levelsOfRule(rule, { kind } = {}) {
  const condition = rule.condition ?? {};
  const name = rule.name ? `${rule.name}: ` : '';
  const lines = [];
  if (condition.level != null) lines.push({ price: Number(condition.level), title: `${name}${condition.type}`, kind: kind ?? 'level' });
  if (condition.lower != null) lines.push({ price: Number(condition.lower), title: `${name}lower`, kind: kind ?? 'lower' });
  if (condition.upper != null) lines.push({ price: Number(condition.upper), title: `${name}upper`, kind: kind ?? 'upper' });
  if (condition.type === 'percentChange' && condition.referencePrice != null && condition.percent != null) {
    lines.push({ price: Number(condition.referencePrice) * (1 + Number(condition.percent) / 100), title: `${name}${condition.percent}%`, kind: kind ?? 'level' });
  }
  return lines;
}
