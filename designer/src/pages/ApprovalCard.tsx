import type { ReactNode } from 'react';
import type { ApprovalRequest, Json } from '../api/types';
import { textOf } from '../api/types';
import { RuleActivationDiff } from '../components/RuleActivationDiff';
import { ago, countdown, humanEnum, SeverityBadge, StatusBadge, when, withEnumsInWords } from '../components/ui';
import { linkProps } from '../router';
import { useSession } from '../session';

/** The actions a request proposes, in words: type and target. */
export function proposed(actions: Json): { type: string; target: string }[] {
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

/**
 * One approval request with its evidence and, while it is pending, the viewer's way to decide it (or why they may not:
 * dual control). The inbox lists them; the decision page that chat and email links open shows one.
 */
export function ApprovalCard(props: {
  request: ApprovalRequest;
  now: number;
  /** Whether it is selected for a bulk decision; undefined: no check box. */
  selected?: boolean;
  onToggle?: () => void;
  comment: string;
  onComment: (text: string) => void;
  onDecide: (approve: boolean) => void;
  children?: ReactNode;
}) {
  const { viewer, can, orgName } = useSession();
  const r = props.request;
  const approver = can('Approver');
  const own = r.requestedBy === viewer.id;
  // Dual control also bars whoever armed or changed the rule from deciding its requests.
  const steward = !own && (r.ruleActivatedBy === viewer.id || r.ruleEditedBy.includes(viewer.id));
  const activation = r.kind === 'RULE_ACTIVATION';
  const pending = r.status === 'PENDING';
  return (
    <article
      className="card stack"
      data-approval={r.id}
      data-expires={r.expiresAt}
      data-created={r.createdAt}
      aria-label={`Approval request ${r.id}`}
      style={{ gap: 8 }}
    >
      <div className="row">
        {pending && props.selected !== undefined && (
          <input type="checkbox" aria-label={`Select request ${r.id}`} checked={props.selected} onChange={props.onToggle} />
        )}
        <StatusBadge status={r.status} />
        <strong>
          {activation
            ? `Activate automatic rule (version ${r.ruleVersion ?? '?'})`
            : proposed(r.proposedActions)
                .map((a) => a.type)
                .join(', ') || 'Response action'}
        </strong>
        {activation && <span className="badge warn plain">Change control</span>}
        <span className="muted small">· {orgName(r.organizationId)}</span>
        <span className="spacer" />
        {pending ? (
          <span className="badge warn plain" title={r.expiresAt}>
            Expires in {countdown(r.expiresAt, props.now)}
          </span>
        ) : (
          <span className="small muted">
            Decided by {r.decidedByName ?? '—'} {ago(r.decidedAt)}
          </span>
        )}
      </div>
      <p className="small" data-testid="reason">
        {withEnumsInWords(r.reasonText)}
      </p>
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
          {own ? `${viewer.name} (you)` : r.requestedByName} · {ago(r.createdAt)}
        </dd>
        {r.decisions.length > 0 && (
          <>
            <dt>Decisions</dt>
            <dd>{r.decisions.map((d) => `${humanEnum(d.outcome)} by ${d.byName}`).join(', ')}</dd>
          </>
        )}
        {r.ruleId && (
          <>
            <dt>Rule</dt>
            <dd>
              <a {...linkProps(`/rules/${r.ruleId}`)}>{r.ruleName ?? r.ruleId}</a>
              {r.ruleVersion ? ` (version ${r.ruleVersion})` : ''}
            </dd>
          </>
        )}
        {r.alert && (
          <>
            <dt>Alert</dt>
            <dd>
              <a {...linkProps(`/alerts/${r.alert.id}`)}>{r.alert.title}</a> <SeverityBadge severity={r.alert.severity} />
            </dd>
          </>
        )}
        {r.evidence && (
          <>
            <dt>Evidence</dt>
            <dd className="wrap-anywhere">
              {r.evidence.type} from {r.evidence.source} at {when(r.evidence.time)}{' '}
              <span className="muted mono">{textOf(r.evidence.fields).slice(0, 160)}</span>
            </dd>
          </>
        )}
        {r.approvalsRequired > 1 && (
          <>
            <dt>Approvals</dt>
            <dd>
              {r.approvalsReceived} of {r.approvalsRequired}
            </dd>
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
              value={props.comment}
              onChange={(e) => props.onComment(e.target.value)}
            />
            <button className="btn danger" onClick={() => props.onDecide(false)}>
              Reject
            </button>
            <button className="btn primary" onClick={() => props.onDecide(true)}>
              Approve
            </button>
          </div>
        ))}
      {pending && !approver && <p className="muted small">Only approvers can decide.</p>}
    </article>
  );
}
