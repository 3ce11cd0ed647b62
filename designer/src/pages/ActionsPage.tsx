import { useState } from 'react';
import { mutate, useLive, useQuery, useSubscription } from '../api/hooks';
import {
  AGENT_DEVICES,
  CANCEL_ACTION,
  RESPONSE_ACTION,
  RESPONSE_ACTION_UPDATED,
  RESPONSE_ACTIONS,
  ROLLBACK_ACTION,
  SUBMIT_ACTION,
  SUBMIT_BULK_ACTION,
} from '../api/queries';
import type { ResponseAction, ResponseActionType } from '../api/types';
import { nodesOf } from '../api/types';
import { ACTION_TYPES } from '../api/types';
import { devicesIn, knownDevices, parseTarget, targetFields, targetsDevicesOnly, toggleDevice } from '../api/actionTargets';
import { linkProps, navigate } from '../router';
import { useSession } from '../session';
import {
  ago,
  Empty,
  ErrorBox,
  errorText,
  humanEnum,
  Loading,
  Modal,
  StatusBadge,
  when,
  DataTable,
  EnumOptions,
  DialogButtons,
} from '../components/ui';
import { thrownErrorText } from '../rules/userErrors';

const describeTarget = (a: ResponseAction) =>
  Object.entries(a.target ?? {})
    .filter(([, v]) => v)
    .map(([k, v]) => `${k} ${String(v)}`)
    .join(', ');

function unavailable(error: string | null): boolean {
  return !!error && /responseAction|Cannot query field|Unknown type/i.test(error);
}

