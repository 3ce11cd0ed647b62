import { useState } from 'react';
import { mutate, useCoalesced, useCursorPages, useLive, useNow, useQuery, useSubscription } from '../api/hooks';
import {
  APPROVAL_DECIDED,
  APPROVAL_REQUESTED,
  APPROVALS,
  APPROVE,
  DECIDE_APPROVALS,
  PENDING_APPROVAL_GROUPS,
  REJECT,
} from '../api/queries';
import type { ApprovalRequest, ApprovalStatus, Severity } from '../api/types';
import { ACTION_TYPES, nodesOf, SEVERITIES } from '../api/types';
import type { ApprovalOrder, PendingApprovalGroupsQuery, ResponseActionType } from '../api/generated/graphql';
import { linkProps } from '../router';
import { useSession } from '../session';
import {
  countdown,
  Empty,
  ErrorBox,
  errorText,
  humanEnum,
  LiveBadge,
  Loading,
  Pager,
  withEnumsInWords,
  DataTable,
  EnumOptions,
} from '../components/ui';
import { ApprovalCard } from './ApprovalCard';
import { bulkOutcomeText, fieldErrors } from '../rules/userErrors';

const PAGE = 100;

export function ApprovalsPage() {
  const { can, toast } = useSession();
  const [status, setStatus] = useState<ApprovalStatus | ''>('PENDING');
  const [order, setOrder] = useState<ApprovalOrder>('EXPIRES_SOONEST');
  const [text, setText] = useState('');
  const [actionType, setActionType] = useState<ResponseActionType | ''>('');
  const [severity, setSeverity] = useState<Severity | ''>('');
  const [alertId] = useState(() => new URLSearchParams(location.search).get('alert') ?? '');
  const [grouped, setGrouped] = useState(false);
  const where = {
    ...(status ? { status } : {}),
    ...(text.trim() ? { text: text.trim() } : {}),
    ...(actionType ? { actionType } : {}),
    ...(severity ? { severity } : {}),
    ...(alertId ? { alertId } : {}),
  };
  const pages = useCursorPages(JSON.stringify([where, order]));
  const { data, error, loading, current, reload } = useQuery(APPROVALS, { where, order, first: PAGE, after: pages.after }, grouped);
  const groups = useQuery(PENDING_APPROVAL_GROUPS, { where: { ...where, status: undefined }, order }, !grouped);
  const now = useNow();
  const [comments, setComments] = useState<Record<string, string>>({});
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [justification, setJustification] = useState('');
  const [bulkErrors, setBulkErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  // Live changes reload the page in view with the same filters, order and cursor: what the analyst narrowed to holds.
  const refresh = useCoalesced(() => void (grouped ? groups.reload() : reload()));
  useSubscription(APPROVAL_REQUESTED, {}, refresh);
  useSubscription(APPROVAL_DECIDED, {}, refresh);
  const live = useLive(refresh);

  const decide = async (r: ApprovalRequest, approve: boolean) => {
    const input = { id: r.id, comment: comments[r.id] || null };
    const result = approve ? await mutate(APPROVE, input, 'approveRequest') : await mutate(REJECT, input, 'rejectRequest');
    const approved = r.kind === 'RULE_ACTIVATION' ? 'Approved: the rule runs this version now' : 'Approved: the actions run now';
    if (result.errors.length) toast(errorText(result.errors), 'error');
    else toast(approve ? approved : 'Rejected');
    await reload();
  };

  const decideMany = async (ids: string[], approve: boolean) => {
    setBusy(true);
    try {
      const result = await mutate(
        DECIDE_APPROVALS,
        { ids, decision: approve ? 'APPROVE' : 'REJECT', justification },
        'decideApprovalRequests',
      );
      const errors = fieldErrors(result.errors);
      setBulkErrors(errors);
      if (result.errors.length) {
        if (!errors.justification && !errors.ids) toast(errorText(result.errors), 'error');
        return;
      }
      toast(bulkOutcomeText(approve, result.decidedCount, result.results), result.skippedCount ? 'error' : 'ok');
      setSelected(new Set());
      setJustification('');
      refresh();
    } finally {
      setBusy(false);
    }
  };

  const items = nodesOf(data?.approvalRequests);
  const pendingOnPage = items.filter((r) => r.status === 'PENDING');
  const approver = can('Approver');
  const toggle = (id: string) => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setSelected(next);
  };
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
          Search
          <input type="search" value={text} placeholder="Rule, target or requester" onChange={(e) => setText(e.target.value)} />
        </label>
        <label>
          Status
          <select value={status} disabled={grouped} onChange={(e) => setStatus(e.target.value as ApprovalStatus | '')}>
            <EnumOptions values={['PENDING', 'APPROVED', 'REJECTED', 'EXPIRED', 'CANCELLED']} any="All" />
          </select>
        </label>
        <label>
          Action
          <select value={actionType} onChange={(e) => setActionType(e.target.value as ResponseActionType | '')}>
            <EnumOptions values={ACTION_TYPES} any="Any" />
          </select>
        </label>
        <label>
          Alert severity
          <select value={severity} onChange={(e) => setSeverity(e.target.value as Severity | '')}>
            <EnumOptions values={SEVERITIES} any="Any" />
          </select>
        </label>
        <label>
          Order
          <select value={order} onChange={(e) => setOrder(e.target.value as ApprovalOrder)}>
            <option value="EXPIRES_SOONEST">Expires soonest</option>
            <option value="NEWEST">Newest first</option>
          </select>
        </label>
        <label className="check" style={{ alignSelf: 'end' }}>
          <input type="checkbox" checked={grouped} onChange={(e) => setGrouped(e.target.checked)} />
          Group identical proposals
        </label>
      </div>
      {alertId && (
        <p className="notice small">
          Requests of alert <a {...linkProps(`/alerts/${alertId}`)}>{alertId}</a> only. <a {...linkProps('/approvals')}>Show all</a>
        </p>
      )}
      {approver && (
        <section className="card stack bulk-bar" aria-label="Decide many">
          <div className="row">
            <strong data-testid="selected-count">{selected.size} selected</strong>
            {!grouped && (
              <button
                className="btn small"
                disabled={pendingOnPage.length === 0}
                onClick={() => setSelected(new Set(pendingOnPage.map((r) => r.id)))}
              >
                Select all pending on this page
              </button>
            )}
            <button className="btn small" disabled={selected.size === 0} onClick={() => setSelected(new Set())}>
              Clear
            </button>
          </div>
          <label className="field">
            <span className="nowrap">
              Justification for all selected <span aria-hidden="true">*</span>
            </span>
            <input
              value={justification}
              aria-invalid={bulkErrors.justification ? true : undefined}
              aria-describedby={bulkErrors.justification ? 'bulk-justification-error' : undefined}
              onChange={(e) => setJustification(e.target.value)}
              placeholder="Why these decisions (recorded with each)"
            />
          </label>
          {bulkErrors.justification && (
            <span id="bulk-justification-error" className="field-error" data-testid="field-error-justification">
              {bulkErrors.justification}
            </span>
          )}
          {bulkErrors.ids && <span className="field-error">{bulkErrors.ids}</span>}
          <div className="row">
            <span className="muted small">
              Each request is decided on its own: your own requests, and those of rules you armed or changed, are skipped.
            </span>
            <span className="spacer" />
            <button className="btn danger" disabled={busy || selected.size === 0} onClick={() => void decideMany([...selected], false)}>
              Reject selected
            </button>
            <button className="btn primary" disabled={busy || selected.size === 0} onClick={() => void decideMany([...selected], true)}>
              Approve selected
            </button>
          </div>
        </section>
      )}
      {grouped ? (
        <ApprovalGroups
          loading={groups.loading && !groups.data}
          error={groups.error}
          onRetry={() => void groups.reload()}
          groups={nodesOf(groups.data?.pendingApprovalGroups)}
          total={groups.data?.pendingApprovalGroups.totalCount}
          selected={selected}
          onSelect={(ids, on) => {
            const next = new Set(selected);
            ids.forEach((id) => (on ? next.add(id) : next.delete(id)));
            setSelected(next);
          }}
          approver={approver}
          now={now}
        />
      ) : (
        <>
          <ErrorBox error={error} onRetry={() => void reload()} />
          {loading && !data ? (
            <Loading />
          ) : items.length === 0 ? (
            <Empty title={status === 'PENDING' ? 'Nothing waiting for approval' : 'No approval requests'}>
              Requests appear here live when a rule's approval gate or an analyst proposes an action.
            </Empty>
          ) : (
            <>
              <Pager
                label="Approval requests"
                pages={pages}
                size={PAGE}
                shown={items.length}
                connection={data?.approvalRequests}
                current={current}
              />
              <div className="stack">
                {items.map((r) => (
                  <ApprovalCard
                    key={r.id}
                    request={r}
                    now={now}
                    selected={approver && r.status === 'PENDING' ? selected.has(r.id) : undefined}
                    onToggle={() => toggle(r.id)}
                    comment={comments[r.id] ?? ''}
                    onComment={(text) => setComments({ ...comments, [r.id]: text })}
                    onDecide={(approve) => void decide(r, approve)}
                  />
                ))}
              </div>
            </>
          )}
        </>
      )}
    </div>
  );
}

