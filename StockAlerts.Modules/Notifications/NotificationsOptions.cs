using FluentValidation;

namespace StockAlerts.Modules.Notifications;

public sealed class NotificationsOptions
{
    public const string Section = "Notifications";

    /// <summary>
    /// How long the push waits for the open app to acknowledge a live notification (then it goes out silent). Firings
    /// of one user that are due together within it share one digest push ("5 alerts: AAPL, MSFT, ...").
    /// </summary>
    public int LiveAckGraceSeconds { get; set; } = 3;

    /// <summary>
    /// A live notification that no connection of the user acknowledged goes again, this often, to the user's open
    /// connections (each gets it at most 3 times, within 10 minutes of the notification): a first send lost with
    /// Redis, with the instance that stored it or in a reconnect is made good. 0 turns it off.
    /// </summary>
    public int LiveResendSeconds { get; set; } = 10;

    /// <summary>Transient failures (429, 5xx, timeouts) are retried with backoff until this deadline after the firing.</summary>
    public int DeliveryDeadlineSeconds { get; set; } = 3600;

    public int MaxAttempts { get; set; } = 8;

    /// <summary>
    /// How long a delivery run holds the rows it claimed; a run that died (its process killed, its database gone)
    /// leaves them to another run after this. Longer than a send with its retries may take.
    /// </summary>
    public int ClaimSeconds { get; set; } = 120;

    /// <summary>Devices not seen for this long are removed.</summary>
    public int DeviceRetentionDays { get; set; } = 270;
}

public sealed class NotificationsOptionsValidator : AbstractValidator<NotificationsOptions>
{
    public NotificationsOptionsValidator()
    {
        RuleFor(options => options.LiveAckGraceSeconds).InclusiveBetween(0, 60);
        RuleFor(options => options.LiveResendSeconds).Must(seconds => seconds == 0 || seconds is >= 2 and <= 600).WithMessage("must be 0 (off) or between 2 and 600");
        RuleFor(options => options.DeliveryDeadlineSeconds).InclusiveBetween(10, 7 * 86_400);
        RuleFor(options => options.MaxAttempts).InclusiveBetween(1, 50);
        RuleFor(options => options.ClaimSeconds).InclusiveBetween(10, 3600);
        RuleFor(options => options.DeviceRetentionDays).InclusiveBetween(1, 3650);
    }
}
