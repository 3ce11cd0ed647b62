using System.Text.Json.Nodes;
using Respond.Workflows.Runtime;
using Respond.Workflows.Validation;

namespace Respond.Workflows.Activities;

/// <summary>
/// A block type of the rule designer (an Elsa "activity"). Each block declares what it is (<see cref="Descriptor"/>),
/// checks the config rules that its typed schema cannot express, and runs: <see cref="Compile"/> once per rule version,
/// <see cref="ExecuteAsync"/> per instance.
/// </summary>
public abstract class Block
{
    public abstract BlockDescriptor Descriptor { get; }

    /// <summary>Block-specific checks, run after the generic schema checks of <see cref="BlockDescriptor.Config"/>.</summary>
    public virtual void ValidateConfig(JsonObject config, ValidationContext context)
    {
    }

    /// <summary>
    /// Parses the node's config once per rule version (regexes, CIDRs, durations, field paths) so that running an
    /// event does no JSON work on the definition. Only called for definitions the validator accepted.
    /// </summary>
    public virtual object? Compile(WorkflowNode node, WorkflowDefinition definition) => null;

    /// <summary>Runs the block for one instance: leave by a port, end the branch, or suspend on a bookmark.</summary>
    public virtual ValueTask<BlockResult> ExecuteAsync(BlockContext context, CancellationToken ct) =>
        throw new NotSupportedException($"{Descriptor.Id} cannot be executed.");
}
