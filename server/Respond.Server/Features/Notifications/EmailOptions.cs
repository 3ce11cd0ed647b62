namespace Respond.Server.Features.Notifications;

/// <summary>
/// The <c>Respond:Email</c> section: the SMTP server approval mails go through. No <see cref="Host"/>: no mail is sent.
/// </summary>
public sealed class EmailOptions
{
    public const string Section = "Respond:Email";

    public string? Host { get; set; }

    public int Port { get; set; } = 587;

    /// <summary>None, Auto, SslOnConnect, StartTls (default: STARTTLS is required), StartTlsWhenAvailable.</summary>
    public EmailSecurity Security { get; set; } = EmailSecurity.StartTls;

    /// <summary>The sender, e.g. <c>Respond &lt;respond@example.com&gt;</c>.</summary>
    public string From { get; set; } = "Respond <respond@localhost>";

    public string? UserName { get; set; }

    public string? Password { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public bool Enabled => !string.IsNullOrWhiteSpace(Host);

    /// <summary>Checked at start when mail is on (a <see cref="Host"/>); without one nothing here is used.</summary>
    public bool IsValid => !Enabled || (Port is > 0 and < 65536 && ApprovalMailer.IsMailbox(From) && Timeout > TimeSpan.Zero
        && (UserName is null) == (Password is null));
}

/// <summary>
/// How the connection to the SMTP server is secured: MailKit's <c>SecureSocketOptions</c>, named here so that binding the
/// options does not load MailKit on a server that sends no mail (<see cref="ApprovalMailer"/> maps it).
/// </summary>
public enum EmailSecurity { None, Auto, SslOnConnect, StartTls, StartTlsWhenAvailable }
