using FluentValidation;
using Mediator;
using Microsoft.Extensions.Options;
using StockAlerts.Modules.Alerts.EvaluateAlerts;
using StockAlerts.Modules.Alerts.EvaluateAlerts.Indicators;
using StockAlerts.Modules.Prices.Contracts;
using StockAlerts.Modules.Shared.Api;
using StockAlerts.Modules.Shared.Validation;

namespace StockAlerts.Modules.Alerts.ManageRules;

/// <summary>
/// A rule's condition, or one part of a compound (isPart): each type takes exactly its own fields, and the error keys
/// are the fields' JSON paths ("condition.level", "condition.conditions[1].right.period").
/// </summary>
internal sealed class ConditionRequestValidator : AbstractValidator<ConditionRequest>, INestedValidator
{
    private const decimal MaxPrice = AlertRuleRequestValidator.MaxPrice;

    public ConditionRequestValidator(IMediator mediator, IOptionsMonitor<AlertsOptions> options, bool isPart)
    {
        var types = isPart ? ConditionShapes.PartTypes.Select(ApiNames.Name).ToArray() : ApiNames.Of(typeof(ConditionType)).ToArray();
        RuleFor(condition => condition.Type).NotEmpty().Must(type => TypeOf(type) is { } known && (!isPart || ConditionShapes.PartTypes.Contains(known)))
            .OverridePropertyName("type")
            .WithMessage(isPart
                ? $"A compound's part is one of {string.Join(", ", types)} (no window, trailing, step or percentage conditions, no compound inside a compound)."
                : $"condition.type must be one of {string.Join(", ", types)}.");
        When(condition => Takes(condition, ConditionShapes.Level), () =>
            RuleFor(condition => condition.Level).NotNull().GreaterThan(0).LessThan(MaxPrice).OverridePropertyName("level"));
        When(condition => Takes(condition, ConditionShapes.Lower), () =>
        {
            RuleFor(condition => condition.Lower).NotNull().GreaterThan(0).LessThan(MaxPrice).OverridePropertyName("lower");
            RuleFor(condition => condition.Upper).NotNull().GreaterThan(0).LessThan(MaxPrice).OverridePropertyName("upper");
            RuleFor(condition => condition).Must(condition => condition.Lower is null || condition.Upper is null || condition.Lower < condition.Upper)
                .OverridePropertyName("lower").WithMessage("lower must be below upper.");
        });
        When(condition => TypeOf(condition.Type) is { } type && ConditionShapes.TakesAmountOrPercent(type), () =>
        {
            RuleFor(condition => condition).Must(condition => condition.Amount is > 0 and < MaxPrice ^ condition.Percent is > 0 and <= 10_000)
                .OverridePropertyName("amount").WithMessage("Give exactly one of amount or percent, above 0.");
            RuleFor(condition => condition.Percent).LessThan(100).When(condition => TypeOf(condition.Type) == ConditionType.TrailingDrawdown)
                .OverridePropertyName("percent").WithMessage("A drawdown of 100% or more can never happen.");
        });
        When(condition => Takes(condition, ConditionShapes.WindowMinutes), () =>
            RuleFor(condition => condition.WindowMinutes).NotNull().InclusiveBetween(1, options.CurrentValue.MaxWindowMinutes).OverridePropertyName("windowMinutes"));
        When(condition => TypeOf(condition.Type) == ConditionType.PercentChange, () =>
        {
            RuleFor(condition => condition.Percent).NotNull().NotEqual(0).InclusiveBetween(-99.99m, 10_000m)
                .OverridePropertyName("percent").WithMessage("percent is a signed change, e.g. 5 or -3; below -100% can never happen.");
            RuleFor(condition => condition.Reference).NotEmpty().Must(ApiNames.IsName<ReferenceKind>)
                .OverridePropertyName("reference").WithMessage($"reference must be one of {ApiNames.List<ReferenceKind>()}.");
        });
        When(condition => TypeOf(condition.Type) == ConditionType.Indicator, () => IndicatorRules());
        // A part is never a compound (the type rule says so): only the rule's own condition validates parts.
        When(condition => !isPart && TypeOf(condition.Type) == ConditionType.Compound, () =>
        {
            RuleFor(condition => condition.Match).NotEmpty().Must(match => match is "all" or "any").OverridePropertyName("match")
                .WithMessage("match is all (every condition holds) or any (at least one does).");
            RuleFor(condition => condition.Conditions).NotNull().Must(parts => parts!.Length is >= 2 and <= CompoundCondition.MaxParts)
                .OverridePropertyName("conditions").WithMessage($"A compound condition has 2 to {CompoundCondition.MaxParts} conditions.");
            if (!isPart)
            {
                RuleForEach(condition => condition.Conditions).NotNull().SetValidator(new ConditionRequestValidator(mediator, options, isPart: true)!)
                    .OverridePropertyName("conditions");
            }
        });
        // Each type takes exactly its own fields: a level on a trailing rule is a mistake to point out, not to ignore.
        foreach (var field in ConditionShapes.AllFields)
        {
            RuleFor(condition => condition).Must(condition => ValueOf(condition, field) is null)
                .When(condition => TypeOf(condition.Type) is { } type && !ConditionShapes.Takes(type, field))
                .OverridePropertyName(field)
                .WithMessage(condition => $"{field} is not used by a {condition.Type} condition; leave it out.");
        }

        if (isPart)
        {
            RuleFor(condition => condition.Symbol).MaximumLength(20)
                .MustAsync(async (symbol, cancellationToken) => await mediator.Send(new GetInstrument(symbol!), cancellationToken) is { Enabled: true })
                .When(condition => condition.Symbol is { Length: > 0 and <= 20 }, ApplyConditionTo.CurrentValidator)
                .OverridePropertyName("symbol")
                .WithMessage(condition => $"Unknown symbol '{condition.Symbol}'. GET /api/instruments lists the symbols you can watch.");
        }
        else
        {
            RuleFor(condition => condition.Symbol).Null().OverridePropertyName("symbol")
                .WithMessage("symbol belongs to the parts of a compound condition; the rule's own symbol is the top-level symbol.");
        }
    }

