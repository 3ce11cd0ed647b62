// Shapes of the public GraphQL API (tests/Respond.Server.Tests/GraphQL/__snapshots__), as the designer reads them.
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export type RuleStatus = 'DRAFT' | 'ACTIVE' | 'PAUSED';
export type RuleOutcome = 'ALERT_ONLY' | 'MANUAL_APPROVAL' | 'AUTOMATIC';
export type Severity = 'INFORMATIONAL' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';
export type ConnectionStatus = 'NOT_CONNECTED' | 'HEALTHY' | 'NEEDS_ATTENTION' | 'BROKEN';
export type ConnectorKind = 'SIMULATED' | 'MICROSOFT_GRAPH' | 'ENDPOINT_AGENT' | 'WEBHOOK';
export type BlockCategory = 'TRIGGER' | 'CONDITION' | 'GATE' | 'ALERT' | 'ACTION' | 'FLOW';
export type ConfigFieldType =
  | 'STRING' | 'INTEGER' | 'BOOLEAN' | 'DURATION' | 'SEVERITY' | 'FIELD_PATH' | 'TIME_ZONE' | 'CRON' | 'TEMPLATE'
  | 'OBJECT' | 'ARRAY' | 'CONDITIONS' | 'SCRIPT' | 'EXPRESSION' | 'TIME_OF_DAY' | 'ANY';
export type ApprovalStatus = 'PENDING' | 'APPROVED' | 'REJECTED' | 'EXPIRED' | 'CANCELLED';
export type ApprovalKind = 'ACTION' | 'GATE' | 'RULE_ACTIVATION';
export type AlertStatus = 'NEW' | 'ACKNOWLEDGED' | 'CLOSED';
export type ResponseActionStatus = 'PENDING_APPROVAL' | 'QUEUED' | 'EXECUTING' | 'COMPLETED' | 'FAILED' | 'CANCELLED';

export const SEVERITIES: Severity[] = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];
export const OUTCOMES: RuleOutcome[] = ['ALERT_ONLY', 'MANUAL_APPROVAL', 'AUTOMATIC'];
export const ACTION_TYPES = [
  'KILL_PROCESS', 'ISOLATE_DEVICE', 'UNISOLATE_DEVICE', 'QUARANTINE_FILE', 'BLOCK_IP', 'UNBLOCK_IP', 'RESET_USER_SESSION',
  'FORCE_PASSWORD_RESET', 'COLLECT_FORENSICS', 'RUN_SCRIPT', 'BLOCK_SIGN_IN', 'EXPIRE_ACCOUNT_LOGINS', 'RESET_USER_PASSWORD',
  'FORCE_PASSWORD_CHANGE_NEXT_SIGN_IN', 'RESTORE_FILE', 'UNBLOCK_SIGN_IN',
] as const;
export type ResponseActionType = (typeof ACTION_TYPES)[number];

export interface UserError { code: string; message: string; path: string[] }
export interface Connection<T> { totalCount: number | null; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: T }[] }

export interface RespondConnection {
  connector: ConnectorKind; status: ConnectionStatus; lastCheckedAt: string | null; lastError: string | null;
  connectedAt: string; settings: JsonObject; secretNames: string[];
}
export interface Organization { id: string; name: string; createdAt: string; connectionStatus: ConnectionStatus; connections: RespondConnection[] }
export interface Viewer { id: string; name: string; roles: string[]; allOrganizations: boolean; organizations: Organization[] }

export interface ActiveHoursWindow { days: string[]; from: string; to: string }
export interface RespondSettings {
  enabled: boolean; enabledAt: string | null; enabledBy: string | null; acknowledgedTerms: string[]; requiredTerms: string[];
  disabledAt: string | null; disabledBy: string | null; approvalRequirements: ResponseActionType[];
  autoResponse: {
    autoIsolateOnCritical: boolean; autoKillOnHigh: boolean; alwaysRequireApproval: ResponseActionType[];
    activeHours: { timeZone: string; windows: ActiveHoursWindow[] } | null;
  };
  version: number; updatedAt: string;
}

export interface ActivityInput {
  name: string; type: ConfigFieldType; required: boolean; description: string;
  allowedValues: string[] | null; itemType: ConfigFieldType | null; fields: ActivityInput[] | null;
}
export interface ActivityDescriptor {
  id: string; category: BlockCategory; displayName: string; description: string; ports: string[];
  inputs: ActivityInput[]; actionType: ResponseActionType | null;
}

