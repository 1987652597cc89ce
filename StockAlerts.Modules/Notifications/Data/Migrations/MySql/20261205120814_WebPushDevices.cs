using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StockAlerts.Modules.Notifications.Data.Migrations.MySql
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
                type: "varchar(40)",
                maxLength: 40,
                nullable: true)
                .Annotation("MySql:CharSet", "utf8mb4");

            migrationBuilder.AddColumn<string>(
                name: "WebPushP256dh",
                table: "notifications_devices",
                type: "varchar(100)",
                maxLength: 100,
                nullable: true)
                .Annotation("MySql:CharSet", "utf8mb4");
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
