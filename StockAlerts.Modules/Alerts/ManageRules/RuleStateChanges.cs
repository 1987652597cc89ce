using StockAlerts.Modules.Alerts.Data;
using StockAlerts.Modules.Alerts.EvaluateAlerts;

namespace StockAlerts.Modules.Alerts.ManageRules;

/// <summary>The state changes a user (or a notification action) can make, shared by the API and the contract commands.</summary>
internal static class RuleStateChanges
{
    public static Action<AlertRuleRecord> Pause(DateTime? until) => rule =>
    {
        rule.Paused = true;
        rule.PausedUntil = until;
        rule.State = RuleMapping.StateName(RuleState.Paused);
        rule.StateReason = until is null ? "paused by user" : "snoozed";
    };

    public static void Resume(AlertRuleRecord rule)
    {
        rule.Paused = false;
        rule.PausedUntil = null;
        rule.State = RuleMapping.StateName(RuleState.Active);
        rule.StateReason = null;
        rule.ArmedAtFireCount = rule.FireCount;
    }

    /// <summary>The user's re-arm (also what an edit and a moved level do): armed again, with a fresh count for maxFires.</summary>
    public static void Rearm(AlertRuleRecord rule)
    {
        Resume(rule);
        rule.MaxFiresCountedFrom = rule.FireCount;
        rule.Armed = true;
        rule.TrailingExtreme = null;
        rule.StepAnchor = null;
    }
}