export function ActionsPage(props: { actionId?: string }) {
  const { can } = useSession();
  const { data, error, loading, reload } = useQuery(RESPONSE_ACTIONS, { where: {} });
  const [submitting, setSubmitting] = useState(false);
  useSubscription(RESPONSE_ACTION_UPDATED, {}, () => void reload(), !error);
  useLive(() => void reload()); // catch up on changes published before the subscription or during an outage
  if (unavailable(error))
    return (
      <div className="page">
        <h1>Response actions</h1>
        <Empty title="Response actions are not available on this server yet">
          This server's API has no response actions; alerts and approvals still work.
        </Empty>
      </div>
    );
  const actions = nodesOf(data?.responseActions);
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Response actions</h1>
          <p className="muted">Every action, its lifecycle and verification. Submit one by hand or across many devices.</p>
        </div>
        {can('Responder') && (
          <button className="btn primary" onClick={() => setSubmitting(true)}>
            Submit action
          </button>
        )}
      </div>
      <ErrorBox error={error} onRetry={() => void reload()} />
      {props.actionId && <ActionDetail id={props.actionId} />}
      {loading && !data ? (
        <Loading />
      ) : actions.length === 0 ? (
        <Empty title="No response actions yet">Actions appear when a rule runs one, an approval is granted, or you submit one.</Empty>
      ) : (
        <DataTable columns={['Action', 'Status', 'Target', 'Source', 'Verification', 'Submitted']}>
          {actions.map((a) => (
            <tr key={a.id} className="clickable" data-action={a.id} onClick={() => navigate(`/actions/${a.id}`)}>
              <td>
                <a {...linkProps(`/actions/${a.id}`)}>{humanEnum(a.type)}</a>
                <div className="muted small">
                  {a.organizationId}
                  {a.bulkGroupId ? ` · bulk ${a.bulkGroupId}` : ''}
                </div>
              </td>
              <td>
                <StatusBadge status={a.status} />
              </td>
              <td className="small">{describeTarget(a)}</td>
              <td className="small">{humanEnum(a.source)}</td>
              <td>
                <StatusBadge status={a.verificationStatus} />
              </td>
              <td className="small">
                {ago(a.submittedAt)} · {a.submittedBy}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      {submitting && (
        <SubmitDialog
          recent={actions}
          onClose={() => setSubmitting(false)}
          onDone={() => {
            setSubmitting(false);
            void reload();
          }}
        />
      )}
    </div>
  );
}

function ActionDetail({ id }: { id: string }) {
  const { can, toast } = useSession();
  const { data, error, reload, setData } = useQuery(RESPONSE_ACTION, { id });
  useSubscription(RESPONSE_ACTION_UPDATED, { id }, (d) => setData({ responseAction: d.responseActionUpdated }));
  useLive(() => void reload());
  const [reason, setReason] = useState('');
  if (error) return <ErrorBox error={error} />;
  const a = data?.responseAction;
  if (!a) return data ? <ErrorBox error="No such action." /> : <Loading />;
  const cancel = async () => {
    const r = await mutate(CANCEL_ACTION, { id: a.id, reason: reason || null }, 'cancelResponseAction');
    if (r.errors.length) toast(errorText(r.errors), 'error');
    else toast('Action cancelled');
    await reload();
  };
  const rollback = async () => {
    const r = await mutate(ROLLBACK_ACTION, { id: a.id, justification: reason }, 'rollbackResponseAction');
    if (r.errors.length) {
      toast(errorText(r.errors), 'error');
      return;
    }
    toast(r.approvalRequest ? 'Rollback submitted: waiting for another approver' : 'Rollback submitted');
    setReason('');
    if (r.responseAction) navigate(`/actions/${r.responseAction.id}`);
  };
  return (
    <section className="card stack" style={{ marginBottom: 16 }} aria-label="Action detail" data-testid="action-detail">
      <div className="row">
        <h2 style={{ margin: 0 }}>{humanEnum(a.type)}</h2>
        <StatusBadge status={a.status} />
        <span className="spacer" />
        <a {...linkProps('/actions')}>Close</a>
      </div>
      <div className="split">
        <dl className="kv small">
          <dt>Target</dt>
          <dd>{describeTarget(a)}</dd>
          <dt>Organization</dt>
          <dd>{a.organizationId}</dd>
          <dt>Justification</dt>
          <dd>{a.justification ?? '—'}</dd>
          <dt>Submitted</dt>
          <dd>
            {when(a.submittedAt)} by {a.submittedBy}
          </dd>
          <dt>Attempts</dt>
          <dd>{a.attempts}</dd>
          {a.failureReason && (
            <>
              <dt>Failure</dt>
              <dd className="field-error">{a.failureReason}</dd>
            </>
          )}
          <dt>Verification</dt>
          <dd>
            <StatusBadge status={a.verificationStatus} /> {a.verificationDetails}
          </dd>
          {a.approvalRequestId && (
            <>
              <dt>Approval</dt>
              <dd>
                <a {...linkProps('/approvals')}>{a.approvalRequestId}</a>
                {a.approvalReason && <div className="muted">{a.approvalReason}</div>}
              </dd>
            </>
          )}
          {a.automatic && (
            <>
              <dt>Automatic</dt>
              <dd>Ran without approval (automatic rule or auto-response)</dd>
            </>
          )}
          {a.rollbackOf && (
            <>
              <dt>Rolls back</dt>
              <dd>
                <a {...linkProps(`/actions/${a.rollbackOf}`)}>{a.rollbackOf}</a>
              </dd>
            </>
          )}
          {a.rolledBackBy && (
            <>
              <dt>Rolled back by</dt>
              <dd>
                <a {...linkProps(`/actions/${a.rolledBackBy}`)}>{a.rolledBackBy}</a>
              </dd>
            </>
          )}
        </dl>
        <div>
          <h3>Timeline</h3>
          <ol className="timeline" data-testid="timeline">
            {a.timeline.map((t, i) => (
              <li key={i} data-status={t.status}>
                <strong>{humanEnum(t.status)}</strong>{' '}
                <span className="muted small">
                  {when(t.at)}
                  {t.actorName ? ` · ${t.actorName}` : ''}
                </span>
                {t.reason && <div className="small">{t.reason}</div>}
              </li>
            ))}
          </ol>
        </div>
      </div>
      {can('Responder') && ['PENDING_APPROVAL', 'QUEUED'].includes(a.status) && (
        <div className="row">
          <input aria-label="Cancel reason" placeholder="Reason" value={reason} onChange={(e) => setReason(e.target.value)} />
          <button className="btn danger" onClick={() => void cancel()}>
            Cancel action
          </button>
        </div>
      )}
      {can('Responder') && a.canRollBack && (
        <div className="row">
          <input aria-label="Rollback justification" placeholder="Why undo it" value={reason} onChange={(e) => setReason(e.target.value)} />
          <button className="btn" disabled={!reason.trim()} onClick={() => void rollback()}>
            Roll back
          </button>
        </div>
      )}
    </section>
  );
}

function SubmitDialog(props: { recent: ResponseAction[]; onClose: () => void; onDone: () => void }) {
  const { viewer, toast } = useSession();
  const [org, setOrg] = useState(viewer.organizations[0]?.id ?? '');
  const [type, setType] = useState<ResponseActionType>('ISOLATE_DEVICE');
  const [targets, setTargets] = useState('');
  const [justification, setJustification] = useState('');
  const [error, setError] = useState<string | null>(null);
  const fields = targetFields(type);
  const kind = fields.join(' ');
  const list = targets
    .split('\n')
    .map((t) => t.trim())
    .filter(Boolean);
  const devicesOnly = targetsDevicesOnly(type);
  const agents = useQuery(AGENT_DEVICES, { org }, !devicesOnly || !org);
  const devices = knownDevices(
    (agents.data?.agents ?? []).filter((a) => !a.revokedAt).map((a) => a.deviceId),
    props.recent.filter((a) => a.organizationId === org).map((a) => a.target?.deviceId),
  );
  const picked = devicesIn(targets);
  const submit = async () => {
    setError(null);
    const target = (v: string) => parseTarget(type, v);
    try {
      if (list.length > 1) {
        const r = await mutate(
          SUBMIT_BULK_ACTION,
          { organizationId: org, type, targets: list.map(target), justification },
          'submitBulkResponseAction',
        );
        const refused = (r.results ?? [])
          .filter((x) => x.errors.length > 0)
          .map((x) => `line ${x.index + 1} (${list[x.index]}): ${errorText(x.errors)}`);
        if (r.errors.length) {
          setError([errorText(r.errors), ...refused].join('\n'));
          return;
        }
        toast(`Submitted ${list.length - refused.length} of ${list.length} actions (bulk ${r.bulkGroupId})`);
        if (refused.length) {
          setError(refused.join('\n'));
          return;
        }
      } else {
        const r = await mutate(
          SUBMIT_ACTION,
          { organizationId: org, type, target: target(list[0] ?? ''), justification },
          'submitResponseAction',
        );
        if (r.errors.length) {
          setError(errorText(r.errors));
          return;
        }
        toast(r.approvalRequest ? 'Submitted: waiting for another approver' : 'Submitted');
      }
      props.onDone();
    } catch (e) {
      setError(thrownErrorText(e));
    }
  };
  return (
    <Modal
      open
      title="Submit a response action"
      onClose={props.onClose}
      footer={
        <DialogButtons
          onCancel={props.onClose}
          submit={list.length > 1 ? `Submit ${list.length} actions` : 'Submit'}
          onSubmit={() => void submit()}
          disabled={!list.length || !justification.trim()}
        />
      }
    >
      <label className="field">
        Organization
        <select value={org} onChange={(e) => setOrg(e.target.value)}>
          {viewer.organizations.map((o) => (
            <option key={o.id} value={o.id}>
              {o.name}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        Action
        <select value={type} onChange={(e) => setType(e.target.value as ResponseActionType)}>
          <EnumOptions values={ACTION_TYPES} />
        </select>
      </label>
      {devicesOnly && devices.length > 0 && (
        <fieldset className="device-picker">
          <legend>Devices (enrolled or acted on before)</legend>
          {devices.map((d) => (
            <label key={d} className="check">
              <input type="checkbox" checked={picked.has(d)} onChange={() => setTargets(toggleDevice(targets, d))} />{' '}
              <span className="mono">{d}</span>
            </label>
          ))}
        </fieldset>
      )}
      <label className="field">
        Targets ({kind}){' '}
        <textarea
          rows={3}
          value={targets}
          onChange={(e) => setTargets(e.target.value)}
          placeholder={
            fields.length > 1
              ? `One per line: device then ${fields[1]}, e.g. ws-042 ${fields[1] === 'processId' ? '4242' : fields[1] === 'ip' ? '203.0.113.9' : '/tmp/dropper.sh'}; several make a bulk action`
              : 'One per line; several make a bulk action'
          }
        />
        <span className="help">{list.length} selected</span>
      </label>
      <label className="field">
        Justification
        <textarea rows={2} value={justification} onChange={(e) => setJustification(e.target.value)} />
      </label>
      <ErrorBox error={error} />
    </Modal>
  );
}
