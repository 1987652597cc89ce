namespace StockAlerts.Bench;

internal static class Percentiles
{
    public static string Describe(List<double> samples, string unit)
    {
        if (samples.Count == 0)
        {
            return "no samples";
        }
        samples.Sort();
        double At(double fraction) => samples[Math.Min(samples.Count - 1, (int)(fraction * samples.Count))];
        return $"p50 {At(0.50):0.00} {unit}, p95 {At(0.95):0.00} {unit}, p99 {At(0.99):0.00} {unit}, max {samples[^1]:0.00} {unit} ({samples.Count:N0} samples)";
    }
}
