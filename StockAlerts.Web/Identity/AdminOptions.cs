using FluentValidation;

namespace StockAlerts.Web.Identity;

internal sealed class AdminOptions
{
    public const string Section = "Admin";

    /// <summary>Users with these emails are admins (Hangfire dashboard, instrument management).</summary>
    public List<string> Emails { get; set; } = [];
}

internal sealed class AdminOptionsValidator : AbstractValidator<AdminOptions>
{
    public AdminOptionsValidator()
    {
        RuleForEach(options => options.Emails).EmailAddress().WithMessage("'{PropertyValue}' is not an email address; list admins as Admin__Emails__0=alice@example.com.");
    }
}
