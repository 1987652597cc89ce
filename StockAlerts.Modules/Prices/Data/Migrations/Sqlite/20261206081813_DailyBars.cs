using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StockAlerts.Modules.Prices.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DailyBars : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "prices_daily_bars",
                columns: table => new
                {
                    Symbol = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Day = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Open = table.Column<decimal>(type: "TEXT", precision: 28, scale: 10, nullable: false),
                    High = table.Column<decimal>(type: "TEXT", precision: 28, scale: 10, nullable: false),
                    Low = table.Column<decimal>(type: "TEXT", precision: 28, scale: 10, nullable: false),
                    Close = table.Column<decimal>(type: "TEXT", precision: 28, scale: 10, nullable: false),
                    Minutes = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_prices_daily_bars", x => new { x.Symbol, x.Day });
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "prices_daily_bars");
        }
    }
}
