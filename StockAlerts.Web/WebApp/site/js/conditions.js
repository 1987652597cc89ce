// The editor's builders for indicator conditions ("RSI(14, 1h) crosses below 30") and compound ones ("all of: EURUSD
// is below 1.05, USDJPY is above 150"). Every control is keyed by the request's JSON path (condition.left.period,
// condition.conditions[1].level) so a 400 from the server lands next to the control that fixes it.
import { h } from './dom.js';
import { errorSlot, field, input, numberInput, numberValue, select, setNumber, textValue } from './forms.js';

export const TIMEFRAMES = ['1m', '5m', '15m', '1h', '4h', '1d'];

const OPERAND_KINDS = [
  { value: 'rsi', label: 'RSI' },
  { value: 'sma', label: 'Simple moving average (SMA)' },
  { value: 'ema', label: 'Exponential moving average (EMA)' },
  { value: 'bollinger', label: 'Bollinger bands' },
  { value: 'macd', label: 'MACD' },
  { value: 'highest', label: 'Highest high of N bars' },
  { value: 'lowest', label: 'Lowest low of N bars' },
  { value: 'price', label: 'The price' },
  { value: 'value', label: 'A number' },
];

// TradingView's defaults, filled in when a kind is picked: what a chart user expects to see.
const DEFAULTS = {
  rsi: { period: 14 }, sma: { period: 20 }, ema: { period: 20 }, bollinger: { period: 20, deviations: 2 },
  macd: { fast: 12, slow: 26, signal: 9 }, highest: { period: 20 }, lowest: { period: 20 },
};

const OUTPUTS = {
  bollinger: [{ value: '', label: 'The band (for enters / leaves / inside / outside)' }, { value: 'upper', label: 'Upper band' },
    { value: 'middle', label: 'Middle band' }, { value: 'lower', label: 'Lower band' }],
  macd: [{ value: 'macd', label: 'MACD line' }, { value: 'signal', label: 'Signal line' }, { value: 'histogram', label: 'Histogram' }],
};

export const INDICATOR_OPERATORS = [
  { value: 'crossesAbove', label: 'crosses above' },
  { value: 'crossesBelow', label: 'crosses below' },
  { value: 'crosses', label: 'crosses (either way)' },
  { value: 'above', label: 'is above' },
  { value: 'below', label: 'is below' },
  { value: 'entersChannel', label: 'enters the Bollinger bands' },
  { value: 'exitsChannel', label: 'leaves the Bollinger bands' },
  { value: 'insideChannel', label: 'is inside the Bollinger bands' },
  { value: 'outsideChannel', label: 'is outside the Bollinger bands' },
];

