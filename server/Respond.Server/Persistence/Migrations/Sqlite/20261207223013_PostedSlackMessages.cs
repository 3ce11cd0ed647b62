using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Respond.Server.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PostedSlackMessages : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "PostedSlackMessages",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ApprovalRequestId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    OrganizationId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Channel = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Ts = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Mentions = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    ShownVersion = table.Column<int>(type: "INTEGER", nullable: false),
                    Final = table.Column<bool>(type: "INTEGER", nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    NextAttemptAt = table.Column<long>(type: "INTEGER", nullable: false),
                    LockedUntil = table.Column<long>(type: "INTEGER", nullable: true),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    PostedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PostedSlackMessages", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_PostedSlackMessages_ApprovalRequestId",
                table: "PostedSlackMessages",
                column: "ApprovalRequestId");

            migrationBuilder.CreateIndex(
                name: "IX_PostedSlackMessages_Final_NextAttemptAt",
                table: "PostedSlackMessages",
                columns: new[] { "Final", "NextAttemptAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "PostedSlackMessages");
        }
    }
}
