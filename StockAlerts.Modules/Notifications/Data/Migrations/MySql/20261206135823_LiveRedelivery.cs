using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StockAlerts.Modules.Notifications.Data.Migrations.MySql
{
    /// <inheritdoc />
    public partial class LiveRedelivery : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "Live",
                table: "notifications_notifications",
                type: "tinyint(1)",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateIndex(
                name: "IX_notifications_notifications_UserId_CreatedAt",
                table: "notifications_notifications",
                columns: new[] { "UserId", "CreatedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_notifications_notifications_UserId_CreatedAt",
                table: "notifications_notifications");

            migrationBuilder.DropColumn(
                name: "Live",
                table: "notifications_notifications");
        }
    }
}
