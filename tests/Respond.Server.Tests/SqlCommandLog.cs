using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Respond.Server.Tests;

/// <summary>Records the SQL text of every command EF Core executes in a host, for tests that count a page's queries.</summary>
public sealed class SqlCommandLog : ILoggerProvider
{
    private const string Category = "Microsoft.EntityFrameworkCore.Database.Command";
    private readonly ConcurrentQueue<string> _texts = new();
    public IEnumerable<string> Texts => _texts;
    public void Clear() => _texts.Clear();

    /// <summary>The fixture, its host logging executed commands here.</summary>
    public RespondApiFixture Attach(RespondApiFixture api) =>
        api.WithServices(s => s.AddLogging(b => b.AddProvider(this).AddFilter<SqlCommandLog>(Category, LogLevel.Information)));

    /// <summary>Commands executed since <see cref="Clear"/> that read any of <paramref name="tables"/>.</summary>
    public int Reading(params string[] tables) => _texts.Count(t => tables.Any(table => t.Contains($"FROM \"{table}\"", StringComparison.Ordinal)));

    public ILogger CreateLogger(string categoryName) => new Recorder(categoryName == Category ? _texts : null);
    public void Dispose() { }

    private sealed class Recorder(ConcurrentQueue<string>? texts) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => texts is not null;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (texts is not null && eventId.Name?.EndsWith("CommandExecuted", StringComparison.Ordinal) == true) texts.Enqueue(formatter(state, exception));
        }
    }
}
