using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Respond.Server.Persistence.Migrations.SqlServer
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
                    OrganizationId = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    Signature = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    ForgetAt = table.Column<long>(type: "bigint", nullable: false)
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
