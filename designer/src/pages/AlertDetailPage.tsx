import { useCursorPages, useQuery } from '../api/hooks';
import { ALERT } from '../api/queries';
import { nodesOf, textOf } from '../api/types';
import { linkProps } from '../router';
import { useSession } from '../session';
import { withEnumsInWords, ErrorBox, humanEnum, Loading, Pager, SeverityBadge, StatusBadge, when, DataTable } from '../components/ui';
import { pathStepsOf, RunPath } from '../components/RunPath';

const EVENTS_PAGE = 50;

/** Why an alert fired: its events (all of them, paged), the path of the run that raised it, and what it caused. */
export function AlertDetailPage(props: { alertId: string }) {
  const { orgName } = useSession();
  const pages = useCursorPages(props.alertId);
  const { data, error, loading, current, reload } = useQuery(ALERT, { id: props.alertId, after: pages.after });
  const alert = data?.alert;
  if (error && !data)
    return (
      <div className="page">
        <h1>Alert</h1>
        <ErrorBox error={error} onRetry={() => void reload()} />
      </div>
    );
  if (loading && !data)
    return (
      <div className="page">
        <Loading />
      </div>
    );
  if (!alert)
    return (
      <div className="page">
        <h1>Alert not found</h1>
        <p className="muted">There is no alert {props.alertId} in your organizations.</p>
        <a {...linkProps('/alerts')}>Back to Alerts</a>
      </div>
    );
  const events = nodesOf(alert.events);
  const run = alert.ruleExecution;
  return (
    <div className="page" data-alert-detail={alert.id}>
      <p className="small">
        <a {...linkProps('/alerts')}>Alerts</a> / {alert.id}
      </p>
      <div className="page-head">
        <div>
          <h1>{alert.title}</h1>
          <div className="row">
            <SeverityBadge severity={alert.severity} />
            <StatusBadge status={alert.status} />
            <span className="muted">{orgName(alert.organizationId)}</span>
          </div>
        </div>
      </div>
      <dl className="kv">
        <dt>Rule</dt>
        <dd>
          <a {...linkProps(`/rules/${alert.ruleId}`)}>{alert.ruleName}</a> (version {alert.ruleVersion}) ·{' '}
          <a {...linkProps(`/rules/${alert.ruleId}/runs`)}>Run history</a>
        </dd>
        <dt>Grouped by</dt>
        <dd className="wrap-anywhere">{alert.groupKey}</dd>
        <dt>Events</dt>
        <dd data-testid="alert-event-count">
          {alert.count} from {when(alert.firstEventAt)} to {when(alert.lastEventAt)}
        </dd>
        <dt>Raised</dt>
        <dd>{when(alert.createdAt)}</dd>
      </dl>

      <section className="card stack" aria-labelledby="alert-history">
        <h2 id="alert-history">Status history</h2>
        <ol className="path-list" data-testid="status-history">
          {alert.statusHistory.map((h, i) => (
            <li key={i}>
              <StatusBadge status={h.status} />
              <span className="small">{when(h.at)}</span>
              <span className="small muted">by {h.actor}</span>
              {h.comment && <span className="small">“{h.comment}”</span>}
            </li>
          ))}
        </ol>
      </section>

      <section className="card stack" aria-labelledby="alert-path">
        <h2 id="alert-path">Why it fired</h2>
        {run ? (
          <>
            <p className="small muted">
              The run on event <span className="mono">{run.eventId}</span> ({humanEnum(run.status)}, {when(run.startedAt)}):
            </p>
            <RunPath steps={pathStepsOf(run.path)} />
            {run.error && <ErrorBox error={run.error} />}
          </>
        ) : (
          <p className="muted">The run that raised this alert is no longer kept.</p>
        )}
      </section>

      <section className="card stack" aria-labelledby="alert-events">
        <h2 id="alert-events">Contributing events</h2>
        <Pager label="Events" pages={pages} size={EVENTS_PAGE} shown={events.length} connection={alert.events} current={current} />
        <DataTable columns={['Event', 'Type', 'Severity', 'Time', 'Fields']}>
          {events.map((e) => (
            <tr key={e.id} data-event={e.id}>
              <td className="mono small wrap-anywhere">{e.id}</td>
              <td>{e.type}</td>
              <td>
                <SeverityBadge severity={e.severity} />
              </td>
              <td className="small">{when(e.time)}</td>
              <td className="small mono wrap-anywhere">{textOf(e.fields).slice(0, 240)}</td>
            </tr>
          ))}
        </DataTable>
      </section>

      <section className="card stack" aria-labelledby="alert-caused">
        <h2 id="alert-caused">What it caused</h2>
        {alert.approvalRequests.length === 0 && alert.responseActions.length === 0 && (
          <p className="muted">No approval request and no response action.</p>
        )}
        <ul className="stack" style={{ gap: 4, paddingLeft: 18 }}>
          {alert.approvalRequests.map((r) => (
            <li key={r.id} data-approval-link={r.id}>
              <a {...linkProps(`/approvals?alert=${encodeURIComponent(alert.id)}`)}>Approval request</a> <StatusBadge status={r.status} />{' '}
              {r.actionTypes.map(humanEnum).join(', ')}, requested by {r.requestedByName}{' '}
              <span className="muted small">{withEnumsInWords(r.reasonText)}</span>
            </li>
          ))}
          {alert.responseActions.map((a) => (
            <li key={a.id} data-action-link={a.id}>
              <a {...linkProps(`/actions/${a.id}`)}>{humanEnum(a.type)}</a> <StatusBadge status={a.status} />{' '}
              <span className="muted small">{when(a.startedAt)}</span>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
