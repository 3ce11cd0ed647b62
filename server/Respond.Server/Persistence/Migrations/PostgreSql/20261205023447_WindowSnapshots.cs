using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Respond.Server.Persistence.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class WindowSnapshots : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Windows move from a row per window to a snapshot per organization. The old rows are not converted: the
            // snapshot position goes back to the start of the log, so the first start-up rebuilds every window by
            // replaying the log (docs/how-rules-run.md).
            migrationBuilder.DropTable(
                name: "WindowStates");

            migrationBuilder.Sql("UPDATE \"EvaluationCheckpoints\" SET \"WindowsSequence\" = 0");

            migrationBuilder.CreateTable(
                name: "WindowSnapshots",
                columns: table => new
                {
                    OrganizationId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Part = table.Column<int>(type: "integer", nullable: false),
                    Data = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WindowSnapshots", x => new { x.OrganizationId, x.Part });
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "WindowSnapshots");

            migrationBuilder.CreateTable(
                name: "WindowStates",
                columns: table => new
                {
                    RuleId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    NodeId = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    GroupKey = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: false),
                    EntriesJson = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WindowStates", x => new { x.RuleId, x.NodeId, x.GroupKey });
                });
        }
    }
}
