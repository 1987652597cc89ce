namespace StockAlerts.Modules.Alerts.EvaluateAlerts;

internal static class RuleStateReasons
{
    public const string Fired = "fired";
    public const string Paused = "paused";
    public const string Runaway = "runaway";
    public const string MaxFires = "maxFires";
    public const string Expired = "expired";
    public const string StaleData = "staleData";
    public const string NoFreshPrice = "noFreshPrice";
    public const string Confirming = "confirming";
    public const string ConfirmationLost = "confirmationLost";
    public const string OutsideSchedule = "outsideSchedule";
    public const string RearmedByTime = "rearmedByTime";
    public const string RearmedByPrice = "rearmedByPrice";
}
