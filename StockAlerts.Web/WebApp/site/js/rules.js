// What rules mean to a person: condition types, the fields each needs, and one-line descriptions.
import { duration, number, price } from './format.js';

/**
 * needs: 'level' | 'channel' | 'window' (amount or percent + minutes) | 'percentChange' | 'move' (amount or percent) |
 * 'indicator' (left, operator, right, evaluate) | 'compound' (match and 2 to 5 parts).
 */
export const CONDITION_TYPES = [
  { group: 'Price level', types: [
    { type: 'above', label: 'Is above', needs: 'level' },
    { type: 'below', label: 'Is below', needs: 'level' },
    { type: 'crossesAbove', label: 'Crosses above', needs: 'level' },
    { type: 'crossesBelow', label: 'Crosses below', needs: 'level' },
    { type: 'crosses', label: 'Crosses (either way)', needs: 'level' },
  ] },
  { group: 'Price channel', types: [
    { type: 'entersChannel', label: 'Enters a channel', needs: 'channel' },
    { type: 'exitsChannel', label: 'Leaves a channel', needs: 'channel' },
    { type: 'insideChannel', label: 'Is inside a channel', needs: 'channel' },
    { type: 'outsideChannel', label: 'Is outside a channel', needs: 'channel' },
  ] },
  { group: 'Movement', types: [
    { type: 'movesUp', label: 'Moves up within a time window', needs: 'window' },
    { type: 'movesDown', label: 'Moves down within a time window', needs: 'window' },
    { type: 'percentChange', label: 'Changes by a percentage', needs: 'percentChange' },
    { type: 'trailingDrawdown', label: 'Falls from its peak (trailing)', needs: 'move' },
    { type: 'trailingRise', label: 'Rises from its low (trailing)', needs: 'move' },
    { type: 'step', label: 'Moves by each step', needs: 'move' },
  ] },
  { group: 'Indicators and combinations', types: [
    { type: 'indicator', label: 'An indicator says so (RSI, moving averages, Bollinger, MACD, N-bar highs)', needs: 'indicator' },
    { type: 'compound', label: 'Several conditions hold together (all or any)', needs: 'compound' },
  ] },
];

export const conditionInfo = (type) => CONDITION_TYPES.flatMap((group) => group.types).find((info) => info.type === type);

export const STATES = {
  active: 'Active',
  pending: 'Pending',
  triggered: 'Triggered',
  paused: 'Paused',
  noData: 'No data',
  expired: 'Expired',
};

export const REFERENCES = [
  { value: 'previousClose', label: 'previous close' },
  { value: 'dayOpen', label: 'today\'s open' },
  { value: 'creation', label: 'the price when the alert is saved' },
];

const amountOrPercent = (condition, currency) =>
  condition.percent != null ? `${number(condition.percent, 4)} %` : price(condition.amount, currency);

/** "Crosses above $200.00", "Moves down 2 % within 15 min", … */
export function describeCondition(condition, currency) {
  const level = () => price(condition.level, currency);
  const channel = () => `${price(condition.lower, currency)} – ${price(condition.upper, currency)}`;
  switch (condition.type) {
    case 'above': return `Is above ${level()}`;
    case 'below': return `Is below ${level()}`;
    case 'crossesAbove': return `Crosses above ${level()}`;
    case 'crossesBelow': return `Crosses below ${level()}`;
    case 'crosses': return `Crosses ${level()}${condition.direction ? ` (next: going ${condition.direction})` : ''}`;
    case 'entersChannel': return `Enters ${channel()}`;
    case 'exitsChannel': return `Leaves ${channel()}`;
    case 'insideChannel': return `Is inside ${channel()}`;
    case 'outsideChannel': return `Is outside ${channel()}`;
    case 'movesUp': return `Moves up ${amountOrPercent(condition, currency)} within ${duration((condition.windowMinutes ?? 0) * 60)}`;
    case 'movesDown': return `Moves down ${amountOrPercent(condition, currency)} within ${duration((condition.windowMinutes ?? 0) * 60)}`;
    case 'percentChange': {
      const reference = REFERENCES.find((item) => item.value === condition.reference)?.label ?? condition.reference;
      return `Changes ${number(condition.percent, 4)} % from ${reference}`;
    }
    case 'trailingDrawdown': return `Falls ${amountOrPercent(condition, currency)} from its peak`;
    case 'trailingRise': return `Rises ${amountOrPercent(condition, currency)} from its low`;
    case 'step': return `Moves by each ${amountOrPercent(condition, currency)} step`;
    case 'indicator': return describeIndicator(condition, currency);
    case 'compound': {
      // "EURUSD: is below 1.05 and USDJPY: is above 150" (an indicator's name keeps its capitals).
      const parts = (condition.conditions ?? []).map((part) => {
        const text = describeCondition(part, currency);
        return `${part.symbol}: ${part.type === 'indicator' ? text : text.replace(/^./, (first) => first.toLowerCase())}`;
      });
      return parts.join(condition.match === 'any' ? ' or ' : ' and ');
    }
    default: return condition.type ?? 'Unknown condition';
  }
}

const OPERATORS = {
  above: 'is above', below: 'is below', crossesAbove: 'crosses above', crossesBelow: 'crosses below', crosses: 'crosses',
  entersChannel: 'enters', exitsChannel: 'leaves', insideChannel: 'is inside', outsideChannel: 'is outside',
};

/** "RSI(14, 1h)", "the upper band of BB(20, 2, 15m)", "price", "30". */
export function describeOperand(operand, currency) {
  const tf = operand.timeframe;
  switch (operand.type) {
    case 'price': return 'price';
    case 'value': return number(operand.value, 6);
    case 'bollinger': {
      const bands = `BB(${operand.period}, ${number(operand.deviations, 2)}, ${tf})`;
      return operand.output ? `the ${operand.output} band of ${bands}` : `the bands of ${bands}`;
    }
    case 'macd': {
      const macd = `MACD(${operand.fast}, ${operand.slow}, ${operand.signal}, ${tf})`;
      return operand.output === 'signal' ? `the signal line of ${macd}` : operand.output === 'histogram' ? `the histogram of ${macd}` : `the MACD line of ${macd}`;
    }
    case 'highest': return `the highest high of ${operand.period} bars (${tf})`;
    case 'lowest': return `the lowest low of ${operand.period} bars (${tf})`;
    default: return `${String(operand.type).toUpperCase()}(${operand.period}, ${tf})`;
  }
}

/** "RSI(14, 1h) crosses below 30, at bar close". */
function describeIndicator(condition, currency) {
  const left = describeOperand(condition.left ?? {}, currency);
  const text = `${left.charAt(0).toUpperCase()}${left.slice(1)} ${OPERATORS[condition.operator] ?? condition.operator} ${describeOperand(condition.right ?? {}, currency)}`;
  return condition.evaluate === 'live' ? text : `${text}, at bar close`;
}

export function describeFrequency(frequency) {
  const max = frequency?.maxFires ? `, at most ${frequency.maxFires} times` : '';
  switch (frequency?.type) {
    case 'everyTime': return `Every time${frequency.cooldownSeconds ? `, at most once per ${duration(frequency.cooldownSeconds)}` : ''}${max}`;
    case 'oncePerDay': return `Once a day${max}`;
    default: return `Once${max}`;
  }
}
