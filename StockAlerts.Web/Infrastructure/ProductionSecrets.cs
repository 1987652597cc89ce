using System.Data.Common;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace StockAlerts.Web.Infrastructure;

/// <summary>
/// Outside Development the service does not start while a secret setting still holds an example value (change-me, the
/// README's "...", your-...-key): a copied example must never become a live credential. Messages name the setting and
/// the fix, never the value.
/// </summary>
internal static partial class ProductionSecrets
{
    private const string AcceptedIn = "Example values are accepted only with ASPNETCORE_ENVIRONMENT=Development.";

    private static readonly HashSet<string> KnownExamples = new(StringComparer.OrdinalIgnoreCase)
    {
        "secret", "password", "passw0rd", "apikey", "api-key", "api_key", "placeholder", "todo", "changeit", "none", "null",
    };

    public static void EnsureNoExampleValues(IConfiguration configuration, IHostEnvironment environment)
    {
        if (environment.IsDevelopment())
        {
            return;
        }
        var failures = Check(configuration).Select(failure => $"{failure} {AcceptedIn}").ToList();
        if (failures.Count > 0)
        {
            throw new OptionsValidationException("Secrets", typeof(ProductionSecrets), failures);
        }
    }

    public static bool IsExample(string? value)
    {
        var text = value?.Trim() ?? "";
        return text.Length > 0
            && (KnownExamples.Contains(text)
                || ExamplePattern().IsMatch(text)
                || text.All(character => character is '.' or '*' or 'x' or 'X' or '<' or '>' or '-' or '_'));
    }

    private static IEnumerable<string> Check(IConfiguration configuration)
    {
        foreach (var provider in configuration.GetSection("Prices:Providers").GetChildren())
        {
            var setting = $"{provider.Path}:ApiKey";
            if (IsExample(configuration[setting]))
            {
                yield return $"{Describe(setting)} holds an example value, not a real key: set the key from your {provider.Key} account, or remove the setting to leave {provider.Key} off.";
            }
        }
        foreach (var setting in new[] { "ConnectionStrings:Database", "Database:ConnectionString" })
        {
            if (IsExample(DatabasePassword(configuration[setting])))
            {
                yield return $"{Describe(setting)} has an example password: put the database user's real password in its Password= part.";
            }
        }
        if (IsExample(RedisPassword(configuration.GetConnectionString("Redis"))))
        {
            yield return $"{Describe("ConnectionStrings:Redis")} has an example password: put Redis's real password in its password= part, or leave it out.";
        }
        if (IsExample(configuration["Telemetry:ScrapeToken"]))
        {
            yield return $"{Describe("Telemetry:ScrapeToken")} holds an example value: generate a random token (e.g. openssl rand -hex 32), or remove it so that only admins can read /metrics.";
        }
        if (IsExample(configuration["DataProtection:CertificatePassword"]))
        {
            yield return $"{Describe("DataProtection:CertificatePassword")} holds an example value: set the password of the certificate file.";
        }
        if (IsExample(configuration["Firebase:ProjectId"]))
        {
            yield return $"{Describe("Firebase:ProjectId")} holds an example value: set your Firebase project id, or remove it to use the key file's.";
        }
        if (ExampleFieldsOfFirebaseKey(configuration) is { Count: > 0 } fields)
        {
            yield return $"The Firebase key file named by {Describe("Firebase:CredentialsPath")} (or GOOGLE_APPLICATION_CREDENTIALS) has example values in {string.Join(", ", fields)}: " +
                "generate a key in the Firebase console (Project settings > Service accounts) and point the setting at it.";
        }
    }

    private static string Describe(string setting) => $"Setting '{setting}' (environment variable {setting.Replace(":", "__")})";

    private static string? DatabasePassword(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return null;
        }
        try
        {
            var parts = new DbConnectionStringBuilder { ConnectionString = connectionString };
            return parts.TryGetValue("Password", out var password) || parts.TryGetValue("Pwd", out password) ? password?.ToString() : null;
        }
        catch (ArgumentException)
        {
            // Malformed: the database settings' own validation reports it.
            return null;
        }
    }

    private static string? RedisPassword(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return null;
        }
        try
        {
            return ConfigurationOptions.Parse(connectionString, ignoreUnknown: true).Password;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static List<string> ExampleFieldsOfFirebaseKey(IConfiguration configuration)
    {
        var path = configuration["Firebase:CredentialsPath"];
        if (string.IsNullOrWhiteSpace(path))
        {
            path = configuration["GOOGLE_APPLICATION_CREDENTIALS"] ?? Environment.GetEnvironmentVariable("GOOGLE_APPLICATION_CREDENTIALS");
        }
        if (string.IsNullOrWhiteSpace(path) || !File.Exists(path))
        {
            return [];
        }
        try
        {
            using var key = JsonDocument.Parse(File.ReadAllText(path));
            return new[] { "project_id", "client_email", "private_key_id" }
                .Where(field => key.RootElement.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String && IsExample(value.GetString()))
                .ToList();
        }
        catch (Exception exception) when (exception is JsonException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            // An unreadable or malformed file is reported by the Firebase settings' validation.
            return [];
        }
    }

    // change-me / replace-me in any spelling, "example" anywhere, "your-..." at a word start, and xxxx runs
    // (firebase-adminsdk-xxxxx@your-project.iam.gserviceaccount.com).
    [GeneratedRegex(@"chang(e)?[-_ ]?me|replace[-_ ]?me|example|(^|[^a-z])your[-_ ]|xxxx", RegexOptions.IgnoreCase)]
    private static partial Regex ExamplePattern();
}
