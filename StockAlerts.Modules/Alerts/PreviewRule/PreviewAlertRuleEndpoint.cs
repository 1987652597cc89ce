using System.ComponentModel.DataAnnotations;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using StockAlerts.Modules.Alerts.Data;
using StockAlerts.Modules.Alerts.EvaluateAlerts;
using StockAlerts.Modules.Alerts.EvaluateAlerts.Indicators;
using StockAlerts.Modules.Alerts.ManageRules;
using StockAlerts.Modules.Prices.Contracts;

namespace StockAlerts.Modules.Alerts.PreviewRule;

internal sealed record PreviewAlertRuleRequest([property: Required] AlertRuleRequest? Rule, DateTime? From, DateTime? To)
{
    public static readonly TimeSpan MaxPeriod = TimeSpan.FromDays(31);
}

internal sealed class PreviewAlertRuleRequestValidator : AbstractValidator<PreviewAlertRuleRequest>
{
    public PreviewAlertRuleRequestValidator(IValidator<AlertRuleRequest> ruleValidator)
    {
        RuleFor(request => request.Rule).NotNull().SetValidator(ruleValidator!);
        RuleFor(request => request.From).NotNull();
        RuleFor(request => request.To).NotNull();
        RuleFor(request => request).Must(request => request.From is null || request.To is null || request.From < request.To && request.To - request.From <= PreviewAlertRuleRequest.MaxPeriod)
            .OverridePropertyName("to").WithMessage("from must be before to, at most 31 days apart.");
    }
}

internal sealed record PreviewFiring(DateTime Time, decimal Price, decimal ComparedValue, string Description);

/// <summary>
/// How the rule would have behaved: the stored one-minute bars replayed through the live engine (see Backtest), and
/// how much of the history that could see.
/// </summary>
internal sealed record PreviewResult(string Symbol, DateTime From, DateTime To, int Bars, int FireCount, IReadOnlyList<PreviewFiring> Firings, string FinalState, BacktestCoverage Coverage);

internal static class PreviewAlertRuleEndpoint
{
    public static void MapPreviewAlertRule(this RouteGroupBuilder alerts) =>
        alerts.MapPost("/preview", HandleAsync).WithName("PreviewAlertRule")
            .WithSummary("Backtest: when and how often a rule would have fired over a stored period");

    private static async Task<Results<Ok<PreviewResult>, ProblemHttpResult>> HandleAsync(PreviewAlertRuleRequest request, IMediator mediator, CancellationToken cancellationToken)
    {
        var from = request.From!.Value.ToUniversalTime();
        var to = request.To!.Value.ToUniversalTime();
        var body = request.Rule!;
        var instruments = await RuleWriter.InstrumentsAsync(mediator, body, cancellationToken);
        var instrument = instruments[body.Symbol!];
        if (RuleWriter.FeedCannotServe(instrument, body) is { } problem)
        {
            return problem;
        }

        var bars = await mediator.Send(new GetPriceHistory(instrument.Symbol, from, to), cancellationToken);
        if (bars.Count == 0)
        {
            return TypedResults.Ok(new PreviewResult(instrument.Symbol, from, to, 0, 0, [], "noData", new BacktestCoverage(0, 0, 0, 0, 0, 0)));
        }

        // Made at the first bar's open, with the references the feed gave then, as a user making it then would have.
        var first = bars[0];
        var rule = RuleMapping.ToEngine(Replayable(body, instrument.Symbol, first, instruments), first.OpenAt);
        // A compound's other symbols are walked with it; indicators start warm from the bars before the period.
        var barsBySymbol = new Dictionary<string, IReadOnlyList<PriceBarInfo>>(StringComparer.Ordinal) { [instrument.Symbol] = bars };
        foreach (var symbol in rule.Condition.Compound?.Symbols ?? [])
        {
            if (!barsBySymbol.ContainsKey(symbol))
            {
                barsBySymbol[symbol] = await mediator.Send(new GetPriceHistory(symbol, from, to), cancellationToken);
            }
        }

        var warmUp = new Dictionary<string, IReadOnlyList<HistoryBar>>(StringComparer.Ordinal);
        foreach (var specs in SymbolIndicators.SpecsOf(rule).GroupBy(item => item.Symbol, item => item.Spec))
        {
            var since = from - specs.Max(SymbolIndicators.HistorySpan);
            var history = await mediator.Send(new GetPriceHistory(specs.Key, since, from), cancellationToken);
            warmUp[specs.Key] = history.Where(bar => bar.Start < from).Select(bar => new HistoryBar(bar.Start, bar.High, bar.Low, bar.Close)).ToList();
        }

        var run = Backtest.Run(rule, barsBySymbol, warmUp);
        // Written as the live notification would write it: each instrument's precision and currency.
        var styles = rule.Condition.Compound?.Parts.Select(part => instruments.TryGetValue(part.Symbol, out var info) ? info : instrument).ToList();
        var firings = run.Firings.Take(1000).Select(firing => new PreviewFiring(firing.Time, firing.Price, firing.ComparedValue,
            ConditionObserver.Describe(rule, firing.Direction, firing.Price, firing.ComparedValue, PriceStyle.For(instrument.Kind, instrument.Currency, firing.Price), firing.Reading,
                firing.PartPrices, styles?.Select((info, i) => PriceStyle.For(info.Kind, info.Currency, firing.PartPrices?.Values[i] ?? 0)).ToList()))).ToList();
        return TypedResults.Ok(new PreviewResult(instrument.Symbol, from, to, barsBySymbol.Values.Sum(list => list.Count), run.Firings.Count, firings, RuleMapping.StateName(run.FinalState), run.Coverage));
    }

    private static AlertRuleRecord Replayable(AlertRuleRequest body, string symbol, PriceBarInfo first, IReadOnlyDictionary<string, InstrumentInfo> instruments)
    {
        var rule = new AlertRuleRecord
        {
            Id = Guid.NewGuid(), UserId = "preview", Symbol = symbol, ConditionType = "", FrequencyType = "", Channels = "live", State = "active",
        };
        RuleWriter.ApplyDefinition(rule, body, first.Open, first.PreviousClose, first.DayOpen, instruments);
        return rule;
    }
}
