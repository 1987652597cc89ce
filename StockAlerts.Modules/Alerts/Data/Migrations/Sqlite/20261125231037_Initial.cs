using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StockAlerts.Modules.Alerts.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "alerts_firings",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    RuleId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Sequence = table.Column<int>(type: "INTEGER", nullable: false),
                    UserId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Symbol = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Price = table.Column<decimal>(type: "TEXT", precision: 28, scale: 10, nullable: false),
                    ComparedValue = table.Column<decimal>(type: "TEXT", precision: 28, scale: 10, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    Message = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    FiredAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_alerts_firings", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "alerts_rules",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    UserId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Symbol = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    ConditionType = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    Level = table.Column<decimal>(type: "TEXT", precision: 28, scale: 10, nullable: true),
                    Lower = table.Column<decimal>(type: "TEXT", precision: 28, scale: 10, nullable: true),
                    Upper = table.Column<decimal>(type: "TEXT", precision: 28, scale: 10, nullable: true),
                    Amount = table.Column<decimal>(type: "TEXT", precision: 28, scale: 10, nullable: true),
                    Percent = table.Column<decimal>(type: "TEXT", precision: 28, scale: 10, nullable: true),
                    WindowMinutes = table.Column<int>(type: "INTEGER", nullable: true),
                    Reference = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    ReferencePrice = table.Column<decimal>(type: "TEXT", precision: 28, scale: 10, nullable: true),
                    Direction = table.Column<string>(type: "TEXT", maxLength: 10, nullable: true),
                    FrequencyType = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    CooldownSeconds = table.Column<int>(type: "INTEGER", nullable: false),
                    MaxFires = table.Column<int>(type: "INTEGER", nullable: true),
                    HysteresisMargin = table.Column<decimal>(type: "TEXT", precision: 28, scale: 10, nullable: true),
                    RearmAfterSeconds = table.Column<int>(type: "INTEGER", nullable: true),
                    ConfirmationSeconds = table.Column<int>(type: "INTEGER", nullable: false),
                    ExpiresAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ScheduleDays = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    ScheduleFrom = table.Column<TimeOnly>(type: "TEXT", nullable: true),
                    ScheduleTo = table.Column<TimeOnly>(type: "TEXT", nullable: true),
                    TimeZone = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Channels = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    WebhookUrl = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    WebhookSecret = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    MessageTemplate = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    Paused = table.Column<bool>(type: "INTEGER", nullable: false),
                    PausedUntil = table.Column<DateTime>(type: "TEXT", nullable: true),
                    State = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    StateReason = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    Version = table.Column<long>(type: "INTEGER", nullable: false),
                    FireCount = table.Column<int>(type: "INTEGER", nullable: false),
                    LastFiredAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastFiredPrice = table.Column<decimal>(type: "TEXT", precision: 28, scale: 10, nullable: true),
                    Armed = table.Column<bool>(type: "INTEGER", nullable: false),
                    TrailingExtreme = table.Column<decimal>(type: "TEXT", precision: 28, scale: 10, nullable: true),
                    StepAnchor = table.Column<decimal>(type: "TEXT", precision: 28, scale: 10, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_alerts_rules", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_alerts_firings_RuleId_Sequence",
                table: "alerts_firings",
                columns: new[] { "RuleId", "Sequence" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_alerts_firings_UserId_FiredAt",
                table: "alerts_firings",
                columns: new[] { "UserId", "FiredAt" });

            migrationBuilder.CreateIndex(
                name: "IX_alerts_rules_UpdatedAt",
                table: "alerts_rules",
                column: "UpdatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_alerts_rules_UserId_Symbol",
                table: "alerts_rules",
                columns: new[] { "UserId", "Symbol" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "alerts_firings");

            migrationBuilder.DropTable(
                name: "alerts_rules");
        }
    }
}
