import { useState } from 'react';
import { mutate, useQuery } from '../api/hooks';
import {
  CREATE_API_CLIENT,
  CREATE_USER,
  DISABLE_USER,
  ENABLE_USER,
  PEOPLE,
  RESET_USER_PASSWORD,
  REVOKE_API_CLIENT,
  ROTATE_API_CLIENT_SECRET,
  SET_USER_ACCESS,
} from '../api/queries';
import type { ApiClientFieldsFragment, UserFieldsFragment } from '../api/generated/graphql';
import type { UserError } from '../api/types';
import { useSession } from '../session';
import { ROLES, roleLabel, roleName, type Role } from '../labels';
import { fieldErrors } from '../rules/userErrors';
import { Confirm, ErrorBox, Loading, Modal, SecretDialog, StatusBadge, when, DataTable, DialogButtons } from '../components/ui';

type User = UserFieldsFragment;
type ApiClient = ApiClientFieldsFragment;
const ALL = '*';
/** A change that asks first: the confirmation's words and what runs once it is confirmed. */
/** The roles and organizations a user or API client is given. */
type Access = { roles: string[]; organizations: string[] };
type Question = { title: string; body: string; confirm: string; danger?: boolean; run: () => Promise<void> };

/** People (users) and API clients: created, given roles and organizations, disabled or revoked, every change audited. */
export function PeoplePage() {
  const { can, toast, orgName } = useSession();
  const { data, error, loading, reload } = useQuery(PEOPLE, undefined, !can('Admin'));
  const [creatingUser, setCreatingUser] = useState(false);
  const [creatingClient, setCreatingClient] = useState(false);
  const [editing, setEditing] = useState<User | null>(null);
  const [resetting, setResetting] = useState<User | null>(null);
  const [asking, setAsking] = useState<Question | null>(null);
  const [secret, setSecret] = useState<{ clientId: string; secret: string } | null>(null);
  if (!can('Admin'))
    return (
      <div className="page">
        <h1>People</h1>
        <p className="muted">Only administrators manage people and API clients.</p>
      </div>
    );
  const orgs = (list: readonly string[]) => (list.includes(ALL) ? 'All organizations' : list.map(orgName).join(', '));
  const roles = (list: readonly string[]) => list.map(roleName).join(', ');
  const done = async (r: { errors: UserError[] }, text: string) => {
    if (r.errors.length) toast(r.errors.map((e) => e.message).join(' '), 'error');
    else toast(text);
    await reload();
  };
  const disable = (u: User) =>
    setAsking({
      title: `Disable ${u.userName}?`,
      body: 'They are signed out everywhere and cannot sign in until enabled again. Nothing they did is removed.',
      confirm: 'Disable',
      danger: true,
      run: () => mutate(DISABLE_USER, { id: u.id }, 'disableUser').then((r) => done(r, `${u.userName} is disabled`)),
    });
  const rotate = (c: ApiClient) =>
    setAsking({
      title: `Rotate the secret of ${c.clientId}?`,
      body: 'The current secret stops working at once; the new one is shown once.',
      confirm: 'Rotate secret',
      run: () =>
        mutate(ROTATE_API_CLIENT_SECRET, { clientId: c.clientId }, 'rotateApiClientSecret').then(async (r) => {
          if (r.secret) setSecret({ clientId: c.clientId, secret: r.secret });
          await done(r, `Secret of ${c.clientId} rotated`);
        }),
    });
  const revoke = (c: ApiClient) =>
    setAsking({
      title: `Revoke ${c.clientId}?`,
      body: 'Its tokens stop working at once and it can never sign in again.',
      confirm: 'Revoke',
      danger: true,
      run: () => mutate(REVOKE_API_CLIENT, { clientId: c.clientId }, 'revokeApiClient').then((r) => done(r, `${c.clientId} is revoked`)),
    });
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>People</h1>
          <p className="muted">Who signs in, what they may do and in which organizations. Nobody can grant more than they hold.</p>
        </div>
        <button className="btn primary" onClick={() => setCreatingUser(true)}>
          Add person
        </button>
      </div>
      <ErrorBox error={error} onRetry={() => void reload()} />
      {loading && !data ? (
        <Loading />
      ) : (
        <>
          <DataTable label="People" columns={['User name', 'Roles', 'Organizations', 'Status', { hidden: 'Actions' }]}>
            {data?.users.map((u) => (
              <tr key={u.id} data-user={u.userName}>
                <td>
                  <strong>{u.userName}</strong>
                  <div className="small muted">since {when(u.createdAt)}</div>
                </td>
                <td>{roles(u.roles)}</td>
                <td>{orgs(u.organizations)}</td>
                <td>{u.disabled ? <StatusBadge status="DISABLED" /> : <StatusBadge status="ACTIVE" />}</td>
                <td>
                  <div className="row">
                    <button className="btn small" onClick={() => setEditing(u)}>
                      Roles and organizations
                    </button>
                    <button className="btn small" onClick={() => setResetting(u)}>
                      Reset password
                    </button>
                    {u.disabled ? (
                      <button
                        className="btn small"
                        onClick={() =>
                          void mutate(ENABLE_USER, { id: u.id }, 'enableUser').then((r) => done(r, `${u.userName} can sign in again`))
                        }
                      >
                        Enable
                      </button>
                    ) : (
                      <button className="btn small danger" onClick={() => disable(u)}>
                        Disable
                      </button>
                    )}
                  </div>
                </td>
              </tr>
            ))}
          </DataTable>

          <div className="page-head" style={{ marginTop: 28 }}>
            <div>
              <h2>API clients</h2>
              <p className="muted">Services that sign in with a client id and secret (client credentials). A secret is shown once.</p>
            </div>
            <button className="btn" onClick={() => setCreatingClient(true)}>
              Add API client
            </button>
          </div>
          <DataTable label="API clients" columns={['Client id', 'Roles', 'Organizations', 'Status', { hidden: 'Actions' }]}>
            {data?.apiClients.map((c) => (
              <tr key={c.clientId} data-client={c.clientId}>
                <td className="mono">{c.clientId}</td>
                <td>{roles(c.roles)}</td>
                <td>{orgs(c.organizations)}</td>
                <td>{c.revoked ? <StatusBadge status="REVOKED" /> : <StatusBadge status="ACTIVE" />}</td>
                <td>
                  {!c.revoked && (
                    <div className="row">
                      <button className="btn small" onClick={() => rotate(c)}>
                        Rotate secret
                      </button>
                      <button className="btn small danger" onClick={() => revoke(c)}>
                        Revoke
                      </button>
                    </div>
                  )}
                </td>
              </tr>
            ))}
          </DataTable>
        </>
      )}

      {creatingUser && (
        <UserDialog
          onClose={() => setCreatingUser(false)}
          onSaved={(u) => {
            setCreatingUser(false);
            toast(`${u.userName} can sign in now`);
            void reload();
          }}
        />
      )}
      {editing && (
        <UserDialog
          user={editing}
          onClose={() => setEditing(null)}
          onSaved={(u) => {
            setEditing(null);
            toast(`Access of ${u.userName} saved`);
            void reload();
          }}
        />
      )}
      {resetting && <ResetPasswordDialog user={resetting} onClose={() => setResetting(null)} />}
      {creatingClient && (
        <ApiClientDialog
          onClose={() => setCreatingClient(false)}
          onCreated={(clientId, s) => {
            setCreatingClient(false);
            setSecret({ clientId, secret: s });
            void reload();
          }}
        />
      )}
      <Confirm
        open={!!asking}
        title={asking?.title ?? ''}
        body={asking?.body}
        confirm={asking?.confirm ?? ''}
        danger={asking?.danger}
        onCancel={() => setAsking(null)}
        onConfirm={() => {
          const run = asking!.run;
          setAsking(null);
          void run();
        }}
      />
      <SecretDialog secret={secret?.secret ?? null} title={`Secret of ${secret?.clientId ?? ''}`} onClose={() => setSecret(null)} />
    </div>
  );
}

