import { useState, type ReactNode } from 'react';
import { mutate, useQuery } from '../api/hooks';
import { CHAT_INTEGRATIONS, CONFIGURE_SLACK, CONFIGURE_TEAMS, REMOVE_SLACK, REMOVE_TEAMS } from '../api/queries';
import type { ChatIntegrationsFieldsFragment } from '../api/generated/graphql';
import type { UserError } from '../api/types';
import { Confirm, DialogButtons, ErrorBox, Loading, Modal, StatusBadge, when } from '../components/ui';
import { fieldErrors } from '../rules/userErrors';
import { useSession } from '../session';

type Integrations = ChatIntegrationsFieldsFragment;
type Payload = { errors: UserError[] };
type Editing = { kind: 'slack' | 'teams'; integrations: Integrations };

/** Where approval requests reach people besides the designer: each organization's Slack channel and Teams channel. */
export function IntegrationsPage() {
  const { can, toast, orgName } = useSession();
  const { data, error, loading, reload } = useQuery(CHAT_INTEGRATIONS, undefined, !can('Admin'));
  const [editing, setEditing] = useState<Editing | null>(null);
  const [removing, setRemoving] = useState<Editing | null>(null);
  if (!can('Admin'))
    return (
      <div className="page">
        <h1>Chat integrations</h1>
        <p className="muted">Only administrators manage chat integrations.</p>
      </div>
    );
  const remove = async (r: Editing) => {
    setRemoving(null);
    const input = { organizationId: r.integrations.organizationId };
    const result =
      r.kind === 'slack'
        ? await mutate(REMOVE_SLACK, input, 'removeSlackIntegration')
        : await mutate(REMOVE_TEAMS, input, 'removeTeamsIntegration');
    if (result.errors.length) toast(result.errors.map((e) => e.message).join(' '), 'error');
    else toast(`${r.kind === 'slack' ? 'Slack' : 'Teams'} removed from ${orgName(r.integrations.organizationId)}`);
    await reload();
  };
  return (
    <div className="page" style={{ maxWidth: 1000 }}>
      <h1>Chat integrations</h1>
      <p className="muted">
        Approval requests and escalations are posted to each organization&apos;s channel. In Slack, people decide with the buttons once
        their Slack user is linked to them in Respond; in Teams, the card&apos;s button opens the decision page. Deciding always happens as
        a signed-in person, under the same dual control and quorum as here.
      </p>
      <ErrorBox error={error} onRetry={() => void reload()} />
      {loading && !data ? (
        <Loading />
      ) : (
        <div className="stack">
          {data?.chatIntegrations.map((i) => (
            <section
              key={i.organizationId}
              className="card stack"
              data-organization={i.organizationId}
              aria-label={orgName(i.organizationId)}
            >
              <h2>{orgName(i.organizationId)}</h2>
              <div className="grid-cards" style={{ gridTemplateColumns: 'repeat(auto-fill, minmax(300px, 1fr))' }}>
                <IntegrationPart
                  kind="slack"
                  label="Slack"
                  changed={i.slack}
                  onEdit={() => setEditing({ kind: 'slack', integrations: i })}
                  onRemove={() => setRemoving({ kind: 'slack', integrations: i })}
                >
                  {i.slack && (
                    <>
                      <dt>Channel</dt>
                      <dd className="mono">{i.slack.channelId}</dd>
                      <dt>Interactivity URL</dt>
                      <dd className="mono wrap-anywhere" data-testid="slack-interactions-url">
                        {location.origin + i.slack.interactionsPath}
                      </dd>
                      {i.slack.apiBaseUrl !== 'https://slack.com/api' && (
                        <>
                          <dt>Web API</dt>
                          <dd className="mono wrap-anywhere">{i.slack.apiBaseUrl}</dd>
                        </>
                      )}
                    </>
                  )}
                </IntegrationPart>
                <IntegrationPart
                  kind="teams"
                  label="Teams"
                  changed={i.teams}
                  onEdit={() => setEditing({ kind: 'teams', integrations: i })}
                  onRemove={() => setRemoving({ kind: 'teams', integrations: i })}
                >
                  {i.teams && (
                    <>
                      <dt>Workflow on</dt>
                      <dd className="mono">{i.teams.webhookHost}</dd>
                    </>
                  )}
                </IntegrationPart>
              </div>
            </section>
          ))}
        </div>
      )}
      {editing?.kind === 'slack' && (
        <SlackDialog
          integrations={editing.integrations}
          onCancel={() => setEditing(null)}
          onSaved={async () => {
            setEditing(null);
            toast('Slack saved');
            await reload();
          }}
        />
      )}
      {editing?.kind === 'teams' && (
        <TeamsDialog
          integrations={editing.integrations}
          onCancel={() => setEditing(null)}
          onSaved={async () => {
            setEditing(null);
            toast('Teams saved');
            await reload();
          }}
        />
      )}
      <Confirm
        open={removing !== null}
        danger
        title={`Remove ${removing?.kind === 'slack' ? 'Slack' : 'Teams'} from ${removing ? orgName(removing.integrations.organizationId) : ''}?`}
        confirm="Remove"
        onCancel={() => setRemoving(null)}
        onConfirm={() => removing && void remove(removing)}
        body={<p>Requests are no longer posted there; buttons on messages already posted stop deciding. Linked Slack users stay linked.</p>}
      />
    </div>
  );
}

