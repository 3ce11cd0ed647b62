// The designer's labels for the server's codes: roles and setup steps here; every other enum through humanEnum.
import type { SetupStep } from './api/generated/graphql';

export const ROLES = ['Admin', 'RuleAuthor', 'Responder', 'Approver', 'Viewer', 'Ingestor'] as const;
export type Role = (typeof ROLES)[number];

export const roleLabel: Record<Role, { label: string; help: string }> = {
  Admin: { label: 'Administrator', help: 'Settings, connections, people and API clients' },
  RuleAuthor: { label: 'Rule author', help: 'Builds, tests and activates rules' },
  Responder: { label: 'Responder', help: 'Works alerts and proposes response actions' },
  Approver: { label: 'Approver', help: "Decides others' approval requests" },
  Viewer: { label: 'Viewer', help: 'Reads everything, changes nothing' },
  Ingestor: { label: 'Ingestor', help: 'Sends events (API clients)' },
};

export function roleName(role: string): string {
  return (roleLabel as Record<string, { label: string } | undefined>)[role]?.label ?? role;
}

/** Where a role naturally starts: approvers on Approvals, responders on Alerts, authors on Rules, admins on setup. */
export function landingFor(roles: readonly string[], respondEnabled: boolean): string {
  if (roles.includes('Admin')) return respondEnabled ? '/connections' : '/turn-on';
  if (roles.includes('Approver')) return '/approvals';
  if (roles.includes('Responder')) return '/alerts';
  if (roles.includes('RuleAuthor')) return '/rules';
  return '/alerts';
}

export const setupStepPage: Record<SetupStep, string> = {
  TURN_ON_RESPOND: '/turn-on',
  CONNECT_ORGANIZATION: '/connections',
  ACTIVATE_FIRST_RULE: '/templates',
  INVITE_APPROVER: '/people',
};
