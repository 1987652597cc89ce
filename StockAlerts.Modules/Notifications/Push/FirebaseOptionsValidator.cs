using FluentValidation;

namespace StockAlerts.Modules.Notifications.Push;

/// <summary>Checks the settings only when credentials are configured: without them push is simply off.</summary>
public sealed class FirebaseOptionsValidator : AbstractValidator<FirebaseOptions>
{
    // FCM refuses a TTL longer than four weeks.
    private const int MaxTimeToLiveSeconds = 2_419_200;

    public FirebaseOptionsValidator()
    {
        When(options => !string.IsNullOrWhiteSpace(options.CredentialsPath), () =>
        {
            RuleFor(options => options.CredentialsPath).Custom((path, context) =>
            {
                if (ServiceAccountFile.TryRead(path!, out var problem) is null)
                {
                    context.AddFailure(problem);
                }
            });
            RuleFor(options => options.ProjectId)
                .Must((options, projectId) => !string.IsNullOrWhiteSpace(projectId) || HasProjectIdInKeyFile(options.CredentialsPath!))
                .WithMessage(options => $"no Firebase project id: set it here, or use a key file with a project_id (the file at '{options.CredentialsPath}' has none)");
            RuleFor(options => options.BaseUrl)
                .Must(baseUrl => Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp))
                .WithMessage(options => $"'{options.BaseUrl}' is not an absolute http(s) URL such as https://fcm.googleapis.com");
            RuleFor(options => options.MaxConcurrentRequests).InclusiveBetween(1, 1000);
            RuleFor(options => options.TimeToLiveSeconds).InclusiveBetween(0, MaxTimeToLiveSeconds);
            RuleFor(options => options.RequestTimeoutSeconds).InclusiveBetween(1, 300);
        });
    }

    // An unreadable file is reported once, by the CredentialsPath rule.
    private static bool HasProjectIdInKeyFile(string path) =>
        ServiceAccountFile.TryRead(path, out _) is not { } file || !string.IsNullOrWhiteSpace(file.ProjectId);
}