type ApprovalGroup = NonNullable<NonNullable<NonNullable<PendingApprovalGroupsQuery['pendingApprovalGroups']['edges']>[number]>['node']>;

/** Identical pending proposals (same action and target) as one row each; selecting a row selects all its requests. */
function ApprovalGroups(props: {
  loading: boolean;
  error: string | null;
  onRetry: () => void;
  groups: ApprovalGroup[];
  total: number | null | undefined;
  selected: Set<string>;
  onSelect: (ids: string[], on: boolean) => void;
  approver: boolean;
  now: number;
}) {
  const { orgName } = useSession();
  if (props.loading) return <Loading />;
  return (
    <>
      <ErrorBox error={props.error} onRetry={props.onRetry} />
      <p className="small" data-testid="group-count">
        {props.groups.length} of {props.total ?? '?'} groups of pending requests
      </p>
      <DataTable columns={[{ hidden: 'Select' }, 'Proposal', 'Organization', 'Requests', 'First expires', 'Rule']}>
        {props.groups.map((g) => (
          <tr key={g.groupKey} data-group={g.groupKey}>
            <td>
              {props.approver && (
                <input
                  type="checkbox"
                  aria-label={`Select the ${g.count} requests of ${g.actionTypes.map(humanEnum).join(', ')} ${g.targets.join(', ')}`}
                  checked={g.requestIds.every((id) => props.selected.has(id))}
                  onChange={(e) => props.onSelect(g.requestIds, e.target.checked)}
                />
              )}
            </td>
            <td>
              <strong>{g.actionTypes.map(humanEnum).join(', ')}</strong> <span className="muted">{g.targets.join(', ')}</span>
              <div className="small muted">{withEnumsInWords(g.first.reasonText)}</div>
            </td>
            <td>{orgName(g.organizationId)}</td>
            <td>{g.count}</td>
            <td className="small">in {countdown(g.earliestExpiresAt, props.now)}</td>
            <td>{g.first.ruleName ?? '—'}</td>
          </tr>
        ))}
      </DataTable>
    </>
  );
}
