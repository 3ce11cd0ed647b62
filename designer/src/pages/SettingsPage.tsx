import { useState } from 'react';
import { CloseIcon } from '../components/icons';
import { mutate, useQuery } from '../api/hooks';
import { SETTINGS_OF, TURN_OFF, UPDATE_APPROVALS, UPDATE_AUTO_RESPONSE } from '../api/queries';
import type { ActiveHoursWindow, RespondSettings, ResponseActionType, UserError } from '../api/types';
import { ACTION_TYPES } from '../api/types';
import { useSession } from '../session';
import { Confirm, ErrorBox, errorText, humanEnum, Loading, when } from '../components/ui';
import { ApprovalPoliciesSection } from './ApprovalPoliciesSection';
import { navigate } from '../router';

const DAYS = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'];
type Payload = { settings: RespondSettings | null; errors: UserError[] };

/** The defaults every organization inherits (Admins of every organization only) or one organization's own settings. */
export function SettingsPage() {
  const { viewer, settings: defaults, setSettings, can } = useSession();
  const [scope, setScope] = useState(viewer.allOrganizations ? '' : (viewer.organizations[0]?.id ?? ''));
  const scoped = useQuery(SETTINGS_OF, { organizationId: scope }, scope === '' || !can('Admin'));
  if (!can('Admin'))
    return (
      <div className="page">
        <h1>Settings</h1>
        <p className="muted">Only administrators can change workspace settings.</p>
      </div>
    );
  const settings = scope === '' ? defaults : scoped.current ? scoped.data?.respondSettings : undefined;
  const saved = (s: RespondSettings) => (scope === '' ? setSettings(s) : scoped.setData({ respondSettings: s }));
  return (
    <div className="page" style={{ maxWidth: 900 }}>
      <h1>Settings</h1>
      <label className="field" style={{ maxWidth: 420 }}>
        Settings of
        <select value={scope} onChange={(e) => setScope(e.target.value)}>
          {viewer.allOrganizations && <option value="">Defaults for every organization</option>}
          {viewer.organizations.map((o) => (
            <option key={o.id} value={o.id}>
              {o.name}
            </option>
          ))}
        </select>
      </label>
      <ErrorBox error={scope === '' ? null : scoped.error} onRetry={() => void scoped.reload()} />
      {settings ? (
        <>
          <p className="muted">
            {settings.organizationId && settings.inheritsDefaults
              ? 'This organization uses the defaults; saving a change here gives it settings of its own. '
              : ''}
            Version {settings.version}, changed {when(settings.updatedAt)}.
          </p>
          <SettingsForm
            key={`${scope}:${settings.organizationId ?? ''}`}
            settings={settings}
            organizationId={scope || null}
            onSaved={saved}
          />
        </>
      ) : (
        <Loading />
      )}
    </div>
  );
}

