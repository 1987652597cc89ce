using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StockAlerts.Modules.Alerts.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class CrossesEitherWay : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // "crosses" now fires either way. A rule made under the old meaning watched one direction, picked from
            // the price at its creation: it keeps that meaning under the one-way type that says so.
            migrationBuilder.Sql("UPDATE alerts_rules SET ConditionType = 'CrossesAbove' WHERE ConditionType = 'Crosses' AND Direction = 'Up'");
            migrationBuilder.Sql("UPDATE alerts_rules SET ConditionType = 'CrossesBelow' WHERE ConditionType = 'Crosses' AND Direction = 'Down'");
            // A crossing either way takes no re-arm margin (the crossing back is the next alert).
            migrationBuilder.Sql("UPDATE alerts_rules SET HysteresisMargin = NULL WHERE ConditionType = 'Crosses'");
            // SQLite (3.35+) drops a column in place; EF's DropColumn would rebuild the table outside a transaction.
            migrationBuilder.Sql("ALTER TABLE alerts_rules DROP COLUMN Direction");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Direction",
                table: "alerts_rules",
                type: "TEXT",
                maxLength: 10,
                nullable: true);
        }
    }
}
