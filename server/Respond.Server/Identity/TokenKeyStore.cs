using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;
using Respond.Server.Persistence;

namespace Respond.Server.Identity;

/// <summary>
/// Gives OpenIddict RSA keys kept in Respond's database: tokens issued before a restart stay valid after it,
/// and every node of a SQL Server cluster signs with the same keys. Created on first use.
/// </summary>
internal sealed class TokenKeyStore(IServiceScopeFactory scopes, TimeProvider time) : IConfigureOptions<OpenIddictServerOptions>
{
    public const string Signing = "signing";
    public const string Encryption = "encryption";

    public void Configure(OpenIddictServerOptions options)
    {
        // OpenIddict reads its options synchronously once; the database is migrated before the host starts.
        options.SigningCredentials.Add(new SigningCredentials(Load(Signing), SecurityAlgorithms.RsaSha256));
        options.EncryptionCredentials.Add(new EncryptingCredentials(Load(Encryption), SecurityAlgorithms.RsaOAEP, SecurityAlgorithms.Aes256CbcHmacSha512));
    }

    private RsaSecurityKey Load(string purpose)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RespondDbContext>();
        var key = db.TokenKeys.AsNoTracking().SingleOrDefault(k => k.Purpose == purpose);
        if (key is null)
        {
            using var created = RSA.Create(2048);
            key = new TokenKey { Purpose = purpose, PrivateKeyPem = created.ExportPkcs8PrivateKeyPem(), CreatedAt = time.GetUtcNow() };
            db.TokenKeys.Add(key);
            try
            {
                db.SaveChanges();
            }
            catch (DbUpdateException)
            {
                // Another node created it first: use theirs.
                db.ChangeTracker.Clear();
                key = db.TokenKeys.AsNoTracking().Single(k => k.Purpose == purpose);
            }
        }
        var rsa = RSA.Create();
        rsa.ImportFromPem(key.PrivateKeyPem);
        return new RsaSecurityKey(rsa) { KeyId = purpose + "-" + key.CreatedAt.ToUnixTimeSeconds() };
    }
}