function SettingsForm(props: { settings: RespondSettings; organizationId: string | null; onSaved: (s: RespondSettings) => void }) {
  const { settings, organizationId } = props;
  const { toast, reloadSession } = useSession();
  const [required, setRequired] = useState<ResponseActionType[]>(settings.approvalRequirements);
  const [auto, setAuto] = useState(settings.autoResponse);
  const [hoursOn, setHoursOn] = useState(!!settings.autoResponse.activeHours);
  const [tz, setTz] = useState(settings.autoResponse.activeHours?.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone);
  const [windows, setWindows] = useState<ActiveHoursWindow[]>(
    settings.autoResponse.activeHours?.windows ?? [{ days: DAYS.slice(0, 5), from: '18:00', to: '08:00' }],
  );
  const [error, setError] = useState<string | null>(null);
  const [confirmOff, setConfirmOff] = useState(false);

  const apply = (r: Payload, done: string) => {
    if (r.errors.length || !r.settings) {
      setError(errorText(r.errors));
      return false;
    }
    props.onSaved(r.settings);
    setError(null);
    toast(done);
    return true;
  };
  const saveApprovals = async () =>
    apply(
      await mutate(
        UPDATE_APPROVALS,
        { approvalRequired: required, organizationId, expectedVersion: settings.version },
        'updateApprovalRequirements',
      ),
      'Approval requirements saved',
    );
  const saveAuto = async () =>
    apply(
      await mutate(
        UPDATE_AUTO_RESPONSE,
        {
          autoIsolateOnCritical: auto.autoIsolateOnCritical,
          autoKillOnHigh: auto.autoKillOnHigh,
          alwaysRequireApproval: auto.alwaysRequireApproval,
          activeHours: hoursOn ? { timeZone: tz, windows } : null,
          organizationId,
          expectedVersion: settings.version,
        },
        'updateAutoResponseSettings',
      ),
      'Auto-response settings saved',
    );
  const turnOff = async () => {
    setConfirmOff(false);
    if (
      apply(
        await mutate(TURN_OFF, { confirm: true, organizationId, expectedVersion: settings.version }, 'turnOffRespond'),
        'Respond is off: rules no longer evaluate events',
      )
    ) {
      await reloadSession();
      if (!organizationId) navigate('/turn-on');
    }
  };
  const toggle = (list: ResponseActionType[], t: ResponseActionType) => (list.includes(t) ? list.filter((x) => x !== t) : [...list, t]);

  return (
    <>
      <ErrorBox error={error} />
      <div className="stack">
        <section className="card stack">
          <h2>Approval requirements</h2>
          <p className="muted small">Action types that always need a second person's approval, whatever the rule's outcome.</p>
          <div className="grid-cards" style={{ gridTemplateColumns: 'repeat(auto-fill, minmax(240px, 1fr))', gap: 6 }}>
            {ACTION_TYPES.map((t) => (
              <label key={t} className="check">
                <input type="checkbox" checked={required.includes(t)} onChange={() => setRequired(toggle(required, t))} />
                {humanEnum(t)}
              </label>
            ))}
          </div>
          <div>
            <button className="btn primary" onClick={() => void saveApprovals()}>
              Save approval requirements
            </button>
          </div>
        </section>
        <ApprovalPoliciesSection settings={settings} organizationId={organizationId} onSaved={apply} />
        <section className="card stack">
          <h2>Auto-response</h2>
          <label className="check">
            <input
              type="checkbox"
              checked={auto.autoIsolateOnCritical}
              onChange={(e) => setAuto({ ...auto, autoIsolateOnCritical: e.target.checked })}
            />
            Isolate the device automatically on critical alerts
          </label>
          <label className="check">
            <input type="checkbox" checked={auto.autoKillOnHigh} onChange={(e) => setAuto({ ...auto, autoKillOnHigh: e.target.checked })} />
            Kill the process automatically on high alerts
          </label>
          <label className="check">
            <input type="checkbox" checked={hoursOn} onChange={(e) => setHoursOn(e.target.checked)} />
            Only during active hours
          </label>
          {hoursOn && (
            <div className="subform">
              <label className="field">
                Time zone
                <input list="tz-list" value={tz} onChange={(e) => setTz(e.target.value)} />
              </label>
              {windows.map((w, i) => (
                <div key={i} className="row">
                  {DAYS.map((d) => (
                    <label key={d} className="check small">
                      <input
                        type="checkbox"
                        checked={w.days.includes(d)}
                        onChange={() =>
                          setWindows(
                            windows.map((x, j) =>
                              j === i ? { ...x, days: x.days.includes(d) ? x.days.filter((y) => y !== d) : [...x.days, d] } : x,
                            ),
                          )
                        }
                      />
                      {d}
                    </label>
                  ))}
                  <label className="small">
                    From{' '}
                    <input
                      type="time"
                      value={w.from}
                      onChange={(e) => setWindows(windows.map((x, j) => (j === i ? { ...x, from: e.target.value } : x)))}
                    />
                  </label>
                  <label className="small">
                    To{' '}
                    <input
                      type="time"
                      value={w.to}
                      onChange={(e) => setWindows(windows.map((x, j) => (j === i ? { ...x, to: e.target.value } : x)))}
                    />
                  </label>
                  <button
                    className="btn small ghost"
                    aria-label={`Remove window ${i + 1}`}
                    onClick={() => setWindows(windows.filter((_, j) => j !== i))}
                  >
                    <CloseIcon />
                  </button>
                </div>
              ))}
              <div>
                <button
                  className="btn small"
                  onClick={() => setWindows([...windows, { days: ['SAT', 'SUN'], from: '00:00', to: '23:59' }])}
                >
                  Add window
                </button>
              </div>
            </div>
          )}
          <fieldset style={{ border: 0, padding: 0 }}>
            <legend className="small" style={{ fontWeight: 600 }}>
              Always require approval for
            </legend>
            <div className="row">
              {ACTION_TYPES.map((t) => (
                <label key={t} className="check small">
                  <input
                    type="checkbox"
                    checked={auto.alwaysRequireApproval.includes(t)}
                    onChange={() => setAuto({ ...auto, alwaysRequireApproval: toggle(auto.alwaysRequireApproval, t) })}
                  />
                  {humanEnum(t)}
                </label>
              ))}
            </div>
          </fieldset>
          <div>
            <button className="btn primary" onClick={() => void saveAuto()}>
              Save auto-response
            </button>
          </div>
        </section>
        <section className="card stack">
          <h2>Turn Respond off</h2>
          <p className="muted small">Rules stop evaluating new events; nothing is deleted. You can turn it on again at any time.</p>
          <div>
            <button className="btn danger" disabled={!settings.enabled} onClick={() => setConfirmOff(true)}>
              Turn off Respond
            </button>
          </div>
        </section>
      </div>
      <Confirm
        open={confirmOff}
        danger
        title="Turn Respond off?"
        confirm="Turn off"
        onCancel={() => setConfirmOff(false)}
        onConfirm={() => void turnOff()}
        body={
          <p>
            {organizationId ? 'This organization stops' : 'Every organization that uses the defaults stops'} evaluating Respond rules.
            Pending approvals stay, and nothing runs automatically until it is turned on again.
          </p>
        }
      />
    </>
  );
}
