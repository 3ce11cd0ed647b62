// Approval policies (quorum, who is asked first, escalation, fallback) as the settings screen edits them: text fields
// in a form, read into the mutation's input, and the server's errors put back next to the field they are about.
import type { ApprovalFallback, ApprovalPolicyInput, SettingsFieldsFragment } from '../api/generated/graphql';
import type { ResponseActionType, UserError } from '../api/types';

export type ApprovalPolicy = SettingsFieldsFragment['approvalPolicies'][number];

export interface EscalationStepForm {
  afterMinutes: string;
  notify: string;
}

export interface ApprovalPolicyForm {
  type: ResponseActionType;
  approvalsRequired: string;
  approvers: string;
  escalation: EscalationStepForm[];
  timeoutMinutes: string;
  fallback: ApprovalFallback;
  autoApproveReason: string;
}

/** The escalation keyword for the organization's on-call list (EscalationStep.OnCall on the server). */
export const ON_CALL = 'on-call';

/** Principal ids or roles typed as a list: split on commas, blanks and line breaks, each once. */
export function namesOf(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter((n) => n.length > 0))];
}

export function formOf(policy: ApprovalPolicy): ApprovalPolicyForm {
  return {
    type: policy.type,
    approvalsRequired: String(policy.approvalsRequired),
    approvers: policy.approvers.join(', '),
    escalation: policy.escalation.map((s) => ({ afterMinutes: String(s.afterMinutes), notify: s.notify.join(', ') })),
    timeoutMinutes: policy.timeoutMinutes === null ? '' : String(policy.timeoutMinutes),
    fallback: policy.fallback,
    autoApproveReason: policy.autoApproveReason ?? '',
  };
}

export function newPolicyForm(type: ResponseActionType): ApprovalPolicyForm {
  return { type, approvalsRequired: '2', approvers: '', escalation: [], timeoutMinutes: '', fallback: 'EXPIRE', autoApproveReason: '' };
}

/** A stored policy as it is sent back unchanged (the mutation takes the complete list). */
export function inputOf(policy: ApprovalPolicy): ApprovalPolicyInput {
  return {
    type: policy.type,
    approvalsRequired: policy.approvalsRequired,
    approvers: [...policy.approvers],
    escalation: policy.escalation.map((s) => ({ afterMinutes: s.afterMinutes, notify: [...s.notify] })),
    timeoutMinutes: policy.timeoutMinutes,
    fallback: policy.fallback,
    autoApproveReason: policy.autoApproveReason,
  };
}

function wholeNumber(text: string): number | null {
  const t = text.trim();
  return /^\d+$/.test(t) ? Number(t) : null;
}

/**
 * The form read into the mutation's input, or the fields a person typed wrong (what the server cannot even be asked:
 * a number field that holds no whole number). Ranges and the rest are the server's to check, in one place.
 */
export function readForm(form: ApprovalPolicyForm): { input: ApprovalPolicyInput | null; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const approvalsRequired = wholeNumber(form.approvalsRequired);
  if (approvalsRequired === null) errors.approvalsRequired = 'Approvals required must be a whole number.';
  const timeoutMinutes = form.timeoutMinutes.trim() === '' ? null : wholeNumber(form.timeoutMinutes);
  if (timeoutMinutes === null && form.timeoutMinutes.trim() !== '') errors.timeoutMinutes = 'Timeout must be a whole number of minutes.';
  const escalation = form.escalation.map((s, i) => {
    const after = wholeNumber(s.afterMinutes);
    if (after === null) errors[`escalation.${i}.afterMinutes`] = 'Minutes must be a whole number.';
    return { afterMinutes: after ?? 0, notify: namesOf(s.notify) };
  });
  if (Object.keys(errors).length > 0) return { input: null, errors };
  return {
    input: {
      type: form.type,
      approvalsRequired: approvalsRequired!,
      approvers: namesOf(form.approvers),
      escalation,
      timeoutMinutes,
      fallback: form.fallback,
      autoApproveReason: form.fallback === 'APPROVE' ? form.autoApproveReason.trim() : null,
    },
    errors,
  };
}

/**
 * The server's errors about the policy at `index` of the list that was sent ("policies.3.escalation.1.notify"), keyed
 * by the form's field ("escalation.1.notify"); errors about anything else under "form".
 */
export function policyErrors(errors: readonly UserError[], index: number): Record<string, string> {
  const byField: Record<string, string> = {};
  for (const e of errors) {
    const path = e.path[0] === 'input' ? e.path.slice(1) : e.path;
    const field = path[0] === 'policies' && path[1] === String(index) ? path.slice(2).join('.') || 'form' : 'form';
    byField[field] ??= e.message;
  }
  return byField;
}

/** One line that says what a policy does, for the list. */
export function policySummary(policy: ApprovalPolicy): string {
  const parts = [policy.approvalsRequired === 1 ? '1 approval' : `${policy.approvalsRequired} approvals`];
  parts.push(policy.approvers.length ? `asks ${policy.approvers.join(', ')}` : 'asks any approver');
  for (const s of policy.escalation) parts.push(`after ${s.afterMinutes} min tells ${s.notify.join(', ')}`);
  if (policy.timeoutMinutes !== null)
    parts.push(`${policy.fallback === 'APPROVE' ? 'approves itself' : 'expires'} after ${policy.timeoutMinutes} min`);
  else if (policy.fallback === 'APPROVE') parts.push('approves itself at the default timeout');
  return parts.join(' · ');
}
