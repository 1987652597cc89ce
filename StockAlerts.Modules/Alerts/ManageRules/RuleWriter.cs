using Mediator;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StockAlerts.Modules.Alerts.Data;
using StockAlerts.Modules.Alerts.Engine;
using StockAlerts.Modules.Alerts.EvaluateAlerts;
using StockAlerts.Modules.Notifications.Contracts;
using StockAlerts.Modules.Prices.Contracts;

namespace StockAlerts.Modules.Alerts.ManageRules;

/// <summary>Turns a validated request into a stored rule and puts it in the index at once (and tells other instances).</summary>
internal sealed class RuleWriter(AlertsDbContext database, AlertEngine engine, IndicatorWarmer warmer, RuleChangeBus bus, IMediator mediator, IOptionsMonitor<AlertsOptions> options, TimeProvider time)
{
    private static readonly string[] Finished = ["expired"];

    /// <summary>Rules that are not expired count against the cap.</summary>
    public static bool IsLive(AlertRuleRecord rule) => !Finished.Contains(rule.State);

    private async Task<ProblemHttpResult?> CheckCapAndDuplicateAsync(AlertRuleRecord candidate, bool wasLive, CancellationToken cancellationToken)
    {
        var userId = candidate.UserId;
        var cap = options.CurrentValue.MaxActiveRulesPerUser;
        if (!wasLive && await database.Rules.CountAsync(rule => rule.UserId == userId && rule.Id != candidate.Id && !Finished.Contains(rule.State), cancellationToken) >= cap)
        {
            return TypedResults.Problem($"You have {cap} rules, the most allowed; delete or let some expire first.", statusCode: StatusCodes.Status409Conflict, title: "Too many rules");
        }
        var duplicate = await database.Rules.AnyAsync(rule => rule.UserId == userId && rule.Id != candidate.Id && !Finished.Contains(rule.State)
            && rule.Symbol == candidate.Symbol && rule.ConditionType == candidate.ConditionType && rule.Level == candidate.Level
            && rule.Lower == candidate.Lower && rule.Upper == candidate.Upper && rule.Amount == candidate.Amount && rule.Percent == candidate.Percent
            && rule.WindowMinutes == candidate.WindowMinutes && rule.Reference == candidate.Reference && rule.FrequencyType == candidate.FrequencyType
            && rule.ConditionJson == candidate.ConditionJson, cancellationToken);
        return duplicate
            ? TypedResults.Problem($"You already have the same {candidate.ConditionType} rule on {candidate.Symbol}.", statusCode: StatusCodes.Status409Conflict, title: "Duplicate rule")
            : null;
    }

    /// <summary>
    /// Fills a record from the request; editing resets the latch (state, arming, trackers) but keeps the history.
    /// A 400 instead when the symbol's feed cannot serve the rule: a percentage against the previous close or the
    /// day's open on a feed that supplies neither (fixer, currencylayer) could never fire.
    /// </summary>
    public async Task<ProblemHttpResult?> ApplyAsync(AlertRuleRecord rule, AlertRuleRequest request, CancellationToken cancellationToken)
    {
        var latest = await mediator.Send(new GetLatestPrice(request.Symbol!), cancellationToken);
        // The validator has checked that the symbols exist.
        var instruments = await InstrumentsAsync(mediator, request, cancellationToken);
        // A symbol nobody watched yet has no price in the index; start it from the stored one, or the new rule
        // would wait for the next poll (an hour on some plans) in noData. A compound's other symbols too.
        var primed = new List<RuleStateChange>();
        engine.Prime(latest, primed);
        foreach (var other in instruments.Keys.Where(symbol => !symbol.Equals(request.Symbol, StringComparison.OrdinalIgnoreCase)))
        {
            engine.Prime(await mediator.Send(new GetLatestPrice(other), cancellationToken), primed);
        }
        await StoredRuleStates.SaveAsync(database, primed, cancellationToken);
        var instrument = instruments[request.Symbol!];
        if (FeedCannotServe(instrument, request) is { } problem)
        {
            return problem;
        }
        rule.Symbol = instrument.Symbol;
        rule.Name = request.Name?.Trim();
        ApplyDefinition(rule, request, latest?.Price, latest?.PreviousClose, latest?.DayOpen, instruments);
        // Without channels, the user's default channels from their notification preferences (a webhook needs its URL).
        var channels = request.Channels ?? (await mediator.Send(new GetDefaultChannels(rule.UserId), cancellationToken))
            .Where(channel => channel != "webhook" || request.Webhook?.Url is not null).ToArray();
        rule.Channels = string.Join(',', channels.Length > 0 ? channels : ["push", "live"]);
        rule.WebhookUrl = channels.Contains("webhook") ? request.Webhook?.Url : null;
        rule.WebhookSecret = channels.Contains("webhook") ? request.Webhook?.Secret : null;
        rule.MessageTemplate = request.MessageTemplate;
        RuleStateChanges.Rearm(rule);
        return null;
    }

