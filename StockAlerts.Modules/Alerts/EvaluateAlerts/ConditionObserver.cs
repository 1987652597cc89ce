using StockAlerts.Modules.Alerts.EvaluateAlerts.Indicators;

namespace StockAlerts.Modules.Alerts.EvaluateAlerts;

internal static class ConditionObserver
{
    public static Observation Observe(AlertRule rule, RuleRuntime runtime, decimal price, decimal? previous, MarketState market)
    {
        var condition = rule.Condition;
        if (condition.Indicator is { } indicator)
        {
            return ObserveSeries(rule, runtime, indicator, market);
        }

        if (condition.Compound is { } compound)
        {
            return ObserveCompound(runtime, compound);
        }

        return ObserveValue(rule, runtime, price, previous, market);
    }

    /// <summary>
    /// A compound, once its batch of prices is in: each part on its symbol's latest price. Only a part whose symbol
    /// moved in this batch (or whose bar closed in this step) can be an event. Holds: the parts' states (a crossing
    /// part: beyond its level); Event: the expression, events counted, true now while it was not after the last look.
    /// </summary>
    private static Observation ObserveCompound(RuleRuntime runtime, CompoundCondition compound)
    {
        if (runtime.Parts is not { } parts)
        {
            return default;
        }

        var all = compound.Match == CompoundMatch.All;
        bool holds = all, now = all, after = all, before = all;
        foreach (var part in parts)
        {
            var market = part.Market;
            if (market.LastFreshPrice is not { } current)
            {
                return default;
            }

            var start = market.Moved ? market.MoveStart : current;
            var observation = part.Rule.Condition.Indicator is { } indicator
                ? ObserveSeries(part.Rule, part.Runtime, indicator, market)
                : ObserveValue(part.Rule, part.Runtime, current, start, market);
            var isEvent = ConditionTraits.IsEvent(part.Rule.Condition.Type);
            var partNow = isEvent ? observation.Event : observation.Holds;
            var partAfter = !isEvent && observation.Holds;
            holds = all ? holds && observation.Holds : holds || observation.Holds;
            now = all ? now && partNow : now || partNow;
            after = all ? after && partAfter : after || partAfter;
            if (runtime.CompoundHeld is null)
            {
                // Unknown after a restart: the expression's state at the prices before this batch.
                var partBefore = !isEvent && part.Rule.Condition.Indicator is null && start is { } earlier
                    ? ObserveValue(part.Rule, part.Runtime, earlier, earlier, market).Holds
                    : partAfter;
                before = all ? before && partBefore : before || partBefore;
            }
        }

        var held = runtime.CompoundHeld ?? before;
        return new Observation(holds, now && !held, parts[0].Market.LastFreshPrice ?? 0) { HeldAfter = after };
    }

    // An indicator condition is the same comparison on its series instead of the price. At bar close it is judged
    // only when a bar of its timeframe closes (it holds, in between, as the last close left it).
    private static Observation ObserveSeries(AlertRule rule, RuleRuntime runtime, IndicatorCondition indicator, MarketState? market)
    {
        if (runtime.Series is not { } series)
        {
            return default;
        }

        var (current, before) = indicator.OnBarClose ? (series.Closed, series.PreviousClosed) : (series.Live, series.PreviousLive);
        if (current is not { } reading)
        {
            return default;
        }

        var observation = ObserveValue(rule, runtime, reading.Value, before?.Value, market: null);
        return observation with
        {
            // An event belongs to the step that made it: the price that moved the series live, the bar that closed.
            Event = observation.Event && (indicator.OnBarClose ? series.ClosedNow : market?.Indicators?.Ticked != false),
            ComparedValue = (decimal)reading.Left,
        };
    }

