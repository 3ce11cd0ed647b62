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

    /// <summary>
    /// For a block that decides from the event alone (no window, clock, script or side effect): the port it leaves by.
    /// Before it creates an instance the engine asks these blocks, from the trigger on (<see cref="CompiledRule.Proceeds"/>):
    /// an event whose event-only blocks lead nowhere costs no instance. Null for every other block; its
    /// <see cref="ExecuteAsync"/> must take the same port.
    /// </summary>
    public virtual string? DecideOnEvent(CompiledNode node, WorkflowEvent e) => null;

    /// <summary>True when <see cref="DecideOnEvent"/> may throw for some event instead of naming a port (a regex past its time limit).</summary>
    public virtual bool MayNotDecide(CompiledNode node) => false;

    /// <summary>Runs the block for one instance: leave by a port, end the branch, or suspend on a bookmark.</summary>
    public virtual ValueTask<BlockResult> ExecuteAsync(BlockContext context, CancellationToken ct) =>
        throw new NotSupportedException($"{Descriptor.Id} cannot be executed.");
}
