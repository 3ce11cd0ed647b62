using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Respond.Server.Persistence.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class WindowSnapshotIds : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "PK_WindowSnapshots",
                table: "WindowSnapshots");

            migrationBuilder.AddColumn<long>(
                name: "SnapshotId",
                table: "WindowSnapshots",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "WindowsSnapshotId",
                table: "EvaluationCheckpoints",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddPrimaryKey(
                name: "PK_WindowSnapshots",
                table: "WindowSnapshots",
                columns: new[] { "OrganizationId", "SnapshotId", "Part" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "PK_WindowSnapshots",
                table: "WindowSnapshots");

            migrationBuilder.DropColumn(
                name: "SnapshotId",
                table: "WindowSnapshots");

            migrationBuilder.DropColumn(
                name: "WindowsSnapshotId",
                table: "EvaluationCheckpoints");

            migrationBuilder.AddPrimaryKey(
                name: "PK_WindowSnapshots",
                table: "WindowSnapshots",
                columns: new[] { "OrganizationId", "Part" });
        }
    }
}
