using System.Security.Cryptography;
using System.Text.Json;

namespace StockAlerts.Modules.Notifications.Push;

/// <summary>The fields of a Google service-account key file that the FCM sender needs. Problems never quote the key.</summary>
internal sealed record ServiceAccountFile(string ClientEmail, string PrivateKey, string? PrivateKeyId, string? ProjectId, string TokenUri)
{
    public const string DefaultTokenUri = "https://oauth2.googleapis.com/token";
    private const string ServiceAccountType = "service_account";

    private static readonly JsonSerializerOptions KeyFileJson = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>Null, with the reason in <paramref name="problem"/>, unless the file is a usable service-account key.</summary>
    public static ServiceAccountFile? TryRead(string path, out string problem)
    {
        if (!File.Exists(path))
        {
            problem = $"the credentials file was not found at '{path}' (point it at a Firebase service-account key JSON)";
            return null;
        }
        KeyFile? key;
        try
        {
            using var stream = File.OpenRead(path);
            key = JsonSerializer.Deserialize<KeyFile>(stream, KeyFileJson);
        }
        catch (JsonException)
        {
            problem = $"the credentials file at '{path}' is not a JSON key file";
            return null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            problem = $"the credentials file at '{path}' cannot be read: {exception.Message}";
            return null;
        }

        problem = Check(key, path) ?? "";
        return problem.Length > 0 || key is null
            ? null
            : new ServiceAccountFile(key.ClientEmail!, key.PrivateKey!, key.PrivateKeyId, key.ProjectId, string.IsNullOrWhiteSpace(key.TokenUri) ? DefaultTokenUri : key.TokenUri);
    }

    // A record would print every member, the private key included.
    public override string ToString() => $"service account {ClientEmail}";

    private static string? Check(KeyFile? key, string path)
    {
        if (key is null)
        {
            return $"the credentials file at '{path}' is empty";
        }
        if (key.Type != ServiceAccountType)
        {
            return $"the credentials file at '{path}' has type '{key.Type}', not '{ServiceAccountType}' (download a key from Firebase console > Project settings > Service accounts)";
        }
        if (string.IsNullOrWhiteSpace(key.ClientEmail) || string.IsNullOrWhiteSpace(key.PrivateKey))
        {
            return $"the credentials file at '{path}' lacks client_email or private_key";
        }
        if (!string.IsNullOrWhiteSpace(key.TokenUri)
            && !(Uri.TryCreate(key.TokenUri, UriKind.Absolute, out var tokenUri) && (tokenUri.Scheme == Uri.UriSchemeHttps || tokenUri.Scheme == Uri.UriSchemeHttp)))
        {
            return $"the token_uri in the credentials file at '{path}' is not an absolute http(s) URL";
        }
        try
        {
            using var rsa = RSA.Create();
            rsa.ImportFromPem(key.PrivateKey);
        }
        catch (Exception exception) when (exception is ArgumentException or CryptographicException)
        {
            return $"the private_key in the credentials file at '{path}' is not a PEM RSA private key";
        }
        return null;
    }

    private sealed record KeyFile(string? Type, string? ProjectId, string? PrivateKeyId, string? PrivateKey, string? ClientEmail, string? TokenUri);
}
