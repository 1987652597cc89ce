namespace StockAlerts.Bench;

// dotnet run -c Release --project bench/StockAlerts.Bench -- prices [--symbols 5000] [--clients 50] [--rounds 20]
// dotnet run -c Release --project bench/StockAlerts.Bench -- alerts [--rules 1000000] [--symbols 5000]
// dotnet run -c Release --project bench/StockAlerts.Bench -- stream [--symbols 50] [--rate 1000] [--seconds 15] [--probes 30]
internal static class BenchEntry
{
    public static async Task<int> Main(string[] args)
    {
        var command = args.FirstOrDefault() ?? "prices";
        var options = BenchOptions.Parse(args.Skip(1).ToArray());
        switch (command)
        {
            case "prices":
                return await PricesBench.RunAsync(options);
            case "alerts":
                return await AlertsBench.RunAsync(options);
            case "stream":
                return await StreamBench.RunAsync(options);
            default:
                Console.Error.WriteLine("usage: StockAlerts.Bench prices|alerts|stream [--name value ...]");
                return 2;
        }
    }
}
