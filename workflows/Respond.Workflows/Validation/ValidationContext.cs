namespace Respond.Workflows.Validation;

/// <summary>Collects the config errors of one node so blocks report with the node id and a <c>config.*</c> field path.</summary>
public sealed class ValidationContext(string nodeId, string blockId)
{
    private readonly List<ValidationError> errors = [];

    public string NodeId { get; } = nodeId;

    public string BlockId { get; } = blockId;

    public IReadOnlyList<ValidationError> Errors => errors;

    /// <summary>Reports that the config value at <paramref name="path"/> (relative to <c>config</c>) must meet <paramref name="requirement"/>.</summary>
    /// <example><c>Needs("count", "to be a whole number greater than 0")</c> → "condition.threshold needs 'count' to be a whole number greater than 0".</example>
    public void Needs(string path, string requirement) =>
        errors.Add(new ValidationError(NodeId, "config." + path, $"{BlockId} needs '{path}' {requirement}."));

    /// <summary>Reports a free-text problem with the config value at <paramref name="path"/>.</summary>
    public void Report(string path, string message) =>
        errors.Add(new ValidationError(NodeId, "config." + path, message));
}
