using FluentValidation;

namespace StockAlerts.Modules.Notifications.Webhooks;

public sealed class WebhookOptionsValidator : AbstractValidator<WebhookOptions>
{
    public WebhookOptionsValidator()
    {
        RuleFor(options => options.TimeoutSeconds).InclusiveBetween(1, 60);
    }
}
