using FluentValidation;

namespace StockAlerts.Modules.Shared.Data;

public enum DatabaseProvider
{
    Sqlite,
    MySql,
}

public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>Kept as text so that a typo is reported by validation with the accepted values, not by the binder.</summary>
    public string Provider { get; set; } = nameof(DatabaseProvider.Sqlite);

    public DatabaseProvider ParsedProvider => Enum.Parse<DatabaseProvider>(Provider, ignoreCase: true);

    /// <summary>MySQL/MariaDB connection string; for SQLite, empty means a file in Storage:DataDirectory.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Given explicitly so that startup and design-time tools need no live server to detect it.</summary>
    public string ServerVersion { get; set; } = "10.11.0-mariadb";

    /// <summary>How long startup waits for the database to become reachable before giving up.</summary>
    public int StartupTimeoutSeconds { get; set; } = 60;
}

public sealed class DatabaseOptionsValidator : AbstractValidator<DatabaseOptions>
{
    public DatabaseOptionsValidator()
    {
        RuleFor(options => options.Provider).IsEnumName(typeof(DatabaseProvider), caseSensitive: false).WithMessage("must be 'Sqlite' (embedded default) or 'MySql' (MariaDB 10.11+ / MySQL 8).");
        RuleFor(options => options.ConnectionString)
            .NotEmpty()
            .When(options => IsMySql(options.Provider))
            .WithMessage("is required when Database:Provider is MySql, e.g. 'Server=db;Port=3306;Database=stockalerts;User=stockalerts;Password=...'. It may also be given as ConnectionStrings:Database.");
        RuleFor(options => options.ServerVersion)
            .Must(BeAServerVersion)
            .When(options => IsMySql(options.Provider))
            .WithMessage("must look like '10.11.0-mariadb' or '8.0.36-mysql'.");
        RuleFor(options => options.StartupTimeoutSeconds).InclusiveBetween(0, 3600);
    }

    private static bool IsMySql(string provider) => string.Equals(provider, nameof(DatabaseProvider.MySql), StringComparison.OrdinalIgnoreCase);

    private static bool BeAServerVersion(string version) =>
        Microsoft.EntityFrameworkCore.ServerVersion.TryParse(version, out _);
}
