using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StockAlerts.Modules.Alerts.Data.Migrations.MySql
{
    /// <inheritdoc />
    public partial class FiringPublishedAt : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "PublishedAt",
                table: "alerts_firings",
                type: "datetime(6)",
                nullable: true);

            // Firings from before this column were published when they were saved; without this the repair job
            // would announce the last day's firings again.
            migrationBuilder.Sql("UPDATE alerts_firings SET PublishedAt = FiredAt;");

            migrationBuilder.CreateIndex(
                name: "IX_alerts_firings_PublishedAt_FiredAt",
                table: "alerts_firings",
                columns: new[] { "PublishedAt", "FiredAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_alerts_firings_PublishedAt_FiredAt",
                table: "alerts_firings");

            migrationBuilder.DropColumn(
                name: "PublishedAt",
                table: "alerts_firings");
        }
    }
}
