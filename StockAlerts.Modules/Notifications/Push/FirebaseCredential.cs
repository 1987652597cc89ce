using System.Security.Cryptography;
using Google.Apis.Auth.OAuth2;
using Google.Apis.Http;

namespace StockAlerts.Modules.Notifications.Push;

/// <summary>
/// The service account's token source and the project to send through, loaded once per process: Google.Apis.Auth
/// caches the access token inside the credential until shortly before it expires.
/// </summary>
internal sealed class FirebaseCredential(ITokenAccess? tokenAccess, string? projectId, string? problem)
{
    public const string MessagingScope = "https://www.googleapis.com/auth/firebase.messaging";

    /// <summary>Null when not configured or when the key file is unusable (then Problem says why).</summary>
    public ITokenAccess? TokenAccess { get; } = tokenAccess;

    public string? ProjectId { get; } = projectId;

    public string? Problem { get; } = problem;

    public static FirebaseCredential Load(FirebaseOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.CredentialsPath))
        {
            return new FirebaseCredential(null, null, null);
        }
        if (ServiceAccountFile.TryRead(options.CredentialsPath, out var problem) is not { } file)
        {
            return new FirebaseCredential(null, null, problem);
        }
        var projectId = string.IsNullOrWhiteSpace(options.ProjectId) ? file.ProjectId : options.ProjectId;
        if (string.IsNullOrWhiteSpace(projectId))
        {
            return new FirebaseCredential(null, null, $"no Firebase project id: set {FirebaseOptions.Section}:ProjectId or use a key file with a project_id");
        }
        try
        {
            // Built explicitly rather than through CredentialFactory so token_uri is honoured in every package version
            // (tests point it at a local fake), and always scoped: without scopes the credential signs its own JWT
            // and never asks the token endpoint.
            var initializer = new ServiceAccountCredential.Initializer(file.ClientEmail, file.TokenUri)
            {
                Scopes = [MessagingScope],
                ProjectId = projectId,
                KeyId = file.PrivateKeyId,
                // The delivery job owns retries and backoff, so a failing token endpoint must fail fast.
                DefaultExponentialBackOffPolicy = ExponentialBackOffPolicy.None,
            }.FromPrivateKey(file.PrivateKey);
            return new FirebaseCredential(new ServiceAccountCredential(initializer), projectId, null);
        }
        catch (Exception exception) when (exception is ArgumentException or CryptographicException or FormatException or InvalidOperationException)
        {
            return new FirebaseCredential(null, projectId, $"the private_key in '{options.CredentialsPath}' cannot be used: {exception.GetType().Name}");
        }
    }
}
