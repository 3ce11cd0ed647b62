import { useState } from 'react';
import { mutate, useQuery } from '../api/hooks';
import { AGENTS, CREATE_ENROLLMENT_TOKEN, REVOKE_AGENT, REVOKE_ENROLLMENT_TOKEN } from '../api/queries';
import type { AgentEnrollmentToken, EndpointAgent, Organization } from '../api/types';
import { ago, Empty, ErrorBox, errorText, Loading, Modal, when, DataTable, DialogButtons } from '../components/ui';
import { useSession } from '../session';

/** The endpoint agents of one organization: enrol devices with a one-use token, see who is connected, revoke. */
export function AgentsDialog(props: { org: Organization; onClose: () => void }) {
  const { toast } = useSession();
  const { data, error, loading, reload } = useQuery(AGENTS, { org: props.org.id });
  const [issued, setIssued] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<EndpointAgent | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const now = Date.now();
  const openTokens = (data?.agentEnrollmentTokens ?? []).filter((t) => !t.usedAt && !t.revokedAt && Date.parse(t.expiresAt) > now);

  const createToken = async () => {
    setFailure(null);
    const r = await mutate(CREATE_ENROLLMENT_TOKEN, { organizationId: props.org.id, expiresIn: 'PT24H' }, 'createAgentEnrollmentToken');
    if (r.errors.length || !r.token) {
      setFailure(errorText(r.errors));
      return;
    }
    setIssued(r.token);
    await reload();
  };

  const revokeToken = async (t: AgentEnrollmentToken) => {
    const r = await mutate(REVOKE_ENROLLMENT_TOKEN, { enrollmentTokenId: t.id }, 'revokeAgentEnrollmentToken');
    if (r.errors.length) setFailure(errorText(r.errors));
    else toast('Enrolment token revoked');
    await reload();
  };

  const command = issued && `dotnet Respond.Agent.dll --server ${window.location.origin} --token ${issued} --device-id <device id>`;

  return (
    <Modal
      open
      wide
      title={`Endpoint agents of ${props.org.name}`}
      onClose={props.onClose}
      footer={<DialogButtons onCancel={props.onClose} cancel="Close" submit="Create enrolment token" onSubmit={() => void createToken()} />}
    >
      <p className="muted">
        Devices enrol once with a one-use token and then hold a channel to Respond; actions on a device go to its agent.
      </p>
      {issued && (
        <div className="card stack" data-testid="issued-token">
          <strong>Enrolment token (shown this once, valid 24 hours, one device)</strong>
          <code className="mono small" style={{ wordBreak: 'break-all' }}>
            {issued}
          </code>
          <span className="help">
            On the device: <code className="mono">{command}</code>
          </span>
          <div className="row">
            <button className="btn small" onClick={() => void navigator.clipboard?.writeText(issued)}>
              Copy token
            </button>
          </div>
        </div>
      )}
      <ErrorBox error={error ?? failure} onRetry={error ? () => void reload() : undefined} />
      {loading && !data ? (
        <Loading />
      ) : (data?.agents.length ?? 0) === 0 ? (
        <Empty title="No agent has enrolled">Create an enrolment token and start the agent on a device with it.</Empty>
      ) : (
        <DataTable columns={['Device', 'Host', 'State', 'Last seen', { hidden: 'Actions' }]}>
          {data!.agents.map((a) => (
            <tr key={a.id} data-agent={a.deviceId}>
              <td className="mono">{a.deviceId}</td>
              <td>
                {a.hostname}
                <div className="muted small">{a.os}</div>
              </td>
              <td>
                {a.revokedAt ? (
                  <span className="badge plain" title={a.revokedReason ?? undefined}>
                    Revoked {when(a.revokedAt)}
                  </span>
                ) : (
                  <span className={`badge ${a.connected ? 'ok' : 'warn'}`}>{a.connected ? 'Connected' : 'Offline'}</span>
                )}
              </td>
              <td>{ago(a.lastSeenAt)}</td>
              <td>
                {!a.revokedAt && (
                  <button className="btn small danger" onClick={() => setRevoking(a)}>
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      {openTokens.length > 0 && (
        <>
          <h3>Unused enrolment tokens</h3>
          <ul className="plain-list">
            {openTokens.map((t) => (
              <li key={t.id} className="row" style={{ justifyContent: 'space-between' }}>
                <span className="small">
                  Created {when(t.createdAt)} by {t.createdBy}; expires {when(t.expiresAt)}
                </span>
                <button className="btn small" onClick={() => void revokeToken(t)}>
                  Revoke token
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      {revoking && (
        <RevokeAgentDialog
          agent={revoking}
          onClose={() => setRevoking(null)}
          onDone={() => {
            setRevoking(null);
            toast(`Agent of ${revoking.deviceId} revoked`);
            void reload();
          }}
        />
      )}
    </Modal>
  );
}

function RevokeAgentDialog(props: { agent: EndpointAgent; onClose: () => void; onDone: () => void }) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    const r = await mutate(REVOKE_AGENT, { agentId: props.agent.id, reason: reason.trim() || null }, 'revokeAgent');
    if (r.errors.length) setError(errorText(r.errors));
    else props.onDone();
  };
  return (
    <Modal
      open
      title={`Revoke the agent of ${props.agent.deviceId}?`}
      onClose={props.onClose}
      footer={<DialogButtons onCancel={props.onClose} submit="Revoke agent" onSubmit={() => void submit()} danger />}
    >
      <p>
        Its credential stops working at once and its channel is dropped: no action reaches the device until it enrols again with a new
        token.
      </p>
      <label className="field">
        Reason
        <input value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} placeholder="e.g. laptop reported stolen" />
      </label>
      <ErrorBox error={error} />
    </Modal>
  );
}
