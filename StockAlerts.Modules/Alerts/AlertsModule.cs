using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using StockAlerts.Modules.Alerts.Data;
using StockAlerts.Modules.Alerts.Engine;
using StockAlerts.Modules.Alerts.ListRules;
using StockAlerts.Modules.Alerts.ManageRules;
using StockAlerts.Modules.Alerts.PreviewRule;
using StockAlerts.Modules.Shared;
using StockAlerts.Modules.Shared.Data;
using StockAlerts.Modules.Shared.Jobs;
using StockAlerts.Modules.Shared.Options;
using StockAlerts.Modules.Shared.Validation;

namespace StockAlerts.Modules.Alerts;

public static class AlertsModule
{
    public static IServiceCollection AddAlertsModule(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<OpenApiOptions>("v1", options => options.AddDocumentTransformer<ConditionSchemas>());
        services.AddModuleDbContext<AlertsDbContext, AlertsSqliteDbContext, AlertsMySqlDbContext>("alerts");
        services.AddValidatedOptions<AlertsOptions, AlertsOptionsValidator>(AlertsOptions.Section);
        services.AddSingleton<AlertsMetrics>();
        services.AddSingleton<AlertEngine>();
        services.AddSingleton<IndicatorWarmer>();
        services.AddSingleton<RuleChangeBus>();
        services.AddSingleton<ClusterMembership>();
        services.AddSingleton<RecentPrices>();
        services.AddHostedService<ClusterShards>();
        services.AddHealthChecks().AddCheck<ClusterHealth>("cluster", tags: [HealthTags.Ready]);
        services.AddSingleton<RuleSync>();
        services.AddHostedService(provider => provider.GetRequiredService<RuleSync>());
        services.AddSingleton<PendingFirings>();
        services.AddHostedService(provider => provider.GetRequiredService<PendingFirings>());
        services.AddScoped<FiringRecorder>();
        services.AddScoped<PriceStyles>();
        services.AddScoped<EvaluationOutcomes>();
        services.AddSingleton<OutcomeWriter>();
        services.AddHostedService(provider => provider.GetRequiredService<OutcomeWriter>());
        services.AddHostedService<EngineClock>();
        services.AddScoped<RuleWriter>();
        services.AddScoped<FiringPublisher>();
        services.AddSingleton<PublishedMarks>();
        services.AddHostedService(provider => provider.GetRequiredService<PublishedMarks>());
        services.AddScoped<RepublishFiringsJob>();
        services.AddSingleton(new RecurringJob(RepublishFiringsJob.JobId, TimeSpan.FromSeconds(30),
            (scope, cancellationToken) => scope.GetRequiredService<RepublishFiringsJob>().RunAsync(cancellationToken)));
        services.AddScoped<ResumeSnoozedRulesJob>();
        // Every 5 s, so a snooze ends on time (within 5 s) without a new price.
        services.AddSingleton(new RecurringJob(ResumeSnoozedRulesJob.JobId, TimeSpan.FromSeconds(5),
            (scope, cancellationToken) => scope.GetRequiredService<ResumeSnoozedRulesJob>().RunAsync(cancellationToken)));
        services.AddSingleton(new StartupTask("building the alert rule index",
            (scope, cancellationToken) => scope.GetRequiredService<RuleSync>().BuildIndexAsync(scope.GetRequiredService<AlertsDbContext>(), cancellationToken),
            Exclusive: false));
        return services;
    }

    public static IEndpointRouteBuilder MapAlertsModule(this IEndpointRouteBuilder endpoints)
    {
        var alerts = endpoints.MapGroup("/api/alerts").RequireAuthorization().WithTags("Alerts").AddEndpointFilter<ValidationFilter>();
        alerts.MapCreateAlertRule();
        alerts.MapListAlertRules();
        alerts.MapUpdateAlertRule();
        alerts.MapDeleteAlertRule();
        alerts.MapChangeAlertRuleState();
        alerts.MapListFirings();
        alerts.MapPreviewAlertRule();
        return endpoints;
    }
}