    private static Observation ObserveValue(AlertRule rule, RuleRuntime runtime, decimal price, decimal? previous, MarketState? market)
    {
        var condition = rule.Condition;
        switch (condition.Type)
        {
            case ConditionType.Above when condition.Level is { } level:
                return new Observation(price >= level, price >= level, level);
            case ConditionType.Below when condition.Level is { } level:
                return new Observation(price <= level, price <= level, level);
            case ConditionType.CrossesAbove or ConditionType.CrossesBelow when condition.Level is { } level:
                return Cross(ConditionTraits.Direction(rule, runtime), level, price, previous, runtime.Armed);
            case ConditionType.Crosses when condition.Level is { } level:
                return Cross(CrossingOf(level, price, previous) ?? runtime.Direction, level, price, previous, runtime.Armed) with
                {
                    Crossing = CrossingOf(level, price, previous),
                };
            case ConditionType.EntersChannel or ConditionType.ExitsChannel or ConditionType.InsideChannel or ConditionType.OutsideChannel
                when condition.Lower is { } lower && condition.Upper is { } upper:
                return Channel(condition.Type, lower, upper, price, previous, runtime.Armed);
            case ConditionType.MovesUp or ConditionType.MovesDown when condition.WindowMinutes is { } minutes && market is not null:
                return Move(condition, condition.Type == ConditionType.MovesUp ? market.WindowLow(minutes) : market.WindowHigh(minutes), price, runtime.Armed);
            case ConditionType.PercentChange when market is not null:
                return PercentChange(condition, runtime, price, market);
            case ConditionType.TrailingDrawdown or ConditionType.TrailingRise:
                return Trailing(condition, runtime.TrailingExtreme, price);
            case ConditionType.Step:
                return Step(condition, runtime.StepAnchor, price);
            default:
                return default;
        }
    }

    /// <summary>What happened, in words, with prices written in the instrument's style.</summary>
    public static string Describe(AlertRule rule, CrossDirection? direction, decimal price, decimal compared, PriceStyle style, SeriesReading? reading = null,
        PartPrices? partPrices = null, IReadOnlyList<PriceStyle>? partStyles = null)
    {
        var condition = rule.Condition;
        if (condition.Indicator is { } indicator)
        {
            return DescribeIndicator(condition.Type, indicator, direction, price, compared, reading, style);
        }

        if (condition.Compound is { } compound)
        {
            // "EURUSD 1.04900 USD is at or below 1.05 and USDJPY 150.200 JPY is at or above 150"
            var parts = compound.Parts.Select((part, i) =>
                DescribePart(part, partPrices?.Values[i] ?? (i == 0 ? price : 0), partStyles?[i] ?? (i == 0 ? style : PriceStyle.Raw)));
            return string.Join(compound.Match == CompoundMatch.All ? " and " : " or ", parts);
        }

        var priceText = style.Price(price);
        var comparedText = style.Price(compared);
        var channel = $"{style.Price(condition.Lower ?? 0)} to {style.Price(condition.Upper ?? 0)}";
        var percent = compared == 0 ? 0 : (price - compared) * 100 / compared;
        var move = $"{style.Signed(price - compared)} ({NumberText.Percent(percent)})";
        var window = NumberText.Integer(condition.WindowMinutes ?? 0);
        return condition.Type switch
        {
            ConditionType.Above => $"price {priceText} is at or above {comparedText}",
            ConditionType.Below => $"price {priceText} is at or below {comparedText}",
            ConditionType.CrossesAbove or ConditionType.CrossesBelow or ConditionType.Crosses =>
                $"price {priceText} crossed {(direction == CrossDirection.Down ? "below" : "above")} {comparedText}",
            ConditionType.EntersChannel => $"price {priceText} entered the channel {channel}",
            ConditionType.ExitsChannel => $"price {priceText} left the channel {channel}",
            ConditionType.InsideChannel => $"price {priceText} is inside the channel {channel}",
            ConditionType.OutsideChannel => $"price {priceText} is outside the channel {channel}",
            ConditionType.MovesUp => $"price {priceText} moved {move} from the {window}-minute low {comparedText}",
            ConditionType.MovesDown => $"price {priceText} moved {move} from the {window}-minute high {comparedText}",
            ConditionType.PercentChange => $"price {priceText} moved {move} from the {ReferenceName(condition.Reference)} {comparedText}",
            ConditionType.TrailingDrawdown => $"price {priceText} moved {move} from the peak {comparedText}",
            ConditionType.TrailingRise => $"price {priceText} moved {move} from the trough {comparedText}",
            ConditionType.Step => $"price {priceText} moved {move} from the anchor {comparedText}",
            _ => $"price {priceText}",
        };
    }

