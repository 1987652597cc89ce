using FluentValidation;

namespace StockAlerts.Modules.Shared.Data;

public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>Holds the SQLite file and, without Redis, the data-protection keys. Created if missing.</summary>
    public string DataDirectory { get; set; } = "./data";
}

public sealed class StorageOptionsValidator : AbstractValidator<StorageOptions>
{
    public StorageOptionsValidator()
    {
        RuleFor(options => options.DataDirectory).NotEmpty().WithMessage("must name a folder for the database file and keys, e.g. './data' or '/data'.");
    }
}
