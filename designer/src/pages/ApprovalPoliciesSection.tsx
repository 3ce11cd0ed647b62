import { useState } from 'react';
import { mutate } from '../api/hooks';
import { UPDATE_APPROVAL_POLICIES } from '../api/queries';
import type { ApprovalPolicyInput } from '../api/generated/graphql';
import { ACTION_TYPES, type RespondSettings, type ResponseActionType, type UserError } from '../api/types';
import { CloseIcon } from '../components/icons';
import { Confirm, DataTable, DialogButtons, EnumOptions, ErrorBox, errorText, humanEnum, Modal } from '../components/ui';
import {
  formOf,
  inputOf,
  namesOf,
  newPolicyForm,
  ON_CALL,
  policyErrors,
  policySummary,
  readForm,
  type ApprovalPolicyForm,
} from '../settings/approvalPolicies';

type Payload = { settings: RespondSettings | null; errors: UserError[] };

/**
 * Approval policies of one scope (an organization or the defaults): per action type the quorum, who is asked first,
 * escalation steps and the fallback at the timeout; and the on-call list an escalation step may tell.
 */
export function ApprovalPoliciesSection(props: {
  settings: RespondSettings;
  organizationId: string | null;
  onSaved: (r: Payload, done: string) => boolean;
}) {
  const { settings, organizationId } = props;
  const [editing, setEditing] = useState<{ form: ApprovalPolicyForm; isNew: boolean } | null>(null);
  const [removing, setRemoving] = useState<ResponseActionType | null>(null);
  const [adding, setAdding] = useState<ResponseActionType | ''>('');
  const [onCall, setOnCall] = useState(settings.onCall.join(', '));
  const [onCallError, setOnCallError] = useState<string | null>(null);
  const unused = ACTION_TYPES.filter((t) => !settings.approvalPolicies.some((p) => p.type === t));

  const send = (policies: ApprovalPolicyInput[], onCallList?: string[]) =>
    mutate(
      UPDATE_APPROVAL_POLICIES,
      { policies, onCall: onCallList, organizationId, expectedVersion: settings.version },
      'updateApprovalPolicies',
    );
  const remove = async (type: ResponseActionType) => {
    setRemoving(null);
    props.onSaved(
      await send(settings.approvalPolicies.filter((p) => p.type !== type).map(inputOf)),
      `${humanEnum(type)} needs one approval again`,
    );
  };
  const saveOnCall = async () => {
    const r = await send(settings.approvalPolicies.map(inputOf), namesOf(onCall));
    setOnCallError(r.errors.length ? errorText(r.errors) : null);
    props.onSaved(r, 'On-call list saved');
  };

  return (
    <section className="card stack" aria-labelledby="approval-policies">
      <h2 id="approval-policies">Approval policies</h2>
      <p className="muted small">
        How many distinct people must approve an action type (the submitter never counts, the first rejection decides), who is asked first,
        who is told next when nobody answers, and what happens at the timeout. A type without a policy needs one approval when it needs
        approval at all.
      </p>
      {settings.approvalPolicies.length > 0 && (
        <DataTable label="Approval policies" columns={['Action', 'Policy', { hidden: 'Actions' }]}>
          {settings.approvalPolicies.map((p) => (
            <tr key={p.type} data-policy={p.type}>
              <td>
                <strong>{humanEnum(p.type)}</strong>
              </td>
              <td className="small">{policySummary(p)}</td>
              <td>
                <div className="row">
                  <button className="btn small" onClick={() => setEditing({ form: formOf(p), isNew: false })}>
                    Edit
                  </button>
                  <button className="btn small danger" onClick={() => setRemoving(p.type)}>
                    Remove
                  </button>
                </div>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <div className="row">
        <label className="small">
          <span className="sr-only">Action type of the new policy</span>
          <select
            value={adding}
            onChange={(e) => setAdding(e.target.value as ResponseActionType | '')}
            aria-label="Action type of the new policy"
          >
            <EnumOptions values={unused} any="Choose an action type…" />
          </select>
        </label>
        <button className="btn" disabled={!adding} onClick={() => adding && setEditing({ form: newPolicyForm(adding), isNew: true })}>
          Add policy
        </button>
      </div>
      <label className="field">
        On-call list
        <textarea rows={2} value={onCall} onChange={(e) => setOnCall(e.target.value)} aria-invalid={onCallError ? true : undefined} />
        <span className="help">User ids an escalation step's “{ON_CALL}” tells, read when the step fires. Separate them with commas.</span>
        {onCallError && <span className="field-error">{onCallError}</span>}
      </label>
      <div>
        <button className="btn" onClick={() => void saveOnCall()}>
          Save on-call list
        </button>
      </div>
      {editing && (
        <PolicyDialog
          key={editing.form.type}
          initial={editing.form}
          isNew={editing.isNew}
          onCancel={() => setEditing(null)}
          onSave={async (input) => {
            const others = settings.approvalPolicies.filter((p) => p.type !== input.type).map(inputOf);
            const policies = [...others, input];
            const r = await send(policies);
            if (props.onSaved(r, `Policy for ${humanEnum(input.type)} saved`)) setEditing(null);
            return policyErrors(r.errors, policies.length - 1);
          }}
        />
      )}
      <Confirm
        open={removing !== null}
        danger
        title={`Remove the policy for ${removing ? humanEnum(removing) : ''}?`}
        confirm="Remove"
        onCancel={() => setRemoving(null)}
        onConfirm={() => removing && void remove(removing)}
        body={
          <p>Requests opened from now on need one approval and do not escalate; open requests keep the policy they were opened with.</p>
        }
      />
    </section>
  );
}

function PolicyDialog(props: {
  initial: ApprovalPolicyForm;
  isNew: boolean;
  onCancel: () => void;
  onSave: (input: ApprovalPolicyInput) => Promise<Record<string, string>>;
}) {
  const [form, setForm] = useState(props.initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<ApprovalPolicyForm>) => setForm({ ...form, ...patch });
  const setStep = (i: number, patch: Partial<ApprovalPolicyForm['escalation'][number]>) =>
    set({ escalation: form.escalation.map((s, j) => (j === i ? { ...s, ...patch } : s)) });
  const save = async () => {
    const read = readForm(form);
    if (!read.input) {
      setErrors(read.errors);
      return;
    }
    setBusy(true);
    try {
      setErrors(await props.onSave(read.input));
    } finally {
      setBusy(false);
    }
  };
  const invalid = (field: string) => (errors[field] ? true : undefined);
  const error = (field: string) => errors[field] && <span className="field-error">{errors[field]}</span>;
  const title = `${props.isNew ? 'New policy' : 'Policy'} for ${humanEnum(form.type)}`;
  return (
    <Modal
      open
      wide
      title={title}
      onClose={props.onCancel}
      footer={<DialogButtons onCancel={props.onCancel} submit="Save policy" onSubmit={() => void save()} disabled={busy} />}
    >
      <label className="field">
        Approvals required
        <input
          inputMode="numeric"
          value={form.approvalsRequired}
          onChange={(e) => set({ approvalsRequired: e.target.value })}
          aria-invalid={invalid('approvalsRequired')}
        />
        <span className="help">Distinct people, not counting whoever submitted the action.</span>
        {error('approvalsRequired')}
      </label>
      <label className="field">
        Asked first
        <input value={form.approvers} onChange={(e) => set({ approvers: e.target.value })} aria-invalid={invalid('approvers')} />
        <span className="help">User ids or roles, separated by commas; empty: anyone with the Approver role.</span>
        {error('approvers')}
      </label>
      <fieldset className="stack" style={{ gap: 6 }}>
        <legend>Escalation</legend>
        {form.escalation.length === 0 && <p className="muted small">No escalation: the same people are asked until the timeout.</p>}
        {form.escalation.map((s, i) => (
          <div key={i} className="row" data-step={i + 1}>
            <label className="field">
              {`Step ${i + 1}: after minutes`}
              <input
                inputMode="numeric"
                value={s.afterMinutes}
                onChange={(e) => setStep(i, { afterMinutes: e.target.value })}
                aria-invalid={invalid(`escalation.${i}.afterMinutes`)}
              />
              {error(`escalation.${i}.afterMinutes`)}
            </label>
            <label className="field" style={{ flex: 1 }}>
              {`Step ${i + 1}: tell`}
              <input
                value={s.notify}
                onChange={(e) => setStep(i, { notify: e.target.value })}
                aria-invalid={invalid(`escalation.${i}.notify`)}
              />
              {error(`escalation.${i}.notify`)}
            </label>
            <button
              className="btn small ghost"
              aria-label={`Remove step ${i + 1}`}
              onClick={() => set({ escalation: form.escalation.filter((_, j) => j !== i) })}
            >
              <CloseIcon />
            </button>
          </div>
        ))}
        <span className="help">
          Minutes after the previous step (the first: after the request opened). Those told may decide from then on. “{ON_CALL}” tells the
          on-call list.
        </span>
        {error('escalation')}
        <div>
          <button className="btn small" onClick={() => set({ escalation: [...form.escalation, { afterMinutes: '15', notify: ON_CALL }] })}>
            Add escalation step
          </button>
        </div>
      </fieldset>
      <label className="field">
        Timeout in minutes
        <input
          inputMode="numeric"
          value={form.timeoutMinutes}
          onChange={(e) => set({ timeoutMinutes: e.target.value })}
          aria-invalid={invalid('timeoutMinutes')}
        />
        <span className="help">Empty: the installation's default timeout. Longer than all escalation delays together.</span>
        {error('timeoutMinutes')}
      </label>
      <fieldset className="stack" style={{ gap: 6 }}>
        <legend>At the timeout</legend>
        <label className="check">
          <input type="radio" name="fallback" checked={form.fallback === 'EXPIRE'} onChange={() => set({ fallback: 'EXPIRE' })} />
          The request expires and its actions are cancelled
        </label>
        <label className="check">
          <input type="radio" name="fallback" checked={form.fallback === 'APPROVE'} onChange={() => set({ fallback: 'APPROVE' })} />
          The actions run without anyone's decision
        </label>
        {form.fallback === 'APPROVE' && (
          <label className="field">
            Why this may run without a decision
            <textarea
              rows={2}
              value={form.autoApproveReason}
              onChange={(e) => set({ autoApproveReason: e.target.value })}
              aria-invalid={invalid('autoApproveReason')}
            />
            <span className="help">Quoted in the audit trail of every auto-approval.</span>
            {error('autoApproveReason')}
          </label>
        )}
      </fieldset>
      {errors.form && <ErrorBox error={errors.form} />}
    </Modal>
  );
}
