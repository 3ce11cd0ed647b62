import { useState } from 'react';
import { useCursorPages, useQuery } from '../api/hooks';
import { RULE, RULE_EXECUTIONS } from '../api/queries';
import { nodesOf } from '../api/types';
import { linkProps } from '../router';
import { useSession } from '../session';
import { ErrorBox, Loading, Pager, StatusBadge, when, DataTable } from '../components/ui';
import { pathStepsOf, RunPath } from '../components/RunPath';

const PAGE = 50;

/** A rule's run history (ruleExecutions): every event it evaluated, newest first, each with the path it took. */
export function RuleRunsPage(props: { ruleId: string }) {
  const { orgName } = useSession();
  const [status, setStatus] = useState('');
  const pages = useCursorPages(status);
  const rule = useQuery(RULE, { id: props.ruleId });
  const where = { ruleId: props.ruleId, ...(status ? { status } : {}) };
  const { data, error, loading, current, reload } = useQuery(RULE_EXECUTIONS, { where, after: pages.after });
  const [open, setOpen] = useState<string | null>(null);
  const runs = nodesOf(data?.ruleExecutions);
  const name = rule.data?.rule?.name ?? props.ruleId;
  return (
    <div className="page">
      <p className="small">
        <a {...linkProps('/rules')}>Rules</a> / <a {...linkProps(`/rules/${props.ruleId}`)}>{name}</a>
      </p>
      <div className="page-head">
        <div>
          <h1>Run history of {name}</h1>
          <p className="muted">Every event the rule evaluated and the path it took through the blocks.</p>
        </div>
      </div>
      <div className="filters">
        <label>
          Status
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">All</option>
            <option value="Completed">Completed</option>
            <option value="Suspended">Waiting (suspended at a gate)</option>
            <option value="Faulted">Faulted</option>
          </select>
        </label>
      </div>
      <ErrorBox error={error ?? rule.error} onRetry={() => void reload()} />
      {loading && !data ? (
        <Loading />
      ) : (
        <>
          <Pager label="Runs" pages={pages} size={PAGE} shown={runs.length} connection={data?.ruleExecutions} current={current} />
          <DataTable columns={['Event', 'Organization', 'Version', 'Status', 'Started', 'Path']}>
            {runs.map((r) => (
              <tr key={r.id} data-run={r.id}>
                <td className="mono small wrap-anywhere">{r.eventId}</td>
                <td>{orgName(r.organizationId)}</td>
                <td>{r.ruleVersion}</td>
                <td>
                  <StatusBadge status={r.status} />
                </td>
                <td className="small">{when(r.startedAt)}</td>
                <td>
                  <button className="btn small" aria-expanded={open === r.id} onClick={() => setOpen(open === r.id ? null : r.id)}>
                    {pathStepsOf(r.path)
                      .map((s) => s.nodeId)
                      .join(' → ') || 'No step'}
                  </button>
                  {open === r.id && <RunPath steps={pathStepsOf(r.path)} />}
                  {r.error && <ErrorBox error={r.error} />}
                </td>
              </tr>
            ))}
          </DataTable>
        </>
      )}
    </div>
  );
}
