using StockAlerts.Modules.Alerts.EvaluateAlerts;

namespace StockAlerts.Modules.Alerts.Engine;

/// <summary>What one price batch produced, and how many rules the index had to look at for it.</summary>
internal sealed record BatchEvaluation(IReadOnlyList<FiringCandidate> Firings, long RulesEvaluated);
