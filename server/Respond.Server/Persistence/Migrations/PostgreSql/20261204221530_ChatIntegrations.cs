using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Respond.Server.Persistence.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class ChatIntegrations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "NotificationPreferences",
                columns: table => new
                {
                    UserId = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    Email = table.Column<bool>(type: "boolean", nullable: false),
                    SlackDirectMessage = table.Column<bool>(type: "boolean", nullable: false),
                    SlackChannelMention = table.Column<bool>(type: "boolean", nullable: false),
                    RequestsICanDecide = table.Column<bool>(type: "boolean", nullable: false),
                    EscalationsToMe = table.Column<bool>(type: "boolean", nullable: false),
                    UpdatedAt = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_NotificationPreferences", x => x.UserId);
                });

            migrationBuilder.CreateTable(
                name: "SlackIntegrations",
                columns: table => new
                {
                    OrganizationId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    BotTokenProtected = table.Column<string>(type: "text", nullable: false),
                    SigningSecretProtected = table.Column<string>(type: "text", nullable: false),
                    ChannelId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ApiBaseUrl = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: false),
                    UpdatedBy = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    UpdatedAt = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SlackIntegrations", x => x.OrganizationId);
                });

            migrationBuilder.CreateTable(
                name: "SlackInteractionReceipts",
                columns: table => new
                {
                    Signature = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    ReceivedAt = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SlackInteractionReceipts", x => x.Signature);
                });

            migrationBuilder.CreateTable(
                name: "SlackLinkCodes",
                columns: table => new
                {
                    CodeHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    OrganizationId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    SlackTeamId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    SlackUserId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    SlackUserName = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: false),
                    ExpiresAt = table.Column<long>(type: "bigint", nullable: false),
                    UsedAt = table.Column<long>(type: "bigint", nullable: true),
                    UsedBy = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SlackLinkCodes", x => x.CodeHash);
                });

            migrationBuilder.CreateTable(
                name: "SlackUserLinks",
                columns: table => new
                {
                    SlackTeamId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    SlackUserId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    SlackUserName = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    UserId = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    OrganizationId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    LinkedAt = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SlackUserLinks", x => new { x.SlackTeamId, x.SlackUserId });
                });

            migrationBuilder.CreateTable(
                name: "TeamsIntegrations",
                columns: table => new
                {
                    OrganizationId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    WebhookUrlProtected = table.Column<string>(type: "text", nullable: false),
                    WebhookHost = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    UpdatedBy = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    UpdatedAt = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TeamsIntegrations", x => x.OrganizationId);
                });

            migrationBuilder.CreateIndex(
                name: "IX_SlackInteractionReceipts_ReceivedAt",
                table: "SlackInteractionReceipts",
                column: "ReceivedAt");

            migrationBuilder.CreateIndex(
                name: "IX_SlackLinkCodes_ExpiresAt",
                table: "SlackLinkCodes",
                column: "ExpiresAt");

            migrationBuilder.CreateIndex(
                name: "IX_SlackUserLinks_UserId",
                table: "SlackUserLinks",
                column: "UserId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "NotificationPreferences");

            migrationBuilder.DropTable(
                name: "SlackIntegrations");

            migrationBuilder.DropTable(
                name: "SlackInteractionReceipts");

            migrationBuilder.DropTable(
                name: "SlackLinkCodes");

            migrationBuilder.DropTable(
                name: "SlackUserLinks");

            migrationBuilder.DropTable(
                name: "TeamsIntegrations");
        }
    }
}
