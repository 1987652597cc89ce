using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StockAlerts.Modules.Alerts.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SnoozeIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_alerts_rules_PausedUntil",
                table: "alerts_rules",
                column: "PausedUntil");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_alerts_rules_PausedUntil",
                table: "alerts_rules");
        }
    }
}
