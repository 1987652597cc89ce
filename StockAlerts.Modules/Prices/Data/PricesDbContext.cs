using Microsoft.EntityFrameworkCore;
using StockAlerts.Modules.Shared.Data;

namespace StockAlerts.Modules.Prices.Data;

internal abstract class PricesDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<Instrument> Instruments => Set<Instrument>();

    public DbSet<PriceBar> PriceBars => Set<PriceBar>();

    public DbSet<WatchlistEntry> Watchlist => Set<WatchlistEntry>();

    public DbSet<DailyBar> DailyBars => Set<DailyBar>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        configurationBuilder.UseModuleConventions();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Instrument>(instrument =>
        {
            instrument.ToTable("prices_instruments");
            instrument.HasIndex(entity => entity.Symbol).IsUnique();
            instrument.Property(entity => entity.Symbol).HasMaxLength(20);
            instrument.Property(entity => entity.Kind).HasConversion<string>().HasMaxLength(10);
            instrument.Property(entity => entity.Provider).HasMaxLength(30);
            instrument.Property(entity => entity.Currency).HasMaxLength(3);
            instrument.Property(entity => entity.DisplayName).HasMaxLength(100);
        });
        modelBuilder.Entity<PriceBar>(bar =>
        {
            bar.ToTable("prices_bars");
            bar.HasKey(entity => new { entity.Symbol, entity.Start });
            bar.Property(entity => entity.Symbol).HasMaxLength(20);
            bar.HasIndex(entity => entity.Start);
        });
        modelBuilder.Entity<DailyBar>(bar =>
        {
            bar.ToTable("prices_daily_bars");
            bar.HasKey(entity => new { entity.Symbol, entity.Day });
            bar.Property(entity => entity.Symbol).HasMaxLength(20);
        });
        modelBuilder.Entity<WatchlistEntry>(entry =>
        {
            entry.ToTable("prices_watchlist");
            entry.HasKey(entity => new { entity.UserId, entity.Symbol });
            entry.Property(entity => entity.UserId).HasMaxLength(450);
            entry.Property(entity => entity.Symbol).HasMaxLength(20);
        });
    }
}

internal sealed class PricesSqliteDbContext(DbContextOptions<PricesSqliteDbContext> options) : PricesDbContext(options);

internal sealed class PricesMySqlDbContext(DbContextOptions<PricesMySqlDbContext> options) : PricesDbContext(options);

internal sealed class PricesSqliteDesignFactory() : DesignTimeContextFactory<PricesSqliteDbContext>(DatabaseProvider.Sqlite);

internal sealed class PricesMySqlDesignFactory() : DesignTimeContextFactory<PricesMySqlDbContext>(DatabaseProvider.MySql);
