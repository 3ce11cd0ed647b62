using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Respond.Server.Persistence.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class ApprovalQuorum : Migration
    {
        /// <inheritdoc />
        // Rows from before quorums: one approval, no decisions recorded, no policies.
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ApprovalPolicies",
                table: "Settings",
                type: "nvarchar(max)",
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<int>(
                name: "ApprovalsRequired",
                table: "ApprovalRequests",
                type: "int",
                nullable: false,
                defaultValue: 1);

            migrationBuilder.AddColumn<string>(
                name: "Decisions",
                table: "ApprovalRequests",
                type: "nvarchar(max)",
                nullable: false,
                defaultValue: "[]");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ApprovalPolicies",
                table: "Settings");

            migrationBuilder.DropColumn(
                name: "ApprovalsRequired",
                table: "ApprovalRequests");

            migrationBuilder.DropColumn(
                name: "Decisions",
                table: "ApprovalRequests");
        }
    }
}
