using NUnit.Framework;
using StockAlerts.Modules.Alerts.EvaluateAlerts;

namespace StockAlerts.Tests.Alerts.Engine;

public sealed class AlertMessageTemplateTests
{
    private static readonly FiringCandidate Firing = new(
        new AlertRule(Guid.NewGuid(), TestRules.UserId, "AAPL", new AlertCondition(ConditionType.CrossesAbove) { Level = 200m }),
        201m,
        200m,
        new DateTime(2025, 3, 3, 14, 30, 0, DateTimeKind.Utc)) { Direction = CrossDirection.Up };

    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    [Test]
    public void Render_ReplacesEveryPlaceholder()
    {
        var text = AlertMessageTemplate.Render(
            "{{symbol}} at {{price}} vs {{level}} ({{change}}, {{changePercent}}%) at {{time}}: {{rule}}",
            Firing,
            "AAPL breakout",
            NewYork);

        Assert.That(text, Is.EqualTo("AAPL at 201 vs 200 (+1, +0.5%) at 2025-03-03 09:30: AAPL breakout"));
    }

    [Test]
    public void Render_ToleratesSpacesInsidePlaceholders()
    {
        Assert.That(AlertMessageTemplate.Render("{{ symbol }}", Firing, "rule", TimeZoneInfo.Utc), Is.EqualTo("AAPL"));
    }

    [Test]
    public void Render_LeavesUnknownAndUnclosedPlaceholdersAsWritten()
    {
        var text = AlertMessageTemplate.Render("{{volume}} {{price}} {{symbol", Firing, "rule", TimeZoneInfo.Utc);

        Assert.That(text, Is.EqualTo("{{volume}} 201 {{symbol"));
    }

    [Test]
    public void Render_NegativeChange_HasAMinusSign()
    {
        var falling = Firing with { Price = 190m };

        Assert.That(AlertMessageTemplate.Render("{{change}} {{changePercent}}", falling, "rule", TimeZoneInfo.Utc), Is.EqualTo("-10 -5"));
    }

    [Test]
    public void Render_ForARuleWithoutTemplateOrName_UsesTheDefaultTemplateAndTheFiringDescription()
    {
        var rule = TestRules.CrossesAbove(200m);

        Assert.That(AlertMessageTemplate.Render(rule, Firing), Is.EqualTo("AAPL: price 201 crossed above 200."));
    }

    [Test]
    public void Render_ForARuleWithTemplateAndName_UsesThemAndTheRulesTimeZone()
    {
        var rule = TestRules.CrossesAbove(200m) with
        {
            Name = "breakout",
            MessageTemplate = "{{rule}} at {{time}}",
            TimeZoneId = "Europe/Berlin",
        };

        Assert.That(AlertMessageTemplate.Render(rule, Firing), Is.EqualTo("breakout at 2025-03-03 15:30"));
    }
}
