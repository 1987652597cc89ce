using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StockAlerts.Modules.Alerts.Data.Migrations.MySql
{
    /// <inheritdoc />
    public partial class RuleShards : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "Shard",
                table: "alerts_rules",
                type: "int",
                nullable: false,
                // -1: not worked out yet (the hash is C#); the index build fills it in before reading by shard.
                defaultValue: -1);

            migrationBuilder.CreateIndex(
                name: "IX_alerts_rules_Shard",
                table: "alerts_rules",
                column: "Shard");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_alerts_rules_Shard",
                table: "alerts_rules");

            migrationBuilder.DropColumn(
                name: "Shard",
                table: "alerts_rules");
        }
    }
}
