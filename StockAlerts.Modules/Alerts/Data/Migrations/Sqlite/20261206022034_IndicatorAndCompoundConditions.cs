using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StockAlerts.Modules.Alerts.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class IndicatorAndCompoundConditions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ConditionJson",
                table: "alerts_rules",
                type: "TEXT",
                maxLength: 4000,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ConditionJson",
                table: "alerts_rules");
        }
    }
}
