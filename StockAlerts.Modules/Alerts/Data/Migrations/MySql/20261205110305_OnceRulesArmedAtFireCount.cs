using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StockAlerts.Modules.Alerts.Data.Migrations.MySql
{
    /// <inheritdoc />
    public partial class OnceRulesArmedAtFireCount : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "ArmedAtFireCount",
                table: "alerts_rules",
                type: "int",
                nullable: false,
                defaultValue: 0);

            // A "once" rule stored as triggered fired since it was armed; every other rule is armed at its count.
            migrationBuilder.Sql("UPDATE alerts_rules SET ArmedAtFireCount = CASE WHEN FrequencyType = 'Once' AND State = 'triggered' AND FireCount > 0 THEN FireCount - 1 ELSE FireCount END;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ArmedAtFireCount",
                table: "alerts_rules");
        }
    }
}
