namespace Respond.Workflows;

/// <summary>What a response action operates on; decides the default target field of the event.</summary>
public enum ActionTargetKind
{
    Device,
    User,
    Ip,
    Process,
    File,
}