    /// <summary>
    /// The condition, frequency and timing of a rule. The reference of a percentage and the direction of "crosses"
    /// come from the price when the rule is made (the live price, or the first bar of a backtest).
    /// </summary>
    /// <summary>A 400 when the symbol's feed lacks what the rule measures from (the previous close or day open).</summary>
    public static ProblemHttpResult? FeedCannotServe(InstrumentInfo instrument, AlertRuleRequest request) =>
        !instrument.HasDailyReferences && request.Condition?.Reference is { } reference
            && Enum.Parse<ReferenceKind>(reference, true) is ReferenceKind.PreviousClose or ReferenceKind.DayOpen
            ? TypedResults.Problem(new HttpValidationProblemDetails(new Dictionary<string, string[]>
            {
                ["condition.reference"] = [$"The feed of {instrument.Symbol} supplies no previous close or day open, so this rule could never fire; use reference creation, or a movesUp/movesDown window."],
            }) { Status = StatusCodes.Status400BadRequest, Title = "One or more validation errors occurred." })
            : null;

    /// <summary>The instruments a request names (its symbol, and each part's of a compound), by symbol in any case.</summary>
    public static async Task<IReadOnlyDictionary<string, InstrumentInfo>> InstrumentsAsync(IMediator mediator, AlertRuleRequest request, CancellationToken cancellationToken)
    {
        var symbols = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { request.Symbol! };
        symbols.UnionWith(request.Condition?.Conditions?.Select(part => part?.Symbol).OfType<string>() ?? []);
        var instruments = new Dictionary<string, InstrumentInfo>(StringComparer.OrdinalIgnoreCase);
        foreach (var symbol in symbols)
        {
            instruments[symbol] = (await mediator.Send(new GetInstrument(symbol), cancellationToken))!;
        }
        return instruments;
    }

    public static void ApplyDefinition(AlertRuleRecord rule, AlertRuleRequest request, decimal? price, decimal? previousClose, decimal? dayOpen,
        IReadOnlyDictionary<string, InstrumentInfo> instruments)
    {
        var condition = request.Condition!;
        var type = AlertRuleRequestValidator.ConditionOf(request);
        rule.ConditionType = type.ToString();
        rule.ConditionJson = null;
        if (StoredConditions.IsStored(type))
        {
            // Kept as JSON with every default written out and each part's symbol named, as the API shows it back.
            var normalized = StoredConditions.Normalize(condition, rule.Symbol, symbol => instruments[symbol].Symbol);
            var zones = instruments.Values.ToDictionary(instrument => instrument.Symbol, instrument => InstrumentDays.ZoneOf(instrument.Kind));
            rule.ConditionJson = StoredConditions.Write(normalized, zones);
            condition = new ConditionRequest(condition.Type, null, null, null, null, null, null, null);
        }
        rule.Level = condition.Level;
        rule.Lower = condition.Lower;
        rule.Upper = condition.Upper;
        rule.Amount = condition.Amount;
        rule.Percent = condition.Percent;
        rule.WindowMinutes = condition.WindowMinutes;
        rule.Reference = condition.Reference is null ? null : Enum.Parse<ReferenceKind>(condition.Reference, true).ToString();
        rule.ReferencePrice = rule.Reference switch
        {
            nameof(ReferenceKind.PreviousClose) => previousClose,
            nameof(ReferenceKind.DayOpen) => dayOpen,
            nameof(ReferenceKind.Creation) => price,
            _ => null,
        };
        rule.FrequencyType = (request.Frequency?.Type is { } frequency ? Enum.Parse<FrequencyType>(frequency, true) : FrequencyType.Once).ToString();
        rule.CooldownSeconds = request.Frequency?.CooldownSeconds ?? 0;
        rule.MaxFires = request.Frequency?.MaxFires;
        rule.HysteresisMargin = request.Rearm?.Margin;
        rule.RearmAfterSeconds = request.Rearm?.AfterSeconds;
        rule.ConfirmationSeconds = request.ConfirmationSeconds ?? 0;
        rule.ExpiresAt = request.ExpiresAt?.ToUniversalTime();
        rule.TimeZone = TimeZoneOf(request);
        rule.ScheduleDays = request.Schedule?.Days is { } days ? string.Join(',', days.Select(day => day.ToLowerInvariant())) : null;
        rule.ScheduleFrom = request.Schedule?.From is { } from ? TimeOnly.ParseExact(from, "HH:mm") : null;
        rule.ScheduleTo = request.Schedule?.To is { } to ? TimeOnly.ParseExact(to, "HH:mm") : null;
    }

