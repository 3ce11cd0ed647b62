using Xunit.Abstractions;
using Xunit.Sdk;

namespace Respond.Workflows.Tests.Scripting;

/// <summary>Runs a class's <see cref="RunsLastAttribute"/> tests after all its other tests (the corpus), in name order otherwise.</summary>
public sealed class AfterCorpusOrderer : ITestCaseOrderer
{
    public const string TypeName = "Respond.Workflows.Tests.Scripting.AfterCorpusOrderer";
    public const string AssemblyName = "Respond.Workflows.Tests";

    public IEnumerable<TTestCase> OrderTestCases<TTestCase>(IEnumerable<TTestCase> testCases) where TTestCase : ITestCase =>
        testCases
            .OrderBy(c => c.TestMethod.Method.GetCustomAttributes(typeof(RunsLastAttribute)).Any())
            .ThenBy(c => c.DisplayName, StringComparer.Ordinal);
}

[AttributeUsage(AttributeTargets.Method)]
public sealed class RunsLastAttribute : Attribute;
