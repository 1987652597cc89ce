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

    /// <summary>An indicator condition waits for enough closed bars (from stored history or live) to have values.</summary>
    public const string WarmingUp = "warmingUp";
    public const string Confirming = "confirming";
    public const string ConfirmationLost = "confirmationLost";
    public const string OutsideSchedule = "outsideSchedule";
    public const string RearmedByTime = "rearmedByTime";
    public const string RearmedByPrice = "rearmedByPrice";
}
