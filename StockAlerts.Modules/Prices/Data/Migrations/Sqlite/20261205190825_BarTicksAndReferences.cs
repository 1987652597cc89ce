using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StockAlerts.Modules.Prices.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class BarTicksAndReferences : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<decimal>(
                name: "DayOpen",
                table: "prices_bars",
                type: "TEXT",
                precision: 28,
                scale: 10,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "OpenAt",
                table: "prices_bars",
                type: "TEXT",
                nullable: false,
                defaultValue: new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified));

            migrationBuilder.AddColumn<decimal>(
                name: "PreviousClose",
                table: "prices_bars",
                type: "TEXT",
                precision: 28,
                scale: 10,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Ticks",
                table: "prices_bars",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            // Bars recorded before: the open came at the start of the minute as far as anyone knows; 0 ticks is "not counted".
            migrationBuilder.Sql("UPDATE prices_bars SET OpenAt = Start");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "DayOpen",
                table: "prices_bars");

            migrationBuilder.DropColumn(
                name: "OpenAt",
                table: "prices_bars");

            migrationBuilder.DropColumn(
                name: "PreviousClose",
                table: "prices_bars");

            migrationBuilder.DropColumn(
                name: "Ticks",
                table: "prices_bars");
        }
    }
}