    /// <summary>A schedule's own zone wins: it is the one its hours are written in.</summary>
    public static string TimeZoneOf(AlertRuleRequest request) => request.Schedule?.TimeZone ?? request.TimeZone ?? "UTC";

    /// <summary>
    /// Saves, indexes, and stores the state the index gave the rule (e.g. noData before its first price). A rule that
    /// is live afterwards is checked against the cap (when it was not live before: new, or expired) and for a
    /// duplicate, under the user's lock: no path that makes a rule live (create, edit, re-arm, resume, a notification's
    /// action, requests in parallel, on any instance) gets past them. Null when saved, else why not.
    /// </summary>
    public async Task<ProblemHttpResult?> SaveAndIndexAsync(AlertRuleRecord rule, bool wasLive, CancellationToken cancellationToken)
    {
        // UpdatedAt is what the other instances' reconcile looks for, should the announcement below be lost.
        rule.Version++;
        rule.UpdatedAt = time.GetUtcNow().UtcDateTime;
        if (IsLive(rule))
        {
            await using var userLock = await UserRuleLock.TakeAsync(database, rule.UserId, cancellationToken);
            if (await CheckCapAndDuplicateAsync(rule, wasLive, cancellationToken) is { } problem)
            {
                // Nothing of the refused change may ride along with a later save in the same scope.
                database.Entry(rule).State = EntityState.Detached;
                return problem;
            }
            await database.SaveChangesAsync(cancellationToken);
            await userLock.CommitAsync(cancellationToken);
        }
        else
        {
            await database.SaveChangesAsync(cancellationToken);
        }
        engine.Upsert(rule, rule.UpdatedAt);
        // A new indicator starts from stored history at once, so the rule shows active rather than warming up.
        if (rule.ConditionJson is not null)
        {
            await warmer.WarmAsync(RuleMapping.ToEngine(rule, rule.UpdatedAt).Condition.Compound?.Symbols.Append(rule.Symbol) ?? [rule.Symbol], cancellationToken);
        }
        if (engine.RuntimeOf(rule.Id) is { } runtime && RuleMapping.StateName(runtime.State) != rule.State)
        {
            rule.State = RuleMapping.StateName(runtime.State);
            rule.StateReason = runtime.Reason;
            await database.SaveChangesAsync(cancellationToken);
        }
        await bus.PublishAsync(rule.Id);
        return null;
    }

    /// <summary>
    /// Applies a change to one of the user's rules and saves it. Both null when the user has no such rule; Refused
    /// when the change gave a reason not to, or the cap or a duplicate stopped it.
    /// </summary>
    public async Task<(AlertRuleRecord? Rule, ProblemHttpResult? Refused)> ChangeOwnedAsync(
        Guid ruleId, string userId, Func<AlertRuleRecord, string?> change, CancellationToken cancellationToken)
    {
        var rule = await database.Rules.FindOwnedAsync(ruleId, userId, cancellationToken);
        if (rule is null)
        {
            return (null, null);
        }
        var wasLive = IsLive(rule);
        if (change(rule) is { } reason)
        {
            return (null, TypedResults.Problem(reason, statusCode: StatusCodes.Status409Conflict, title: "Not possible for this rule"));
        }
        return await SaveAndIndexAsync(rule, wasLive, cancellationToken) is { } refused ? (null, refused) : (rule, null);
    }

    public async Task DeleteAsync(AlertRuleRecord rule, CancellationToken cancellationToken)
    {
        database.Rules.Remove(rule);
        await database.SaveChangesAsync(cancellationToken);
        engine.Remove(rule.Id);
        await bus.PublishAsync(rule.Id);
    }
}
