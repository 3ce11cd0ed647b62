import { useState } from 'react';
import { mutate, useCursorPages, useLive, useQuery, useSubscription } from '../api/hooks';
import { ACK_ALERT, ALERT_RAISED, ALERTS, CLOSE_ALERT } from '../api/queries';
import type { TypedDocumentString } from '../api/generated/graphql';
import type { Alert, AlertStatus, Severity, UserError } from '../api/types';
import { nodesOf } from '../api/types';
import { SEVERITIES } from '../api/types';
import { linkProps } from '../router';
import { useSession } from '../session';
import {
  ago,
  Empty,
  ErrorBox,
  errorText,
  LiveBadge,
  Loading,
  Pager,
  SeverityBadge,
  StatusBadge,
  DataTable,
  EnumOptions,
} from '../components/ui';

const PAGE = 100;

export function AlertsPage() {
  const { can, toast, orgName } = useSession();
  const [status, setStatus] = useState<AlertStatus | ''>('');
  const [minSeverity, setMinSeverity] = useState<Severity | ''>('');
  const [text, setText] = useState('');
  const where = { ...(status ? { status } : {}), ...(minSeverity ? { minSeverity } : {}), ...(text.trim() ? { text: text.trim() } : {}) };
  const pages = useCursorPages(JSON.stringify(where));
  const { data, error, loading, current, reload, setData } = useQuery(ALERTS, { where, first: PAGE, after: pages.after });
  const [fresh, setFresh] = useState<Set<string>>(new Set());

  useSubscription(ALERT_RAISED, {}, ({ alertRaised }) => {
    setFresh((f) => new Set(f).add(alertRaised.id));
    setData(
      data && pages.index === 0 && !data.alerts.edges?.some((e) => e?.node?.id === alertRaised.id)
        ? {
            alerts: {
              ...data.alerts,
              totalCount: (data.alerts.totalCount ?? 0) + 1,
              edges: [{ node: alertRaised }, ...(data.alerts.edges ?? [])],
            },
          }
        : data,
    );
  });

  const live = useLive(() => void reload());

  const decide = async <K extends string, T extends Record<K, { errors: UserError[] }>>(
    a: Alert,
    query: TypedDocumentString<T, { input: { id: string } }>,
    field: K,
    done: string,
  ) => {
    const r = await mutate(query, { id: a.id }, field);
    if (r.errors.length) toast(errorText(r.errors), 'error');
    else toast(done);
    await reload();
  };
  const alerts = nodesOf(data?.alerts);
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Alerts</h1>
          <p className="muted">Raised by active rules, live as they happen.</p>
        </div>
        <LiveBadge live={live} />
      </div>
      <div className="filters">
        <label>
          Search
          <input type="search" value={text} placeholder="Title, rule or group" onChange={(e) => setText(e.target.value)} />
        </label>
        <label>
          Status
          <select value={status} onChange={(e) => setStatus(e.target.value as AlertStatus | '')}>
            <option value="">All</option>
            <option value="NEW">New</option>
            <option value="ACKNOWLEDGED">Acknowledged</option>
            <option value="CLOSED">Closed</option>
          </select>
        </label>
        <label>
          Minimum severity
          <select value={minSeverity} onChange={(e) => setMinSeverity(e.target.value as Severity | '')}>
            <EnumOptions values={SEVERITIES} any="Any" />
          </select>
        </label>
      </div>
      <ErrorBox error={error} onRetry={() => void reload()} />
      {loading && !data ? (
        <Loading />
      ) : alerts.length === 0 ? (
        <Empty title="No alerts">Alerts appear here the moment an active rule raises one.</Empty>
      ) : (
        <>
          <Pager label="Alerts" pages={pages} size={PAGE} shown={alerts.length} connection={data?.alerts} current={current} />
          <DataTable columns={['Alert', 'Severity', 'Status', 'Rule', 'Events', 'Raised', { hidden: 'Actions' }]}>
            {alerts.map((a) => (
              <tr key={a.id} data-alert={a.id} style={fresh.has(a.id) ? { background: 'var(--accent-soft)' } : undefined}>
                <td>
                  <a {...linkProps(`/alerts/${a.id}`)}>
                    <strong>{a.title}</strong>
                  </a>
                  <div className="muted small">
                    {orgName(a.organizationId)} · {a.groupKey}
                  </div>
                </td>
                <td>
                  <SeverityBadge severity={a.severity} />
                </td>
                <td>
                  <StatusBadge status={a.status} />
                </td>
                <td>
                  <a {...linkProps(`/rules/${a.ruleId}`)}>{a.ruleName}</a>
                </td>
                <td>{a.count}</td>
                <td className="small">{ago(a.createdAt)}</td>
                <td>
                  {can('Responder') && a.status !== 'CLOSED' && (
                    <div className="row">
                      {a.status === 'NEW' && (
                        <button className="btn small" onClick={() => void decide(a, ACK_ALERT, 'acknowledgeAlert', 'Alert acknowledged')}>
                          Acknowledge
                        </button>
                      )}
                      <button className="btn small" onClick={() => void decide(a, CLOSE_ALERT, 'closeAlert', 'Alert closed')}>
                        Close
                      </button>
                    </div>
                  )}
                </td>
              </tr>
            ))}
          </DataTable>
        </>
      )}
    </div>
  );
}
