namespace StockAlerts.Web.Infrastructure;

/// <summary>A reason not to start that the operator must fix; reported as one line, exit code 1.</summary>
internal sealed class StartupRefusedException(string message) : Exception(message);
