using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using StockAlerts.Modules.Alerts.Data;
using StockAlerts.Modules.Shared.Users;

namespace StockAlerts.Modules.Alerts.ManageRules;

internal static class UpdateAlertRuleEndpoint
{
    public static void MapUpdateAlertRule(this RouteGroupBuilder alerts) =>
        alerts.MapPut("/{id:guid}", HandleAsync).WithName("UpdateAlertRule").WithSummary("Replaces a rule's definition; resets its latch")
            .ProducesProblem(StatusCodes.Status409Conflict);

    private static async Task<Results<Ok<AlertRuleView>, ProblemHttpResult>> HandleAsync(
        Guid id, AlertRuleRequest request, ClaimsPrincipal user, RuleWriter writer, AlertsDbContext database, CancellationToken cancellationToken)
    {
        var rule = await database.Rules.FindOwnedAsync(id, user.GetUserId(), cancellationToken);
        if (rule is null)
        {
            return AlertRuleProblems.NotFound(id);
        }
        var wasLive = RuleWriter.IsLive(rule);
        if (await writer.ApplyAsync(rule, request, cancellationToken) is { } refused)
        {
            return refused;
        }
        if (await writer.SaveAndIndexAsync(rule, wasLive, cancellationToken) is { } problem)
        {
            return problem;
        }
        return TypedResults.Ok(AlertRuleView.From(rule));
    }
}