/** One integration of an organization: set up or not, what it holds (children), when it changed, and its buttons. */
function IntegrationPart(props: {
  kind: Editing['kind'];
  label: string;
  changed: { updatedBy: string; updatedAt: string } | null;
  onEdit: () => void;
  onRemove: () => void;
  children: ReactNode;
}) {
  const { changed, label } = props;
  return (
    <div className="stack" data-integration={props.kind}>
      <div className="row">
        <strong>{props.kind === 'teams' ? 'Microsoft Teams' : label}</strong>
        <StatusBadge status={changed ? 'ACTIVE' : 'NOT_CONNECTED'} />
      </div>
      {changed ? (
        <dl className="kv small">
          {props.children}
          <dt>Changed</dt>
          <dd>
            by {changed.updatedBy}, {when(changed.updatedAt)}
          </dd>
        </dl>
      ) : (
        <p className="muted small">Not set up: requests of this organization are not posted to {label}.</p>
      )}
      <div className="row">
        <button className="btn small" onClick={props.onEdit}>
          {changed ? `Change ${label}` : `Set up ${label}`}
        </button>
        {changed && (
          <button className="btn small danger" onClick={props.onRemove}>
            Remove {label}
          </button>
        )}
      </div>
    </div>
  );
}

/** Saves through `run`; the payload's errors are shown at their fields and the dialog stays open. */
function useSave(run: () => Promise<Payload>, onSaved: () => Promise<void>) {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const save = async () => {
    setBusy(true);
    try {
      const r = await run();
      setErrors(fieldErrors(r.errors));
      if (!r.errors.length) await onSaved();
    } finally {
      setBusy(false);
    }
  };
  return { errors, busy, save };
}

function FieldError(props: { errors: Record<string, string>; field: string }) {
  return props.errors[props.field] ? <span className="field-error">{props.errors[props.field]}</span> : null;
}

