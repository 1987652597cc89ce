using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace StockAlerts.Tests.Fakes;

/// <summary>
/// An RSA key made at test time and written as a Google service-account key file in a temp folder (never committed).
/// universe_domain is left out on purpose: any other value than googleapis.com makes Google.Apis.Auth sign its own
/// token and skip the token endpoint.
/// </summary>
internal sealed class ServiceAccountKey : IDisposable
{
    public const string ProjectId = "stockalerts-test";
    public const string ClientEmail = "push-sender@stockalerts-test.iam.gserviceaccount.com";

    private readonly RSA rsa = RSA.Create(2048);
    private readonly string folder = Directory.CreateTempSubdirectory("stockalerts-key-").FullName;

    public string KeyId { get; } = Guid.NewGuid().ToString("N");

    /// <summary>Writes a key file whose token_uri is <paramref name="tokenUri"/>; returns its path. A null project id is left out.</summary>
    public string WriteFile(string tokenUri, string? projectId = ProjectId)
    {
        var key = new JsonObject
        {
            ["type"] = "service_account",
            ["private_key_id"] = KeyId,
            ["private_key"] = rsa.ExportPkcs8PrivateKeyPem(),
            ["client_email"] = ClientEmail,
            ["client_id"] = "100000000000000000001",
            ["auth_uri"] = "https://accounts.google.com/o/oauth2/auth",
            ["token_uri"] = tokenUri,
        };
        if (projectId is not null)
        {
            key["project_id"] = projectId;
        }
        var path = Path.Combine(folder, $"{Guid.NewGuid():N}.json");
        File.WriteAllText(path, key.ToJsonString());
        return path;
    }

    public bool Verifies(byte[] data, byte[] signature) =>
        rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

    public void Dispose()
    {
        rsa.Dispose();
        Directory.Delete(folder, recursive: true);
    }
}
