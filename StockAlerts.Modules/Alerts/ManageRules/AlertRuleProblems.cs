using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace StockAlerts.Modules.Alerts.ManageRules;

internal static class AlertRuleProblems
{
    /// <summary>Another user's rule is reported exactly like a missing one.</summary>
    public static ProblemHttpResult NotFound(Guid id) =>
        TypedResults.Problem($"No rule {id}.", statusCode: StatusCodes.Status404NotFound, title: "Rule not found");
}
