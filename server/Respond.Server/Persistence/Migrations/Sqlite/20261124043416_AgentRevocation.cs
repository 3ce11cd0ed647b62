using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Respond.Server.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AgentRevocation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "RevokedAt",
                table: "Agents",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RevokedBy",
                table: "Agents",
                type: "TEXT",
                maxLength: 128,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RevokedReason",
                table: "Agents",
                type: "TEXT",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "RevokedAt",
                table: "AgentEnrollmentTokens",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RevokedBy",
                table: "AgentEnrollmentTokens",
                type: "TEXT",
                maxLength: 128,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "RevokedAt",
                table: "Agents");

            migrationBuilder.DropColumn(
                name: "RevokedBy",
                table: "Agents");

            migrationBuilder.DropColumn(
                name: "RevokedReason",
                table: "Agents");

            migrationBuilder.DropColumn(
                name: "RevokedAt",
                table: "AgentEnrollmentTokens");

            migrationBuilder.DropColumn(
                name: "RevokedBy",
                table: "AgentEnrollmentTokens");
        }
    }
}
