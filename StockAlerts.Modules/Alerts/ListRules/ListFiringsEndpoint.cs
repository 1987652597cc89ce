using System.Security.Claims;
using FluentValidation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using StockAlerts.Modules.Alerts.Data;
using StockAlerts.Modules.Alerts.ManageRules;
using StockAlerts.Modules.Shared;
using StockAlerts.Modules.Shared.Users;
using StockAlerts.Modules.Shared.Validation;

namespace StockAlerts.Modules.Alerts.ListRules;

internal sealed record ListFiringsRequest(Guid Id, int? Page, int? PageSize);

internal sealed class ListFiringsRequestValidator : AbstractValidator<ListFiringsRequest>
{
    public ListFiringsRequestValidator()
    {
        RuleFor(request => request.Page).ValidPage();
        RuleFor(request => request.PageSize).ValidPageSize(100);
    }
}

internal sealed record FiringView(Guid Id, int Sequence, string Symbol, decimal Price, decimal ComparedValue, string Description, string Message, DateTime FiredAt);

internal sealed record FiringPage(IReadOnlyList<FiringView> Items, int Page, int PageSize, int Total);

internal static class ListFiringsEndpoint
{
    public static void MapListFirings(this RouteGroupBuilder alerts) =>
        alerts.MapGet("/{id:guid}/firings", HandleAsync).WithName("ListAlertRuleFirings")
            .WithSummary("When the rule fired, at what price, against what; kept after the rule is deleted");

    private static async Task<Results<Ok<FiringPage>, ProblemHttpResult>> HandleAsync(
        [AsParameters] ListFiringsRequest request, ClaimsPrincipal user, AlertsDbContext database, CancellationToken cancellationToken)
    {
        var userId = user.GetUserId();
        var query = database.Firings.AsNoTracking().Where(firing => firing.RuleId == request.Id && firing.UserId == userId);
        var total = await query.CountAsync(cancellationToken);
        if (total == 0 && !await database.Rules.AnyAsync(rule => rule.Id == request.Id && rule.UserId == userId, cancellationToken))
        {
            return AlertRuleProblems.NotFound(request.Id);
        }
        var page = request.Page ?? 1;
        var pageSize = request.PageSize ?? 50;
        var firings = (await query.OrderByDescending(firing => firing.Sequence).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(cancellationToken))
            .Select(firing => new FiringView(firing.Id, firing.Sequence, firing.Symbol, firing.Price.Normalize(), firing.ComparedValue.Normalize(), firing.Description, firing.Message, firing.FiredAt))
            .ToList();
        return TypedResults.Ok(new FiringPage(firings, page, pageSize, total));
    }
}
