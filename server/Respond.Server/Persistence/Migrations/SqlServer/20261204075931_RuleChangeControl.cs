using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Respond.Server.Persistence.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class RuleChangeControl : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ActivationApprovedBy",
                table: "RuleVersions",
                type: "nvarchar(max)",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Organizations",
                table: "RuleVersions",
                type: "nvarchar(2000)",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ActivatedBy",
                table: "Rules",
                type: "nvarchar(max)",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ActivationApprovedBy",
                table: "Rules",
                type: "nvarchar(max)",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "EditedBy",
                table: "Rules",
                type: "nvarchar(max)",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PendingActivationRequestId",
                table: "Rules",
                type: "nvarchar(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "RunningVersion",
                table: "Rules",
                type: "int",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Kind",
                table: "ApprovalRequests",
                type: "nvarchar(24)",
                maxLength: 24,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "RuleActivatedBy",
                table: "ApprovalRequests",
                type: "nvarchar(max)",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RuleDiffJson",
                table: "ApprovalRequests",
                type: "nvarchar(max)",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RuleEditedBy",
                table: "ApprovalRequests",
                type: "nvarchar(max)",
                nullable: false,
                defaultValue: "[]");

            // DATA: keep when regenerating
            // Requests before change control were a person's (ACTION) or an approval gate's (GATE).
            migrationBuilder.Sql("UPDATE ApprovalRequests SET Kind = CASE WHEN WorkflowInstanceId IS NOT NULL THEN 'Gate' ELSE 'Action' END;");
            // Active rules keep running the version they run now. Their last changer is the best record of who armed and
            // edited them. None has a second principal's approval: their automatic destructive actions wait for a person
            // each time until their activation is approved (activateRule asks for it).
            migrationBuilder.Sql("UPDATE Rules SET EditedBy = COALESCE(UpdatedBy, CreatedBy), " +
                "ActivatedBy = CASE WHEN Status = 'Active' THEN COALESCE(UpdatedBy, CreatedBy) ELSE NULL END, " +
                "RunningVersion = CASE WHEN Status = 'Active' AND IsValid = 1 THEN Version ELSE NULL END;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ActivationApprovedBy",
                table: "RuleVersions");

            migrationBuilder.DropColumn(
                name: "Organizations",
                table: "RuleVersions");

            migrationBuilder.DropColumn(
                name: "ActivatedBy",
                table: "Rules");

            migrationBuilder.DropColumn(
                name: "ActivationApprovedBy",
                table: "Rules");

            migrationBuilder.DropColumn(
                name: "EditedBy",
                table: "Rules");

            migrationBuilder.DropColumn(
                name: "PendingActivationRequestId",
                table: "Rules");

            migrationBuilder.DropColumn(
                name: "RunningVersion",
                table: "Rules");

            migrationBuilder.DropColumn(
                name: "Kind",
                table: "ApprovalRequests");

            migrationBuilder.DropColumn(
                name: "RuleActivatedBy",
                table: "ApprovalRequests");

            migrationBuilder.DropColumn(
                name: "RuleDiffJson",
                table: "ApprovalRequests");

            migrationBuilder.DropColumn(
                name: "RuleEditedBy",
                table: "ApprovalRequests");
        }
    }
}