/** One side of an indicator condition: the price, a number, or an indicator's line with its parameters. */
function operandEditor(path, label, { initialKind }) {
  const kind = select(OPERAND_KINDS);
  const value = numberInput();
  const period = numberInput({ step: '1', inputmode: 'numeric', min: '1' });
  const timeframe = select(TIMEFRAMES.map((name) => ({ value: name, label: name })));
  const deviations = numberInput({ min: '0' });
  const fast = numberInput({ step: '1', inputmode: 'numeric', min: '1' });
  const slow = numberInput({ step: '1', inputmode: 'numeric', min: '1' });
  const signal = numberInput({ step: '1', inputmode: 'numeric', min: '1' });
  const output = select([]);
  const shown = {
    value: field(`${path}.value`, 'Number', value),
    period: field(`${path}.period`, 'Bars (period)', period),
    timeframe: field(`${path}.timeframe`, 'Timeframe', timeframe),
    deviations: field(`${path}.deviations`, 'Standard deviations', deviations),
    fast: field(`${path}.fast`, 'Fast', fast),
    slow: field(`${path}.slow`, 'Slow', slow),
    signal: field(`${path}.signal`, 'Signal', signal),
    output: field(`${path}.output`, 'Line', output),
  };
  const element = h('fieldset', { class: 'operand', 'data-operand': path },
    h('legend', {}, label),
    field(`${path}.type`, 'What', kind),
    shown.value,
    h('div', { class: 'field-row' }, shown.period, shown.deviations, shown.fast, shown.slow, shown.signal, shown.timeframe),
    shown.output);

  const uses = () => ({
    value: kind.value === 'value',
    period: ['rsi', 'sma', 'ema', 'bollinger', 'highest', 'lowest'].includes(kind.value),
    timeframe: !['price', 'value'].includes(kind.value),
    deviations: kind.value === 'bollinger',
    fast: kind.value === 'macd', slow: kind.value === 'macd', signal: kind.value === 'macd',
    output: Boolean(OUTPUTS[kind.value]),
  });
  function refresh() {
    const used = uses();
    for (const [name, wrapper] of Object.entries(shown)) wrapper.hidden = !used[name];
  }
  function pickKind(next, operand = DEFAULTS[next] ?? {}) {
    kind.value = next;
    output.replaceChildren(...(OUTPUTS[next] ?? []).map(({ value: option, label: text }) => h('option', { value: option }, text)));
    setNumber(value, operand.value);
    setNumber(period, operand.period);
    setNumber(deviations, operand.deviations);
    setNumber(fast, operand.fast);
    setNumber(slow, operand.slow);
    setNumber(signal, operand.signal);
    if (operand.timeframe) timeframe.value = operand.timeframe;
    output.value = operand.output ?? (OUTPUTS[next]?.[0].value ?? '');
    refresh();
  }
  kind.addEventListener('change', () => pickKind(kind.value));
  timeframe.value = '1h';
  pickKind(initialKind);

  return {
    element,
    read() {
      const used = uses();
      const operand = { type: kind.value };
      if (used.value) operand.value = numberValue(value);
      for (const [name, control] of [['period', period], ['deviations', deviations], ['fast', fast], ['slow', slow], ['signal', signal]]) {
        if (used[name] && numberValue(control) !== null) operand[name] = numberValue(control);
      }
      if (used.timeframe) operand.timeframe = timeframe.value;
      if (used.output && output.value) operand.output = output.value;
      return operand;
    },
    write(operand) {
      pickKind(operand?.type ?? initialKind, operand ?? {});
    },
    /** The timeframe this side is on, so the other side can follow it (both sides share one). */
    timeframe,
  };
}

/** "RSI(14, 1h) crosses below 30, at bar close": left, operator, right, and when it is judged. */
export function indicatorEditor(path) {
  const left = operandEditor(`${path}.left`, 'Watch', { initialKind: 'rsi' });
  const operator = select(INDICATOR_OPERATORS);
  const right = operandEditor(`${path}.right`, 'Against', { initialKind: 'value' });
  const evaluate = select([
    { value: 'barClose', label: 'When a bar closes (the value no longer changes)' },
    { value: 'live', label: 'On every price, as the bar forms' },
  ]);
  // Both sides are on one timeframe: moving one moves the other.
  left.timeframe.addEventListener('change', () => { right.timeframe.value = left.timeframe.value; });
  right.timeframe.addEventListener('change', () => { left.timeframe.value = right.timeframe.value; });
  const element = h('div', { class: 'indicator-condition' },
    left.element,
    field(`${path}.operator`, 'Alert when it', operator),
    right.element,
    field(`${path}.evaluate`, 'Judged', evaluate));
  // What most people set first: RSI(14, 1h) crosses below 30.
  operator.value = 'crossesBelow';
  right.write({ type: 'value', value: 30 });

  return {
    element,
    read: () => ({ left: left.read(), operator: operator.value, right: right.read(), evaluate: evaluate.value }),
    write(condition) {
      left.write(condition.left);
      right.write(condition.right);
      operator.value = condition.operator ?? 'crossesBelow';
      evaluate.value = condition.evaluate ?? 'barClose';
    },
  };
}

const PART_TYPES = [
  { value: 'above', label: 'price is above' },
  { value: 'below', label: 'price is below' },
  { value: 'crossesAbove', label: 'price crosses above' },
  { value: 'crossesBelow', label: 'price crosses below' },
  { value: 'crosses', label: 'price crosses (either way)' },
  { value: 'entersChannel', label: 'price enters a channel' },
  { value: 'exitsChannel', label: 'price leaves a channel' },
  { value: 'insideChannel', label: 'price is inside a channel' },
  { value: 'outsideChannel', label: 'price is outside a channel' },
  { value: 'indicator', label: 'an indicator condition' },
];

const MAX_PARTS = 5;