    // "RSI(14, 1h) fell below 30 (28.41) at 187.20 USD"; "SMA(50, 1d) rose above SMA(200, 1d) (182.10 vs 181.95) at
    // 187.20 USD"; "price 187.20 USD left the bands of BB(20, 2, 15m) (185.10 to 187.00)"; ", on the 1h close" when
    // judged at bar close.
    private static string DescribeIndicator(ConditionType type, IndicatorCondition indicator, CrossDirection? direction, decimal price, decimal compared,
        SeriesReading? reading, PriceStyle style)
    {
        var left = indicator.Left;
        var right = indicator.Right;
        var leftValue = ValueText(left, reading is { } read ? (decimal)read.Left : compared, style);
        var byPrice = left.Kind == OperandKind.Price;
        var subject = byPrice ? $"price {style.Price(price)}" : left.Text;
        var at = byPrice ? "" : $" at {style.Price(price)}";
        var close = indicator.OnBarClose ? $", on the {Timeframes.Name(indicator.Timeframe)} close" : "";
        if (IndicatorCondition.IsChannel(type))
        {
            var verb = type switch
            {
                ConditionType.EntersChannel => "entered",
                ConditionType.ExitsChannel => "left",
                ConditionType.InsideChannel => "is inside",
                _ => "is outside",
            };
            var bands = reading is { Right: { } lower, Upper: { } upper } ? $"{style.Number((decimal)lower)} to {style.Number((decimal)upper)}" : "";
            var values = byPrice ? $" ({bands})" : $" ({leftValue}; bands {bands})";
            return $"{subject} {verb} the bands of {right.Indicator!.Text}{values}{at}{close}";
        }

        var relation = type switch
        {
            ConditionType.Above => "is at or above",
            ConditionType.Below => "is at or below",
            ConditionType.CrossesBelow => "fell below",
            ConditionType.Crosses when direction == CrossDirection.Down => "fell below",
            _ => "rose above",
        };
        var rightValue = reading?.Right is { } value ? ValueText(right, (decimal)value, style) : "";
        var shown = right.Kind == OperandKind.Value ? leftValue : byPrice ? rightValue : $"{leftValue} vs {rightValue}";
        return $"{subject} {relation} {right.Text} ({shown}){at}{close}";
    }

    private static string DescribePart(CompoundPart part, decimal price, PriceStyle style)
    {
        var condition = part.Condition;
        var type = condition.Type;
        if (condition.Indicator is { } indicator)
        {
            var verb = IndicatorCondition.IsChannel(type)
                ? $"{Relation(type, null)} the bands of {indicator.Right.Indicator!.Text}"
                : $"{Relation(type, null)} {indicator.Right.Text}";
            return $"{part.Symbol} {indicator.Left.Text} {verb}{(indicator.OnBarClose ? $" (on the {Timeframes.Name(indicator.Timeframe)} close)" : "")}, at {style.Price(price)}";
        }

        var target = IndicatorCondition.IsChannel(type)
            ? $"the channel {style.Number(condition.Lower ?? 0)} to {style.Number(condition.Upper ?? 0)}"
            : style.Number(condition.Level ?? 0);
        var direction = type == ConditionType.Crosses ? (price >= condition.Level ? CrossDirection.Up : CrossDirection.Down) : (CrossDirection?)null;
        return $"{part.Symbol} {style.Price(price)} {Relation(type, direction)} {target}";
    }

    private static string Relation(ConditionType type, CrossDirection? direction) => type switch
    {
        ConditionType.Above => "is at or above",
        ConditionType.Below => "is at or below",
        ConditionType.CrossesBelow => "crossed below",
        ConditionType.Crosses when direction == CrossDirection.Down => "crossed below",
        ConditionType.CrossesAbove or ConditionType.Crosses => "crossed above",
        ConditionType.EntersChannel => "entered",
        ConditionType.ExitsChannel => "left",
        ConditionType.InsideChannel => "is inside",
        _ => "is outside",
    };

    // Averages, bands and extremes are prices (written as the instrument's); RSI is 0 to 100, MACD a small difference.
    private static string ValueText(Operand operand, decimal value, PriceStyle style) => operand.Indicator?.Kind switch
    {
        IndicatorKind.Rsi => NumberText.Price(Math.Round(value, 2)),
        IndicatorKind.Macd => NumberText.Price(Math.Round(value, 6)),
        _ => style.Number(value),
    };

