import { Fragment, useEffect, useState } from 'react';
import { mutate, useQuery } from '../api/hooks';
import { REPLAY_WEBHOOK_MESSAGE, WEBHOOK_MESSAGES, WEBHOOK_SUBSCRIPTIONS } from '../api/queries';
import type { WebhookMessageStatus } from '../api/generated/graphql';
import type { WebhookMessage } from '../api/types';
import { DataTable, Empty, EnumOptions, ErrorBox, Loading, StatusBadge, when } from '../components/ui';
import { linkProps } from '../router';
import { useSession } from '../session';

const STATUSES: WebhookMessageStatus[] = ['PENDING', 'DELIVERED', 'FAILED'];

/** While a message shown is still pending, the log reads itself again this often, so a delivery shows up without Refresh. */
const PENDING_RELOAD_MS = 2000;

/** One webhook's delivery log: each message, every attempt with the receiver's answer, and replay. */
export function WebhookDeliveriesPage(props: { subscriptionId: string }) {
  const { toast } = useSession();
  const [status, setStatus] = useState<WebhookMessageStatus | ''>('');
  const [open, setOpen] = useState<string | null>(null);
  const subscriptions = useQuery(WEBHOOK_SUBSCRIPTIONS);
  const messages = useQuery(WEBHOOK_MESSAGES, { subscriptionId: props.subscriptionId, status: status || null, first: 100 });
  const subscription = subscriptions.data?.webhookSubscriptions.find((s) => s.id === props.subscriptionId);
  const replay = async (m: WebhookMessage) => {
    const r = await mutate(REPLAY_WEBHOOK_MESSAGE, { id: m.id }, 'replayWebhookMessage');
    if (r.errors.length) toast(r.errors.map((e) => e.message).join(' '), 'error');
    else toast('Sent again: the receiver gets the same message id');
    await messages.reload();
  };
  const rows = messages.data?.webhookMessages ?? [];
  const pending = rows.some((m) => m.status === 'PENDING');
  const { data: shown, reload } = messages;
  useEffect(() => {
    if (!pending) return;
    const t = setTimeout(() => void reload(), PENDING_RELOAD_MS);
    return () => clearTimeout(t);
  }, [pending, shown, reload]);
  return (
    <div className="page">
      <p className="small">
        <a {...linkProps('/webhooks')}>Webhooks</a> /
      </p>
      <div className="page-head">
        <div>
          <h1>Delivery log</h1>
          <p className="muted mono wrap-anywhere">{subscription?.url ?? props.subscriptionId}</p>
        </div>
        <div className="row">
          <label className="small">
            Status{' '}
            <select value={status} onChange={(e) => setStatus(e.target.value as WebhookMessageStatus | '')}>
              <EnumOptions values={STATUSES} any="Any" />
            </select>
          </label>
          <button className="btn" onClick={() => void messages.reload()}>
            Refresh
          </button>
        </div>
      </div>
      <ErrorBox error={messages.error ?? subscriptions.error} onRetry={() => void messages.reload()} />
      {messages.loading && !messages.data ? (
        <Loading />
      ) : rows.length === 0 ? (
        <Empty title="No messages">
          <p className="muted">Messages appear here when something this webhook receives happens.</p>
        </Empty>
      ) : (
        <DataTable label="Messages" columns={['Created', 'Event', 'Status', 'Attempts', 'Last answer', { hidden: 'Actions' }]}>
          {rows.map((m) => (
            <Fragment key={m.id}>
              <tr data-message={m.id} data-event={m.eventType}>
                <td>{when(m.createdAt)}</td>
                <td className="mono">{m.eventType}</td>
                <td>
                  <StatusBadge status={m.status} />
                  <div className="small muted">
                    {m.status === 'DELIVERED'
                      ? `delivered ${when(m.deliveredAt)}`
                      : m.status === 'PENDING'
                        ? `next try ${when(m.nextAttemptAt)}`
                        : 'gave up'}
                  </div>
                </td>
                <td>{m.attemptCount}</td>
                <td className="small">{m.lastStatusCode ? `HTTP ${m.lastStatusCode}` : (m.lastError ?? '—')}</td>
                <td>
                  <div className="row">
                    <button className="btn small" aria-expanded={open === m.id} onClick={() => setOpen(open === m.id ? null : m.id)}>
                      {open === m.id ? 'Hide attempts' : 'Attempts'}
                    </button>
                    <button className="btn small" onClick={() => void replay(m)}>
                      Replay
                    </button>
                  </div>
                </td>
              </tr>
              {open === m.id && (
                <tr>
                  <td colSpan={6}>
                    <DataTable label="Attempts" columns={['At', 'Answer', 'Took']}>
                      {m.attempts.map((a, i) => (
                        <tr key={i} data-attempt={i + 1}>
                          <td>{when(a.at)}</td>
                          <td>{a.statusCode ? `HTTP ${a.statusCode}` : (a.error ?? '—')}</td>
                          <td>{a.durationMs} ms</td>
                        </tr>
                      ))}
                    </DataTable>
                    <pre className="mono small wrap-anywhere">{JSON.stringify(m.payload, null, 2)}</pre>
                  </td>
                </tr>
              )}
            </Fragment>
          ))}
        </DataTable>
      )}
    </div>
  );
}
