using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using StockAlerts.Modules.Alerts.Data;
using StockAlerts.Modules.Shared.Users;

namespace StockAlerts.Modules.Alerts.ManageRules;

internal static class CreateAlertRuleEndpoint
{
    public static void MapCreateAlertRule(this RouteGroupBuilder alerts) =>
        alerts.MapPost("/", HandleAsync).WithName("CreateAlertRule").WithSummary("Creates a rule; answers with its reference price and state")
            .ProducesProblem(StatusCodes.Status409Conflict);

    private static async Task<Results<Created<AlertRuleView>, ProblemHttpResult>> HandleAsync(
        AlertRuleRequest request, ClaimsPrincipal user, RuleWriter writer, AlertsDbContext database, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var rule = new AlertRuleRecord
        {
            Id = Guid.CreateVersion7(),
            UserId = user.GetUserId(),
            Symbol = "",
            ConditionType = "",
            FrequencyType = "",
            Channels = "",
            State = "",
            CreatedAt = now,
        };
        if (await writer.ApplyAsync(rule, request, cancellationToken) is { } refused)
        {
            return refused;
        }
        database.Rules.Add(rule);
        if (await writer.SaveAndIndexAsync(rule, wasLive: false, cancellationToken) is { } problem)
        {
            return problem;
        }
        return TypedResults.Created($"/api/alerts/{rule.Id}", AlertRuleView.From(rule));
    }
}
