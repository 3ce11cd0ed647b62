using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Respond.Server.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SharedSignInThrottle : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "CredentialFailures",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    FailedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CredentialFailures", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SignInLockouts",
                columns: table => new
                {
                    UserNameKey = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Failures = table.Column<int>(type: "INTEGER", nullable: false),
                    Lockouts = table.Column<int>(type: "INTEGER", nullable: false),
                    LockedUntil = table.Column<long>(type: "INTEGER", nullable: false),
                    LastFailure = table.Column<long>(type: "INTEGER", nullable: false),
                    FailedFromTooManySources = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SignInLockouts", x => x.UserNameKey);
                });

            migrationBuilder.CreateTable(
                name: "SignInLockoutSources",
                columns: table => new
                {
                    UserNameKey = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    FailedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SignInLockoutSources", x => new { x.UserNameKey, x.Source });
                });

            migrationBuilder.CreateIndex(
                name: "IX_CredentialFailures_FailedAt",
                table: "CredentialFailures",
                column: "FailedAt");

            migrationBuilder.CreateIndex(
                name: "IX_CredentialFailures_Kind_Key_FailedAt",
                table: "CredentialFailures",
                columns: new[] { "Kind", "Key", "FailedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_SignInLockouts_LastFailure",
                table: "SignInLockouts",
                column: "LastFailure");

            migrationBuilder.CreateIndex(
                name: "IX_SignInLockoutSources_FailedAt",
                table: "SignInLockoutSources",
                column: "FailedAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CredentialFailures");

            migrationBuilder.DropTable(
                name: "SignInLockouts");

            migrationBuilder.DropTable(
                name: "SignInLockoutSources");
        }
    }
}