    /// <summary>
    /// Which way the price crossed the level from the previous price, if it did: the union of crossesAbove and
    /// crossesBelow, so a crossing either way fires exactly where one of those would.
    /// </summary>
    public static CrossDirection? CrossingOf(decimal level, decimal price, decimal? previous) =>
        previous < level && level <= price ? CrossDirection.Up
        : previous > level && level >= price ? CrossDirection.Down
        : null;

    private static Observation Cross(CrossDirection? direction, decimal level, decimal price, decimal? previous, bool armed) =>
        direction switch
        {
            CrossDirection.Up => new Observation(price >= level, armed && previous < level && level <= price, level),
            CrossDirection.Down => new Observation(price <= level, armed && previous > level && level >= price, level),
            _ => default,
        };

    // A jump over the whole channel is neither an entry nor an exit: the price was never seen inside.
    private static Observation Channel(ConditionType type, decimal lower, decimal upper, decimal price, decimal? previous, bool armed)
    {
        var inside = lower <= price && price <= upper;
        var wasInside = previous is { } start && lower <= start && start <= upper;
        var nearest = price - lower <= upper - price ? lower : upper;
        var crossed = price < lower ? lower : upper;
        return type switch
        {
            ConditionType.EntersChannel => new Observation(inside, armed && previous is not null && !wasInside && inside, nearest),
            ConditionType.ExitsChannel => new Observation(!inside, armed && wasInside && !inside, crossed),
            ConditionType.InsideChannel => new Observation(inside, inside, nearest),
            _ => new Observation(!inside, !inside, crossed),
        };
    }

    private static Observation Move(AlertCondition condition, decimal? extreme, decimal price, bool armed)
    {
        var rising = condition.Type == ConditionType.MovesUp;
        if (extreme is not { } reference)
        {
            return default;
        }

        var holds = Reaches(condition, rising ? price - reference : reference - price, reference);
        return new Observation(holds, holds && armed, reference);
    }

    private static Observation PercentChange(AlertCondition condition, RuleRuntime runtime, decimal price, MarketState market)
    {
        if (PercentChangeBasis(condition, runtime, market) is not { } basis)
        {
            return default;
        }

        var change = price - basis;
        var holds = false;
        if (condition.Amount is { } amount)
        {
            holds = ReachesSigned(change, amount);
        }
        else if (condition.Percent is { } percent)
        {
            holds = ReachesSigned(change * 100, percent * basis);
        }

        return new Observation(holds, holds && runtime.Armed, basis);
    }

    public static decimal? PercentChangeBasis(AlertCondition condition, RuleRuntime runtime, MarketState market)
    {
        var reference = condition.Reference switch
        {
            ReferenceKind.PreviousClose => market.PreviousClose ?? condition.ReferencePrice,
            ReferenceKind.DayOpen => market.DayOpen ?? condition.ReferencePrice,
            _ => condition.ReferencePrice ?? runtime.ReferencePrice,
        };
        return reference > 0 ? reference : null;
    }

    private static Observation Trailing(AlertCondition condition, decimal? extreme, decimal price)
    {
        if (extreme is not { } reference)
        {
            return default;
        }

        var distance = condition.Type == ConditionType.TrailingDrawdown ? reference - price : price - reference;
        var holds = Reaches(condition, distance, reference);
        return new Observation(holds, holds, reference);
    }

    private static Observation Step(AlertCondition condition, decimal? anchor, decimal price)
    {
        if (anchor is not { } reference)
        {
            return default;
        }

        var holds = Reaches(condition, Math.Abs(price - reference), reference);
        return new Observation(holds, holds, reference);
    }

    private static bool Reaches(AlertCondition condition, decimal distance, decimal basis)
    {
        if (condition.Amount is { } amount)
        {
            return distance >= amount;
        }

        return condition.Percent is { } percent && basis > 0 && distance * 100 >= percent * basis;
    }

    private static bool ReachesSigned(decimal value, decimal threshold) =>
        threshold >= 0 ? value >= threshold : value <= threshold;

    private static string ReferenceName(ReferenceKind? kind) => kind switch
    {
        ReferenceKind.PreviousClose => "previous close",
        ReferenceKind.DayOpen => "day open",
        _ => "price at creation",
    };
}