function RolesAndOrganizations(props: { access: Access; onChange: (access: Access) => void; errors: Record<string, string> }) {
  const { viewer } = useSession();
  const toggle = (list: string[], value: string, on: boolean) => (on ? [...list, value] : list.filter((x) => x !== value));
  const grantable = ROLES.filter((r) => viewer.roles.includes('Admin') || viewer.roles.includes(r));
  const { roles, organizations } = props.access;
  const all = organizations.includes(ALL);
  return (
    <>
      <fieldset className="stack" style={{ gap: 6 }}>
        <legend>Roles</legend>
        {grantable.map((r: Role) => (
          <label key={r} className="check">
            <input
              type="checkbox"
              checked={roles.includes(r)}
              onChange={(e) => props.onChange({ roles: toggle(roles, r, e.target.checked), organizations })}
            />
            <span>
              {roleLabel[r].label} <span className="help">{roleLabel[r].help}</span>
            </span>
          </label>
        ))}
        {props.errors.roles && <span className="field-error">{props.errors.roles}</span>}
      </fieldset>
      <fieldset className="stack" style={{ gap: 6 }}>
        <legend>Organizations</legend>
        {viewer.allOrganizations && (
          <label className="check">
            <input
              type="checkbox"
              checked={all}
              onChange={(e) => props.onChange({ roles, organizations: e.target.checked ? [ALL] : [] })}
            />
            <span>All organizations, present and future</span>
          </label>
        )}
        {viewer.organizations.map((o) => (
          <label key={o.id} className="check">
            <input
              type="checkbox"
              disabled={all}
              checked={all || organizations.includes(o.id)}
              onChange={(e) => props.onChange({ roles, organizations: toggle(organizations, o.id, e.target.checked) })}
            />
            <span>{o.name}</span>
          </label>
        ))}
        {props.errors.organizations && <span className="field-error">{props.errors.organizations}</span>}
      </fieldset>
    </>
  );
}

