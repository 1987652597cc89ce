using NUnit.Framework;
using StockAlerts.Modules.Alerts.EvaluateAlerts;

namespace StockAlerts.Tests.Alerts.Engine;

public sealed class RollingWindowTests
{
    private static readonly DateTime Start = new(2025, 3, 3, 14, 30, 0, DateTimeKind.Utc);

    [Test]
    public void EmptyWindow_HasNoExtremes()
    {
        var window = new RollingWindow(TimeSpan.FromMinutes(5));

        Assert.That(window.Minimum, Is.Null);
        Assert.That(window.Maximum, Is.Null);
    }

    [Test]
    public void Extremes_AreTheLowestAndHighestPricesStillInsideTheWindow()
    {
        var window = new RollingWindow(TimeSpan.FromMinutes(5));

        window.Add(Start, 100m);
        window.Add(Start.AddMinutes(1), 90m);
        window.Add(Start.AddMinutes(2), 110m);
        window.Add(Start.AddMinutes(3), 105m);

        Assert.That(window.Minimum, Is.EqualTo(90m));
        Assert.That(window.Maximum, Is.EqualTo(110m));
    }

    [Test]
    public void SampleExactlyAtTheWindowStart_IsKeptAndAnOlderOneIsEvicted()
    {
        var window = new RollingWindow(TimeSpan.FromMinutes(5));
        window.Add(Start, 90m);
        window.Add(Start.AddMinutes(1), 120m);

        window.Add(Start.AddMinutes(5), 100m);
        var keptLow = window.Minimum;
        window.Add(Start.AddMinutes(6), 100m);

        Assert.That(keptLow, Is.EqualTo(90m));
        Assert.That(window.Minimum, Is.EqualTo(100m));
        Assert.That(window.Maximum, Is.EqualTo(120m));
    }

    [Test]
    public void Evict_WithoutANewSample_DropsExpiredExtremes()
    {
        var window = new RollingWindow(TimeSpan.FromMinutes(5));
        window.Add(Start, 90m);

        window.Evict(Start.AddMinutes(10));

        Assert.That(window.Minimum, Is.Null);
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public void Extremes_MatchABruteForceScanOnRandomSamples(int seed)
    {
        var random = new Random(seed);
        var length = TimeSpan.FromMinutes(10);
        var window = new RollingWindow(length);
        var samples = new List<PriceSample>();
        var time = Start;
        for (var step = 0; step < 2000; step++)
        {
            time = time.AddSeconds(random.Next(0, 90));
            var price = 100m + random.Next(-50, 51) * 0.5m;
            window.Add(time, price);
            samples.Add(new PriceSample(time, price));

            var inside = samples.Where(sample => sample.Time >= time - length).Select(sample => sample.Price).ToList();
            Assert.That(window.Minimum, Is.EqualTo(inside.Min()), $"minimum at step {step}");
            Assert.That(window.Maximum, Is.EqualTo(inside.Max()), $"maximum at step {step}");

            // Every shorter window is read from the same deques.
            var shorter = TimeSpan.FromSeconds(random.Next(0, 600));
            var insideShorter = samples.Where(sample => sample.Time >= time - shorter).Select(sample => sample.Price).ToList();
            Assert.That(window.MinimumOver(shorter), Is.EqualTo(insideShorter.Min()), $"minimum over {shorter} at step {step}");
            Assert.That(window.MaximumOver(shorter), Is.EqualTo(insideShorter.Max()), $"maximum over {shorter} at step {step}");
        }
    }
}