export interface RuleValidationError { nodeId: string | null; field: string | null; message: string }
export interface RuleVersion {
  version: number; name: string; outcome: RuleOutcome; status: RuleStatus; definition: Json; definitionHash: string;
  changedBy: string; changedAt: string; change: string;
}
export interface RuleSummary {
  id: string; name: string; description: string; status: RuleStatus; outcome: RuleOutcome; version: number; isValid: boolean;
  organizationIds: string[]; updatedAt: string; updatedBy: string | null; createdBy: string; templateId: string | null;
  /** The version the engine runs (null: not running); behind version while a change waits for approval. */
  runningVersion: number | null; activationApprovedBy: string | null;
  /** The open RULE_ACTIVATION request (change control): the rule (or this version) runs once a second person approves. */
  pendingActivation: PendingActivation | null;
}
export interface PendingActivation {
  id: string; kind: ApprovalKind; status: ApprovalStatus; ruleVersion: number | null; requestedBy: string; justification: string | null;
  ruleDiff: Json | null; createdAt: string; expiresAt: string;
}
export interface Rule extends RuleSummary { definition: Json; validationErrors: RuleValidationError[] }
export interface RuleTemplate { id: string; name: string; description: string; outcome: RuleOutcome; tags: string[]; definition: Json }
export interface IocRule {
  id: string; name: string; sourceRuleId: string; sourceRuleVersion: number; organizationIds: string[];
  ips: string[]; hashes: string[]; domains: string[]; processNames: string[]; createdAt: string; createdBy: string;
}

export interface Alert {
  id: string; title: string; severity: Severity; status: AlertStatus; ruleId: string; ruleName: string; organizationId: string;
  groupKey: string; count: number; eventIds: string[]; createdAt: string; lastEventAt: string; statusChangedBy: string | null; statusComment: string | null;
}
export interface ProposedAction { nodeId?: string; type: string; target: Record<string, string | number | null> }
export interface ApprovalRequest {
  id: string; organizationId: string; status: ApprovalStatus; kind: ApprovalKind; ruleId: string | null; ruleVersion: number | null;
  alertId: string | null; eventId: string | null;
  proposedActions: Json; requestedBy: string; justification: string | null; approvers: string[];
  ruleActivatedBy: string | null; ruleEditedBy: string[]; ruleDiff: Json | null;
  decidedBy: string | null; decidedAt: string | null; comment: string | null; expiresAt: string; createdAt: string;
}

export interface ActionTarget { deviceId?: string | null; userId?: string | null; ip?: string | null; processId?: string | null; filePath?: string | null; fileSha256?: string | null }
export interface ResponseAction {
  id: string; organizationId: string; type: ResponseActionType; status: ResponseActionStatus; target: ActionTarget;
  parameters: Json; justification: string | null; alertId: string | null; ruleId: string | null; approvalRequestId: string | null;
  bulkGroupId: string | null; source: string; submittedBy: string; submittedAt: string; startedAt: string | null; endedAt: string | null;
  attempts: number; failureReason: string | null; result: Json; verificationStatus: string; verificationDetails: string | null;
  verifiedAt: string | null; canRollBack: boolean; approvalReason: string | null; automatic: boolean;
  rollbackOf: string | null; rolledBackBy: string | null; timeline: { status: string; at: string; actor: string | null; reason: string | null }[];
}

export interface AuditEntry {
  id: string; at: string; actorId: string; actorName: string; action: string; subjectType: string; subjectId: string;
  organizationIds: string[]; before: Json; after: Json;
}

export interface PathStep { nodeId: string; blockType: string; port: string | null; at: string; detail: JsonObject | null }
export interface TestEventResult {
  eventId: string; triggered: boolean; status: string | null; path: PathStep[]; alerts: Json; actions: Json; approvalRequests: Json; error: string | null;
}
export interface Backtest {
  id: string; status: 'RUNNING' | 'COMPLETED' | 'CANCELLED' | 'FAILED'; progress: number; from: string; to: string;
  totalEvents: number; processedEvents: number; triggeredEvents: number; alertCount: number; error: string | null; perDay: Json;
}

export interface EndpointAgent {
  id: string; organizationId: string; deviceId: string; hostname: string; os: string; enrolledAt: string; lastSeenAt: string | null;
  connected: boolean; revokedAt: string | null; revokedBy: string | null; revokedReason: string | null;
}
export interface AgentEnrollmentToken {
  id: string; organizationId: string; createdAt: string; createdBy: string; expiresAt: string; usedAt: string | null;
  usedByAgentId: string | null; revokedAt: string | null; revokedBy: string | null;
}
