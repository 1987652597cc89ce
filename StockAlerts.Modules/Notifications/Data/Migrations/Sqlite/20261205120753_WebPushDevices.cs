using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StockAlerts.Modules.Notifications.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class WebPushDevices : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "WebPushAuth",
                table: "notifications_devices",
                type: "TEXT",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "WebPushP256dh",
                table: "notifications_devices",
                type: "TEXT",
                maxLength: 100,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "WebPushAuth",
                table: "notifications_devices");

            migrationBuilder.DropColumn(
                name: "WebPushP256dh",
                table: "notifications_devices");
        }
    }
}