    private void IndicatorRules()
    {
        RuleFor(condition => condition.Operator).NotEmpty().Must(name => ApiNames.TryParse<ConditionType>(name, out var type) && ConditionShapes.Operators.Contains(type))
            .OverridePropertyName("operator")
            .WithMessage($"operator is one of {string.Join(", ", ConditionShapes.Operators.Select(ApiNames.Name))}.");
        RuleFor(condition => condition.Left).NotNull().SetValidator(new OperandRequestValidator()!).OverridePropertyName("left");
        RuleFor(condition => condition.Right).NotNull().SetValidator(new OperandRequestValidator()!).OverridePropertyName("right");
        RuleFor(condition => condition.Evaluate).Must(evaluate => evaluate is null or "live" or "barClose").OverridePropertyName("evaluate")
            .WithMessage("evaluate is barClose (judged when a bar closes; the default) or live (on every price).");
        When(condition => condition.Left is { Type: { } } && condition.Right is { Type: { } }, () =>
        {
            RuleFor(condition => condition.Left!.Type).Must(type => type != "value").OverridePropertyName("left.type")
                .WithMessage("left is the price or an indicator; put the number on the right.");
            RuleFor(condition => condition).Must(condition => OperandShapes.IsIndicator(condition.Left!.Type) || OperandShapes.IsIndicator(condition.Right!.Type))
                .OverridePropertyName("left").WithMessage("An indicator condition needs an indicator on one side; for the price against a number use a price condition (above, crossesAbove …).");
            RuleFor(condition => condition).Must(condition => condition.Left!.Timeframe is not { } left || condition.Right!.Timeframe is not { } right
                    || string.Equals(left, right, StringComparison.OrdinalIgnoreCase))
                .OverridePropertyName("right.timeframe").WithMessage("Both indicators use the same timeframe.");
            When(condition => IsChannel(condition.Operator), () =>
                RuleFor(condition => condition.Right!).Must(right => right.Type == "bollinger" && right.Output is null)
                    .OverridePropertyName("right").WithMessage("A channel operator takes Bollinger bands as right, without output: the channel is from the lower band to the upper."));
            When(condition => !IsChannel(condition.Operator), () =>
            {
                RuleFor(condition => condition.Left!.Output).NotEmpty().When(condition => condition.Left!.Type == "bollinger").OverridePropertyName("left.output")
                    .WithMessage("Which Bollinger band: upper, middle or lower.");
                RuleFor(condition => condition.Right!.Output).NotEmpty().When(condition => condition.Right!.Type == "bollinger").OverridePropertyName("right.output")
                    .WithMessage("Which Bollinger band: upper, middle or lower (or use a channel operator such as exitsChannel for the band as a whole).");
            });
        });
    }

    public static ConditionType? TypeOf(string? type) => ApiNames.TryParse<ConditionType>(type, out var parsed) ? parsed : null;

