using NUnit.Framework;
using StockAlerts.Modules.Alerts.EvaluateAlerts;

namespace StockAlerts.Tests.Alerts.Engine;

public sealed class ActiveScheduleTests
{
    private static readonly HashSet<DayOfWeek> Weekdays =
        [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday];

    private static readonly ActiveSchedule NewYorkMarketHours = new(Weekdays, new TimeOnly(9, 30), new TimeOnly(16, 0), "America/New_York");

    [TestCase("2025-03-03T14:30:00Z", true)]
    [TestCase("2025-03-03T14:29:59Z", false)]
    [TestCase("2025-03-03T20:59:59Z", true)]
    [TestCase("2025-03-03T21:00:00Z", false)]
    [TestCase("2025-03-08T15:00:00Z", false)]
    [TestCase("2025-07-07T13:30:00Z", true)]
    [TestCase("2025-07-07T14:30:00Z", true)]
    [TestCase("2025-07-07T13:29:59Z", false)]
    public void MarketHours_InNewYork_FollowLocalTimeAcrossDaylightSaving(string utcTime, bool expected)
    {
        Assert.That(NewYorkMarketHours.Contains(ParseUtc(utcTime)), Is.EqualTo(expected));
    }

    [TestCase("2025-03-03T23:00:00Z", true)]
    [TestCase("2025-03-04T05:59:59Z", true)]
    [TestCase("2025-03-04T06:00:00Z", false)]
    [TestCase("2025-03-08T05:00:00Z", true)]
    [TestCase("2025-03-03T05:00:00Z", false)]
    [TestCase("2025-03-08T23:00:00Z", false)]
    public void OvernightSchedule_BelongsToTheDayItStartsOn(string utcTime, bool expected)
    {
        var overnight = new ActiveSchedule(Weekdays, new TimeOnly(22, 0), new TimeOnly(6, 0), "UTC");

        Assert.That(overnight.Contains(ParseUtc(utcTime)), Is.EqualTo(expected));
    }

    [TestCase("2025-03-03T00:00:00Z", true)]
    [TestCase("2025-03-03T23:59:59Z", true)]
    [TestCase("2025-03-09T12:00:00Z", false)]
    public void ScheduleWithEqualFromAndTo_CoversTheWholeDay(string utcTime, bool expected)
    {
        var wholeDay = new ActiveSchedule(Weekdays, new TimeOnly(0, 0), new TimeOnly(0, 0), "UTC");

        Assert.That(wholeDay.Contains(ParseUtc(utcTime)), Is.EqualTo(expected));
    }

    private static DateTime ParseUtc(string text) =>
        DateTime.Parse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal);
}
