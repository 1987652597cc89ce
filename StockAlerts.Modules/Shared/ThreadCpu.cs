using System.Runtime.InteropServices;

namespace StockAlerts.Modules.Shared;

/// <summary>
/// The CPU time the calling thread has used (Linux's per-thread clock). Wall time around work on a busy machine counts
/// the time the thread waited for a core too; this does not, so it shows what the work itself costs. Null where the
/// clock is not available (not Linux): callers then record nothing.
/// </summary>
internal static class ThreadCpu
{
    private const int ThreadCpuClock = 3; // CLOCK_THREAD_CPUTIME_ID

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec value);

    private static readonly bool Available = OperatingSystem.IsLinux() && Environment.Is64BitProcess && Probe();

    private static bool Probe()
    {
        try
        {
            return ClockGetTime(ThreadCpuClock, out _) == 0;
        }
        catch (Exception exception) when (exception is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    /// <summary>The thread's CPU time so far, in seconds.</summary>
    public static double? Now() => Available && ClockGetTime(ThreadCpuClock, out var value) == 0 ? value.Seconds + value.Nanoseconds / 1e9 : null;

    /// <summary>CPU seconds the thread used since <paramref name="started"/> (a <see cref="Now"/> on the same thread).</summary>
    public static double? Since(double? started) => started is { } from && Now() is { } to ? to - from : null;
}
