// GraphQL documents, typed by codegen against the server's schema snapshot (codegen.ts). Kept shallow: the server
// limits query complexity.
import { graphql } from './generated';

graphql(`
  fragment UserErrorFields on UserError {
    code
    message
    path
  }
`);

graphql(`
  fragment ApiClientPayloadFields on ApiClientPayload {
    apiClient {
      ...ApiClientFields
    }
    secret
    errors {
      ...UserErrorFields
    }
  }
`);

graphql(`
  fragment OrganizationFields on Organization {
    id
    name
    createdAt
    connectionStatus
    connectionSimulated
    connections {
      connector
      status
      simulated
      lastCheckedAt
      lastError
      connectedAt
      settings
      secretNames
    }
  }
`);
graphql(`
  fragment SettingsFields on RespondSettings {
    organizationId
    inheritsDefaults
    enabled
    enabledAt
    enabledBy
    acknowledgedTerms
    requiredTerms
    disabledAt
    disabledBy
    approvalRequirements
    approvalPolicies {
      type
      approvalsRequired
      approvers
      escalation {
        afterMinutes
        notify
      }
      timeoutMinutes
      fallback
      autoApproveReason
    }
    onCall
    version
    updatedAt
    autoResponse {
      autoIsolateOnCritical
      autoKillOnHigh
      alwaysRequireApproval
      activeHours {
        timeZone
        windows {
          days
          from
          to
        }
      }
    }
  }
`);
graphql(`
  fragment PendingActivationFields on ApprovalRequest {
    id
    kind
    status
    ruleVersion
    requestedBy
    justification
    ruleDiff
    createdAt
    expiresAt
  }
`);
graphql(`
  fragment RuleSummaryFields on Rule {
    id
    name
    description
    status
    outcome
    version
    isValid
    organizationIds
    updatedAt
    updatedBy
    createdBy
    templateId
    runningVersion
    activationApprovedBy
    pendingActivation {
      ...PendingActivationFields
    }
  }
`);
graphql(`
  fragment RuleFields on Rule {
    ...RuleSummaryFields
    definition
    validationErrors {
      nodeId
      field
      message
    }
  }
`);
graphql(`
  fragment AlertFields on Alert {
    id
    title
    severity
    status
    ruleId
    ruleName
    organizationId
    groupKey
    count
    eventIds
    createdAt
    lastEventAt
    statusChangedBy
    statusComment
  }
`);
graphql(`
  fragment ApprovalFields on ApprovalRequest {
    id
    organizationId
    status
    kind
    ruleId
    ruleVersion
    alertId
    eventId
    proposedActions
    requestedBy
    requestedByName
    justification
    approvers
    decidedBy
    decidedByName
    decisions {
      byName
      outcome
      at
    }
    decidedAt
    comment
    expiresAt
    createdAt
    ruleActivatedBy
    ruleEditedBy
    ruleDiff
    ruleName
    reason
    reasonText
    actionTypes
    groupKey
    approvalsRequired
    approvalsReceived
    alert {
      id
      title
      severity
    }
    evidence {
      id
      type
      source
      time
      fields
    }
  }
`);
graphql(`
  fragment ActionFields on ResponseAction {
    id
    organizationId
    type
    status
    target {
      deviceId
      userId
      ip
      processId
      filePath
      fileSha256
    }
    parameters
    justification
    alertId
    ruleId
    approvalRequestId
    bulkGroupId
    source
    submittedBy
    submittedAt
    startedAt
    endedAt
    attempts
    failureReason
    result
    verificationStatus
    verificationDetails
    verifiedAt
    canRollBack
    approvalReason
    automatic
    rollbackOf
    rolledBackBy
    timeline {
      status
      at
      actor
      actorName
      reason
    }
  }
`);
graphql(`
  fragment AgentFields on EndpointAgent {
    id
    organizationId
    deviceId
    hostname
    os
    enrolledAt
    lastSeenAt
    connected
    revokedAt
    revokedBy
    revokedReason
  }
`);
graphql(`
  fragment EnrollmentTokenFields on AgentEnrollmentToken {
    id
    organizationId
    createdAt
    createdBy
    expiresAt
    usedAt
    usedByAgentId
    revokedAt
    revokedBy
  }
`);

