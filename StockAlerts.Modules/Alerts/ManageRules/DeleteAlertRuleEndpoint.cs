using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using StockAlerts.Modules.Alerts.Data;
using StockAlerts.Modules.Shared.Users;

namespace StockAlerts.Modules.Alerts.ManageRules;

internal static class DeleteAlertRuleEndpoint
{
    public static void MapDeleteAlertRule(this RouteGroupBuilder alerts) =>
        alerts.MapDelete("/{id:guid}", HandleAsync).WithName("DeleteAlertRule").WithSummary("Deletes a rule; its firings stay in the history");

    private static async Task<Results<NoContent, ProblemHttpResult>> HandleAsync(
        Guid id, ClaimsPrincipal user, RuleWriter writer, AlertsDbContext database, CancellationToken cancellationToken)
    {
        var rule = await database.Rules.FindOwnedAsync(id, user.GetUserId(), cancellationToken);
        if (rule is null)
        {
            return AlertRuleProblems.NotFound(id);
        }
        await writer.DeleteAsync(rule, cancellationToken);
        return TypedResults.NoContent();
    }
}
