using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Xml.Linq;
using FluentValidation;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StockAlerts.Modules.Shared;
using StockAlerts.Modules.Shared.Data;
using StockAlerts.Modules.Shared.Options;

namespace StockAlerts.Web.Infrastructure;

internal sealed class KeyProtectionOptions
{
    public const string Section = "DataProtection";

    /// <summary>A PKCS#12 file (.pfx/.p12) whose certificate encrypts the keys at rest; without it they are stored as plain XML.</summary>
    public string? CertificatePath { get; set; }

    public string? CertificatePassword { get; set; }
}

internal sealed class KeyProtectionOptionsValidator : AbstractValidator<KeyProtectionOptions>
{
    public KeyProtectionOptionsValidator()
    {
        RuleFor(options => options.CertificatePath)
            .Must((options, path) => KeysSetup.TryLoadCertificate(options, out _, out _))
            .When(options => !string.IsNullOrWhiteSpace(options.CertificatePath))
            .WithMessage((options, _) => KeysSetup.TryLoadCertificate(options, out X509Certificate2? _, out var problem) ? "" : problem);
        RuleFor(options => options.CertificatePassword)
            .Empty().When(options => string.IsNullOrWhiteSpace(options.CertificatePath))
            .WithMessage("is set without DataProtection:CertificatePath (DataProtection__CertificatePath).");
    }
}

/// <summary>
/// The data-protection keys sign every bearer token, refresh token and cookie. They are made by each installation
/// (in Redis when configured, else in the data folder), optionally encrypted with a certificate, and never taken
/// from anywhere else: a key ring holding a key that was ever published is refused.
/// </summary>
internal static class KeysSetup
{
    public const string RedisKey = "stockalerts:dataprotection:keys";

    /// <summary>Keys that were committed to the repository at some point: anyone with the code holds them.</summary>
    private static readonly HashSet<string> PublishedKeyIds = new(StringComparer.OrdinalIgnoreCase)
    {
        "6bbe5a32-4cf8-44ad-bb82-b69fc6ce852b",
    };

    public static IServiceCollection AddKeys(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<KeyProtectionOptions, KeyProtectionOptionsValidator>(KeyProtectionOptions.Section);
        var protection = configuration.GetValidatedOptions<KeyProtectionOptions, KeyProtectionOptionsValidator>(KeyProtectionOptions.Section);
        var dataProtection = services.AddDataProtection().SetApplicationName("StockAlerts");
        string where;
        if (configuration.HasRedis())
        {
            where = $"the Redis list '{RedisKey}'";
            services.AddOptions<KeyManagementOptions>().Configure<IConnectionMultiplexer>((options, multiplexer) =>
                options.XmlRepository = new RedisXmlRepository(() => multiplexer.GetDatabase(), RedisKey));
        }
        else
        {
            var storage = configuration.GetValidatedOptions<StorageOptions, StorageOptionsValidator>(StorageOptions.Section);
            var folder = storage.EnsureFolder("keys");
            where = $"the folder {folder}";
            dataProtection.PersistKeysToFileSystem(new DirectoryInfo(folder));
        }
        if (TryLoadCertificate(protection, out var certificate, out _) && certificate is not null)
        {
            dataProtection.ProtectKeysWithCertificate(certificate);
        }
        services.PostConfigure<KeyManagementOptions>(options => options.XmlRepository = new TrustedKeyRing(options.XmlRepository!, where));
        return services;
    }

    /// <summary>Reads the key ring once at startup, so a published key stops the service before it signs anything.</summary>
    public static void EnsureTrustedKeyRing(this WebApplication app)
    {
        var repository = app.Services.GetRequiredService<IOptions<KeyManagementOptions>>().Value.XmlRepository!;
        try
        {
            repository.GetAllElements();
        }
        catch (Exception unreachable) when (unreachable.IsRedisFailure())
        {
            // Redis is not up yet: the ring is checked again the first time a key is needed.
        }
    }

    public static bool TryLoadCertificate(KeyProtectionOptions options, out X509Certificate2? certificate, out string problem)
    {
        certificate = null;
        problem = "";
        if (string.IsNullOrWhiteSpace(options.CertificatePath))
        {
            return true;
        }
        if (!File.Exists(options.CertificatePath))
        {
            problem = $"names '{options.CertificatePath}', which does not exist.";
            return false;
        }
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(options.CertificatePath, options.CertificatePassword);
        }
        catch (CryptographicException)
        {
            problem = "is not a PKCS#12 (.pfx/.p12) file that opens with DataProtection:CertificatePassword.";
            return false;
        }
        if (!certificate.HasPrivateKey || certificate.GetRSAPrivateKey() is null)
        {
            problem = "must hold an RSA certificate with its private key (the keys are encrypted to it and decrypted with it).";
            certificate = null;
            return false;
        }
        return true;
    }

    private sealed class TrustedKeyRing(IXmlRepository inner, string where) : IXmlRepository
    {
        public IReadOnlyCollection<XElement> GetAllElements()
        {
            var elements = inner.GetAllElements();
            var published = elements
                .Where(element => element.Name.LocalName == "key")
                .Select(element => (string?)element.Attribute("id"))
                .FirstOrDefault(id => id is not null && PublishedKeyIds.Contains(id));
            if (published is not null)
            {
                throw new StartupRefusedException(
                    $"The token-signing key ring in {where} holds key {published}, which was published with the StockAlerts source code, so anyone could forge sign-in tokens with it. " +
                    $"Stop the service, delete {(where.StartsWith("the folder", StringComparison.Ordinal) ? $"key-{published}.xml from that folder" : "that list")} and start again: a new key is made and users sign in again (README: Rotating the token-signing keys).");
            }
            return elements;
        }

        public void StoreElement(XElement element, string friendlyName) => inner.StoreElement(element, friendlyName);
    }
}
