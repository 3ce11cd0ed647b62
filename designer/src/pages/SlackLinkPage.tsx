import { useState } from 'react';
import { mutate } from '../api/hooks';
import { LINK_SLACK_USER } from '../api/queries';
import type { SlackUserLinkFieldsFragment } from '../api/generated/graphql';
import { ErrorBox, errorText } from '../components/ui';
import { linkProps } from '../router';
import { useSession } from '../session';

/**
 * Where Respond's answer to an unlinked Slack click leads: the one-time code proves the Slack user, being signed in
 * proves the person, and confirming links the two (clicks of that Slack user then decide as this person).
 */
export function SlackLinkPage() {
  const { viewer } = useSession();
  const [code] = useState(() => new URLSearchParams(location.search).get('code') ?? '');
  const [linked, setLinked] = useState<SlackUserLinkFieldsFragment | null>(null);
  const [error, setError] = useState<string | null>(
    code ? null : 'This link has no code. Click the button in Slack again to get a new one.',
  );
  const [busy, setBusy] = useState(false);
  const link = async () => {
    setBusy(true);
    try {
      const r = await mutate(LINK_SLACK_USER, { code }, 'linkSlackUser');
      if (r.slackUserLink) setLinked(r.slackUserLink);
      setError(r.errors.length ? errorText(r.errors) : null);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="page" style={{ maxWidth: 700 }}>
      <h1>Link your Slack user</h1>
      {linked ? (
        <div className="card stack">
          <p data-testid="slack-linked">
            Slack user <strong>{linked.slackUserName ?? linked.slackUserId}</strong> is linked to {viewer.name}. Your clicks on Approve and
            Reject in Slack now decide as you, under the same rules as here.
          </p>
          <a {...linkProps('/notifications')}>See your notifications and linked Slack users</a>
        </div>
      ) : (
        <div className="card stack">
          <p>
            You clicked an approval button in Slack with a Slack user Respond does not know yet. Link it to <strong>{viewer.name}</strong>{' '}
            (you are signed in as this person) so that its clicks decide as you. If that is not you, sign out and sign in as yourself first.
          </p>
          <ErrorBox error={error} />
          <div>
            <button className="btn primary" disabled={!code || busy} onClick={() => void link()}>
              Link to {viewer.name}
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
