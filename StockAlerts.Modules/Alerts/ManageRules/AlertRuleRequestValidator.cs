using FluentValidation;
using Mediator;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using StockAlerts.Modules.Alerts.Data;
using StockAlerts.Modules.Alerts.EvaluateAlerts;
using StockAlerts.Modules.Prices.Contracts;
using StockAlerts.Modules.Shared;
using StockAlerts.Modules.Shared.Api;

namespace StockAlerts.Modules.Alerts.ManageRules;

internal sealed class AlertRuleRequestValidator : AbstractValidator<AlertRuleRequest>
{
    public static readonly string[] ChannelNames = ["push", "live", "webhook"];

    /// <summary>Far above any quote, far below what the decimal(28,10) columns hold.</summary>
    public const decimal MaxPrice = 1_000_000_000_000m;

    public AlertRuleRequestValidator(IMediator mediator, IOptionsMonitor<AlertsOptions> options, IConfiguration configuration, TimeProvider time)
    {
        // Only tests switch this on (Webhooks:AllowPrivateTargets), to reach a local receiver over http.
        var allowHttp = configuration.GetValue<bool>("Webhooks:AllowPrivateTargets");
        RuleFor(request => request.Symbol).NotEmpty().MaximumLength(20)
            .MustAsync(async (symbol, cancellationToken) => await mediator.Send(new GetInstrument(symbol!), cancellationToken) is { Enabled: true })
            .When(request => !string.IsNullOrWhiteSpace(request.Symbol) && request.Symbol.Length <= 20, ApplyConditionTo.CurrentValidator)
            .WithMessage(request => $"Unknown symbol '{request.Symbol}'. GET /api/instruments lists the symbols you can watch.");
        RuleFor(request => request.Name).MaximumLength(100);
        RuleFor(request => request.Condition).NotNull().WithMessage("Give a condition, e.g. {\"type\":\"crossesAbove\",\"level\":200}.")
            .SetValidator(new ConditionRequestValidator(mediator, options, isPart: false)!);
        RuleFor(request => request.Condition!.Conditions)
            .Must((request, parts) => parts!.Any(part => part?.Symbol is null || string.Equals(part.Symbol, request.Symbol, StringComparison.OrdinalIgnoreCase)))
            .When(request => TypeOf(request) == ConditionType.Compound && request.Condition!.Conditions is { Length: > 0 } && request.Symbol is not null)
            .OverridePropertyName("condition.conditions")
            .WithMessage(request => $"At least one condition must be on the rule's symbol ({request.Symbol}); leave its symbol out. The others may name another symbol.");
        When(request => request.Frequency is not null, () =>
        {
            RuleFor(request => request.Frequency!.Type).Must(type => type is null || ApiNames.IsName<FrequencyType>(type))
                .OverridePropertyName("frequency.type").WithMessage($"frequency.type must be one of {ApiNames.List<FrequencyType>()}.");
            RuleFor(request => request.Frequency!.CooldownSeconds).InclusiveBetween(0, 30 * 86_400).OverridePropertyName("frequency.cooldownSeconds");
            RuleFor(request => request.Frequency!.MaxFires).InclusiveBetween(1, 100_000).OverridePropertyName("frequency.maxFires");
        });
        When(request => request.Rearm is not null, () =>
        {
            RuleFor(request => request.Rearm!.Margin).GreaterThanOrEqualTo(0).LessThan(MaxPrice).OverridePropertyName("rearm.margin");
            RuleFor(request => request.Rearm!.AfterSeconds).InclusiveBetween(1, 365 * 86_400).OverridePropertyName("rearm.afterSeconds");
            RuleFor(request => request.Rearm!.Margin).Null().When(request => TypeOf(request) is ConditionType.Indicator or ConditionType.Compound).OverridePropertyName("rearm.margin")
                .WithMessage("rearm.margin is a price distance for price conditions; an indicator or compound rule re-arms by time (rearm.afterSeconds) or with its frequency.");
            RuleFor(request => request.Rearm!.Margin).Null().When(request => TypeOf(request) == ConditionType.Crosses).OverridePropertyName("rearm.margin")
                .WithMessage("rearm.margin is for a crossing one way; a crossing either way alerts again when the price crosses back. Use crossesAbove or crossesBelow with a margin, or frequency.cooldownSeconds for a price that hovers at the level.");
        });
        RuleFor(request => request.ConfirmationSeconds).InclusiveBetween(0, 86_400);
        RuleFor(request => request.ExpiresAt).Must(expiresAt => expiresAt is null || expiresAt.Value.ToUniversalTime() > time.GetUtcNow().UtcDateTime)
            .WithMessage("expiresAt is in the past: such a rule could never fire.");
        RuleFor(request => request.TimeZone).Must(BeATimeZone).WithMessage("timeZone must be an IANA time zone such as Europe/Berlin.");
        When(request => request.Schedule is not null, () =>
        {
            RuleFor(request => request.Schedule!.Days).Cascade(CascadeMode.Stop).NotEmpty()
                .Must(days => days!.All(day => RuleMapping.DayNames.Values.Contains(day, StringComparer.OrdinalIgnoreCase)) && days!.Distinct(StringComparer.OrdinalIgnoreCase).Count() == days!.Length)
                .OverridePropertyName("schedule.days").WithMessage("schedule.days lists distinct days among mon, tue, wed, thu, fri, sat, sun (at least one).");
            RuleFor(request => request.Schedule!.From).NotEmpty().Must(BeATime).OverridePropertyName("schedule.from").WithMessage("schedule.from is a time of day, HH:mm.");
            RuleFor(request => request.Schedule!.To).NotEmpty().Must(BeATime).OverridePropertyName("schedule.to").WithMessage("schedule.to is a time of day, HH:mm.");
            RuleFor(request => request.Schedule!.TimeZone).Must(BeATimeZone).OverridePropertyName("schedule.timeZone")
                .WithMessage("schedule.timeZone must be an IANA time zone such as America/New_York.");
        });
        RuleFor(request => request.Channels).NotEmpty().When(request => request.Channels is not null)
            .WithMessage("Give at least one channel (push, live, webhook), or leave channels out to use your default channels.");
        RuleFor(request => request.Channels)
            .Must(channels => channels!.All(channel => ChannelNames.Contains(channel)) && channels!.Distinct().Count() == channels!.Length)
            .When(request => request.Channels is { Length: > 0 })
            .WithMessage("channels are distinct values among push, live and webhook.");
        When(request => request.Channels?.Contains("webhook") == true || request.Webhook is not null, () =>
        {
            RuleFor(request => request.Webhook).NotNull().WithMessage("The webhook channel needs webhook.url and webhook.secret.");
            RuleFor(request => request.Webhook!.Url).NotEmpty().MaximumLength(500)
                .Must(url => Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || allowHttp && uri.Scheme == Uri.UriSchemeHttp))
                .When(request => request.Webhook is not null)
                .OverridePropertyName("webhook.url").WithMessage("webhook.url must be an absolute https URL.");
            RuleFor(request => request.Webhook!.Secret).NotEmpty().Length(16, 200).When(request => request.Webhook is not null)
                .OverridePropertyName("webhook.secret").WithMessage("webhook.secret signs the calls: 16 to 200 characters.");
        });
        RuleFor(request => request.MessageTemplate).MaximumLength(500);
    }

    public static ConditionType ConditionOf(AlertRuleRequest request) => Enum.Parse<ConditionType>(request.Condition!.Type!, ignoreCase: true);

    private static ConditionType? TypeOf(AlertRuleRequest request) =>
        ApiNames.TryParse<ConditionType>(request.Condition?.Type, out var type) ? type : null;

    private static bool BeATime(string? text) => TimeOnly.TryParseExact(text, "HH:mm", out _);

    private static bool BeATimeZone(string? zone) => zone is null || TimeZones.TryFind(zone, out _);
}
