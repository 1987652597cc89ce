using System.Security.Claims;
using FluentValidation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using StockAlerts.Modules.Alerts.Data;
using StockAlerts.Modules.Alerts.EvaluateAlerts;
using StockAlerts.Modules.Alerts.ManageRules;
using StockAlerts.Modules.Shared.Api;
using StockAlerts.Modules.Shared.Users;
using StockAlerts.Modules.Shared.Validation;

namespace StockAlerts.Modules.Alerts.ListRules;

internal sealed record ListAlertRulesRequest(string? Symbol, [Values(typeof(EvaluateAlerts.RuleState))] string? State, int? Page, int? PageSize)
{
    public const int MaxPageSize = 100;
}

internal sealed class ListAlertRulesRequestValidator : AbstractValidator<ListAlertRulesRequest>
{
    public ListAlertRulesRequestValidator()
    {
        RuleFor(request => request.Symbol).MaximumLength(20);
        RuleFor(request => request.State).Must(state => state is null || Enum.TryParse<RuleState>(state, true, out _))
            .WithMessage("state must be one of active, pending, triggered, paused, expired, noData.");
        RuleFor(request => request.Page).ValidPage();
        RuleFor(request => request.PageSize).ValidPageSize(ListAlertRulesRequest.MaxPageSize);
    }
}

internal sealed record AlertRulePage(IReadOnlyList<AlertRuleView> Items, int Page, int PageSize, int Total);

internal static class ListAlertRulesEndpoint
{
    public static void MapListAlertRules(this RouteGroupBuilder alerts)
    {
        alerts.MapGet("/", ListAsync).WithName("ListAlertRules").WithSummary("The caller's rules, newest first (?symbol=&state=&page=&pageSize=)");
        alerts.MapGet("/{id:guid}", GetAsync).WithName("GetAlertRule").WithSummary("One of the caller's rules");
    }

    private static async Task<Ok<AlertRulePage>> ListAsync(
        [AsParameters] ListAlertRulesRequest request, ClaimsPrincipal user, AlertsDbContext database, CancellationToken cancellationToken)
    {
        var page = request.Page ?? 1;
        var pageSize = request.PageSize ?? 50;
        var query = database.Rules.AsNoTracking().Where(rule => rule.UserId == user.GetUserId());
        if (!string.IsNullOrWhiteSpace(request.Symbol))
        {
            var symbol = request.Symbol.Trim().ToUpperInvariant();
            query = query.Where(rule => rule.Symbol == symbol);
        }
        if (request.State is not null)
        {
            var state = RuleMapping.StateName(Enum.Parse<RuleState>(request.State, true));
            query = query.Where(rule => rule.State == state);
        }
        var total = await query.CountAsync(cancellationToken);
        var rules = await query.OrderByDescending(rule => rule.CreatedAt).ThenBy(rule => rule.Id).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        return TypedResults.Ok(new AlertRulePage(rules.Select(AlertRuleView.From).ToList(), page, pageSize, total));
    }

    private static async Task<Results<Ok<AlertRuleView>, ProblemHttpResult>> GetAsync(
        Guid id, ClaimsPrincipal user, AlertsDbContext database, CancellationToken cancellationToken)
    {
        var rule = await database.Rules.AsNoTracking().FindOwnedAsync(id, user.GetUserId(), cancellationToken);
        return rule is null ? AlertRuleProblems.NotFound(id) : TypedResults.Ok(AlertRuleView.From(rule));
    }
}