/** "All of" / "any of" 2 to 5 conditions, each on the alert's symbol or another one. */
export function compoundEditor(path, { symbolOptionsId }) {
  const match = select([{ value: 'all', label: 'All of these hold (AND)' }, { value: 'any', label: 'Any of these holds (OR)' }]);
  const list = h('ol', { class: 'compound-parts', 'data-testid': 'compound-parts' });
  const add = h('button', { type: 'button', 'data-testid': 'add-part' }, 'Add a condition');
  const parts = [];
  const element = h('div', { class: 'compound-condition' }, field(`${path}.match`, 'Fire when', match), errorSlot(`${path}.conditions`), list, add);

  function renumber() {
    parts.forEach((part, index) => part.setIndex(index));
    add.disabled = parts.length >= MAX_PARTS;
    for (const part of parts) part.remove.disabled = parts.length <= 2;
  }
  function addPart(existing) {
    const part = partEditor(path, parts.length, { symbolOptionsId });
    part.remove.addEventListener('click', () => {
      parts.splice(parts.indexOf(part), 1);
      part.element.remove();
      renumber();
    });
    parts.push(part);
    list.append(part.element);
    if (existing) part.write(existing);
    renumber();
  }
  add.addEventListener('click', () => addPart());
  addPart();
  addPart();

  return {
    element,
    read: () => ({ match: match.value, conditions: parts.map((part) => part.read()) }),
    write(condition) {
      match.value = condition.match ?? 'all';
      for (const part of parts.splice(0)) part.element.remove();
      for (const part of condition.conditions ?? []) addPart(part);
      while (parts.length < 2) addPart();
    },
  };
}

// One part. Its controls are made again when it moves (a removal above it), so their JSON paths stay its index.
function partEditor(path, startIndex, { symbolOptionsId }) {
  const element = h('li', { class: 'card compound-part' });
  const remove = h('button', { type: 'button', class: 'link' }, 'Remove');
  let controls = null;

  function build(index, values) {
    const prefix = `${path}.conditions[${index}]`;
    const symbol = input({ autocomplete: 'off', spellcheck: 'false', autocapitalize: 'characters', list: symbolOptionsId, placeholder: 'The alert\'s symbol' });
    const type = select(PART_TYPES);
    const level = numberInput();
    const lower = numberInput();
    const upper = numberInput();
    const indicator = indicatorEditor(prefix);
    const levelField = field(`${prefix}.level`, 'Level', level);
    const channelRow = h('div', { class: 'field-row' }, field(`${prefix}.lower`, 'Lower bound', lower), field(`${prefix}.upper`, 'Upper bound', upper));
    const refresh = () => {
      levelField.hidden = !['above', 'below', 'crossesAbove', 'crossesBelow', 'crosses'].includes(type.value);
      channelRow.hidden = !type.value.endsWith('Channel');
      indicator.element.hidden = type.value !== 'indicator';
    };
    type.addEventListener('change', refresh);
    element.dataset.testid = `compound-part-${index}`;
    element.replaceChildren(
      h('div', { class: 'field-row' }, field(`${prefix}.symbol`, 'Symbol (optional)', symbol), field(`${prefix}.type`, 'When', type)),
      levelField, channelRow, indicator.element, remove);
    controls = {
      read() {
        const part = { type: type.value };
        const other = textValue(symbol)?.toUpperCase();
        if (other) part.symbol = other;
        if (!levelField.hidden) part.level = numberValue(level);
        if (!channelRow.hidden) Object.assign(part, { lower: numberValue(lower), upper: numberValue(upper) });
        if (type.value === 'indicator') Object.assign(part, indicator.read());
        return part;
      },
    };
    type.value = values?.type ?? 'below';
    symbol.value = values?.symbol ?? '';
    setNumber(level, values?.level);
    setNumber(lower, values?.lower);
    setNumber(upper, values?.upper);
    if (values?.type === 'indicator') indicator.write(values);
    refresh();
  }

  let index = startIndex;
  build(index);
  return {
    element,
    remove,
    read: () => controls.read(),
    write: (values) => build(index, values),
    setIndex(next) {
      if (next !== index) {
        const values = controls.read();
        index = next;
        build(index, values);
      }
    },
  };
}
