namespace Respond.Server.Features.Alerts;

/// <summary>
/// Fields another feature adds to <see cref="AlertType"/>: an alert's evidence (its events, its run, the approvals and
/// actions it caused) lives in those features' tables. They reference Alerts, so Alerts references none of them (no
/// namespace cycle); each registers its fields here in DI and <see cref="AlertType"/> adds them.
/// </summary>
public interface IAlertEvidenceFields
{
    void AddTo(AlertType alert);
}