    private static bool IsChannel(string? name) => ApiNames.TryParse<ConditionType>(name, out var type) && IndicatorCondition.IsChannel(type);

    private static bool Takes(ConditionRequest condition, string field) => TypeOf(condition.Type) is { } type && ConditionShapes.Takes(type, field);

    private static object? ValueOf(ConditionRequest condition, string field) => field switch
    {
        ConditionShapes.Level => condition.Level,
        ConditionShapes.Lower => condition.Lower,
        ConditionShapes.Upper => condition.Upper,
        ConditionShapes.Amount => condition.Amount,
        ConditionShapes.Percent => condition.Percent,
        ConditionShapes.WindowMinutes => condition.WindowMinutes,
        ConditionShapes.Reference => condition.Reference,
        ConditionShapes.Left => condition.Left,
        ConditionShapes.Operator => condition.Operator,
        ConditionShapes.Right => condition.Right,
        ConditionShapes.Evaluate => condition.Evaluate,
        ConditionShapes.Match => condition.Match,
        ConditionShapes.Conditions => condition.Conditions,
        _ => null,
    };
}

/// <summary>One side of an indicator condition: its kind, the parameters that kind takes and nothing else.</summary>
internal sealed class OperandRequestValidator : AbstractValidator<OperandRequest>, INestedValidator
{
    public OperandRequestValidator()
    {
        RuleFor(operand => operand.Type).NotEmpty().Must(type => OperandShapes.Types.Contains(type!)).OverridePropertyName("type")
            .WithMessage($"type is one of {string.Join(", ", OperandShapes.Types)}.");
        When(operand => operand.Type is { } type && OperandShapes.Types.Contains(type), () =>
        {
            RuleFor(operand => operand.Value).NotNull().When(operand => operand.Type == "value").OverridePropertyName("value");
            RuleFor(operand => operand.Value).ExclusiveBetween(-AlertRuleRequestValidator.MaxPrice, AlertRuleRequestValidator.MaxPrice).OverridePropertyName("value");
            RuleFor(operand => operand.Period).NotNull().When(operand => Requires(operand, OperandShapes.Period)).OverridePropertyName("period");
            RuleFor(operand => operand.Period).InclusiveBetween(1, OperandShapes.MaxPeriod).OverridePropertyName("period");
            RuleFor(operand => operand.Period).GreaterThanOrEqualTo(2).When(operand => operand.Type is "bollinger" or "rsi").OverridePropertyName("period");
            RuleFor(operand => operand.Timeframe).NotEmpty().When(operand => Requires(operand, OperandShapes.Timeframe)).OverridePropertyName("timeframe");
            RuleFor(operand => operand.Timeframe).Must(timeframe => Timeframes.TryParse(timeframe, out _)).When(operand => operand.Timeframe is not null)
                .OverridePropertyName("timeframe").WithMessage($"timeframe is one of {string.Join(", ", Timeframes.Names)}.");
            RuleFor(operand => operand.Deviations).InclusiveBetween(0.1m, 10m).OverridePropertyName("deviations");
            RuleFor(operand => operand.Fast).InclusiveBetween(1, OperandShapes.MaxPeriod).OverridePropertyName("fast");
            RuleFor(operand => operand.Slow).InclusiveBetween(2, OperandShapes.MaxPeriod).OverridePropertyName("slow");
            RuleFor(operand => operand.Signal).InclusiveBetween(1, OperandShapes.MaxPeriod).OverridePropertyName("signal");
            RuleFor(operand => operand).Must(operand => (operand.Fast ?? 12) < (operand.Slow ?? 26)).When(operand => operand.Type == "macd")
                .OverridePropertyName("fast").WithMessage("fast must be shorter than slow.");
            RuleFor(operand => operand.Output)
                .Must((operand, output) => output is null || (operand.Type == "bollinger" ? OperandShapes.BollingerOutputs : OperandShapes.MacdOutputs).Contains(output))
                .OverridePropertyName("output")
                .WithMessage(operand => operand.Type == "bollinger" ? "output is upper, middle or lower." : "output is macd, signal or histogram.");
            foreach (var field in OperandShapes.AllFields)
            {
                RuleFor(operand => operand).Must(operand => OperandShapes.ValueOf(operand, field) is null)
                    .When(operand => !OperandShapes.Of(operand.Type!).Fields.Contains(field))
                    .OverridePropertyName(field)
                    .WithMessage(operand => $"{field} is not used by a {operand.Type} operand; leave it out.");
            }
        });
    }

    private static bool Requires(OperandRequest operand, string field) => OperandShapes.Of(operand.Type!).Required.Contains(field);
}
