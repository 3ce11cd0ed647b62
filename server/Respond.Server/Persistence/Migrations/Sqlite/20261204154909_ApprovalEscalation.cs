using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Respond.Server.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ApprovalEscalation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "OnCall",
                table: "Settings",
                type: "TEXT",
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<string>(
                name: "AutoApproveReason",
                table: "ApprovalRequests",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Escalation",
                table: "ApprovalRequests",
                type: "TEXT",
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<int>(
                name: "EscalationLevel",
                table: "ApprovalRequests",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "Fallback",
                table: "ApprovalRequests",
                type: "TEXT",
                maxLength: 16,
                nullable: false,
                defaultValue: "Expire");

            migrationBuilder.AddColumn<long>(
                name: "NextEscalationAt",
                table: "ApprovalRequests",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Notices",
                table: "ApprovalRequests",
                type: "TEXT",
                nullable: false,
                defaultValue: "[]");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "OnCall",
                table: "Settings");

            migrationBuilder.DropColumn(
                name: "AutoApproveReason",
                table: "ApprovalRequests");

            migrationBuilder.DropColumn(
                name: "Escalation",
                table: "ApprovalRequests");

            migrationBuilder.DropColumn(
                name: "EscalationLevel",
                table: "ApprovalRequests");

            migrationBuilder.DropColumn(
                name: "Fallback",
                table: "ApprovalRequests");

            migrationBuilder.DropColumn(
                name: "NextEscalationAt",
                table: "ApprovalRequests");

            migrationBuilder.DropColumn(
                name: "Notices",
                table: "ApprovalRequests");
        }
    }
}
