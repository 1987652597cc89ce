using FluentValidation;

namespace StockAlerts.Modules.Alerts;

public sealed class AlertsOptions
{
    public const string Section = "Alerts";

    /// <summary>Rules a user may have that are not expired.</summary>
    public int MaxActiveRulesPerUser { get; set; } = 200;

    /// <summary>The longest window a "% move within N minutes" rule may look back.</summary>
    public int MaxWindowMinutes { get; set; } = 1440;

    /// <summary>How often each instance rereads rules changed since its last look, in case an announcement was lost.</summary>
    public int ReconcileSeconds { get; set; } = 60;

    /// <summary>
    /// With Redis: how long an instance that stopped renewing its place still counts as a member. Its shards move to
    /// the others once it runs out, so this bounds how long a crashed instance's rules wait (renewed 5 times a lease).
    /// </summary>
    public int InstanceLeaseSeconds { get; set; } = 5;
}

public sealed class AlertsOptionsValidator : AbstractValidator<AlertsOptions>
{
    public AlertsOptionsValidator()
    {
        RuleFor(options => options.MaxActiveRulesPerUser).InclusiveBetween(1, 1_000_000);
        RuleFor(options => options.MaxWindowMinutes).InclusiveBetween(1, 7 * 24 * 60);
        RuleFor(options => options.ReconcileSeconds).InclusiveBetween(5, 3600);
        RuleFor(options => options.InstanceLeaseSeconds).InclusiveBetween(2, 120);
    }
}
