using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Respond.Server.Persistence.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class EvaluationLog : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "EvaluationCheckpoints",
                columns: table => new
                {
                    OrganizationId = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    Sequence = table.Column<long>(type: "bigint", nullable: false),
                    UpdatedAt = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EvaluationCheckpoints", x => x.OrganizationId);
                });

            migrationBuilder.CreateTable(
                name: "ParkedEvents",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "bigint", nullable: false),
                    OrganizationId = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    EventId = table.Column<string>(type: "nvarchar(128)", maxLength: 128, nullable: false),
                    Source = table.Column<string>(type: "nvarchar(128)", maxLength: 128, nullable: false),
                    Type = table.Column<string>(type: "nvarchar(128)", maxLength: 128, nullable: false),
                    Reason = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: false),
                    Attempts = table.Column<int>(type: "int", nullable: false),
                    ParkedAt = table.Column<long>(type: "bigint", nullable: false),
                    LastRetriedAt = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ParkedEvents", x => x.Sequence);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Events_OrganizationId_Sequence",
                table: "Events",
                columns: new[] { "OrganizationId", "Sequence" });

            migrationBuilder.CreateIndex(
                name: "IX_ParkedEvents_OrganizationId_ParkedAt",
                table: "ParkedEvents",
                columns: new[] { "OrganizationId", "ParkedAt" });

            // DATA: keep when regenerating. Events stored before the log existed were evaluated as they were ingested:
            // each organization's checkpoint starts at its newest event, so an upgrade never evaluates them a second time.
            migrationBuilder.Sql(@"INSERT INTO [EvaluationCheckpoints] ([OrganizationId], [Sequence], [UpdatedAt]) SELECT [OrganizationId], MAX([Sequence]), 0 FROM [Events] GROUP BY [OrganizationId];");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "EvaluationCheckpoints");

            migrationBuilder.DropTable(
                name: "ParkedEvents");

            migrationBuilder.DropIndex(
                name: "IX_Events_OrganizationId_Sequence",
                table: "Events");
        }
    }
}
