import { SetupChecklist } from '../components/SetupChecklist';
import { useState } from 'react';
import { mutate, useQuery } from '../api/hooks';
import { CONNECT_ORGANIZATION, CREATE_ORGANIZATION, ORGANIZATIONS, TEST_CONNECTION } from '../api/queries';
import { CONNECTORS, connectorSpec, formFromSettings, settingsFromForm } from '../api/connectors';
import type { ConnectorKind, Organization } from '../api/types';
import { nodesOf } from '../api/types';
import { useSession } from '../session';
import { ago, Empty, ErrorBox, errorText, humanEnum, Loading, Modal, StatusBadge, DataTable, DialogButtons } from '../components/ui';
import { AgentsDialog } from './AgentsDialog';

export function ConnectionsPage() {
  const { can, toast } = useSession();
  const { data, error, loading, reload } = useQuery(ORGANIZATIONS);
  const [connecting, setConnecting] = useState<Organization | null>(null);
  const [agentsOf, setAgentsOf] = useState<Organization | null>(null);
  const [creating, setCreating] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  const orgs = nodesOf(data?.organizations);
  const admin = can('Admin');

  const test = async (org: Organization) => {
    setBusy(org.id);
    try {
      const r = await mutate(TEST_CONNECTION, { organizationId: org.id }, 'testConnection');
      if (r.errors.length) toast(errorText(r.errors), 'error');
      else
        toast(
          `${org.name}: ${humanEnum(r.organization?.connectionStatus ?? 'NOT_CONNECTED')}${r.organization?.connectionSimulated ? ' (simulated)' : ''}`,
          r.organization?.connectionStatus === 'HEALTHY' ? 'ok' : 'error',
        );
      await reload();
    } finally {
      setBusy(null);
    }
  };

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Manage Connections</h1>
          <p className="muted">
            Which organizations can execute response actions. Rules still evaluate events and raise alerts without a connection.
          </p>
        </div>
        {admin && (
          <button className="btn" onClick={() => setCreating(true)}>
            Add organization
          </button>
        )}
      </div>
      {admin && <SetupChecklist />}
      <ErrorBox error={error} onRetry={() => void reload()} />
      {loading && !data ? (
        <Loading />
      ) : orgs.length === 0 ? (
        <Empty title="No organizations yet">
          {admin ? 'Add an organization, then connect it so response actions can run.' : 'You have access to no organization.'}
        </Empty>
      ) : (
        <DataTable columns={['Organization', 'Status', 'Connector', 'Last check', 'Error', { hidden: 'Actions' }]}>
          {orgs.map((o) => {
            const c = o.connections[0];
            return (
              <tr key={o.id} data-org={o.id}>
                <td>
                  <strong>{o.name}</strong>
                  <div className="muted small mono">{o.id}</div>
                </td>
                <td>
                  <StatusBadge status={o.connectionStatus} />
                  {o.connectionSimulated && (
                    <span
                      className="badge warn"
                      data-simulated="true"
                      title="Simulated connector: this status says nothing about a real system, and actions act on nothing."
                    >
                      Simulated
                    </span>
                  )}
                </td>
                <td>{c ? (CONNECTORS.find((k) => k.kind === c.connector)?.label ?? c.connector) : <span className="muted">—</span>}</td>
                <td>{ago(c?.lastCheckedAt)}</td>
                <td className="small">{c?.lastError ?? <span className="muted">—</span>}</td>
                <td>
                  {admin && (
                    <div className="row" style={{ justifyContent: 'flex-end' }}>
                      {c?.connector === 'ENDPOINT_AGENT' && (
                        <button className="btn small" onClick={() => setAgentsOf(o)}>
                          Agents
                        </button>
                      )}
                      {c && (
                        <button className="btn small" disabled={busy === o.id} onClick={() => void test(o)}>
                          Test
                        </button>
                      )}
                      <button className={`btn small ${c ? '' : 'primary'}`} onClick={() => setConnecting(o)}>
                        {c ? 'Edit connection' : 'Connect'}
                      </button>
                    </div>
                  )}
                </td>
              </tr>
            );
          })}
        </DataTable>
      )}
      {connecting && (
        <ConnectDialog
          org={connecting}
          onClose={() => setConnecting(null)}
          onDone={(o) => {
            setConnecting(null);
            toast(`${o.name} connected: ${humanEnum(o.connectionStatus)}${o.connectionSimulated ? ' (simulated)' : ''}`);
            void reload();
          }}
        />
      )}
      {agentsOf && (
        <AgentsDialog
          org={agentsOf}
          onClose={() => {
            setAgentsOf(null);
            void reload();
          }}
        />
      )}
      {creating && (
        <CreateOrgDialog
          onClose={() => setCreating(false)}
          onDone={() => {
            setCreating(false);
            void reload();
          }}
        />
      )}
    </div>
  );
}

