import { useState } from 'react';
import { mutate, useQuery } from '../api/hooks';
import { MY_NOTIFICATIONS, UNLINK_SLACK_USER, UPDATE_NOTIFICATION_PREFERENCES } from '../api/queries';
import type { NotificationPreferencesFieldsFragment, SlackUserLinkFieldsFragment } from '../api/generated/graphql';
import { Confirm, DataTable, ErrorBox, errorText, Loading, when } from '../components/ui';
import { fieldErrors } from '../rules/userErrors';
import { useSession } from '../session';

type Preferences = NotificationPreferencesFieldsFragment;
type Choice = keyof Omit<Preferences, 'inApp' | 'updatedAt' | 'emailAddress'>;

const CHANNELS: { key: Choice; label: string }[] = [
  { key: 'email', label: 'Email to my account' },
  { key: 'slackDirectMessage', label: 'Slack direct message (needs a linked Slack user)' },
  { key: 'slackChannelMention', label: "Mention me in the organization's Slack channel post" },
];
const EVENTS: { key: Choice; label: string }[] = [
  { key: 'requestsICanDecide', label: 'New requests I may decide' },
  { key: 'escalationsToMe', label: 'Escalations that name me, my role or the on-call list I am on' },
];

/** How the signed-in person hears of approval requests, and the Slack users whose clicks decide as them. */
export function NotificationsPage() {
  const { viewer, toast, orgName } = useSession();
  const { data, error, loading, reload, setData } = useQuery(MY_NOTIFICATIONS);
  const [draft, setDraft] = useState<Preferences | null>(null);
  const [unlinking, setUnlinking] = useState<SlackUserLinkFieldsFragment | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const prefs = draft ?? data?.notificationPreferences ?? null;
  const save = async () => {
    if (!prefs || !data) return;
    const { email, slackDirectMessage, slackChannelMention, requestsICanDecide, escalationsToMe } = prefs;
    const emailAddress = (prefs.emailAddress ?? '').trim();
    const r = await mutate(
      UPDATE_NOTIFICATION_PREFERENCES,
      { email, emailAddress, slackDirectMessage, slackChannelMention, requestsICanDecide, escalationsToMe },
      'updateNotificationPreferences',
    );
    setErrors(fieldErrors(r.errors));
    if (r.notificationPreferences) {
      setData({ ...data, notificationPreferences: r.notificationPreferences });
      setDraft(null);
      toast('Notification preferences saved');
    }
  };
  const unlink = async (link: SlackUserLinkFieldsFragment) => {
    setUnlinking(null);
    const r = await mutate(UNLINK_SLACK_USER, { slackTeamId: link.slackTeamId, slackUserId: link.slackUserId }, 'unlinkSlackUser');
    if (r.errors.length) toast(errorText(r.errors), 'error');
    else toast('Slack user unlinked: its clicks decide nothing any more');
    await reload();
  };
  const choice = (c: { key: Choice; label: string }) =>
    prefs && (
      <label key={c.key} className="check">
        <input type="checkbox" checked={prefs[c.key]} onChange={(e) => setDraft({ ...prefs, [c.key]: e.target.checked })} />
        {c.label}
      </label>
    );
  return (
    <div className="page" style={{ maxWidth: 900 }}>
      <h1>My notifications</h1>
      <p className="muted">How {viewer.name} hears of approval requests. The designer&apos;s own notices are always on.</p>
      <ErrorBox error={error ?? errors.form ?? null} onRetry={() => void reload()} />
      {loading && !data ? (
        <Loading />
      ) : (
        prefs &&
        data && (
          <div className="stack">
            <section className="card stack">
              <h2>Channels</h2>
              <label className="check">
                <input type="checkbox" checked disabled />
                In the designer (always)
              </label>
              {CHANNELS.map(choice)}
              <label className="field" style={{ maxWidth: 420 }}>
                Email address
                <input
                  type="email"
                  autoComplete="email"
                  value={prefs.emailAddress ?? ''}
                  onChange={(e) => setDraft({ ...prefs, emailAddress: e.target.value })}
                  aria-invalid={errors.emailAddress ? true : undefined}
                />
                <span className="help">Where approval mail goes; Respond keeps no other address for you.</span>
                {errors.emailAddress && <span className="field-error">{errors.emailAddress}</span>}
              </label>
              <h2>About</h2>
              {EVENTS.map(choice)}
              <div>
                <button className="btn primary" disabled={!draft} onClick={() => void save()}>
                  Save preferences
                </button>
              </div>
            </section>
            <section className="card stack">
              <h2>Linked Slack users</h2>
              <p className="muted small">
                A Slack user linked to you decides as you when it clicks Approve or Reject. You link one by clicking a button in Slack and
                confirming the link Respond answers with, signed in here.
              </p>
              {data.slackUserLinks.length === 0 ? (
                <p className="small">No Slack user is linked to you.</p>
              ) : (
                <DataTable label="Linked Slack users" columns={['Slack user', 'Organization', 'Linked', { hidden: 'Actions' }]}>
                  {data.slackUserLinks.map((l) => (
                    <tr key={`${l.slackTeamId}/${l.slackUserId}`} data-slack-user={l.slackUserId}>
                      <td>
                        {l.slackUserName ?? l.slackUserId} <span className="muted small mono">{l.slackTeamId}</span>
                      </td>
                      <td>{orgName(l.organizationId)}</td>
                      <td>{when(l.linkedAt)}</td>
                      <td>
                        <button className="btn small danger" onClick={() => setUnlinking(l)}>
                          Unlink
                        </button>
                      </td>
                    </tr>
                  ))}
                </DataTable>
              )}
            </section>
          </div>
        )
      )}
      <Confirm
        open={unlinking !== null}
        danger
        title={`Unlink ${unlinking?.slackUserName ?? unlinking?.slackUserId ?? ''}?`}
        confirm="Unlink"
        onCancel={() => setUnlinking(null)}
        onConfirm={() => unlinking && void unlink(unlinking)}
        body={<p>Its clicks on approval buttons stop deciding as you at once.</p>}
      />
    </div>
  );
}
