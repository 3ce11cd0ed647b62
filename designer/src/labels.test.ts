import { describe, expect, it } from 'vitest';
import { landingFor, roleName } from './labels';

describe('landingFor', () => {
  it('sends each role to its natural page', () => {
    expect(landingFor(['Approver'], true)).toBe('/approvals');
    expect(landingFor(['Approver', 'Responder'], true)).toBe('/approvals');
    expect(landingFor(['Responder'], true)).toBe('/alerts');
    expect(landingFor(['RuleAuthor'], true)).toBe('/rules');
    expect(landingFor(['Viewer'], true)).toBe('/alerts');
  });

  it('sends an administrator to set-up: turning Respond on first, then the connections', () => {
    expect(landingFor(['Admin', 'Approver'], false)).toBe('/turn-on');
    expect(landingFor(['Admin'], true)).toBe('/connections');
  });

  it('labels roles in words and leaves an unknown one as it is', () => {
    expect(roleName('RuleAuthor')).toBe('Rule author');
    expect(roleName('Auditor')).toBe('Auditor');
  });
});