function ConnectDialog(props: { org: Organization; onClose: () => void; onDone: (o: Organization) => void }) {
  const existing = props.org.connections[0];
  const [kind, setKind] = useState<ConnectorKind>(existing?.connector ?? 'SIMULATED');
  const [values, setValues] = useState<Record<string, string>>(() =>
    existing ? formFromSettings(connectorSpec(existing.connector), existing.settings) : {},
  );
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const spec = connectorSpec(kind);

  const submit = async () => {
    const { settings, errors } = settingsFromForm(spec, values);
    if (errors.length) {
      setError(errors.join(' '));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const r = await mutate(CONNECT_ORGANIZATION, { organizationId: props.org.id, connector: kind, settings }, 'connectOrganization');
      if (r.errors.length || !r.organization) {
        setError(errorText(r.errors));
        return;
      }
      const tested = await mutate(TEST_CONNECTION, { organizationId: props.org.id, connector: kind }, 'testConnection');
      if (tested.errors.length || !tested.organization) setError(errorText(tested.errors));
      else props.onDone(tested.organization);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      title={`Connect ${props.org.name}`}
      onClose={props.onClose}
      footer={<DialogButtons onCancel={props.onClose} submit="Connect and test" onSubmit={() => void submit()} disabled={busy} />}
    >
      <label className="field">
        Connector
        <select value={kind} onChange={(e) => setKind(e.target.value as ConnectorKind)}>
          {CONNECTORS.map((c) => (
            <option key={c.kind} value={c.kind}>
              {c.label}
            </option>
          ))}
        </select>
        <span className="help">{spec.description}</span>
      </label>
      {spec.settings.map((s) => (
        <label key={s.key} className="field">
          {s.label}
          {s.kind === 'choice' && s.options ? (
            <select value={values[s.key] ?? s.options[0]} onChange={(e) => setValues({ ...values, [s.key]: e.target.value })}>
              {s.options.map((o) => (
                <option key={o} value={o}>
                  {humanEnum(o)}
                </option>
              ))}
            </select>
          ) : s.kind === 'flag' ? (
            <select value={values[s.key] ?? 'false'} onChange={(e) => setValues({ ...values, [s.key]: e.target.value })}>
              <option value="false">No</option>
              <option value="true">Yes</option>
            </select>
          ) : (
            <input
              type={s.secret ? 'password' : 'text'}
              inputMode={s.kind === 'number' ? 'numeric' : undefined}
              autoComplete="off"
              value={values[s.key] ?? ''}
              placeholder={s.secret && existing?.secretNames.includes(s.key) ? '•••••• stored; type to replace' : ''}
              onChange={(e) => setValues({ ...values, [s.key]: e.target.value })}
            />
          )}
          {s.secret && <span className="help">Write-only: stored encrypted, never shown again.</span>}
          {s.help && <span className="help">{s.help}</span>}
        </label>
      ))}
      <ErrorBox error={error} />
    </Modal>
  );
}

function CreateOrgDialog(props: { onClose: () => void; onDone: () => void }) {
  const [name, setName] = useState('');
  const [id, setId] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    const r = await mutate(CREATE_ORGANIZATION, { name, id: id || null }, 'createOrganization');
    if (r.errors.length) setError(errorText(r.errors));
    else props.onDone();
  };
  return (
    <Modal
      open
      title="Add organization"
      onClose={props.onClose}
      footer={<DialogButtons onCancel={props.onClose} submit="Add" onSubmit={() => void submit()} disabled={!name.trim()} />}
    >
      <label className="field">
        Name
        <input value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <label className="field">
        Id (optional)
        <input value={id} onChange={(e) => setId(e.target.value)} className="mono" />
        <span className="help">Letters, digits, dot, dash; generated when empty.</span>
      </label>
      <ErrorBox error={error} />
    </Modal>
  );
}
