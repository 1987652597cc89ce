namespace StockAlerts.Tests.Infrastructure;

/// <summary>Waits for something the service does in the background (a firing stored, a state saved), or fails saying what.</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> done, string what, int seconds = 10)
    {
        for (var waited = 0; waited < seconds * 10 && !await done(); waited++)
        {
            await Task.Delay(100);
        }

        Assert.That(await done(), Is.True, $"waited {seconds} s for: {what}");
    }
}