function UserDialog(props: { user?: User; onClose: () => void; onSaved: (u: User) => void }) {
  const [userName, setUserName] = useState('');
  const [password, setPassword] = useState('');
  const [access, setAccess] = useState<Access>({
    roles: props.user?.roles ?? ['Approver'],
    organizations: props.user?.organizations ?? [],
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const save = async () => {
    setBusy(true);
    try {
      const r = props.user
        ? await mutate(SET_USER_ACCESS, { id: props.user.id, ...access }, 'setUserAccess')
        : await mutate(CREATE_USER, { userName, password, ...access }, 'createUser');
      setErrors(fieldErrors(r.errors));
      if (r.user && !r.errors.length) props.onSaved(r.user);
    } finally {
      setBusy(false);
    }
  };
  const title = props.user ? `Roles and organizations of ${props.user.userName}` : 'Add person';
  return (
    <Modal
      open
      title={title}
      onClose={props.onClose}
      footer={
        <DialogButtons onCancel={props.onClose} submit={props.user ? 'Save' : 'Create'} onSubmit={() => void save()} disabled={busy} />
      }
    >
      {!props.user && (
        <>
          <label className="field">
            <span className="nowrap">
              User name <span aria-hidden="true">*</span>
            </span>
            <input
              value={userName}
              autoComplete="off"
              onChange={(e) => setUserName(e.target.value)}
              aria-invalid={errors.userName ? true : undefined}
            />
            {errors.userName && <span className="field-error">{errors.userName}</span>}
          </label>
          <label className="field">
            <span className="nowrap">
              Initial password <span aria-hidden="true">*</span>
            </span>
            <input
              type="password"
              autoComplete="new-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              aria-invalid={errors.password ? true : undefined}
            />
            <span className="help">Tell them in person; they sign in with it.</span>
            {errors.password && <span className="field-error">{errors.password}</span>}
          </label>
        </>
      )}
      <RolesAndOrganizations access={access} errors={errors} onChange={setAccess} />
      {errors.form && <ErrorBox error={errors.form} />}
    </Modal>
  );
}

function ResetPasswordDialog(props: { user: User; onClose: () => void }) {
  const { toast } = useSession();
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const save = async () => {
    const r = await mutate(RESET_USER_PASSWORD, { id: props.user.id, password }, 'resetUserPassword');
    setErrors(fieldErrors(r.errors));
    if (!r.errors.length) {
      toast(`Password of ${props.user.userName} reset; they are signed out everywhere`);
      props.onClose();
    }
  };
  return (
    <Modal
      open
      title={`Reset the password of ${props.user.userName}`}
      onClose={props.onClose}
      footer={<DialogButtons onCancel={props.onClose} submit="Reset password" onSubmit={() => void save()} />}
    >
      <label className="field">
        <span className="nowrap">
          New password <span aria-hidden="true">*</span>
        </span>
        <input type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />
        {errors.password && <span className="field-error">{errors.password}</span>}
      </label>
      {errors.form && <ErrorBox error={errors.form} />}
    </Modal>
  );
}

function ApiClientDialog(props: { onClose: () => void; onCreated: (clientId: string, secret: string) => void }) {
  const [clientId, setClientId] = useState('');
  const [access, setAccess] = useState<Access>({ roles: ['Ingestor'], organizations: [] });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const save = async () => {
    const r = await mutate(CREATE_API_CLIENT, { clientId, ...access }, 'createApiClient');
    setErrors(fieldErrors(r.errors));
    if (r.apiClient && r.secret && !r.errors.length) props.onCreated(r.apiClient.clientId, r.secret);
  };
  return (
    <Modal
      open
      title="Add API client"
      onClose={props.onClose}
      footer={<DialogButtons onCancel={props.onClose} submit="Create" onSubmit={() => void save()} />}
    >
      <label className="field">
        <span className="nowrap">
          Client id <span aria-hidden="true">*</span>
        </span>
        <input value={clientId} autoComplete="off" onChange={(e) => setClientId(e.target.value)} />
        {errors.clientId && <span className="field-error">{errors.clientId}</span>}
      </label>
      <RolesAndOrganizations access={access} errors={errors} onChange={setAccess} />
      {errors.form && <ErrorBox error={errors.form} />}
    </Modal>
  );
}
