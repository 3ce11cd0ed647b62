using System.Text.Json.Nodes;
using Respond.Workflows.Validation;

namespace Respond.Workflows.Activities;

/// <summary>
/// A block type of the rule designer (an Elsa "activity"). Each block declares what it is (<see cref="Descriptor"/>)
/// and checks the config rules that its typed schema cannot express; execution is added to this class later.
/// </summary>
public abstract class Block
{
    public abstract BlockDescriptor Descriptor { get; }

    /// <summary>Block-specific checks, run after the generic schema checks of <see cref="BlockDescriptor.Config"/>.</summary>
    public virtual void ValidateConfig(JsonObject config, ValidationContext context)
    {
    }
}
