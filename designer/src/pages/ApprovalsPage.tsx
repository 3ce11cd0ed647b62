import { useState } from 'react';
import { mutate, useLive, useNow, useQuery, useSubscription } from '../api/hooks';
import { APPROVAL_DECIDED, APPROVAL_REQUESTED, APPROVALS, APPROVE, REJECT } from '../api/queries';
import type { ApprovalRequest, ApprovalStatus, Json } from '../api/types';
import { nodesOf, textOf } from '../api/types';
import { useSession } from '../session';
import { ago, countdown, Empty, ErrorBox, errorText, humanEnum, LiveBadge, Loading, StatusBadge } from '../components/ui';
import { RuleActivationDiff } from '../components/RuleActivationDiff';

function proposed(actions: Json): { type: string; target: string }[] {
  if (!Array.isArray(actions)) return [];
  return actions.map((a) => {
    const o = a && typeof a === 'object' && !Array.isArray(a) ? a : {};
    const target =
      o.target && typeof o.target === 'object' && !Array.isArray(o.target)
        ? Object.entries(o.target)
            .filter(([, v]) => v !== null)
            .map(([k, v]) => `${k} ${textOf(v)}`)
            .join(', ')
        : '';
    return { type: humanEnum(textOf(o.type ?? 'action')), target };
  });
}

export function ApprovalsPage() {
  const { viewer, can, toast } = useSession();
  const [status, setStatus] = useState<ApprovalStatus | ''>('PENDING');
  const { data, error, loading, reload } = useQuery(APPROVALS, { where: status ? { status } : {} });
  const now = useNow();
  const [comments, setComments] = useState<Record<string, string>>({});
  useSubscription(APPROVAL_REQUESTED, {}, () => void reload());
  useSubscription(APPROVAL_DECIDED, {}, () => void reload());
  const live = useLive(() => void reload());

  const decide = async (r: ApprovalRequest, approve: boolean) => {
    const input = { id: r.id, comment: comments[r.id] || null };
    const result = approve ? await mutate(APPROVE, input, 'approveRequest') : await mutate(REJECT, input, 'rejectRequest');
    const approved = r.kind === 'RULE_ACTIVATION' ? 'Approved: the rule runs this version now' : 'Approved: the actions run now';
    if (result.errors.length) toast(errorText(result.errors), 'error');
    else toast(approve ? approved : 'Rejected');
    await reload();
  };
  const items = nodesOf(data?.approvalRequests);
  const approver = can('Approver');
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Approvals</h1>
          <p className="muted">
            Proposed response actions, and automatic rules to arm, waiting for a second person. You can never decide your own requests, nor
            those of a rule you activated or changed.
          </p>
        </div>
        <LiveBadge live={live} />
      </div>
      <div className="filters">
        <label>
          Status
          <select value={status} onChange={(e) => setStatus(e.target.value as ApprovalStatus | '')}>
            <option value="">All</option>
            {['PENDING', 'APPROVED', 'REJECTED', 'EXPIRED', 'CANCELLED'].map((s) => (
              <option key={s} value={s}>
                {humanEnum(s)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ErrorBox error={error} onRetry={() => void reload()} />
      {loading && !data ? (
        <Loading />
      ) : items.length === 0 ? (
        <Empty title={status === 'PENDING' ? 'Nothing waiting for approval' : 'No approval requests'}>
          Requests appear here live when a rule's approval gate or an analyst proposes an action.
        </Empty>
      ) : (
        <div className="stack">
          {items.map((r) => {
            const own = r.requestedBy === viewer.id;
            // Dual control also bars whoever armed or changed the rule from deciding its requests.
            const steward = !own && (r.ruleActivatedBy === viewer.id || r.ruleEditedBy.includes(viewer.id));
            const activation = r.kind === 'RULE_ACTIVATION';
            const pending = r.status === 'PENDING';
            return (
              <article key={r.id} className="card stack" data-approval={r.id} aria-label={`Approval request ${r.id}`} style={{ gap: 8 }}>
                <div className="row">
                  <StatusBadge status={r.status} />
                  <strong>
                    {activation
                      ? `Activate automatic rule (version ${r.ruleVersion ?? '?'})`
                      : proposed(r.proposedActions)
                          .map((a) => a.type)
                          .join(', ') || 'Response action'}
                  </strong>
                  {activation && <span className="badge warn plain">Change control</span>}
                  <span className="muted small">· {r.organizationId}</span>
                  <span className="spacer" />
                  {pending ? (
                    <span className="badge warn plain" title={r.expiresAt}>
                      Expires in {countdown(r.expiresAt, now)}
                    </span>
                  ) : (
                    <span className="small muted">
                      Decided by {r.decidedBy ?? '—'} {ago(r.decidedAt)}
                    </span>
                  )}
                </div>
                <dl className="kv small">
                  <dt>{activation ? 'Acts with' : 'Proposed'}</dt>
                  <dd>
                    {proposed(r.proposedActions).map((a, i) => (
                      <div key={i}>
                        {a.type} <span className="muted">{a.target}</span>
                      </div>
                    ))}
                  </dd>
                  <dt>Requested by</dt>
                  <dd>
                    {r.requestedBy}
                    {own && ' (you)'} · {ago(r.createdAt)}
                  </dd>
                  {r.ruleId && (
                    <>
                      <dt>Rule</dt>
                      <dd className="mono">{r.ruleId}</dd>
                    </>
                  )}
                  {r.justification && (
                    <>
                      <dt>Justification</dt>
                      <dd>{r.justification}</dd>
                    </>
                  )}
                  {r.comment && (
                    <>
                      <dt>Comment</dt>
                      <dd>{r.comment}</dd>
                    </>
                  )}
                  {activation && (
                    <>
                      <dt>What changes</dt>
                      <dd>
                        <RuleActivationDiff diff={r.ruleDiff} />
                      </dd>
                    </>
                  )}
                </dl>
                {pending &&
                  approver &&
                  (own || steward ? (
                    <div className="notice small" role="note" data-testid="own-request">
                      {own
                        ? 'You requested this, so someone else must decide it (dual control).'
                        : 'You activated or changed this rule, so someone else must decide its requests (dual control).'}
                    </div>
                  ) : (
                    <div className="row">
                      <input
                        aria-label="Comment"
                        placeholder="Comment (optional)"
                        style={{ flex: 1 }}
                        value={comments[r.id] ?? ''}
                        onChange={(e) => setComments({ ...comments, [r.id]: e.target.value })}
                      />
                      <button className="btn danger" onClick={() => void decide(r, false)}>
                        Reject
                      </button>
                      <button className="btn primary" onClick={() => void decide(r, true)}>
                        Approve
                      </button>
                    </div>
                  ))}
                {pending && !approver && <p className="muted small">Only approvers can decide.</p>}
              </article>
            );
          })}
        </div>
      )}
    </div>
  );
}
