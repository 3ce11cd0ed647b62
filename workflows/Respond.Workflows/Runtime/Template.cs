using System.Text;

namespace Respond.Workflows.Runtime;

/// <summary>
/// Text with <c>{{field.path}}</c> placeholders (alert titles), parsed once. A missing field renders as empty text;
/// rendering never throws, because a title must never stop an alert.
/// </summary>
public sealed class Template
{
    private readonly object[] parts; // string literals and EventFieldPaths

    private Template(object[] parts) => this.parts = parts;

    public static Template Parse(string? text)
    {
        var parts = new List<object>();
        text ??= "";
        var at = 0;
        while (at < text.Length)
        {
            var open = text.IndexOf("{{", at, StringComparison.Ordinal);
            var close = open < 0 ? -1 : text.IndexOf("}}", open + 2, StringComparison.Ordinal);
            if (open < 0 || close < 0)
            {
                parts.Add(text[at..]);
                break;
            }
            if (open > at)
            {
                parts.Add(text[at..open]);
            }
            var path = text[(open + 2)..close].Trim();
            if (path.Length > 0)
            {
                parts.Add(EventFieldPath.Parse(path));
            }
            at = close + 2;
        }
        return new Template([.. parts]);
    }

    public static string Render(string? template, WorkflowEvent e) => Parse(template).Render(e);

    public string Render(WorkflowEvent e)
    {
        var builder = new StringBuilder();
        foreach (var part in parts)
        {
            if (part is EventFieldPath path)
            {
                try
                {
                    builder.Append(EventFieldPath.Text(path.Resolve(e)));
                }
                catch (InvalidOperationException)
                {
                    // An event whose JSON is not readable renders the placeholder empty, like a missing field.
                }
            }
            else
            {
                builder.Append((string)part);
            }
        }
        return builder.ToString();
    }
}
