namespace Respond.Workflows; public sealed class Placeholder;
