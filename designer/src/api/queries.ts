// GraphQL documents. Kept shallow: the server limits query complexity.
export const ORG_FIELDS = 'id name createdAt connectionStatus connections { connector status lastCheckedAt lastError connectedAt settings secretNames }';
export const SETTINGS_FIELDS = `enabled enabledAt enabledBy acknowledgedTerms requiredTerms disabledAt disabledBy approvalRequirements version updatedAt
  autoResponse { autoIsolateOnCritical autoKillOnHigh alwaysRequireApproval activeHours { timeZone windows { days from to } } }`;
export const PENDING_ACTIVATION_FIELDS = 'id kind status ruleVersion requestedBy justification ruleDiff createdAt expiresAt';
export const RULE_SUMMARY = `id name description status outcome version isValid organizationIds updatedAt updatedBy createdBy templateId
  runningVersion activationApprovedBy pendingActivation { ${PENDING_ACTIVATION_FIELDS} }`;
export const RULE_FIELDS = `${RULE_SUMMARY} definition validationErrors { nodeId field message }`;
export const ALERT_FIELDS = 'id title severity status ruleId ruleName organizationId groupKey count eventIds createdAt lastEventAt statusChangedBy statusComment';
export const APPROVAL_FIELDS = `id organizationId status kind ruleId ruleVersion alertId eventId proposedActions requestedBy justification approvers decidedBy decidedAt comment expiresAt createdAt
  ruleActivatedBy ruleEditedBy ruleDiff`;
export const ACTION_FIELDS = `id organizationId type status target { deviceId userId ip processId filePath fileSha256 } parameters justification
  alertId ruleId approvalRequestId bulkGroupId source submittedBy submittedAt startedAt endedAt attempts failureReason result
  verificationStatus verificationDetails verifiedAt canRollBack approvalReason automatic rollbackOf rolledBackBy timeline { status at actor reason }`;

export const SESSION = `query Session { viewer { id name roles allOrganizations organizations { ${ORG_FIELDS} } } respondSettings { ${SETTINGS_FIELDS} } }`;

export const ORGANIZATIONS = `query Orgs { organizations(first: 200) { edges { node { ${ORG_FIELDS} } } } }`;
export const CREATE_ORGANIZATION = `mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { organization { ${ORG_FIELDS} } errors { code message path } } }`;
export const CONNECT_ORGANIZATION = `mutation($input: ConnectOrganizationInput!) { connectOrganization(input: $input) { organization { ${ORG_FIELDS} } errors { code message path } } }`;
export const TEST_CONNECTION = `mutation($input: TestConnectionInput!) { testConnection(input: $input) { organization { ${ORG_FIELDS} } errors { code message path } } }`;

export const TURN_ON = `mutation($input: TurnOnRespondInput!) { turnOnRespond(input: $input) { settings { ${SETTINGS_FIELDS} } errors { code message path } } }`;
export const TURN_OFF = `mutation($input: TurnOffRespondInput!) { turnOffRespond(input: $input) { settings { ${SETTINGS_FIELDS} } errors { code message path } } }`;
export const UPDATE_APPROVALS = `mutation($input: UpdateApprovalRequirementsInput!) { updateApprovalRequirements(input: $input) { settings { ${SETTINGS_FIELDS} } errors { code message path } } }`;
export const UPDATE_AUTO_RESPONSE = `mutation($input: UpdateAutoResponseSettingsInput!) { updateAutoResponseSettings(input: $input) { settings { ${SETTINGS_FIELDS} } errors { code message path } } }`;

export const CATALOG = `query Catalog { activityCatalog { id category displayName description ports actionType
  inputs { name type required description allowedValues itemType fields { name type required allowedValues itemType } } } }`;

export const RULES = `query Rules($where: RuleFilterInput, $after: String) { rules(first: 100, after: $after, where: $where) { totalCount pageInfo { hasNextPage endCursor } edges { node { ${RULE_SUMMARY} } } } }`;
export const RULE = `query Rule($id: ID!) { rule(id: $id) { ${RULE_FIELDS} } }`;
export const RULE_VERSIONS = `query Versions($id: ID!) { rule(id: $id) { id versions { version name outcome status definition definitionHash changedBy changedAt change } } }`;
export const CREATE_RULE = `mutation($input: CreateRuleInput!) { createRule(input: $input) { rule { ${RULE_FIELDS} } errors { code message path } } }`;
export const UPDATE_RULE = `mutation($input: UpdateRuleInput!) { updateRule(input: $input) { rule { ${RULE_FIELDS} } approvalRequest { id } errors { code message path } } }`;
export const DUPLICATE_RULE = `mutation($input: DuplicateRuleInput!) { duplicateRule(input: $input) { rule { ${RULE_SUMMARY} } errors { code message path } } }`;
export const DELETE_RULE = `mutation($input: DeleteRuleInput!) { deleteRule(input: $input) { deletedRuleId errors { code message path } } }`;
export const ACTIVATE_RULE = `mutation($input: ActivateRuleInput!) { activateRule(input: $input) { rule { ${RULE_FIELDS} } approvalRequest { id } errors { code message path } } }`;
export const PAUSE_RULE = `mutation($input: PauseRuleInput!) { pauseRule(input: $input) { rule { ${RULE_FIELDS} } errors { code message path } } }`;
export const CONVERT_TO_IOC = `mutation($input: ConvertRuleToIocInput!) { convertRuleToIoc(input: $input) { iocRule { id name } errors { code message path } } }`;
export const IOC_RULES = `query { iocRules { id name sourceRuleId sourceRuleVersion organizationIds ips hashes domains processNames createdAt createdBy } }`;

