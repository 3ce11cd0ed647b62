using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

// In process: the worker pool needs Respond.ScriptWorker.dll next to the running assembly, which BenchmarkDotNet's
// generated out-of-process project would not have; and on a 2-core machine it saves a build per benchmark.
// Short runs keep the whole suite to a few minutes; the percentile columns are over iterations.
var config = DefaultConfig.Instance
    .AddJob(Job.Default
        .WithToolchain(InProcessEmitToolchain.Instance)
        .WithLaunchCount(1)
        .WithWarmupCount(3)
        .WithIterationCount(15)
        .WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(250)))
    .AddColumn(StatisticColumn.P50, StatisticColumn.P95)
    .WithOptions(ConfigOptions.JoinSummary);

BenchmarkSwitcher.FromAssembly(typeof(Respond.Benchmarks.ScriptCompileBenchmarks).Assembly).Run(args, config);
