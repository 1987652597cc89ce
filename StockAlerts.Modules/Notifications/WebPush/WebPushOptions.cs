using FluentValidation;

namespace StockAlerts.Modules.Notifications.WebPush;

/// <summary>Browser push (RFC 8030/8291/8292): works without any set-up; the keys can be given instead of generated.</summary>
internal sealed class WebPushOptions
{
    public const string Section = "WebPush";

    /// <summary>VAPID public key (base64url, uncompressed P-256 point); with PrivateKey, instead of the generated pair.</summary>
    public string? PublicKey { get; set; }

    public string? PrivateKey { get; set; }

    /// <summary>Who push services can contact about this server (mailto: or https:). Apple refuses pushes without a real one.</summary>
    public string Subject { get; set; } = "mailto:stockalerts@localhost";

    public int TimeToLiveSeconds { get; set; } = 3600;

    public int RequestTimeoutSeconds { get; set; } = 10;

    /// <summary>Tests only: lets subscription endpoints on http and private addresses through (a local push-service fake).</summary>
    public bool AllowPrivateEndpoints { get; set; }
}

internal sealed class WebPushOptionsValidator : AbstractValidator<WebPushOptions>
{
    public WebPushOptionsValidator()
    {
        RuleFor(options => options.PublicKey).NotEmpty().When(options => !string.IsNullOrEmpty(options.PrivateKey))
            .WithMessage("is needed with WebPush:PrivateKey (give both keys of the pair, or neither to have them generated).");
        RuleFor(options => options.PrivateKey).NotEmpty().When(options => !string.IsNullOrEmpty(options.PublicKey))
            .WithMessage("is needed with WebPush:PublicKey (give both keys of the pair, or neither to have them generated).");
        RuleFor(options => options.PublicKey).Must(key => VapidKeys.IsPublicKey(key!)).When(options => !string.IsNullOrEmpty(options.PublicKey))
            .WithMessage("must be a base64url P-256 public key (65 bytes uncompressed, as browsers take for applicationServerKey).");
        RuleFor(options => options.PrivateKey).Must(key => VapidKeys.IsPrivateKey(key!)).When(options => !string.IsNullOrEmpty(options.PrivateKey))
            .WithMessage("must be a base64url P-256 private key (32 bytes).");
        RuleFor(options => options.Subject).Must(subject => subject.StartsWith("mailto:", StringComparison.Ordinal) || subject.StartsWith("https://", StringComparison.Ordinal))
            .WithMessage("must be a mailto: or https: URL push services can reach you at.");
        RuleFor(options => options.TimeToLiveSeconds).InclusiveBetween(0, 28 * 86_400);
        RuleFor(options => options.RequestTimeoutSeconds).InclusiveBetween(1, 120);
    }
}
