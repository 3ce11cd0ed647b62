using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Respond.Server.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AuditChainPosition : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "ChainPosition",
                table: "AuditEntries",
                type: "INTEGER",
                nullable: true);

            // Entries sealed before positions existed were sealed in id order: their position is their id.
            migrationBuilder.Sql("UPDATE \"AuditEntries\" SET \"ChainPosition\" = \"Id\" WHERE \"Hash\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_ChainPosition",
                table: "AuditEntries",
                column: "ChainPosition",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_AuditEntries_ChainPosition",
                table: "AuditEntries");

            migrationBuilder.DropColumn(
                name: "ChainPosition",
                table: "AuditEntries");
        }
    }
}
