using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using StockAlerts.Modules.Alerts.Data;
using StockAlerts.Modules.Alerts.EvaluateAlerts;
using StockAlerts.Modules.Shared.Users;

namespace StockAlerts.Modules.Alerts.ManageRules;

/// <summary>Pause, resume and re-arm: the user's hand on a rule's state.</summary>
internal static class ChangeAlertRuleStateEndpoint
{
    public static void MapChangeAlertRuleState(this RouteGroupBuilder alerts)
    {
        alerts.MapPost("/{id:guid}/pause", (Guid id, ClaimsPrincipal user, RuleWriter writer, CancellationToken cancellationToken) =>
                ChangeAsync(id, user, writer, RuleStateChanges.Pause(null), cancellationToken))
            .WithName("PauseAlertRule").WithSummary("Pauses a rule until it is resumed")
            .ProducesProblem(StatusCodes.Status409Conflict);
        alerts.MapPost("/{id:guid}/resume", (Guid id, ClaimsPrincipal user, RuleWriter writer, CancellationToken cancellationToken) =>
                ChangeAsync(id, user, writer, RuleStateChanges.Resume, cancellationToken))
            .WithName("ResumeAlertRule").WithSummary("Resumes a paused rule")
            .ProducesProblem(StatusCodes.Status409Conflict);
        alerts.MapPost("/{id:guid}/rearm", (Guid id, ClaimsPrincipal user, RuleWriter writer, CancellationToken cancellationToken) =>
                ChangeAsync(id, user, writer, RuleStateChanges.Rearm, cancellationToken))
            .WithName("RearmAlertRule").WithSummary("Re-arms a triggered or expired-by-count rule")
            .ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static async Task<Results<Ok<AlertRuleView>, ProblemHttpResult>> ChangeAsync(
        Guid id, ClaimsPrincipal user, RuleWriter writer, Action<AlertRuleRecord> change, CancellationToken cancellationToken)
    {
        var (rule, refused) = await writer.ChangeOwnedAsync(id, user.GetUserId(), rule => { change(rule); return null; }, cancellationToken);
        if (refused is not null)
        {
            return refused;
        }
        return rule is null ? AlertRuleProblems.NotFound(id) : TypedResults.Ok(AlertRuleView.From(rule));
    }
}
