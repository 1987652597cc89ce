using FluentValidation;

namespace StockAlerts.Web.Identity;

internal sealed class AdminOptions
{
    public const string Section = "Admin";

    /// <summary>
    /// Users with these emails are admins (Hangfire dashboard, instrument management). An empty entry means none, as
    /// compose's `Admin__Emails__0: ${ADMIN_EMAIL:-}` gives when ADMIN_EMAIL is left empty.
    /// </summary>
    public List<string> Emails { get; set; } = [];
}

internal sealed class AdminOptionsValidator : AbstractValidator<AdminOptions>
{
    public AdminOptionsValidator()
    {
        RuleForEach(options => options.Emails).Where(email => !string.IsNullOrWhiteSpace(email)).EmailAddress().WithMessage("'{PropertyValue}' is not an email address; list admins as Admin__Emails__0=alice@example.com.");
    }
}
