using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Respond.Server.Persistence.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class TenantSettings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "PK_Settings",
                table: "Settings");

            migrationBuilder.DropIndex(
                name: "IX_Events_Source_EventId",
                table: "Events");

            migrationBuilder.DropColumn(
                name: "Id",
                table: "Settings");

            migrationBuilder.AddColumn<string>(
                name: "OrganizationId",
                table: "Settings",
                type: "nvarchar(64)",
                maxLength: 64,
                nullable: false,
                // DATA: keep when regenerating. The one global settings row becomes the installation-wide defaults ("*"),
                // which every organization inherits until its first own change (issue 11).
                defaultValue: "*");

            migrationBuilder.AddPrimaryKey(
                name: "PK_Settings",
                table: "Settings",
                column: "OrganizationId");

            migrationBuilder.CreateIndex(
                name: "IX_Events_OrganizationId_Source_EventId",
                table: "Events",
                columns: new[] { "OrganizationId", "Source", "EventId" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // DATA: keep when regenerating. Only the defaults survive a downgrade: the old schema has one settings row.
            migrationBuilder.Sql("DELETE FROM [Settings] WHERE [OrganizationId] <> N'*'");

            migrationBuilder.DropPrimaryKey(
                name: "PK_Settings",
                table: "Settings");

            migrationBuilder.DropIndex(
                name: "IX_Events_OrganizationId_Source_EventId",
                table: "Events");

            migrationBuilder.DropColumn(
                name: "OrganizationId",
                table: "Settings");

            migrationBuilder.AddColumn<int>(
                name: "Id",
                table: "Settings",
                type: "int",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddPrimaryKey(
                name: "PK_Settings",
                table: "Settings",
                column: "Id");

            migrationBuilder.CreateIndex(
                name: "IX_Events_Source_EventId",
                table: "Events",
                columns: new[] { "Source", "EventId" },
                unique: true);
        }
    }
}
