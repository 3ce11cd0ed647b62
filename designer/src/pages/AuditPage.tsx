import { useState } from 'react';
import { useQuery } from '../api/hooks';
import { AUDIT } from '../api/queries';
import { nodesOf } from '../api/types';
import { downloadFromServer } from '../api/respondClient';
import { useSession } from '../session';
import { Empty, ErrorBox, Loading, when, DataTable } from '../components/ui';

export function AuditPage() {
  const [action, setAction] = useState('');
  const [subjectType, setSubjectType] = useState('');
  const [actorId, setActorId] = useState('');
  const [from, setFrom] = useState('');
  const where = {
    ...(action ? { action } : {}),
    ...(subjectType ? { subjectType } : {}),
    ...(actorId ? { actorId } : {}),
    ...(from ? { from: `${from}T00:00:00Z` } : {}),
  };
  const { data, error, loading, reload } = useQuery(AUDIT, { where });
  const { toast, orgName } = useSession();
  const [exporting, setExporting] = useState(false);
  // The server's export: every matching entry (not only the rows on screen), oldest first, with each entry's hash and
  // the previous one's, so the chain can be checked offline (docs/actions.md, "Tamper evidence").
  const exportCsv = async () => {
    setExporting(true);
    try {
      await downloadFromServer('/api/audit/export', { format: 'csv', ...where }, 'respond-audit.csv');
    } catch (e) {
      toast(e instanceof Error ? e.message : String(e), 'error');
    } finally {
      setExporting(false);
    }
  };
  const entries = nodesOf(data?.auditTrail);
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Audit trail</h1>
          <p className="muted">Every decision and change: who, what, when, before and after.</p>
        </div>
        <button className="btn" disabled={exporting || !entries.length} onClick={() => void exportCsv()}>
          Export CSV
        </button>
      </div>
      <div className="filters">
        <label>
          Action starts with
          <input value={action} onChange={(e) => setAction(e.target.value)} placeholder="rule." />
        </label>
        <label>
          Subject type
          <input value={subjectType} onChange={(e) => setSubjectType(e.target.value)} placeholder="Rule" />
        </label>
        <label>
          Actor id
          <input value={actorId} onChange={(e) => setActorId(e.target.value)} placeholder="Only by … on a row fills it" />
        </label>
        <label>
          From
          <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
        </label>
      </div>
      <ErrorBox error={error} onRetry={() => void reload()} />
      {loading && !data ? (
        <Loading />
      ) : entries.length === 0 ? (
        <Empty title="No audit entries match" />
      ) : (
        <DataTable columns={['When', 'Actor', 'Action', 'Subject', 'Organizations']}>
          {entries.map((e) => (
            <tr key={e.id}>
              <td className="small">{when(e.at)}</td>
              <td>
                <span title={e.actorId}>{e.actorName}</span>
                <div>
                  <button className="btn small" onClick={() => setActorId(e.actorId)}>
                    Only by {e.actorName}
                  </button>
                </div>
              </td>
              <td>
                <code>{e.action}</code>
              </td>
              <td className="small">
                {e.subjectType} <span className="mono">{e.subjectId}</span>
              </td>
              <td className="small">{e.organizationIds.map(orgName).join(', ') || '—'}</td>
            </tr>
          ))}
        </DataTable>
      )}
      {data?.auditTrail.pageInfo.hasNextPage && (
        <p className="muted small">Showing the newest {entries.length}; narrow the filters to see older entries.</p>
      )}
    </div>
  );
}
