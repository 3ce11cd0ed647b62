using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Respond.Server.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SharedWebhookReplayGuard : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AcceptedWebhookCallbacks",
                columns: table => new
                {
                    OrganizationId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Signature = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ForgetAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AcceptedWebhookCallbacks", x => new { x.OrganizationId, x.Signature });
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AcceptedWebhookCallbacks");
        }
    }
}
