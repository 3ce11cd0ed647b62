import { describe, expect, it } from 'vitest';
import { formOf, inputOf, namesOf, newPolicyForm, policyErrors, policySummary, readForm, type ApprovalPolicy } from './approvalPolicies';

const stored: ApprovalPolicy = {
  type: 'ISOLATE_DEVICE',
  approvalsRequired: 2,
  approvers: ['soc-tier1', 'Approver'],
  escalation: [{ afterMinutes: 15, notify: ['on-call'] }],
  timeoutMinutes: 60,
  fallback: 'EXPIRE',
  autoApproveReason: null,
};

describe('approval policy form', () => {
  it('reads a list of names split on commas and blanks, each once', () => {
    expect(namesOf(' alice, bob\ncarol  alice ,, ')).toEqual(['alice', 'bob', 'carol']);
    expect(namesOf('')).toEqual([]);
  });

  it('gives back the stored policy unchanged when nothing was edited', () => {
    const read = readForm(formOf(stored));
    expect(read.errors).toEqual({});
    expect(read.input).toEqual(inputOf(stored));
  });

  it('names the fields that hold no whole number, and sends nothing', () => {
    const form = { ...formOf(stored), approvalsRequired: 'two', timeoutMinutes: '1.5', escalation: [{ afterMinutes: '', notify: 'x' }] };
    const read = readForm(form);
    expect(read.input).toBeNull();
    expect(Object.keys(read.errors).sort()).toEqual(['approvalsRequired', 'escalation.0.afterMinutes', 'timeoutMinutes']);
  });

  it('sends a reason only with the APPROVE fallback, and no timeout when left blank', () => {
    const form = { ...newPolicyForm('KILL_PROCESS'), autoApproveReason: 'typed, then EXPIRE chosen' };
    expect(readForm(form).input).toMatchObject({
      type: 'KILL_PROCESS',
      approvalsRequired: 2,
      timeoutMinutes: null,
      autoApproveReason: null,
    });
    expect(readForm({ ...form, fallback: 'APPROVE', autoApproveReason: '  lab devices  ' }).input?.autoApproveReason).toBe('lab devices');
  });

  it("puts the server's errors about the edited policy next to its fields, others on the form", () => {
    const errors = [
      { code: 'VALIDATION', message: 'notify is empty', path: ['input', 'policies', '1', 'escalation', '0', 'notify'] },
      { code: 'VALIDATION', message: 'other policy', path: ['input', 'policies', '0', 'approvalsRequired'] },
      { code: 'VERSION_CONFLICT', message: 'changed meanwhile', path: ['input', 'expectedVersion'] },
    ];
    expect(policyErrors(errors, 1)).toEqual({ 'escalation.0.notify': 'notify is empty', form: 'other policy' });
  });

  it('says in one line what a policy does', () => {
    expect(policySummary(stored)).toBe('2 approvals · asks soc-tier1, Approver · after 15 min tells on-call · expires after 60 min');
    expect(
      policySummary({ ...stored, approvalsRequired: 1, approvers: [], escalation: [], timeoutMinutes: null, fallback: 'APPROVE' }),
    ).toBe('1 approval · asks any approver · approves itself at the default timeout');
  });
});
