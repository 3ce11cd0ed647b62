import { useState } from 'react';
import { mutate, useQuery } from '../api/hooks';
import {
  CREATE_WEBHOOK_SUBSCRIPTION,
  DELETE_WEBHOOK_SUBSCRIPTION,
  ROTATE_WEBHOOK_SECRET,
  UPDATE_WEBHOOK_SUBSCRIPTION,
  WEBHOOK_SUBSCRIPTIONS,
} from '../api/queries';
import { WEBHOOK_EVENT_TYPES, type UserError, type WebhookSubscription } from '../api/types';
import { Confirm, DataTable, DialogButtons, Empty, ErrorBox, Loading, Modal, SecretDialog, StatusBadge, when } from '../components/ui';
import { linkProps } from '../router';
import { fieldErrors } from '../rules/userErrors';
import { useSession } from '../session';

type Question = { title: string; body: string; confirm: string; danger?: boolean; run: () => Promise<void> };
type Draft = { organizationId: string; url: string; events: string[]; description: string; enabled: boolean };

/** Partners' endpoints: what each receives, signed (Standard Webhooks), retried until delivered; secrets shown once. */
export function WebhooksPage() {
  const { can, toast, orgName } = useSession();
  const { data, error, loading, reload } = useQuery(WEBHOOK_SUBSCRIPTIONS, undefined, !can('Admin'));
  const [editing, setEditing] = useState<WebhookSubscription | 'new' | null>(null);
  const [asking, setAsking] = useState<Question | null>(null);
  const [secret, setSecret] = useState<{ url: string; secret: string; rotated: boolean } | null>(null);
  if (!can('Admin'))
    return (
      <div className="page">
        <h1>Webhooks</h1>
        <p className="muted">Only administrators manage webhooks.</p>
      </div>
    );
  const done = async (r: { errors: UserError[] }, text: string) => {
    if (r.errors.length) toast(r.errors.map((e) => e.message).join(' '), 'error');
    else toast(text);
    await reload();
  };
  const rotate = (s: WebhookSubscription) =>
    setAsking({
      title: `Rotate the signing secret of ${s.url}?`,
      body: 'Messages are signed with the new and the previous secret for a while, so the receiver can switch without losing any; the new secret is shown once.',
      confirm: 'Rotate secret',
      run: () =>
        mutate(ROTATE_WEBHOOK_SECRET, { id: s.id }, 'rotateWebhookSecret').then(async (r) => {
          if (r.secret) setSecret({ url: s.url, secret: r.secret, rotated: true });
          await done(r, 'Secret rotated');
        }),
    });
  const remove = (s: WebhookSubscription) =>
    setAsking({
      title: `Delete the webhook to ${s.url}?`,
      body: 'It receives nothing more; messages not yet delivered are dropped with it.',
      confirm: 'Delete',
      danger: true,
      run: () => mutate(DELETE_WEBHOOK_SUBSCRIPTION, { id: s.id }, 'deleteWebhookSubscription').then((r) => done(r, 'Webhook deleted')),
    });
  const subscriptions = data?.webhookSubscriptions ?? [];
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Webhooks</h1>
          <p className="muted">
            Endpoints of partners (ticketing, paging, SOAR) that receive alerts, approvals and action updates as signed HTTP messages,
            retried until they answer 2xx.
          </p>
        </div>
        <button className="btn primary" onClick={() => setEditing('new')}>
          Add webhook
        </button>
      </div>
      <ErrorBox error={error} onRetry={() => void reload()} />
      {loading && !data ? (
        <Loading />
      ) : subscriptions.length === 0 ? (
        <Empty title="No webhooks yet">
          <p className="muted">Add one to send alerts and approvals to a partner&apos;s endpoint.</p>
        </Empty>
      ) : (
        <DataTable label="Webhooks" columns={['Endpoint', 'Organization', 'Events', 'Status', { hidden: 'Actions' }]}>
          {subscriptions.map((s) => (
            <tr key={s.id} data-webhook={s.url}>
              <td>
                <a {...linkProps(`/webhooks/${s.id}`)} className="mono wrap-anywhere">
                  {s.url}
                </a>
                {s.description && <div className="small muted">{s.description}</div>}
                <div className="small muted">
                  by {s.createdBy}, {when(s.createdAt)}
                </div>
              </td>
              <td>{s.organizationId ? orgName(s.organizationId) : 'All organizations'}</td>
              <td className="small">{s.events.join(', ')}</td>
              <td>
                <StatusBadge status={s.enabled ? 'ACTIVE' : 'DISABLED'} />
                {s.disabledReason && <div className="small muted">{s.disabledReason}</div>}
                {s.consecutiveFailures > 0 && <div className="small">{s.consecutiveFailures} failed in a row</div>}
                {s.previousSecretExpiresAt && (
                  <div className="small muted">previous secret signs until {when(s.previousSecretExpiresAt)}</div>
                )}
              </td>
              <td>
                <div className="row">
                  <a className="btn small" {...linkProps(`/webhooks/${s.id}`)}>
                    Delivery log
                  </a>
                  <button className="btn small" onClick={() => setEditing(s)}>
                    Edit
                  </button>
                  <button className="btn small" onClick={() => rotate(s)}>
                    Rotate secret
                  </button>
                  <button className="btn small danger" onClick={() => remove(s)}>
                    Delete
                  </button>
                </div>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      {editing && (
        <WebhookDialog
          subscription={editing === 'new' ? null : editing}
          onCancel={() => setEditing(null)}
          onSaved={async (url, issued) => {
            setEditing(null);
            if (issued) setSecret({ url, secret: issued, rotated: false });
            toast(issued ? 'Webhook added' : 'Webhook saved');
            await reload();
          }}
        />
      )}
      <Confirm
        open={!!asking}
        title={asking?.title ?? ''}
        body={<p>{asking?.body}</p>}
        confirm={asking?.confirm ?? ''}
        danger={asking?.danger}
        onCancel={() => setAsking(null)}
        onConfirm={() => {
          const run = asking!.run;
          setAsking(null);
          void run();
        }}
      />
      <SecretDialog secret={secret?.secret ?? null} title={`Signing secret of ${secret?.url ?? ''}`} onClose={() => setSecret(null)}>
        <p className="small muted">
          The receiver verifies each message&apos;s <code>webhook-signature</code> with it (Standard Webhooks).
          {secret?.rotated ? ' Until the overlap ends, messages carry a signature by the previous secret too.' : ''}
        </p>
      </SecretDialog>
    </div>
  );
}

function WebhookDialog(props: {
  subscription: WebhookSubscription | null;
  onCancel: () => void;
  onSaved: (url: string, secret: string | null) => Promise<void>;
}) {
  const { viewer } = useSession();
  const s = props.subscription;
  const [draft, setDraft] = useState<Draft>({
    organizationId: s ? (s.organizationId ?? '') : viewer.allOrganizations ? '' : (viewer.organizations[0]?.id ?? ''),
    url: s?.url ?? 'https://',
    events: s ? [...s.events] : [...WEBHOOK_EVENT_TYPES],
    description: s?.description ?? '',
    enabled: s?.enabled ?? true,
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const save = async () => {
    setBusy(true);
    try {
      const r = s
        ? await mutate(
            UPDATE_WEBHOOK_SUBSCRIPTION,
            { id: s.id, url: draft.url.trim(), events: draft.events, description: draft.description.trim(), enabled: draft.enabled },
            'updateWebhookSubscription',
          )
        : await mutate(
            CREATE_WEBHOOK_SUBSCRIPTION,
            {
              organizationId: draft.organizationId || null,
              url: draft.url.trim(),
              events: draft.events,
              description: draft.description.trim() || null,
            },
            'createWebhookSubscription',
          );
      if (r.errors.length) setErrors(fieldErrors(r.errors));
      else await props.onSaved(draft.url.trim(), r.secret ?? null);
    } finally {
      setBusy(false);
    }
  };
  const toggle = (event: string, on: boolean) =>
    setDraft({ ...draft, events: on ? [...draft.events, event] : draft.events.filter((e) => e !== event) });
  const title = s ? 'Edit webhook' : 'Add webhook';
  return (
    <Modal
      open
      title={title}
      onClose={props.onCancel}
      footer={<DialogButtons onCancel={props.onCancel} submit={s ? 'Save' : 'Add'} onSubmit={() => void save()} disabled={busy} />}
    >
      {!s && (
        <label className="field">
          Organization
          <select value={draft.organizationId} onChange={(e) => setDraft({ ...draft, organizationId: e.target.value })}>
            {viewer.allOrganizations && <option value="">All organizations</option>}
            {viewer.organizations.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </select>
          {errors.organizationId && <span className="field-error">{errors.organizationId}</span>}
        </label>
      )}
      <label className="field">
        Endpoint URL
        <input
          value={draft.url}
          onChange={(e) => setDraft({ ...draft, url: e.target.value })}
          aria-invalid={errors.url ? true : undefined}
        />
        <span className="help">HTTPS; internal addresses are refused unless the installation allows them.</span>
        {errors.url && <span className="field-error">{errors.url}</span>}
      </label>
      <fieldset className="stack" style={{ gap: 6 }}>
        <legend>Events</legend>
        {WEBHOOK_EVENT_TYPES.map((e) => (
          <label key={e} className="check">
            <input type="checkbox" checked={draft.events.includes(e)} onChange={(x) => toggle(e, x.target.checked)} />
            <span className="mono">{e}</span>
          </label>
        ))}
        {errors.events && <span className="field-error">{errors.events}</span>}
      </fieldset>
      <label className="field">
        Description
        <input value={draft.description} onChange={(e) => setDraft({ ...draft, description: e.target.value })} />
        {errors.description && <span className="field-error">{errors.description}</span>}
      </label>
      {s && (
        <label className="check">
          <input type="checkbox" checked={draft.enabled} onChange={(e) => setDraft({ ...draft, enabled: e.target.checked })} />
          Enabled (enabling again clears the failure count)
        </label>
      )}
      {errors.form && <ErrorBox error={errors.form} />}
    </Modal>
  );
}
