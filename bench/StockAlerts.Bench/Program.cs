namespace StockAlerts.Bench;

// dotnet run -c Release --project bench/StockAlerts.Bench -- prices [--symbols 5000] [--clients 50] [--per-client 100] [--rounds 20] [--mysql "<connection string>"] [--redis host:port] [--clients-process 1: the clients in a process of their own]
// dotnet run -c Release --project bench/StockAlerts.Bench -- alerts [--rules 1000000] [--symbols 5000] [--split 3: the engine alone with each third of the symbols]
// dotnet run -c Release --project bench/StockAlerts.Bench -- stream [--symbols 50] [--rate 1000] [--seconds 15] [--probes 30]
// dotnet run -c Release --project bench/StockAlerts.Bench -- firings [--rules 10000] [--symbols 50] [--ticks 10000] [--rules-csv f --ticks-csv f] [--out folder] [--warm 1] [--rate batches/s] [--db-mysql "<connection string>"] [--redis host:port]
// dotnet run -c Release --project bench/StockAlerts.Bench -- coldstart [--rules 1000000] [--db-mysql "<connection string>"] [--seed 0: reuse the seeded database] [--gc workstation|server]
// dotnet run -c Release --project bench/StockAlerts.Bench -- reads [--connections 32] [--seconds 10] [--only /health/live|/api/prices/|symbols=] [--db-mysql "<connection string>" --redis host:port]
// dotnet run -c Release --project bench/StockAlerts.Bench -- cluster --db-mysql "$(bench/mariadb.sh)" --redis "$(bench/redis.sh)" [--rules 1000000] [--instances 3] [--rate 2000] [--seconds 30] [--seed 0]
// dotnet run -c Release --project bench/StockAlerts.Bench -- burst --db-mysql "$(bench/mariadb.sh)" --redis "$(bench/redis.sh)" [--users 1000] [--devices 2] [--rules 100000] [--minute-rules 10000] [--seconds 60] [--live-users 50] [--grace 3]
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
            case "firings":
                return await FiringsBench.RunAsync(options);
            case "coldstart":
                return await ColdStartBench.RunAsync(options);
            case "reads":
                return await ReadsBench.RunAsync(options);
            case "cluster":
                return await ClusterBench.RunAsync(options);
            case "prices-clients":
                return await PriceClients.RunProcessAsync(options);
            case "burst":
                return await BurstBench.RunAsync(options);
            default:
                Console.Error.WriteLine("usage: StockAlerts.Bench prices|alerts|stream|firings|coldstart|cluster|reads|burst [--name value ...]");
                return 2;
        }
    }
}
