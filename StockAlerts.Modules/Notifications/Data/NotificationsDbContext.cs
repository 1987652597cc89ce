using Microsoft.EntityFrameworkCore;
using StockAlerts.Modules.Shared.Data;

namespace StockAlerts.Modules.Notifications.Data;

internal abstract class NotificationsDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<NotificationRecord> Notifications => Set<NotificationRecord>();

    public DbSet<DeliveryRecord> Deliveries => Set<DeliveryRecord>();

    public DbSet<DeviceRecord> Devices => Set<DeviceRecord>();

    public DbSet<PreferencesRecord> Preferences => Set<PreferencesRecord>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        configurationBuilder.UseModuleConventions();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<NotificationRecord>(notification =>
        {
            notification.ToTable("notifications_notifications");
            notification.HasIndex(entity => entity.FiringId).IsUnique();
            notification.HasIndex(entity => new { entity.UserId, entity.Id });
            // The user's recent ones: catch-up by time and live redelivery.
            notification.HasIndex(entity => new { entity.UserId, entity.CreatedAt });
            notification.Property(entity => entity.UserId).HasMaxLength(128);
            notification.Property(entity => entity.Symbol).HasMaxLength(20);
            notification.Property(entity => entity.Kind).HasMaxLength(30);
            notification.Property(entity => entity.Title).HasMaxLength(200);
            notification.Property(entity => entity.Body).HasMaxLength(1000);
            notification.Property(entity => entity.Action).HasMaxLength(30);
            notification.HasMany(entity => entity.Deliveries).WithOne().HasForeignKey(delivery => delivery.NotificationId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<DeliveryRecord>(delivery =>
        {
            delivery.ToTable("notifications_deliveries");
            delivery.HasIndex(entity => new { entity.NotificationId, entity.Channel, entity.Target }).IsUnique();
            delivery.HasIndex(entity => new { entity.UserId, entity.Status });
            // notifications:deliver-due looks only at rows young enough to still be delivered; CreatedAt never
            // changes, so this index costs an insert nothing on the claim and finish updates.
            delivery.HasIndex(entity => entity.CreatedAt);
            delivery.Property(entity => entity.UserId).HasMaxLength(128);
            delivery.Property(entity => entity.Channel).HasMaxLength(20);
            delivery.Property(entity => entity.Target).HasMaxLength(500);
            delivery.Property(entity => entity.Status).HasMaxLength(20);
            delivery.Property(entity => entity.LastError).HasMaxLength(500);
            delivery.Property(entity => entity.Receipt).HasMaxLength(300);
        });
        modelBuilder.Entity<DeviceRecord>(device =>
        {
            device.ToTable("notifications_devices");
            device.HasIndex(entity => entity.Token).IsUnique();
            device.HasIndex(entity => entity.UserId);
            device.Property(entity => entity.UserId).HasMaxLength(128);
            device.Property(entity => entity.Token).HasMaxLength(512);
            device.Property(entity => entity.Platform).HasMaxLength(10);
            device.Property(entity => entity.AppVersion).HasMaxLength(50);
            device.Property(entity => entity.WebPushP256dh).HasMaxLength(100);
            device.Property(entity => entity.WebPushAuth).HasMaxLength(40);
        });
        modelBuilder.Entity<PreferencesRecord>(preferences =>
        {
            preferences.ToTable("notifications_preferences");
            preferences.HasKey(entity => entity.UserId);
            preferences.Property(entity => entity.UserId).HasMaxLength(128);
            preferences.Property(entity => entity.DefaultChannels).HasMaxLength(40);
            preferences.Property(entity => entity.TimeZone).HasMaxLength(64);
        });
    }
}

internal sealed class NotificationsSqliteDbContext(DbContextOptions<NotificationsSqliteDbContext> options) : NotificationsDbContext(options);

internal sealed class NotificationsMySqlDbContext(DbContextOptions<NotificationsMySqlDbContext> options) : NotificationsDbContext(options);

internal sealed class NotificationsSqliteDesignFactory() : DesignTimeContextFactory<NotificationsSqliteDbContext>(DatabaseProvider.Sqlite);

internal sealed class NotificationsMySqlDesignFactory() : DesignTimeContextFactory<NotificationsMySqlDbContext>(DatabaseProvider.MySql);
