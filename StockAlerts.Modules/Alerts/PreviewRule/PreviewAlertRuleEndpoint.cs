using System.ComponentModel.DataAnnotations;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using StockAlerts.Modules.Alerts.Data;
using StockAlerts.Modules.Alerts.EvaluateAlerts;
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

/// <summary>How the rule would have behaved: replayed over stored one-minute bars (open, then the nearer extreme, the other, close).</summary>
internal sealed record PreviewResult(string Symbol, DateTime From, DateTime To, int Bars, int FireCount, IReadOnlyList<PreviewFiring> Firings, string FinalState);

internal static class PreviewAlertRuleEndpoint
{
    public static void MapPreviewAlertRule(this RouteGroupBuilder alerts) =>
        alerts.MapPost("/preview", HandleAsync).WithName("PreviewAlertRule")
            .WithSummary("Backtest: when and how often a rule would have fired over a stored period");

    private static async Task<Ok<PreviewResult>> HandleAsync(PreviewAlertRuleRequest request, IMediator mediator, CancellationToken cancellationToken)
    {
        var from = request.From!.Value.ToUniversalTime();
        var to = request.To!.Value.ToUniversalTime();
        var body = request.Rule!;
        var instrument = await mediator.Send(new GetInstrument(body.Symbol!), cancellationToken);
        var bars = await mediator.Send(new GetPriceHistory(instrument!.Symbol, from, to), cancellationToken);
        if (bars.Count == 0)
        {
            return TypedResults.Ok(new PreviewResult(instrument.Symbol, from, to, 0, 0, [], "noData"));
        }

        var record = Replayable(body, instrument.Symbol, bars[0].Open);
        var rule = RuleMapping.ToEngine(record, from);
        var index = new RuleIndex();
        index.Add(rule);
        var firings = new List<PreviewFiring>();
        decimal? previous = null;
        foreach (var bar in bars)
        {
            foreach (var (offset, price) in Path(bar))
            {
                var tick = new PriceTick(instrument.Symbol, price, previous, bar.Start.AddSeconds(offset)) { DayOpen = bars[0].Open, PreviousClose = bars[0].Open };
                firings.AddRange(index.Evaluate(tick).Select(firing => new PreviewFiring(firing.Time, firing.Price, firing.ComparedValue, firing.Description)));
                previous = price;
            }
        }
        var state = index.FindRuntime(rule.Id)?.State ?? RuleState.NoData;
        return TypedResults.Ok(new PreviewResult(instrument.Symbol, from, to, bars.Count, firings.Count, firings.Take(1000).ToList(), RuleMapping.StateName(state)));
    }

    private static IEnumerable<(int Offset, decimal Price)> Path(PriceBarInfo bar)
    {
        yield return (0, bar.Open);
        var (first, second) = bar.Close >= bar.Open ? (bar.Low, bar.High) : (bar.High, bar.Low);
        yield return (20, first);
        yield return (40, second);
        yield return (59, bar.Close);
    }

    private static AlertRuleRecord Replayable(AlertRuleRequest body, string symbol, decimal firstPrice)
    {
        var rule = new AlertRuleRecord
        {
            Id = Guid.NewGuid(), UserId = "preview", Symbol = symbol, ConditionType = "", FrequencyType = "", Channels = "live", State = "active",
        };
        RuleWriter.ApplyDefinition(rule, body, firstPrice, firstPrice, firstPrice);
        return rule;
    }
}
