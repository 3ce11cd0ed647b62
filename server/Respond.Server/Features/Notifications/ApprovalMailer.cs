using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;
using Respond.Server.Features.Approvals;

namespace Respond.Server.Features.Notifications;

/// <summary>
/// Approval mail through the configured SMTP server (MailKit): the evidence and a link to the decision page. The link
/// names the request and nothing else (no token, no code): deciding always needs signing in.
/// </summary>
public sealed class ApprovalMailer(IOptions<EmailOptions> options)
{
    public bool Enabled => options.Value.Enabled;

    public static MimeMessage Compose(ApprovalEvidence evidence, string from, string toAddress)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(toAddress));
        message.Subject = $"[Respond] {evidence.Heading}";
        message.Body = new TextPart("plain")
        {
            Text = $"""
                {evidence.Heading}

                Rule:         {evidence.RuleName ?? "(none: submitted by a person)"}
                Alert:        {evidence.AlertTitle ?? "(none)"}
                Action:       {string.Join("; ", evidence.Actions)}
                Requested by: {evidence.RequestedBy}
                Approvals:    {evidence.ApprovalsReceived} of {evidence.ApprovalsRequired}
                Expires:      {evidence.ExpiresAt:u}

                Decide in Respond (you will be asked to sign in): {evidence.DecisionPage.AbsoluteUri}
                """,
        };
        return message;
    }

    public async Task SendAsync(ApprovalEvidence evidence, string toAddress, CancellationToken ct)
    {
        var settings = options.Value;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(settings.Timeout);
        using var client = new SmtpClient();
        await client.ConnectAsync(settings.Host!, settings.Port, SocketOptions(settings.Security), timeout.Token);
        if (settings is { UserName: { } user, Password: { } password }) await client.AuthenticateAsync(user, password, timeout.Token);
        await client.SendAsync(Compose(evidence, settings.From, toAddress), timeout.Token);
        await client.DisconnectAsync(true, timeout.Token);
    }

    internal static SecureSocketOptions SocketOptions(EmailSecurity security) => security switch
    {
        EmailSecurity.None => SecureSocketOptions.None,
        EmailSecurity.Auto => SecureSocketOptions.Auto,
        EmailSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        EmailSecurity.StartTls => SecureSocketOptions.StartTls,
        EmailSecurity.StartTlsWhenAvailable => SecureSocketOptions.StartTlsWhenAvailable,
        _ => throw new ArgumentOutOfRangeException(nameof(security), security, "Not a way to secure the connection to the SMTP server."),
    };

    /// <summary>
    /// Whether <paramref name="address"/> is a mailbox (<c>Respond &lt;respond@example.com&gt;</c> or a bare address).
    /// Never inlined: the options' check at start holds the call (made only when mail is on), and MimeKit's parser
    /// inlined there would load MimeKit on every server.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    internal static bool IsMailbox(string address) => MailboxAddress.TryParse(address, out _);
}