export const SESSION = graphql(`
  query Session {
    viewer {
      id
      name
      roles
      allOrganizations
      organizations {
        ...OrganizationFields
      }
    }
    respondSettings {
      ...SettingsFields
    }
  }
`);
export const PENDING_APPROVAL_COUNT = graphql(`
  query PendingApprovalCount {
    approvalRequests(first: 1, where: { status: PENDING }) {
      totalCount
    }
  }
`);

export const ORGANIZATIONS = graphql(`
  query Organizations {
    organizations(first: 200) {
      edges {
        node {
          ...OrganizationFields
        }
      }
    }
  }
`);
export const CREATE_ORGANIZATION = graphql(`
  mutation CreateOrganization($input: CreateOrganizationInput!) {
    createOrganization(input: $input) {
      organization {
        ...OrganizationFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);
export const CONNECT_ORGANIZATION = graphql(`
  mutation ConnectOrganization($input: ConnectOrganizationInput!) {
    connectOrganization(input: $input) {
      organization {
        ...OrganizationFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);
export const TEST_CONNECTION = graphql(`
  mutation TestConnection($input: TestConnectionInput!) {
    testConnection(input: $input) {
      organization {
        ...OrganizationFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const TURN_ON = graphql(`
  mutation TurnOnRespond($input: TurnOnRespondInput!) {
    turnOnRespond(input: $input) {
      settings {
        ...SettingsFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);
export const TURN_OFF = graphql(`
  mutation TurnOffRespond($input: TurnOffRespondInput!) {
    turnOffRespond(input: $input) {
      settings {
        ...SettingsFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);
export const UPDATE_APPROVALS = graphql(`
  mutation UpdateApprovalRequirements($input: UpdateApprovalRequirementsInput!) {
    updateApprovalRequirements(input: $input) {
      settings {
        ...SettingsFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);
export const UPDATE_AUTO_RESPONSE = graphql(`
  mutation UpdateAutoResponseSettings($input: UpdateAutoResponseSettingsInput!) {
    updateAutoResponseSettings(input: $input) {
      settings {
        ...SettingsFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const SETTINGS_OF = graphql(`
  query SettingsOf($organizationId: ID) {
    respondSettings(organizationId: $organizationId) {
      ...SettingsFields
    }
  }
`);
export const UPDATE_APPROVAL_POLICIES = graphql(`
  mutation UpdateApprovalPolicies($input: UpdateApprovalPoliciesInput!) {
    updateApprovalPolicies(input: $input) {
      settings {
        ...SettingsFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const CATALOG = graphql(`
  query Catalog {
    activityCatalog {
      id
      category
      displayName
      description
      ports
      actionType
      inputs {
        name
        type
        required
        description
        allowedValues
        itemType
        fields {
          name
          type
          required
          allowedValues
          itemType
        }
      }
    }
  }
`);

export const RULES = graphql(`
  query Rules($where: RuleFilterInput, $after: String) {
    rules(first: 100, after: $after, where: $where) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          ...RuleSummaryFields
        }
      }
    }
  }
`);
export const RULE = graphql(`
  query Rule($id: ID!) {
    rule(id: $id) {
      ...RuleFields
    }
  }
`);
export const RULE_VERSIONS = graphql(`
  query RuleVersions($id: ID!) {
    rule(id: $id) {
      id
      versions {
        version
        name
        outcome
        status
        definition
        definitionHash
        changedBy
        changedAt
        change
      }
    }
  }
`);
export const CREATE_RULE = graphql(`
  mutation CreateRule($input: CreateRuleInput!) {
    createRule(input: $input) {
      rule {
        ...RuleFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);
export const UPDATE_RULE = graphql(`
  mutation UpdateRule($input: UpdateRuleInput!) {
    updateRule(input: $input) {
      rule {
        ...RuleFields
      }
      approvalRequest {
        id
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);
export const DUPLICATE_RULE = graphql(`
  mutation DuplicateRule($input: DuplicateRuleInput!) {
    duplicateRule(input: $input) {
      rule {
        ...RuleSummaryFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);
export const DELETE_RULE = graphql(`
  mutation DeleteRule($input: DeleteRuleInput!) {
    deleteRule(input: $input) {
      deletedRuleId
      errors {
        ...UserErrorFields
      }
    }
  }
`);
export const ACTIVATE_RULE = graphql(`
  mutation ActivateRule($input: ActivateRuleInput!) {
    activateRule(input: $input) {
      rule {
        ...RuleFields
      }
      approvalRequest {
        id
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);
export const PAUSE_RULE = graphql(`
  mutation PauseRule($input: PauseRuleInput!) {
    pauseRule(input: $input) {
      rule {
        ...RuleFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);
export const CONVERT_TO_IOC = graphql(`
  mutation ConvertRuleToIoc($input: ConvertRuleToIocInput!) {
    convertRuleToIoc(input: $input) {
      iocRule {
        id
        name
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);
export const IOC_RULES = graphql(`
  query IocRules {
    iocRules {
      id
      name
      sourceRuleId
      sourceRuleVersion
      organizationIds
      ips
      hashes
      domains
      processNames
      createdAt
      createdBy
    }
  }
`);

export const TEMPLATES = graphql(`
  query CommunityTemplates {
    communityTemplates {
      id
      name
      description
      outcome
      tags
      definition
    }
  }
`);
export const DUPLICATE_TEMPLATE = graphql(`
  mutation DuplicateTemplate($input: DuplicateTemplateInput!) {
    duplicateTemplate(input: $input) {
      rule {
        ...RuleSummaryFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const TEST_RULE = graphql(`
  mutation TestRule($input: TestRuleInput!) {
    testRule(input: $input) {
      results {
        eventId
        triggered
        status
        path
        alerts
        actions
        approvalRequests
        error
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);
export const BACKTEST_RULE = graphql(`
  mutation BacktestRule($input: BacktestRuleInput!) {
    backtestRule(input: $input) {
      backtest {
        id
        status
        progress
        from
        to
        totalEvents
        processedEvents
        triggeredEvents
        alertCount
        error
        perDay
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);
export const BACKTEST = graphql(`
  query Backtest($id: ID!) {
    backtest(id: $id) {
      id
      status
      progress
      from
      to
      totalEvents
      processedEvents
      triggeredEvents
      alertCount
      error
      perDay
    }
  }
`);
export const VALIDATE_SCRIPT = graphql(`
  query ValidateScript($source: String!, $kind: ScriptKind!) {
    validateScript(source: $source, kind: $kind) {
      severity
      code
      message
      line
      column
    }
  }
`);

export const ALERTS = graphql(`
  query Alerts($where: AlertFilterInput, $first: Int, $after: String) {
    alerts(first: $first, after: $after, where: $where) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          ...AlertFields
        }
      }
    }
  }
`);
export const ALERT = graphql(`
  query Alert($id: ID!, $after: String) {
    alert(id: $id) {
      ...AlertFields
      ruleVersion
      firstEventAt
      why
      statusHistory {
        status
        at
        actor
        comment
      }
      ruleExecution {
        ...RuleExecutionFields
      }
      events(first: 50, after: $after) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          node {
            id
            type
            source
            severity
            time
            fields
          }
        }
      }
      approvalRequests {
        id
        status
        reasonText
        actionTypes
        requestedByName
        createdAt
      }
      responseActions {
        id
        type
        status
        startedAt
      }
    }
  }
`);
graphql(`
  fragment RuleExecutionFields on RuleExecution {
    id
    ruleId
    ruleVersion
    organizationId
    eventId
    status
    path
    startedAt
    endedAt
    error
  }
`);
export const RULE_EXECUTIONS = graphql(`
  query RuleExecutions($where: RuleExecutionFilterInput, $after: String) {
    ruleExecutions(first: 50, after: $after, where: $where) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          ...RuleExecutionFields
        }
      }
    }
  }
`);
export const ALERT_RAISED = graphql(`
  subscription AlertRaised {
    alertRaised {
      ...AlertFields
    }
  }
`);
export const ACK_ALERT = graphql(`
  mutation AcknowledgeAlert($input: AlertDecisionInput!) {
    acknowledgeAlert(input: $input) {
      alert {
        ...AlertFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);
export const CLOSE_ALERT = graphql(`
  mutation CloseAlert($input: AlertDecisionInput!) {
    closeAlert(input: $input) {
      alert {
        ...AlertFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const APPROVALS = graphql(`
  query Approvals($where: ApprovalFilterInput, $order: ApprovalOrder, $first: Int, $after: String) {
    approvalRequests(first: $first, after: $after, where: $where, order: $order) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          ...ApprovalFields
        }
      }
    }
  }
`);
export const APPROVAL = graphql(`
  query Approval($id: ID!) {
    approvalRequest(id: $id) {
      ...ApprovalFields
    }
  }
`);
export const PENDING_APPROVAL_GROUPS = graphql(`
  query PendingApprovalGroups($where: ApprovalFilterInput, $order: ApprovalOrder) {
    pendingApprovalGroups(first: 50, where: $where, order: $order) {
      totalCount
      edges {
        node {
          groupKey
          organizationId
          actionTypes
          targets
          count
          earliestExpiresAt
          requestIds
          first {
            ...ApprovalFields
          }
        }
      }
    }
  }
`);
export const DECIDE_APPROVALS = graphql(`
  mutation DecideApprovalRequests($input: DecideApprovalRequestsInput!) {
    decideApprovalRequests(input: $input) {
      decidedCount
      skippedCount
      results {
        id
        decided
        error {
          code
          message
          path
        }
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);
export const APPROVAL_REQUESTED = graphql(`
  subscription ApprovalRequested {
    approvalRequested {
      ...ApprovalFields
    }
  }
`);
export const APPROVAL_DECIDED = graphql(`
  subscription ApprovalDecided {
    approvalDecided {
      ...ApprovalFields
    }
  }
`);
export const APPROVE = graphql(`
  mutation ApproveRequest($input: DecideApprovalInput!) {
    approveRequest(input: $input) {
      approvalRequest {
        ...ApprovalFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);
export const REJECT = graphql(`
  mutation RejectRequest($input: DecideApprovalInput!) {
    rejectRequest(input: $input) {
      approvalRequest {
        ...ApprovalFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const RESPONSE_ACTIONS = graphql(`
  query ResponseActions($where: ResponseActionFilterInput) {
    responseActions(first: 100, where: $where) {
      totalCount
      edges {
        node {
          ...ActionFields
        }
      }
    }
  }
`);
export const RESPONSE_ACTION = graphql(`
  query ResponseAction($id: ID!) {
    responseAction(id: $id) {
      ...ActionFields
    }
  }
`);
export const RESPONSE_ACTION_UPDATED = graphql(`
  subscription ResponseActionUpdated($id: ID) {
    responseActionUpdated(id: $id) {
      ...ActionFields
    }
  }
`);
export const SUBMIT_ACTION = graphql(`
  mutation SubmitResponseAction($input: SubmitResponseActionInput!) {
    submitResponseAction(input: $input) {
      responseAction {
        ...ActionFields
      }
      approvalRequest {
        id
        status
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);
export const SUBMIT_BULK_ACTION = graphql(`
  mutation SubmitBulkResponseAction($input: SubmitBulkResponseActionInput!) {
    submitBulkResponseAction(input: $input) {
      bulkGroupId
      responseActions {
        id
        status
      }
      results {
        index
        errors {
          ...UserErrorFields
        }
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);
export const CANCEL_ACTION = graphql(`
  mutation CancelResponseAction($input: CancelResponseActionInput!) {
    cancelResponseAction(input: $input) {
      responseAction {
        ...ActionFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);
export const ROLLBACK_ACTION = graphql(`
  mutation RollbackResponseAction($input: RollbackResponseActionInput!) {
    rollbackResponseAction(input: $input) {
      responseAction {
        id
        status
      }
      approvalRequest {
        id
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

export const AUDIT = graphql(`
  query AuditTrail($where: AuditFilterInput, $after: String) {
    auditTrail(first: 200, after: $after, where: $where) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          at
          actorId
          actorName
          action
          subjectType
          subjectId
          organizationIds
          before
          after
        }
      }
    }
  }
`);

export const AGENT_DEVICES = graphql(`
  query AgentDevices($org: ID!) {
    agents(organizationId: $org) {
      deviceId
      connected
      revokedAt
    }
  }
`);
export const AGENTS = graphql(`
  query Agents($org: ID!) {
    agents(organizationId: $org) {
      ...AgentFields
    }
    agentEnrollmentTokens(organizationId: $org) {
      ...EnrollmentTokenFields
    }
  }
`);
export const CREATE_ENROLLMENT_TOKEN = graphql(`
  mutation CreateAgentEnrollmentToken($input: CreateAgentEnrollmentTokenInput!) {
    createAgentEnrollmentToken(input: $input) {
      token
      enrollmentToken {
        ...EnrollmentTokenFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);
export const REVOKE_AGENT = graphql(`
  mutation RevokeAgent($input: RevokeAgentInput!) {
    revokeAgent(input: $input) {
      agent {
        ...AgentFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);
export const REVOKE_ENROLLMENT_TOKEN = graphql(`
  mutation RevokeAgentEnrollmentToken($input: RevokeAgentEnrollmentTokenInput!) {
    revokeAgentEnrollmentToken(input: $input) {
      enrollmentToken {
        ...EnrollmentTokenFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

graphql(`
  fragment UserFields on User {
    id
    userName
    roles
    organizations
    disabled
    disabledAt
    createdAt
  }
`);
graphql(`
  fragment ApiClientFields on ApiClient {
    clientId
    roles
    organizations
    revoked
    revokedAt
  }
`);
export const PEOPLE = graphql(`
  query People {
    users {
      ...UserFields
    }
    apiClients {
      ...ApiClientFields
    }
  }
`);
export const SETUP_CHECKLIST = graphql(`
  query SetupChecklist {
    setupChecklist {
      step
      done
      title
      detail
    }
  }
`);
export const CREATE_USER = graphql(`
  mutation CreateUser($input: CreateUserInput!) {
    createUser(input: $input) {
      user {
        ...UserFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);
export const DISABLE_USER = graphql(`
  mutation DisableUser($input: UserIdInput!) {
    disableUser(input: $input) {
      user {
        ...UserFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);
export const ENABLE_USER = graphql(`
  mutation EnableUser($input: UserIdInput!) {
    enableUser(input: $input) {
      user {
        ...UserFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);
export const RESET_USER_PASSWORD = graphql(`
  mutation ResetUserPassword($input: ResetUserPasswordInput!) {
    resetUserPassword(input: $input) {
      user {
        ...UserFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);
export const SET_USER_ACCESS = graphql(`
  mutation SetUserAccess($input: SetUserAccessInput!) {
    setUserAccess(input: $input) {
      user {
        ...UserFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);
export const CREATE_API_CLIENT = graphql(`
  mutation CreateApiClient($input: CreateApiClientInput!) {
    createApiClient(input: $input) {
      ...ApiClientPayloadFields
    }
  }
`);
export const ROTATE_API_CLIENT_SECRET = graphql(`
  mutation RotateApiClientSecret($input: ApiClientIdInput!) {
    rotateApiClientSecret(input: $input) {
      ...ApiClientPayloadFields
    }
  }
`);
export const REVOKE_API_CLIENT = graphql(`
  mutation RevokeApiClient($input: ApiClientIdInput!) {
    revokeApiClient(input: $input) {
      ...ApiClientPayloadFields
    }
  }
`);

graphql(`
  fragment WebhookSubscriptionFields on WebhookSubscription {
    id
    organizationId
    url
    events
    description
    enabled
    disabledReason
    consecutiveFailures
    previousSecretExpiresAt
    createdBy
    createdAt
    version
  }
`);
graphql(`
  fragment WebhookSubscriptionPayloadFields on WebhookSubscriptionPayload {
    subscription {
      ...WebhookSubscriptionFields
    }
    secret
    errors {
      ...UserErrorFields
    }
  }
`);
export const WEBHOOK_SUBSCRIPTIONS = graphql(`
  query WebhookSubscriptions {
    webhookSubscriptions {
      ...WebhookSubscriptionFields
    }
  }
`);
export const WEBHOOK_MESSAGES = graphql(`
  query WebhookMessages($subscriptionId: ID!, $status: WebhookMessageStatus, $first: Int) {
    webhookMessages(subscriptionId: $subscriptionId, status: $status, first: $first) {
      id
      eventType
      status
      payload
      attemptCount
      nextAttemptAt
      deliveredAt
      lastStatusCode
      lastError
      createdAt
      attempts {
        at
        statusCode
        error
        durationMs
      }
    }
  }
`);
export const CREATE_WEBHOOK_SUBSCRIPTION = graphql(`
  mutation CreateWebhookSubscription($input: CreateWebhookSubscriptionInput!) {
    createWebhookSubscription(input: $input) {
      ...WebhookSubscriptionPayloadFields
    }
  }
`);
export const UPDATE_WEBHOOK_SUBSCRIPTION = graphql(`
  mutation UpdateWebhookSubscription($input: UpdateWebhookSubscriptionInput!) {
    updateWebhookSubscription(input: $input) {
      ...WebhookSubscriptionPayloadFields
    }
  }
`);
export const ROTATE_WEBHOOK_SECRET = graphql(`
  mutation RotateWebhookSecret($input: WebhookSubscriptionIdInput!) {
    rotateWebhookSecret(input: $input) {
      ...WebhookSubscriptionPayloadFields
    }
  }
`);
export const DELETE_WEBHOOK_SUBSCRIPTION = graphql(`
  mutation DeleteWebhookSubscription($input: WebhookSubscriptionIdInput!) {
    deleteWebhookSubscription(input: $input) {
      ...WebhookSubscriptionPayloadFields
    }
  }
`);
export const REPLAY_WEBHOOK_MESSAGE = graphql(`
  mutation ReplayWebhookMessage($input: WebhookMessageIdInput!) {
    replayWebhookMessage(input: $input) {
      message {
        id
        status
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);

graphql(`
  fragment ChatIntegrationsFields on ChatIntegrations {
    organizationId
    slack {
      channelId
      apiBaseUrl
      botTokenSet
      signingSecretSet
      interactionsPath
      updatedBy
      updatedAt
    }
    teams {
      webhookUrlSet
      webhookHost
      updatedBy
      updatedAt
    }
  }
`);
graphql(`
  fragment ChatIntegrationsPayloadFields on ChatIntegrationsPayload {
    chatIntegrations {
      ...ChatIntegrationsFields
    }
    errors {
      ...UserErrorFields
    }
  }
`);
export const CHAT_INTEGRATIONS = graphql(`
  query ChatIntegrations {
    chatIntegrations {
      ...ChatIntegrationsFields
    }
  }
`);
export const CONFIGURE_SLACK = graphql(`
  mutation ConfigureSlackIntegration($input: ConfigureSlackIntegrationInput!) {
    configureSlackIntegration(input: $input) {
      ...ChatIntegrationsPayloadFields
    }
  }
`);
export const REMOVE_SLACK = graphql(`
  mutation RemoveSlackIntegration($input: RemoveChatIntegrationInput!) {
    removeSlackIntegration(input: $input) {
      ...ChatIntegrationsPayloadFields
    }
  }
`);
export const CONFIGURE_TEAMS = graphql(`
  mutation ConfigureTeamsIntegration($input: ConfigureTeamsIntegrationInput!) {
    configureTeamsIntegration(input: $input) {
      ...ChatIntegrationsPayloadFields
    }
  }
`);
export const REMOVE_TEAMS = graphql(`
  mutation RemoveTeamsIntegration($input: RemoveChatIntegrationInput!) {
    removeTeamsIntegration(input: $input) {
      ...ChatIntegrationsPayloadFields
    }
  }
`);

graphql(`
  fragment SlackUserLinkFields on SlackUserLink {
    slackTeamId
    slackUserId
    slackUserName
    organizationId
    linkedAt
  }
`);
graphql(`
  fragment NotificationPreferencesFields on NotificationPreferences {
    inApp
    email
    emailAddress
    slackDirectMessage
    slackChannelMention
    requestsICanDecide
    escalationsToMe
    updatedAt
  }
`);
export const MY_NOTIFICATIONS = graphql(`
  query MyNotifications {
    notificationPreferences {
      ...NotificationPreferencesFields
    }
    slackUserLinks {
      ...SlackUserLinkFields
    }
  }
`);
export const UPDATE_NOTIFICATION_PREFERENCES = graphql(`
  mutation UpdateNotificationPreferences($input: UpdateNotificationPreferencesInput!) {
    updateNotificationPreferences(input: $input) {
      notificationPreferences {
        ...NotificationPreferencesFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);
export const LINK_SLACK_USER = graphql(`
  mutation LinkSlackUser($input: LinkSlackUserInput!) {
    linkSlackUser(input: $input) {
      slackUserLink {
        ...SlackUserLinkFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);
export const UNLINK_SLACK_USER = graphql(`
  mutation UnlinkSlackUser($input: UnlinkSlackUserInput!) {
    unlinkSlackUser(input: $input) {
      slackUserLink {
        ...SlackUserLinkFields
      }
      errors {
        ...UserErrorFields
      }
    }
  }
`);