function SlackDialog(props: { integrations: Integrations; onCancel: () => void; onSaved: () => Promise<void> }) {
  const { orgName } = useSession();
  const slack = props.integrations.slack;
  const [channelId, setChannelId] = useState(slack?.channelId ?? '');
  const [botToken, setBotToken] = useState('');
  const [signingSecret, setSigningSecret] = useState('');
  const [apiBaseUrl, setApiBaseUrl] = useState(slack?.apiBaseUrl ?? '');
  const { errors, busy, save } = useSave(
    () =>
      mutate(
        CONFIGURE_SLACK,
        {
          organizationId: props.integrations.organizationId,
          channelId: channelId.trim(),
          botToken: botToken.trim() || null,
          signingSecret: signingSecret.trim() || null,
          apiBaseUrl: apiBaseUrl.trim() || null,
        },
        'configureSlackIntegration',
      ),
    props.onSaved,
  );
  const keep = slack ? 'Leave empty to keep the stored one. ' : '';
  return (
    <Modal
      open
      title={`Slack for ${orgName(props.integrations.organizationId)}`}
      onClose={props.onCancel}
      footer={<DialogButtons onCancel={props.onCancel} submit="Save" onSubmit={() => void save()} disabled={busy} />}
    >
      <p className="small muted">
        Create a Slack app with the <code>chat:write</code> scope, turn on Interactivity with the URL shown after saving, install it and
        invite its bot to the channel.
      </p>
      <label className="field">
        Channel id
        <input value={channelId} onChange={(e) => setChannelId(e.target.value)} aria-invalid={errors.channelId ? true : undefined} />
        <span className="help">From the channel&apos;s details, e.g. C0123ABCDEF.</span>
        <FieldError errors={errors} field="channelId" />
      </label>
      <label className="field">
        Bot token
        <input
          type="password"
          autoComplete="off"
          value={botToken}
          onChange={(e) => setBotToken(e.target.value)}
          aria-invalid={errors.botToken ? true : undefined}
        />
        <span className="help">{keep}Stored encrypted, never shown again.</span>
        <FieldError errors={errors} field="botToken" />
      </label>
      <label className="field">
        Signing secret
        <input
          type="password"
          autoComplete="off"
          value={signingSecret}
          onChange={(e) => setSigningSecret(e.target.value)}
          aria-invalid={errors.signingSecret ? true : undefined}
        />
        <span className="help">{keep}Every button click is checked against it; unsigned or replayed clicks are refused.</span>
        <FieldError errors={errors} field="signingSecret" />
      </label>
      <label className="field">
        Web API base URL
        <input
          value={apiBaseUrl}
          placeholder="https://slack.com/api"
          onChange={(e) => setApiBaseUrl(e.target.value)}
          aria-invalid={errors.apiBaseUrl ? true : undefined}
        />
        <span className="help">Only for Slack Enterprise Grid gateways or tests; empty: Slack&apos;s own.</span>
        <FieldError errors={errors} field="apiBaseUrl" />
      </label>
      <FieldError errors={errors} field="form" />
    </Modal>
  );
}

function TeamsDialog(props: { integrations: Integrations; onCancel: () => void; onSaved: () => Promise<void> }) {
  const { orgName } = useSession();
  const [webhookUrl, setWebhookUrl] = useState('');
  const { errors, busy, save } = useSave(
    () =>
      mutate(
        CONFIGURE_TEAMS,
        { organizationId: props.integrations.organizationId, webhookUrl: webhookUrl.trim() },
        'configureTeamsIntegration',
      ),
    props.onSaved,
  );
  return (
    <Modal
      open
      title={`Teams for ${orgName(props.integrations.organizationId)}`}
      onClose={props.onCancel}
      footer={<DialogButtons onCancel={props.onCancel} submit="Save" onSubmit={() => void save()} disabled={busy} />}
    >
      <p className="small muted">
        In the Teams channel, add the Workflows template “Post to a channel when a webhook request is received” and paste its URL here.
      </p>
      <label className="field">
        Workflow URL
        <input
          type="password"
          autoComplete="off"
          value={webhookUrl}
          onChange={(e) => setWebhookUrl(e.target.value)}
          aria-invalid={errors.webhookUrl ? true : undefined}
        />
        <span className="help">It works as a password: stored encrypted, only its host is shown again.</span>
        <FieldError errors={errors} field="webhookUrl" />
      </label>
      <FieldError errors={errors} field="form" />
    </Modal>
  );
}
