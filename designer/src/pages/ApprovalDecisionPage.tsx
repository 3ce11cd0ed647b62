import { useState } from 'react';
import { mutate, useLive, useNow, useQuery, useSubscription } from '../api/hooks';
import { APPROVAL, APPROVAL_DECIDED, APPROVE, REJECT } from '../api/queries';
import { Empty, ErrorBox, errorText, LiveBadge, Loading } from '../components/ui';
import { linkProps } from '../router';
import { useSession } from '../session';
import { ApprovalCard } from './ApprovalCard';

/**
 * One request, where the links in chat messages, Teams cards and emails lead: the link names the request only, so
 * deciding here needs the signed-in person to be allowed to (role, organization, dual control, quorum), like the inbox.
 */
export function ApprovalDecisionPage(props: { requestId: string }) {
  const { toast } = useSession();
  const { data, error, loading, reload } = useQuery(APPROVAL, { id: props.requestId });
  const [comment, setComment] = useState('');
  const now = useNow();
  useSubscription(APPROVAL_DECIDED, {}, (d) => {
    if (d.approvalDecided.id === props.requestId) void reload();
  });
  const live = useLive(() => void reload());
  const decide = async (approve: boolean) => {
    const input = { id: props.requestId, comment: comment || null };
    const result = approve ? await mutate(APPROVE, input, 'approveRequest') : await mutate(REJECT, input, 'rejectRequest');
    if (result.errors.length) toast(errorText(result.errors), 'error');
    else toast(approve ? 'Approved' : 'Rejected');
    await reload();
  };
  const request = data?.approvalRequest;
  return (
    <div className="page" style={{ maxWidth: 900 }}>
      <p className="small">
        <a {...linkProps('/approvals')}>Approvals</a> /
      </p>
      <div className="page-head">
        <h1>Approval request</h1>
        <LiveBadge live={live} />
      </div>
      <ErrorBox error={error} onRetry={() => void reload()} />
      {loading && !data ? (
        <Loading />
      ) : request ? (
        <ApprovalCard request={request} now={now} comment={comment} onComment={setComment} onDecide={(approve) => void decide(approve)} />
      ) : (
        <Empty title="No such request">
          <p className="muted">
            No approval request with this id is visible to you: it belongs to an organization you do not work in, or it does not exist.
          </p>
        </Empty>
      )}
    </div>
  );
}