export const TEMPLATES = `query { communityTemplates { id name description outcome tags definition } }`;
export const DUPLICATE_TEMPLATE = `mutation($input: DuplicateTemplateInput!) { duplicateTemplate(input: $input) { rule { ${RULE_SUMMARY} } errors { code message path } } }`;

export const TEST_RULE = `mutation($input: TestRuleInput!) { testRule(input: $input) { results { eventId triggered status path alerts actions approvalRequests error } errors { code message path } } }`;
export const BACKTEST_RULE = `mutation($input: BacktestRuleInput!) { backtestRule(input: $input) { backtest { id status progress from to totalEvents processedEvents triggeredEvents alertCount error perDay } errors { code message path } } }`;
export const BACKTEST = `query($id: ID!) { backtest(id: $id) { id status progress from to totalEvents processedEvents triggeredEvents alertCount error perDay } }`;
export const VALIDATE_SCRIPT = `query($source: String!, $kind: ScriptKind!) { validateScript(source: $source, kind: $kind) { severity code message line column } }`;

export const ALERTS = `query Alerts($where: AlertFilterInput) { alerts(first: 100, where: $where) { totalCount edges { node { ${ALERT_FIELDS} } } } }`;
export const ALERT_RAISED = `subscription { alertRaised { ${ALERT_FIELDS} } }`;
export const ACK_ALERT = `mutation($input: AlertDecisionInput!) { acknowledgeAlert(input: $input) { alert { ${ALERT_FIELDS} } errors { code message path } } }`;
export const CLOSE_ALERT = `mutation($input: AlertDecisionInput!) { closeAlert(input: $input) { alert { ${ALERT_FIELDS} } errors { code message path } } }`;

export const APPROVALS = `query Approvals($where: ApprovalFilterInput) { approvalRequests(first: 100, where: $where) { totalCount edges { node { ${APPROVAL_FIELDS} } } } }`;
export const APPROVAL_REQUESTED = `subscription { approvalRequested { ${APPROVAL_FIELDS} } }`;
export const APPROVAL_DECIDED = `subscription { approvalDecided { ${APPROVAL_FIELDS} } }`;
export const APPROVE = `mutation($input: DecideApprovalInput!) { approveRequest(input: $input) { approvalRequest { ${APPROVAL_FIELDS} } errors { code message path } } }`;
export const REJECT = `mutation($input: DecideApprovalInput!) { rejectRequest(input: $input) { approvalRequest { ${APPROVAL_FIELDS} } errors { code message path } } }`;

// Response actions (issue 5): coded against the planned API.
export const RESPONSE_ACTIONS = `query Actions($where: ResponseActionFilterInput) { responseActions(first: 100, where: $where) { totalCount edges { node { ${ACTION_FIELDS} } } } }`;
export const RESPONSE_ACTION = `query Action($id: ID!) { responseAction(id: $id) { ${ACTION_FIELDS} } }`;
export const RESPONSE_ACTION_UPDATED = `subscription($id: ID) { responseActionUpdated(id: $id) { ${ACTION_FIELDS} } }`;
export const SUBMIT_ACTION = `mutation($input: SubmitResponseActionInput!) { submitResponseAction(input: $input) { responseAction { ${ACTION_FIELDS} } approvalRequest { id status } errors { code message path } } }`;
export const SUBMIT_BULK_ACTION = `mutation($input: SubmitBulkResponseActionInput!) { submitBulkResponseAction(input: $input) { bulkGroupId responseActions { id status } results { index errors { code message path } } errors { code message path } } }`;
export const CANCEL_ACTION = `mutation($input: CancelResponseActionInput!) { cancelResponseAction(input: $input) { responseAction { ${ACTION_FIELDS} } errors { code message path } } }`;
export const ROLLBACK_ACTION = `mutation($input: RollbackResponseActionInput!) { rollbackResponseAction(input: $input) { responseAction { id status } approvalRequest { id } errors { code message path } } }`;

export const AUDIT = `query Audit($where: AuditFilterInput, $after: String) { auditTrail(first: 200, after: $after, where: $where) { totalCount pageInfo { hasNextPage endCursor }
  edges { node { id at actorId actorName action subjectType subjectId organizationIds before after } } } }`;

export const INGEST = `mutation($input: IngestEventsInput!) { ingestEvents(input: $input) { accepted duplicates errors { code message path } } }`;

export const AGENT_FIELDS = 'id organizationId deviceId hostname os enrolledAt lastSeenAt connected revokedAt revokedBy revokedReason';
export const ENROLLMENT_TOKEN_FIELDS = 'id organizationId createdAt createdBy expiresAt usedAt usedByAgentId revokedAt revokedBy';
export const AGENT_DEVICES = `query AgentDevices($org: ID!) { agents(organizationId: $org) { deviceId connected revokedAt } }`;
export const AGENTS = `query Agents($org: ID!) { agents(organizationId: $org) { ${AGENT_FIELDS} } agentEnrollmentTokens(organizationId: $org) { ${ENROLLMENT_TOKEN_FIELDS} } }`;
export const CREATE_ENROLLMENT_TOKEN = `mutation($input: CreateAgentEnrollmentTokenInput!) { createAgentEnrollmentToken(input: $input) { token enrollmentToken { ${ENROLLMENT_TOKEN_FIELDS} } errors { code message path } } }`;
export const REVOKE_AGENT = `mutation($input: RevokeAgentInput!) { revokeAgent(input: $input) { agent { ${AGENT_FIELDS} } errors { code message path } } }`;
export const REVOKE_ENROLLMENT_TOKEN = `mutation($input: RevokeAgentEnrollmentTokenInput!) { revokeAgentEnrollmentToken(input: $input) { enrollmentToken { ${ENROLLMENT_TOKEN_FIELDS} } errors { code message path } } }`;
