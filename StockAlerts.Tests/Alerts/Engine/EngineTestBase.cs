using NUnit.Framework;
using StockAlerts.Modules.Alerts.EvaluateAlerts;

namespace StockAlerts.Tests.Alerts.Engine;

// Every scenario runs against the index and the naive scan, so each one is also an equivalence check.
public abstract class EngineTestBase(EngineKind kind)
{
    // A Monday, 09:30 in New York.
    private protected static readonly DateTime Start = new(2025, 3, 3, 14, 30, 0, DateTimeKind.Utc);

    private protected IRuleEngine Engine { get; private set; } = null!;

    private protected TickFeed Feed { get; private set; } = null!;

    [SetUp]
    public void CreateEngine()
    {
        Engine = kind == EngineKind.Index ? new RuleIndex() : new NaiveScan();
        Feed = new TickFeed(Engine, TestRules.Symbol, Start);
    }

    private protected AlertRule Add(AlertRule rule)
    {
        Assert.That(Engine.Add(rule), Is.True);
        return rule;
    }

    private protected RuleRuntime Runtime(AlertRule rule) =>
        Engine.FindRuntime(rule.Id) ?? throw new AssertionException($"Rule {rule.Id} is not in the engine.");
}
