using System.Diagnostics;
using System.Runtime;

namespace StockAlerts.Bench;

/// <summary>
/// Runs a pass of throwaway work until a pass leaves the JIT nothing new to compile. .NET compiles code in tiers: a
/// method runs first on quick, unoptimised code and is recompiled optimised in the background only after it has been
/// called for a while and the JIT has been quiet for 100 ms. A run measured before that is partly a measure of the
/// first tier (on the engine's 200,000 level-only ticks: 2.5M ticks/s instead of 5.4M), and a long-running service
/// spends its life on the last tier. Code called only a few times per pass (the pass's own loop) may stay on an
/// earlier tier; that is the same for whatever is put side by side.
/// </summary>
internal static class JitSettle
{
    public static Result Run(Action pass, int maxPasses = 40)
    {
        var started = Stopwatch.GetTimestamp();
        var compiled = JitInfo.GetCompiledMethodCount();
        var passes = 0;
        var settled = false;
        while (!settled && passes < maxPasses)
        {
            pass();
            passes++;
            // Longer than the tiering delay, so that what the pass queued for the second tier is compiled by now.
            Thread.Sleep(250);
            var now = JitInfo.GetCompiledMethodCount();
            settled = now == compiled && passes >= 2;
            compiled = now;
        }

        return new Result(passes, Stopwatch.GetElapsedTime(started).TotalSeconds, settled);
    }

    public readonly record struct Result(int Passes, double Seconds, bool Settled)
    {
        public override string ToString() =>
            $"{Passes} passes, {Seconds:0.0} s, {(Settled ? "until a pass left the JIT nothing new to compile" : "stopped at the cap with the JIT still compiling")}";
    }
}
