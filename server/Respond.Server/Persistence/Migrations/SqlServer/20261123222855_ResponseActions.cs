using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Respond.Server.Persistence.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class ResponseActions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ProtectedAccounts",
                table: "Settings",
                type: "nvarchar(max)",
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<string>(
                name: "ProtectedDevices",
                table: "Settings",
                type: "nvarchar(max)",
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<string>(
                name: "Hash",
                table: "AuditEntries",
                type: "nvarchar(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PreviousHash",
                table: "AuditEntries",
                type: "nvarchar(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "ResponseActions",
                columns: table => new
                {
                    Id = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    OrganizationId = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    Type = table.Column<string>(type: "nvarchar(48)", maxLength: 48, nullable: false),
                    DeviceId = table.Column<string>(type: "nvarchar(128)", maxLength: 128, nullable: true),
                    UserId = table.Column<string>(type: "nvarchar(256)", maxLength: 256, nullable: true),
                    Ip = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: true),
                    ProcessId = table.Column<int>(type: "int", nullable: true),
                    FilePath = table.Column<string>(type: "nvarchar(1024)", maxLength: 1024, nullable: true),
                    FileSha256 = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: true),
                    ParametersJson = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    Justification = table.Column<string>(type: "nvarchar(max)", nullable: true),
                    Source = table.Column<string>(type: "nvarchar(24)", maxLength: 24, nullable: false),
                    SubmittedBy = table.Column<string>(type: "nvarchar(128)", maxLength: 128, nullable: false),
                    SubmittedAt = table.Column<long>(type: "bigint", nullable: false),
                    AlertId = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: true),
                    RuleId = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: true),
                    RuleVersion = table.Column<int>(type: "int", nullable: true),
                    WorkflowInstanceId = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: true),
                    BulkGroupId = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: true),
                    RollbackOf = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: true),
                    ParentActionId = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: true),
                    Automatic = table.Column<bool>(type: "bit", nullable: false),
                    ApprovalReason = table.Column<string>(type: "nvarchar(max)", nullable: true),
                    ApprovalRequestId = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: true),
                    Status = table.Column<string>(type: "nvarchar(24)", maxLength: 24, nullable: false),
                    Timeline = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    Connector = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: true),
                    Attempts = table.Column<int>(type: "int", nullable: false),
                    AwaitingResult = table.Column<bool>(type: "bit", nullable: false),
                    NextAttemptAt = table.Column<long>(type: "bigint", nullable: true),
                    StartedAt = table.Column<long>(type: "bigint", nullable: true),
                    EndedAt = table.Column<long>(type: "bigint", nullable: true),
                    Result = table.Column<string>(type: "nvarchar(max)", nullable: true),
                    FailureReason = table.Column<string>(type: "nvarchar(max)", nullable: true),
                    FactsJson = table.Column<string>(type: "nvarchar(max)", nullable: true),
                    VerificationStatus = table.Column<string>(type: "nvarchar(24)", maxLength: 24, nullable: false),
                    VerificationDetails = table.Column<string>(type: "nvarchar(max)", nullable: true),
                    VerifiedAt = table.Column<long>(type: "bigint", nullable: true),
                    RolledBackBy = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: true),
                    Version = table.Column<int>(type: "int", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ResponseActions", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_SubjectType_SubjectId",
                table: "AuditEntries",
                columns: new[] { "SubjectType", "SubjectId" });

            migrationBuilder.CreateIndex(
                name: "IX_ResponseActions_AlertId",
                table: "ResponseActions",
                column: "AlertId");

            migrationBuilder.CreateIndex(
                name: "IX_ResponseActions_ApprovalRequestId",
                table: "ResponseActions",
                column: "ApprovalRequestId");

            migrationBuilder.CreateIndex(
                name: "IX_ResponseActions_BulkGroupId",
                table: "ResponseActions",
                column: "BulkGroupId");

            migrationBuilder.CreateIndex(
                name: "IX_ResponseActions_OrganizationId_RuleId_Type_SubmittedAt",
                table: "ResponseActions",
                columns: new[] { "OrganizationId", "RuleId", "Type", "SubmittedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ResponseActions_OrganizationId_SubmittedAt",
                table: "ResponseActions",
                columns: new[] { "OrganizationId", "SubmittedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ResponseActions_Status",
                table: "ResponseActions",
                column: "Status");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ResponseActions");

            migrationBuilder.DropIndex(
                name: "IX_AuditEntries_SubjectType_SubjectId",
                table: "AuditEntries");

            migrationBuilder.DropColumn(
                name: "ProtectedAccounts",
                table: "Settings");

            migrationBuilder.DropColumn(
                name: "ProtectedDevices",
                table: "Settings");

            migrationBuilder.DropColumn(
                name: "Hash",
                table: "AuditEntries");

            migrationBuilder.DropColumn(
                name: "PreviousHash",
                table: "AuditEntries");
        }
    }
}
