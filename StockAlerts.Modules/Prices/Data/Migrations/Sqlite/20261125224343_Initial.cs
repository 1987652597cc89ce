using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StockAlerts.Modules.Prices.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "prices_bars",
                columns: table => new
                {
                    Symbol = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Start = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Open = table.Column<decimal>(type: "TEXT", precision: 28, scale: 10, nullable: false),
                    High = table.Column<decimal>(type: "TEXT", precision: 28, scale: 10, nullable: false),
                    Low = table.Column<decimal>(type: "TEXT", precision: 28, scale: 10, nullable: false),
                    Close = table.Column<decimal>(type: "TEXT", precision: 28, scale: 10, nullable: false),
                    CloseAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_prices_bars", x => new { x.Symbol, x.Start });
                });

            migrationBuilder.CreateTable(
                name: "prices_instruments",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Symbol = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    Provider = table.Column<string>(type: "TEXT", maxLength: 30, nullable: true),
                    Currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    DisplayName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    ReferencePrice = table.Column<decimal>(type: "TEXT", precision: 28, scale: 10, nullable: false),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_prices_instruments", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_prices_bars_Start",
                table: "prices_bars",
                column: "Start");

            migrationBuilder.CreateIndex(
                name: "IX_prices_instruments_Symbol",
                table: "prices_instruments",
                column: "Symbol",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "prices_bars");

            migrationBuilder.DropTable(
                name: "prices_instruments");
        }
    }
}
