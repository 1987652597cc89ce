using FluentValidation;

namespace StockAlerts.Modules.Shared.Data;

public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>Holds the SQLite file and, without Redis, the data-protection keys. Created if missing.</summary>
    public string DataDirectory { get; set; } = "./data";

    /// <summary>
    /// The data folder (or a folder inside it), created readable by this user only: it holds the database and the
    /// keys that sign every token, unencrypted unless a certificate protects them.
    /// </summary>
    public string EnsureFolder(string? inside = null)
    {
        var folder = Path.GetFullPath(inside is null ? DataDirectory : Path.Combine(DataDirectory, inside));
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        return folder;
    }
}

public sealed class StorageOptionsValidator : AbstractValidator<StorageOptions>
{
    public StorageOptionsValidator()
    {
        RuleFor(options => options.DataDirectory).NotEmpty().WithMessage("must name a folder for the database file and keys, e.g. './data' or '/data'.");
    }
}
