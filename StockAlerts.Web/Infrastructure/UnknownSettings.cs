using StockAlerts.Modules.Shared.Options;

namespace StockAlerts.Web.Infrastructure;

/// <summary>A setting in one of StockAlerts' sections that nothing reads is most likely misspelled: say so at startup.</summary>
internal static partial class UnknownSettings
{
    public static void WarnAboutUnknownSettings(this WebApplication app)
    {
        foreach (var setting in OptionsRegistration.UnknownSettings(app.Configuration))
        {
            LogUnknown(app.Logger, setting, setting.Replace(":", "__"));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Setting '{Setting}' (environment variable {Variable}) is not one StockAlerts reads and is ignored: check its spelling against README, Configuration")]
    private static partial void LogUnknown(ILogger logger, string setting, string variable);
}
