// Create or edit an alert rule; every control is keyed by its JSON path so the server's 400 lands next to it.
// "Backtest" replays the rule over stored prices and marks where it would have fired.
import { ApiError, get, post, put } from '../api.js';
import { busy, errorToast, h, pageHeading, replaceChildren, toast } from '../dom.js';
import { clearErrors, errorSlot, errorSummary, field, input, normalizeKey, numberInput, numberValue, select, setNumber, showErrors, textValue } from '../forms.js';
import { browserTimeZone, dateTime, price, timeZones } from '../format.js';
import { chartCredit, createPriceChart, levelsOfRule } from '../chart.js';
import { watchPrices } from '../hubs.js';
import { instrument, knownInstrument } from '../instruments.js';
import { compoundEditor, indicatorEditor } from '../conditions.js';
import { CONDITION_TYPES, conditionInfo, REFERENCES } from '../rules.js';
import { loadHistory, RANGES } from './symbol.js';

const DAYS = [['mon', 'Mon'], ['tue', 'Tue'], ['wed', 'Wed'], ['thu', 'Thu'], ['fri', 'Fri'], ['sat', 'Sat'], ['sun', 'Sun']];
const CHANNELS = [['push', 'Push to my devices'], ['live', 'In the open app'], ['webhook', 'Webhook']];

// Keys the server reports for a whole object or under another name, shown at the control that fixes them.
const ALIASES = { condition: 'condition.type', frequency: 'frequency.type', schedule: 'schedule.days', rearm: 'rearm.margin' };

