using System.Diagnostics;
using System.Runtime;

namespace StockAlerts.Bench;

/// <summary>
/// Runs a pass of throwaway work until the JIT has nothing left to compile for it. .NET compiles code in tiers: a
/// method runs first on quick, unoptimised code and is recompiled optimised in the background only after it has been
/// called for a while and the JIT has been quiet for 100 ms. A run measured before that is partly a measure of the
/// first tier (on the engine's 200,000 level-only ticks: 2.5M ticks/s instead of 5.4M), and a long-running service
/// spends its life on the last tier.
/// </summary>
internal static class JitSettle
{
    public static (int Passes, double Seconds) Run(Action pass, int maxPasses = 40)
    {
        var started = Stopwatch.GetTimestamp();
        var compiled = JitInfo.GetCompiledMethodCount();
        var passes = 0;
        while (passes < maxPasses)
        {
            pass();
            passes++;
            // Longer than the tiering delay, so that what the pass queued for the second tier is compiled by now.
            Thread.Sleep(250);
            var now = JitInfo.GetCompiledMethodCount();
            if (now == compiled && passes >= 2)
            {
                break;
            }

            compiled = now;
        }

        return (passes, Stopwatch.GetElapsedTime(started).TotalSeconds);
    }
}
