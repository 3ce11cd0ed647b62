using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Respond.Server.Persistence.Migrations.PostgreSql
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
                    Id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ApprovalRequestId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    OrganizationId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Channel = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Ts = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Mentions = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    ShownVersion = table.Column<int>(type: "integer", nullable: false),
                    Final = table.Column<bool>(type: "boolean", nullable: false),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    NextAttemptAt = table.Column<long>(type: "bigint", nullable: false),
                    LockedUntil = table.Column<long>(type: "bigint", nullable: true),
                    LastError = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    PostedAt = table.Column<long>(type: "bigint", nullable: false)
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
