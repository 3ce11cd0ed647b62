using System.Globalization;

namespace Respond.LoadDriver;

/// <summary>The driver's command line.</summary>
public sealed class BenchOptions
{
    public string? Out { get; private set; }
    public string Configuration { get; private set; } = "Release";
    public string? ServerDll { get; private set; }
    public int Events { get; private set; } = 200_000;
    public int WarmupEvents { get; private set; } = 10_000;
    public int IngestOnlyEvents { get; private set; } = 50_000;
    public int BatchSize { get; private set; } = 1_000;
    public int Senders { get; private set; } = 2;
    public int Organizations { get; private set; } = 10;
    public int Rules { get; private set; } = RuleSet.BaseCount;
    public int LatencySeconds { get; private set; } = 40;
    public int LatencyWarmupSeconds { get; private set; } = 5;
    public int LatencyRate { get; private set; } = 1_000;
    public int LatencyRequestSize { get; private set; } = 100;
    public int ProbesPerRequest { get; private set; } = 2;
    public bool Keep { get; private set; }
    public string? ProbeLog { get; private set; }
    public bool PostgreSql { get; private set; }
    public string? Connection { get; private set; }
    public bool ExistingDatabase { get; private set; }
    public int Nodes { get; private set; } = 1;
    public Dictionary<string, string> ServerEnvironment { get; } = new(StringComparer.Ordinal);

    public const string Usage = """
        Respond.LoadDriver: the ingestion benchmark (docs/performance.md). Build the server first: dotnet build -c Release
          --out <file>              write the results into this markdown file (between its results markers)
          --configuration <c>       Release (default) or Debug: which server build to start
          --server <dll>            start this Respond.Server.dll instead
          --events <n>              events of the measured pipeline phase (200000)
          --warmup <n>              events sent before measuring the store-only path and the pipeline, each (10000)
          --ingest-only <n>         events measured while Respond is off, the store-only path (50000; 0 skips)
          --batch <n>               events per POST /api/events and per naive transaction (1000)
          --senders <n>             concurrent HTTP senders (2)
          --organizations <n>       organizations bootstrapped, events spread over them (10)
          --rules <n>               active rules besides the latency probe (101: the base set; more adds match rules of the
                                    same shapes whose values never occur, as in real rule libraries)
          --latency-seconds <n>     duration of the steady-load latency phase (40)
          --latency-warmup <n>      seconds of the same steady load before it, not measured (5): a server that has run
                                    for a while has compiled its subscription and small-chunk paths
          --latency-rate <n>        events per second in that phase (1000)
          --latency-request <n>     events per request in that phase (100)
          --probes <n>              bench.alert probes per request in that phase (2)
          --server-env KEY=VALUE    an extra environment variable for the server (repeatable), e.g. DOTNET_gcServer=0
          --keep                    keep the temporary directory (server database, naive database)
          --probe-log <file>        write each measured probe as a CSV line: its send time (UTC, ISO 8601) and its latency
                                    in ms, to line the tail up with a trace of the server (e.g. its garbage collections)
          --provider <p>            sqlite (default) or postgresql
          --connection "<cs>"       PostgreSQL: a server connection string whose role may create databases; a throw-away
                                    database is made on it and dropped afterwards
          --existing-database       PostgreSQL: run in the (empty) database --connection names instead; it is left in place
          --nodes <n>               server processes on the one PostgreSQL database, clustered (1); senders are spread
                                    round-robin over them, and each probe's alert is awaited on another node than the one
                                    that received it
        """;

    public static BenchOptions? Parse(string[] args)
    {
        var o = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int Number() => int.Parse(Value(), NumberStyles.Integer, CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "--out": o.Out = Value(); break;
                case "--configuration" or "-c": o.Configuration = Value(); break;
                case "--server": o.ServerDll = Path.GetFullPath(Value()); break;
                case "--events": o.Events = Number(); break;
                case "--warmup": o.WarmupEvents = Number(); break;
                case "--ingest-only": o.IngestOnlyEvents = Number(); break;
                case "--batch": o.BatchSize = Number(); break;
                case "--senders": o.Senders = Number(); break;
                case "--organizations": o.Organizations = Number(); break;
                case "--rules": o.Rules = Math.Max(RuleSet.BaseCount, Number()); break;
                case "--latency-seconds": o.LatencySeconds = Number(); break;
                case "--latency-warmup": o.LatencyWarmupSeconds = Number(); break;
                case "--latency-rate": o.LatencyRate = Number(); break;
                case "--latency-request": o.LatencyRequestSize = Number(); break;
                case "--probes": o.ProbesPerRequest = Number(); break;
                case "--keep": o.Keep = true; break;
                case "--probe-log": o.ProbeLog = Path.GetFullPath(Value()); break;
                case "--provider":
                    var provider = Value();
                    if (provider is not ("sqlite" or "postgresql")) return Refuse("--provider is sqlite or postgresql");
                    o.PostgreSql = provider == "postgresql";
                    break;
                case "--connection": o.Connection = Value(); break;
                case "--existing-database": o.ExistingDatabase = true; break;
                case "--nodes": o.Nodes = Number(); break;
                case "--server-env":
                    var pair = Value().Split('=', 2);
                    o.ServerEnvironment[pair[0]] = pair.Length > 1 ? pair[1] : "";
                    break;
                case "--help" or "-h":
                    Console.WriteLine(Usage);
                    return null;
                default:
                    Console.Error.WriteLine($"Unknown argument {args[i]}\n{Usage}");
                    return null;
            }
        }
        if (o.PostgreSql && string.IsNullOrWhiteSpace(o.Connection)) return Refuse("--connection is required with --provider postgresql");
        if (!o.PostgreSql && (o.Connection is not null || o.ExistingDatabase)) return Refuse("--connection and --existing-database need --provider postgresql");
        if (o.Nodes < 1) return Refuse("--nodes must be at least 1");
        if (o.Nodes > 1 && !o.PostgreSql) return Refuse("--nodes above 1 needs --provider postgresql (SQLite is one node)");
        return o;
    }

    private static BenchOptions? Refuse(string message)
    {
        Console.Error.WriteLine($"{message}\n{Usage}");
        return null;
    }
}
