using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Respond.Server.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class EventIdempotencyKey : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The log's appends find duplicates through this key (EventKey) instead of the unique index on the three
            // texts. The events stored before get theirs from the function the server gives the connection it migrates
            // on (MigrateRespondDatabaseAsync); the index is built after they have it, so the update maintains none.
            migrationBuilder.AddColumn<long>(
                name: "IdempotencyKey",
                table: "Events",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.Sql($"""UPDATE "Events" SET "IdempotencyKey" = {Features.Events.EventKey.SqliteFunction}("OrganizationId", "Source", "EventId");""");

            migrationBuilder.CreateIndex(
                name: "IX_Events_IdempotencyKey",
                table: "Events",
                column: "IdempotencyKey");

            migrationBuilder.DropIndex(
                name: "IX_Events_OrganizationId_Source_EventId",
                table: "Events");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Events_IdempotencyKey",
                table: "Events");

            migrationBuilder.DropColumn(
                name: "IdempotencyKey",
                table: "Events");

            migrationBuilder.CreateIndex(
                name: "IX_Events_OrganizationId_Source_EventId",
                table: "Events",
                columns: new[] { "OrganizationId", "Source", "EventId" },
                unique: true);
        }
    }
}
