namespace StockAlerts.Tests.Infrastructure;

/// <summary>Waits for something the service does in the background (a firing stored, a state saved), or fails saying what.</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> done, string what, int seconds = 10)
    {
        for (var waited = 0; waited < seconds * 10 && !await TryAsync(done); waited++)
        {
            await Task.Delay(100);
        }

        Assert.That(await TryAsync(done), Is.True, $"waited {seconds} s for: {what}");
    }

    public static Task TrueAsync(Func<bool> done, string what, int seconds = 10) => TrueAsync(() => Task.FromResult(done()), what, seconds);

    /// <summary>A host that is starting, restarting or was killed does not answer yet: not done.</summary>
    private static async Task<bool> TryAsync(Func<Task<bool>> done)
    {
        try
        {
            return await done();
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}
