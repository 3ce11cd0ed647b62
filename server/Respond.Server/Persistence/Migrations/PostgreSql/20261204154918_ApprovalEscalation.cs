using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Respond.Server.Persistence.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class ApprovalEscalation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<List<string>>(
                name: "OnCall",
                table: "Settings",
                type: "text[]",
                nullable: false);

            migrationBuilder.AddColumn<string>(
                name: "AutoApproveReason",
                table: "ApprovalRequests",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Escalation",
                table: "ApprovalRequests",
                type: "text",
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<int>(
                name: "EscalationLevel",
                table: "ApprovalRequests",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "Fallback",
                table: "ApprovalRequests",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "Expire");

            migrationBuilder.AddColumn<long>(
                name: "NextEscalationAt",
                table: "ApprovalRequests",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Notices",
                table: "ApprovalRequests",
                type: "text",
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
