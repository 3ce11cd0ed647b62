import { useState } from 'react';
import { mutate } from '../api/hooks';
import { TURN_ON } from '../api/queries';
import { navigate } from '../router';
import { useSession } from '../session';
import { ErrorBox, errorText } from '../components/ui';

// Seed 000 "Turning Respond on": review, tick every acknowledgement, turn on; a confirmation top right.
const termText: Record<string, string> = {
  RESPONSE_ACTIONS_AFFECT_USERS:
    'I understand that response actions affect real users and devices (isolation, blocked sign-ins, killed processes).',
  AUTOMATION_REQUIRES_VALIDATED_RULES: 'I will validate rules as alert-only or with manual approval before automating them.',
  ACTIONS_REQUIRE_HEALTHY_CONNECTION: 'I understand that actions run only for organizations with a healthy Respond connection.',
};

export function TurnOnPage() {
  const { settings, setSettings, can, toast, reloadSession } = useSession();
  const [checked, setChecked] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  if (settings.enabled)
    return (
      <div className="page">
        <h1>Respond is on</h1>
        <p className="muted">
          Turned on {settings.enabledBy ? `by ${settings.enabledBy}` : ''}. Administrators can turn it off in Settings.
        </p>
        <button className="btn primary" onClick={() => navigate('/connections')}>
          Go to Manage Connections
        </button>
      </div>
    );

  const all = settings.requiredTerms.every((t) => checked.includes(t));
  const turnOn = async () => {
    setBusy(true);
    setError(null);
    try {
      const r = await mutate(TURN_ON, { acknowledgedTerms: checked, expectedVersion: settings.version }, 'turnOnRespond');
      if (r.errors.length || !r.settings) {
        setError(errorText(r.errors));
        return;
      }
      setSettings(r.settings);
      await reloadSession();
      toast('Respond is on. Connect organizations to enable response actions.');
      navigate('/connections');
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="page" style={{ maxWidth: 760 }}>
      <h1>Turn on Respond</h1>
      <p className="muted">
        Respond decides how detected activity escalates: an alert only, a request for human approval, or automatic response actions. Turning
        it on enables the module so you can define rules; it never runs an action by itself.
      </p>
      <div className="card stack">
        <h2>Review before you turn it on</h2>
        <ul className="muted" style={{ margin: 0 }}>
          <li>Respond rules evaluate ingested events and can raise alerts without any connection.</li>
          <li>Response actions (isolate a device, block sign-in, …) run only for organizations with a healthy Respond connection.</li>
          <li>Automated actions reduce immediate risk; they do not replace investigation or remediation.</li>
          <li>Respond does not suppress or deduplicate alerts of other products.</li>
        </ul>
        {can('Admin') ? (
          <>
            <fieldset className="stack" style={{ border: 0, padding: 0, margin: 0 }}>
              <legend className="sr-only">Acknowledgements</legend>
              {settings.requiredTerms.map((t) => (
                <label key={t} className="check">
                  <input
                    type="checkbox"
                    checked={checked.includes(t)}
                    data-term={t}
                    onChange={(e) => setChecked((c) => (e.target.checked ? [...c, t] : c.filter((x) => x !== t)))}
                  />
                  <span>{termText[t] ?? t}</span>
                </label>
              ))}
            </fieldset>
            <ErrorBox error={error} />
            <div>
              <button className="btn primary" disabled={!all || busy} onClick={() => void turnOn()}>
                Turn On Respond
              </button>
            </div>
          </>
        ) : (
          <div className="notice">Only an administrator can turn Respond on.</div>
        )}
      </div>
    </div>
  );
}