export default async function render(main, { params, query, signal, navigate }) {
  const editingId = params.id ?? null;
  const [rule, preferences] = await Promise.all([
    editingId ? get(`/api/alerts/${encodeURIComponent(editingId)}`, { signal }) : null,
    get('/api/notifications/preferences', { signal }).catch(() => null),
  ]);
  if (signal.aborted) return;

  // ---- Controls ----
  const symbol = input({ autocomplete: 'off', spellcheck: 'false', autocapitalize: 'characters', list: 'symbol-options', required: true });
  const symbolOptions = h('datalist', { id: 'symbol-options' });
  const nowPrice = h('span', { 'data-testid': 'editor-current-price' });
  const name = input({ maxlength: '100' });
  const type = select(CONDITION_TYPES.map((group) => ({ label: group.group, options: group.types.map((info) => ({ value: info.type, label: info.label })) })));
  const indicator = indicatorEditor('condition');
  const compound = compoundEditor('condition', { symbolOptionsId: 'symbol-options' });
  const level = numberInput();
  const lower = numberInput();
  const upper = numberInput();
  const measureAmount = h('input', { type: 'radio', name: 'measure', value: 'amount', id: 'measure-amount', 'data-testid': 'measure-amount' });
  const measurePercent = h('input', { type: 'radio', name: 'measure', value: 'percent', id: 'measure-percent', 'data-testid': 'measure-percent' });
  const amount = numberInput({ min: '0' });
  const percent = numberInput();
  const windowMinutes = numberInput({ step: '1', inputmode: 'numeric', min: '1' });
  const reference = select(REFERENCES);
  const frequencyType = select([
    { value: 'once', label: 'Once, then stop' },
    { value: 'everyTime', label: 'Every time it happens' },
    { value: 'oncePerDay', label: 'At most once a day' },
  ]);
  const cooldownSeconds = numberInput({ step: '1', inputmode: 'numeric', min: '0' });
  const maxFires = numberInput({ step: '1', inputmode: 'numeric', min: '1' });
  const rearmMargin = numberInput({ min: '0' });
  const rearmAfter = numberInput({ step: '1', inputmode: 'numeric', min: '1' });
  const confirmationSeconds = numberInput({ step: '1', inputmode: 'numeric', min: '0' });
  const expiresAt = input({ type: 'datetime-local' });
  const zones = h('datalist', { id: 'zone-options' }, timeZones().map((zone) => h('option', { value: zone })));
  const timeZone = input({ list: 'zone-options', autocomplete: 'off', spellcheck: 'false' });
  const scheduleOn = h('input', { type: 'checkbox', id: 'schedule-on', 'data-testid': 'schedule-on' });
  const dayBoxes = DAYS.map(([value]) => h('input', { type: 'checkbox', name: 'schedule.days', value, id: `day-${value}`, 'data-testid': `day-${value}` }));
  const scheduleFrom = input({ type: 'time' });
  const scheduleTo = input({ type: 'time' });
  const scheduleZone = input({ list: 'zone-options', autocomplete: 'off', spellcheck: 'false' });
  const channelBoxes = CHANNELS.map(([value]) => h('input', { type: 'checkbox', name: 'channels', value, id: `channel-${value}`, 'data-testid': `channel-${value}` }));
  const webhookUrl = input({ type: 'url', inputmode: 'url', autocomplete: 'off', spellcheck: 'false', placeholder: 'https://example.com/hooks/stockalerts' });
  const webhookSecret = input({ type: 'password', autocomplete: 'new-password', spellcheck: 'false' });
  const messageTemplate = h('textarea', { maxlength: '500', rows: '3' });

  const daysSet = h('fieldset', { 'data-field': 'schedule.days', 'aria-describedby': 'error-schedule.days' },
    h('legend', {}, 'Days'), h('div', { class: 'checks' }, dayBoxes.map((box, index) => h('label', { class: 'check', for: box.id }, box, DAYS[index][1]))),
    errorSlot('schedule.days'));
  const channelsSet = h('fieldset', { 'data-field': 'channels', 'aria-describedby': 'error-channels' },
    h('legend', {}, 'Tell me'), h('div', { class: 'checks' }, channelBoxes.map((box, index) => h('label', { class: 'check', for: box.id }, box, CHANNELS[index][1]))),
    errorSlot('channels'));

  // Groups shown per condition type (data-needs lists the types' needs that show them).
  const levelGroup = h('div', { 'data-needs': 'level' }, field('condition.level', 'Price level', level));
  const channelGroup = h('div', { 'data-needs': 'channel', class: 'field-row' },
    field('condition.lower', 'Lower bound', lower), field('condition.upper', 'Upper bound', upper));
  const measureChoice = h('fieldset', { 'data-needs': 'window move' },
    h('legend', {}, 'Measure the move in'),
    h('div', { class: 'checks' },
      h('label', { class: 'check', for: 'measure-amount' }, measureAmount, 'Price amount'),
      h('label', { class: 'check', for: 'measure-percent' }, measurePercent, 'Percent')));
  const amountField = field('condition.amount', 'Amount', amount, { wrapperAttributes: { 'data-measure': 'amount' } });
  const percentLabel = h('span', {}, 'Percent');
  const percentHint = h('span');
  const percentField = field('condition.percent', percentLabel, percent, { wrapperAttributes: { 'data-measure': 'percent' }, hint: percentHint });
  const moveGroup = h('div', { 'data-needs': 'window move percentChange', class: 'field-row' }, amountField, percentField);
  const windowGroup = h('div', { 'data-needs': 'window' }, field('condition.windowMinutes', 'Within (minutes)', windowMinutes));
  const referenceGroup = h('div', { 'data-needs': 'percentChange' }, field('condition.reference', 'Compared with', reference));
  const indicatorGroup = h('div', { 'data-needs': 'indicator', 'data-testid': 'indicator-fields' }, indicator.element);
  const compoundGroup = h('div', { 'data-needs': 'compound', 'data-testid': 'compound-fields' }, compound.element);
  const cooldownField = field('frequency.cooldownSeconds', 'Quiet time between alerts (seconds)', cooldownSeconds, { hint: 'After firing, wait this long before firing again.' });
  const scheduleBody = h('div', { 'data-testid': 'schedule-fields' },
    daysSet,
    h('div', { class: 'field-row' }, field('schedule.from', 'From', scheduleFrom), field('schedule.to', 'To', scheduleTo)),
    field('schedule.timeZone', 'Time zone of these hours', scheduleZone));
  const webhookBody = h('div', { 'data-testid': 'webhook-fields' },
    errorSlot('webhook'),
    field('webhook.url', 'Webhook URL', webhookUrl, { hint: 'An https address that receives a signed POST for every firing.' }),
    field('webhook.secret', 'Signing secret', webhookSecret, {
      hint: rule?.webhook?.hasSecret
        ? 'The saved secret is never shown again: enter it (or a new one) to save changes. 16 to 200 characters.'
        : 'Used to sign each call (HMAC-SHA256). 16 to 200 characters.',
    }));

  // ---- Backtest ----
  const backtestRange = select(Object.entries(RANGES).filter(([, info]) => !info.chartOnly).map(([value, info]) => ({ value, label: `Last ${info.label}` })), { 'data-testid': 'backtest-range' });
  backtestRange.value = '1d';
  const backtestButton = h('button', { type: 'button', 'data-testid': 'backtest' }, 'Backtest');
  const backtestChart = h('div', { class: 'chart chart--small', 'data-testid': 'backtest-chart', role: 'img', 'aria-label': 'Where the alert would have fired', hidden: true });
  const backtestCredit = chartCredit();
  backtestCredit.hidden = true;
  const backtestResult = h('div', { 'data-testid': 'backtest-result', role: 'status' });
  let chart = null;

  const saveButton = h('button', { type: 'submit', class: 'primary', 'data-testid': 'save-alert' }, editingId ? 'Save changes' : 'Create alert');
  const form = h('form', { novalidate: true, 'data-testid': 'alert-form' },
    errorSummary('alert-errors'),
    h('section', { class: 'card' },
      h('h2', {}, 'What to watch'),
      field('symbol', 'Symbol', symbol, { hint: nowPrice }), symbolOptions,
      field('name', 'Name (optional)', name),
      field('condition.type', 'Alert me when…', type),
      levelGroup, channelGroup, measureChoice, moveGroup, windowGroup, referenceGroup, indicatorGroup, compoundGroup),
    h('section', { class: 'card' },
      h('h2', {}, 'How often'),
      field('frequency.type', 'Fire', frequencyType),
      h('div', { 'data-frequency': 'everyTime' }, cooldownField),
      field('frequency.maxFires', 'Stop after this many alerts (optional)', maxFires)),
    h('section', { class: 'card' },
      h('h2', {}, 'Delivery'),
      channelsSet,
      webhookBody,
      field('messageTemplate', 'Message (optional)', messageTemplate, {
        hint: 'Placeholders: {{symbol}} {{price}} {{level}} {{change}} {{changePercent}} {{time}} {{rule}}',
      })),
    h('details', { class: 'advanced card', open: hasAdvanced(rule) },
      h('summary', {}, 'Timing and re-arming'),
      h('div', { class: 'field-row' },
        field('rearm.margin', 'Re-arm margin (price)', rearmMargin, { hint: 'How far back past the level before it can fire again.' }),
        field('rearm.afterSeconds', 'Re-arm after (seconds)', rearmAfter)),
      field('confirmationSeconds', 'Confirm for (seconds)', confirmationSeconds, { hint: 'The condition must hold this long before it fires.' }),
      field('expiresAt', 'Expires at (optional)', expiresAt),
      field('timeZone', 'Time zone', timeZone, { hint: 'Used for "once a day".' }),
      h('label', { class: 'check', for: 'schedule-on' }, scheduleOn, 'Only at certain times'),
      scheduleBody),
    h('section', { class: 'card', 'aria-labelledby': 'backtest-heading' },
      h('h2', { id: 'backtest-heading' }, 'Try it on past prices'),
      h('div', { class: 'inline-form' }, field('backtest.range', 'Period', backtestRange), backtestButton),
      errorSlot('from'), errorSlot('to'),
      backtestChart, backtestCredit, backtestResult),
    h('div', { class: 'form-actions' },
      saveButton,
      h('a', { class: 'button', href: editingId ? '#/alerts' : (query.get('symbol') ? `#/symbol/${encodeURIComponent(query.get('symbol'))}` : '#/alerts') }, 'Cancel')));

  main.append(h('div', { class: 'page-head' }, pageHeading(editingId ? 'Edit alert' : 'New alert')), zones, form);

  // ---- Showing only what the chosen options need ----
  const needs = () => conditionInfo(type.value)?.needs;
  const measure = () => (measurePercent.checked ? 'percent' : 'amount');
  function refreshVisibility() {
    const current = needs();
    for (const group of form.querySelectorAll('[data-needs]')) group.hidden = !group.dataset.needs.split(' ').includes(current);
    const usesMeasure = current === 'window' || current === 'move';
    amountField.hidden = !(usesMeasure && measure() === 'amount');
    percentField.hidden = !(current === 'percentChange' || (usesMeasure && measure() === 'percent'));
    percentLabel.textContent = current === 'percentChange' ? 'Change (%)' : 'Percent';
    percentHint.textContent = current === 'percentChange' ? 'Signed: 5 for a rise of 5 %, -3 for a fall of 3 %.' : '';
    cooldownField.parentElement.hidden = frequencyType.value !== 'everyTime';
    scheduleBody.hidden = !scheduleOn.checked;
    webhookBody.hidden = !channelBoxes[2].checked;
  }
  for (const control of [type, measureAmount, measurePercent, frequencyType, scheduleOn, ...channelBoxes]) {
    control.addEventListener('change', refreshVisibility);
  }

  // ---- Filling in ----
  fill(rule);
  refreshVisibility();

  function fill(existing) {
    if (!existing) {
      symbol.value = (query.get('symbol') ?? '').toUpperCase();
      type.value = 'crossesAbove';
      measureAmount.checked = true;
      reference.value = 'previousClose';
      frequencyType.value = 'once';
      timeZone.value = browserTimeZone();
      scheduleZone.value = browserTimeZone();
      for (const box of dayBoxes.slice(0, 5)) box.checked = true;
      scheduleFrom.value = '09:30';
      scheduleTo.value = '16:00';
      const defaults = (preferences?.defaultChannels ?? ['push', 'live']).filter((channel) => channel !== 'webhook');
      for (const box of channelBoxes) box.checked = defaults.includes(box.value);
      return;
    }
    const condition = existing.condition;
    symbol.value = existing.symbol;
    name.value = existing.name ?? '';
    type.value = condition.type;
    setNumber(level, condition.level);
    setNumber(lower, condition.lower);
    setNumber(upper, condition.upper);
    setNumber(amount, condition.amount);
    setNumber(percent, condition.percent);
    setNumber(windowMinutes, condition.windowMinutes);
    (condition.percent != null && condition.type !== 'percentChange' ? measurePercent : measureAmount).checked = true;
    reference.value = condition.reference ?? 'previousClose';
    if (condition.type === 'indicator') indicator.write(condition);
    if (condition.type === 'compound') compound.write(condition);
    frequencyType.value = existing.frequency?.type ?? 'once';
    setNumber(cooldownSeconds, existing.frequency?.cooldownSeconds || null);
    setNumber(maxFires, existing.frequency?.maxFires);
    setNumber(rearmMargin, existing.rearm?.margin);
    setNumber(rearmAfter, existing.rearm?.afterSeconds);
    setNumber(confirmationSeconds, existing.confirmationSeconds || null);
    expiresAt.value = existing.expiresAt ? toLocalInput(existing.expiresAt) : '';
    timeZone.value = existing.timeZone ?? browserTimeZone();
    scheduleOn.checked = Boolean(existing.schedule);
    const days = existing.schedule?.days ?? ['mon', 'tue', 'wed', 'thu', 'fri'];
    for (const box of dayBoxes) box.checked = days.includes(box.value);
    scheduleFrom.value = existing.schedule?.from ?? '09:30';
    scheduleTo.value = existing.schedule?.to ?? '16:00';
    scheduleZone.value = existing.schedule?.timeZone ?? existing.timeZone ?? browserTimeZone();
    for (const box of channelBoxes) box.checked = existing.channels.includes(box.value);
    webhookUrl.value = existing.webhook?.url ?? '';
    messageTemplate.value = existing.messageTemplate ?? '';
  }

  // ---- The request body: only what the chosen type and options use ----
  function buildRule() {
    const condition = { type: type.value };
    const current = needs();
    if (current === 'indicator') Object.assign(condition, indicator.read());
    if (current === 'compound') Object.assign(condition, compound.read());
    if (current === 'level') condition.level = numberValue(level);
    if (current === 'channel') Object.assign(condition, { lower: numberValue(lower), upper: numberValue(upper) });
    if (current === 'window' || current === 'move') {
      if (measure() === 'percent') condition.percent = numberValue(percent);
      else condition.amount = numberValue(amount);
    }
    if (current === 'window') condition.windowMinutes = numberValue(windowMinutes);
    if (current === 'percentChange') Object.assign(condition, { percent: numberValue(percent), reference: reference.value });

    const frequency = { type: frequencyType.value };
    if (frequencyType.value === 'everyTime') frequency.cooldownSeconds = numberValue(cooldownSeconds) ?? 0;
    const max = numberValue(maxFires);
    if (max !== null) frequency.maxFires = max;

    const channels = channelBoxes.filter((box) => box.checked).map((box) => box.value);
    const body = {
      symbol: textValue(symbol)?.toUpperCase() ?? null,
      name: textValue(name),
      condition,
      frequency,
      channels,
      timeZone: textValue(timeZone),
      messageTemplate: textValue(messageTemplate),
    };
    const margin = numberValue(rearmMargin);
    const after = numberValue(rearmAfter);
    if (margin !== null || after !== null) body.rearm = { margin, afterSeconds: after };
    const confirmation = numberValue(confirmationSeconds);
    if (confirmation !== null) body.confirmationSeconds = confirmation;
    if (expiresAt.value) body.expiresAt = new Date(expiresAt.value).toISOString();
    if (scheduleOn.checked) {
      body.schedule = {
        days: dayBoxes.filter((box) => box.checked).map((box) => box.value),
        from: scheduleFrom.value || null,
        to: scheduleTo.value || null,
        timeZone: textValue(scheduleZone),
      };
    }
    if (channels.includes('webhook')) body.webhook = { url: textValue(webhookUrl), secret: webhookSecret.value || null };
    return body;
  }

  // ---- Live price next to the symbol, level lines on the backtest chart as you type ----
  let stopWatching = () => {};
  let watchedSymbol = null;
  async function followSymbol() {
    const value = symbol.value.trim().toUpperCase();
    if (value === watchedSymbol) return;
    watchedSymbol = value;
    stopWatching();
    stopWatching = () => {};
    nowPrice.textContent = '';
    if (!value) return;
    const info = await instrument(value).catch(() => null);
    if (!info || watchedSymbol !== value || signal.aborted) return;
    stopWatching = watchPrices([value], (quote) => {
      nowPrice.textContent = `${info.displayName}: now ${price(quote.price, info.currency)}`;
      nowPrice.dataset.price = quote.price;
    });
  }
  symbol.addEventListener('change', followSymbol);
  symbol.addEventListener('input', () => {
    if (symbol.value.trim().length >= 1) followSymbol();
  });
  followSymbol();
  get('/api/instruments?pageSize=100', { signal })
    .then((page) => symbolOptions.replaceChildren(...page.items.filter((item) => item.enabled).map((item) => h('option', { value: item.symbol }, item.displayName))))
    .catch(() => {});

  const redrawLevels = () => chart?.setLevels(levelsOfRule({ condition: buildRule().condition }, { kind: 'preview' }));
  for (const control of [type, level, lower, upper]) control.addEventListener('input', redrawLevels);

  signal.addEventListener('abort', () => {
    stopWatching();
    chart?.destroy();
  });

  // ---- Save ----
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    const body = buildRule();
    try {
      const saved = await busy(saveButton, () => (editingId ? put(`/api/alerts/${editingId}`, body) : post('/api/alerts', body)));
      toast(editingId ? 'Alert saved.' : `Alert created on ${saved.symbol}.`);
      navigate('/alerts');
    } catch (error) {
      reportError(error);
    }
  });

  function reportError(error, prefix) {
    if (error instanceof ApiError && error.status === 400 && Object.keys(error.errors).length) {
      const alias = (path) => ALIASES[path] ?? path;
      // A message inside the closed "Timing" section must be seen (and its field focusable): open it first.
      for (const key of Object.keys(error.errors)) {
        const slot = form.querySelector(`[data-error-for="${CSS.escape(alias(normalizeKey(key, prefix)))}"]`);
        const details = slot?.closest('details');
        if (details) details.open = true;
      }
      showErrors(form, error.errors, { prefix, alias });
    } else if (error instanceof ApiError && error.status === 409) {
      showErrors(form, {}, { message: error.message });
    } else {
      showErrors(form, {}, { message: error.message ?? String(error) });
    }
  }

  // ---- Backtest ----
  backtestButton.addEventListener('click', () => busy(backtestButton, async () => {
    clearErrors(form);
    const body = buildRule();
    const range = backtestRange.value;
    const to = new Date();
    const from = new Date(to.getTime() - RANGES[range].ms);
    let result;
    try {
      result = await post('/api/alerts/preview', { rule: body, from: from.toISOString(), to: to.toISOString() }, { signal });
    } catch (error) {
      if (error.name !== 'AbortError') reportError(error, 'rule');
      return;
    }
    backtestChart.hidden = false;
    backtestCredit.hidden = false;
    try {
      chart ??= await createPriceChart(backtestChart, { label: `Backtest of the alert on ${result.symbol}` });
      if (signal.aborted) return;
      const history = await loadHistory(result.symbol, range, { signal, to });
      chart.setBars(history.bars, history.interval);
      redrawLevels();
      chart.setMarkers(result.firings.map((firing) => ({ time: firing.time, price: firing.price })));
    } catch (error) {
      if (error.name !== 'AbortError') errorToast(error);
    }
    showBacktest(result);
  }));

  function showBacktest(result) {
    const currency = knownInstrument(result.symbol)?.currency;
    const count = result.fireCount;
    const period = `the last ${RANGES[backtestRange.value].label}`;
    const headline = result.bars === 0
      ? `No stored prices for ${result.symbol} over ${period}, so there is nothing to replay.`
      : `Over ${period} (${result.bars} one-minute bar${result.bars === 1 ? '' : 's'}) this alert would have fired ${count === 0 ? 'no times' : count === 1 ? 'once' : `${count} times`}.`;
    replaceChildren(backtestResult,
      h('p', { 'data-testid': 'backtest-summary' }, headline),
      result.bars > 0 ? h('p', { class: 'muted small', 'data-testid': 'backtest-coverage' }, coverageText(result.coverage)) : null,
      result.firings.length
        ? h('ul', { class: 'small' }, result.firings.slice(0, 20).map((firing) =>
          h('li', {}, `${dateTime(firing.time)}: ${price(firing.price, currency)} (${firing.description})`)))
        : null,
      result.firings.length > 20 ? h('p', { class: 'muted small' }, `…and ${result.firings.length - 20} more.`) : null);
  }
}

function hasAdvanced(rule) {
  return Boolean(rule && (rule.rearm || rule.confirmationSeconds || rule.expiresAt || rule.schedule));
}

/** ISO → the value a datetime-local input takes, in local time. */
function toLocalInput(iso) {
  const date = new Date(iso);
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

// A backtest sees bars, not every tick: say how much of the history it could see, so a count is read for what it is.
function coverageText(coverage) {
  if (coverage.barsWithEveryTick === coverage.bars) return 'Every recorded price was replayed, so this is what live alerts would have done.';
  const hidden = coverage.ticksNotSeen > 0 ? `${coverage.ticksNotSeen} of ${coverage.ticksRecorded} recorded prices fell between a bar's open, high, low and close and could not be replayed` : '';
  const uncounted = coverage.barsWithoutTickCount > 0 ? `${coverage.barsWithoutTickCount} older bars do not say how many prices they hold` : '';
  return `${[hidden, uncounted].filter(Boolean).join('; ') || 'Bars were replayed as open, high, low, close'}; live alerts see every price and may fire more often.`;
}
