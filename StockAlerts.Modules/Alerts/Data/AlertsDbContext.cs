using Microsoft.EntityFrameworkCore;
using StockAlerts.Modules.Shared.Data;

namespace StockAlerts.Modules.Alerts.Data;

internal abstract class AlertsDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<AlertRuleRecord> Rules => Set<AlertRuleRecord>();

    public DbSet<AlertFiringRecord> Firings => Set<AlertFiringRecord>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        configurationBuilder.UseModuleConventions();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<AlertRuleRecord>(rule =>
        {
            rule.ToTable("alerts_rules");
            rule.HasIndex(entity => new { entity.UserId, entity.Symbol });
            rule.HasIndex(entity => entity.UpdatedAt);
            rule.HasIndex(entity => entity.Shard);
            // The snooze job looks every 5 s for snoozes that ran out: without it, a scan of every rule.
            rule.HasIndex(entity => entity.PausedUntil);
            rule.Property(entity => entity.UserId).HasMaxLength(128);
            rule.Property(entity => entity.Symbol).HasMaxLength(20);
            rule.Property(entity => entity.Name).HasMaxLength(100);
            rule.Property(entity => entity.ConditionType).HasMaxLength(30);
            rule.Property(entity => entity.Reference).HasMaxLength(20);
            rule.Property(entity => entity.ConditionJson).HasMaxLength(StoredConditions.MaxLength);
            rule.Property(entity => entity.FrequencyType).HasMaxLength(20);
            rule.Property(entity => entity.ScheduleDays).HasMaxLength(40);
            rule.Property(entity => entity.TimeZone).HasMaxLength(64);
            rule.Property(entity => entity.Channels).HasMaxLength(40);
            rule.Property(entity => entity.WebhookUrl).HasMaxLength(500);
            rule.Property(entity => entity.WebhookSecret).HasMaxLength(200);
            rule.Property(entity => entity.MessageTemplate).HasMaxLength(500);
            rule.Property(entity => entity.State).HasMaxLength(20);
            rule.Property(entity => entity.StateReason).HasMaxLength(100);
        });
        modelBuilder.Entity<AlertFiringRecord>(firing =>
        {
            firing.ToTable("alerts_firings");
            firing.HasIndex(entity => new { entity.RuleId, entity.Sequence }).IsUnique();
            firing.HasIndex(entity => new { entity.UserId, entity.FiredAt });
            firing.HasIndex(entity => new { entity.PublishedAt, entity.FiredAt });
            firing.Property(entity => entity.UserId).HasMaxLength(128);
            firing.Property(entity => entity.Symbol).HasMaxLength(20);
            firing.Property(entity => entity.Description).HasMaxLength(AlertFiringRecord.DescriptionLength);
            firing.Property(entity => entity.Message).HasMaxLength(1000);
        });
    }
}

internal sealed class AlertsSqliteDbContext(DbContextOptions<AlertsSqliteDbContext> options) : AlertsDbContext(options);

internal sealed class AlertsMySqlDbContext(DbContextOptions<AlertsMySqlDbContext> options) : AlertsDbContext(options);

internal sealed class AlertsSqliteDesignFactory() : DesignTimeContextFactory<AlertsSqliteDbContext>(DatabaseProvider.Sqlite);

internal sealed class AlertsMySqlDesignFactory() : DesignTimeContextFactory<AlertsMySqlDbContext>(DatabaseProvider.MySql);
