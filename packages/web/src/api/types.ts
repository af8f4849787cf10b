// The shapes of the Lookout HTTP API as the web UI reads and sends them, named for the pages.
// Every one is an alias of the types generated from the server's OpenAPI document
// (@lookout/client, `npm run openapi`), so a page that reads a field the server does not declare
// fails to compile. Pages take their wire types from here and from nowhere else.

import type { Answer, Body, ErrorBody, Schemas } from '@lookout/client';

// Every answer that is not 2xx (docs/errors.md).
export type ApiErrorBody = ErrorBody;

// ---- project and keys ----

export type KeyScope = Schemas['ApiKey']['scope'];

// GET /api/v1/project: the key's project and what the key may do. A project with nothing stored
// yet comes back as its id alone, so every other field may be missing.
type ProjectAnswer = Answer<'/api/v1/project'>;
export type Project = Omit<ProjectAnswer, 'project'> & { project: Partial<Schemas['Project']> & Pick<Schemas['Project'], 'id'> };
export type ContentCapture = Schemas['Project']['contentCapture'];
export type ApiKeyInfo = Schemas['ApiKey'];
export type KeysResponse = Answer<'/api/v1/keys'>;
// POST /api/v1/keys: the key itself is shown once.
export type CreatedKey = Answer<'/api/v1/keys', 'post'>;
export type KeyRevoked = Answer<'/api/v1/keys/{keyId}', 'delete'>;

// ---- /api/v1/recommendations ----

export type RecommendationsResponse = Answer<'/api/v1/recommendations'>;
export type Recommendation = Schemas['Recommendation'];

// ---- /api/v1/analytics/query ----

export type QueryResult = Schemas['AnalyticsResult'];
export type Row = QueryResult['rows'][number];

// ---- other analytics ----

export type DailyRow = Schemas['DailyTrendRow'];
export type DailyResponse = Answer<'/api/v1/analytics/daily'>;
export type Forecast = Schemas['CostForecast'];
export type TopSpender = Schemas['TopSpenderRow'];
export type TopSpendersResponse = Answer<'/api/v1/analytics/top-spenders'>;
export type ModelEfficiency = Schemas['ModelEfficiencyRow'];
export type ModelEfficiencyResponse = Answer<'/api/v1/analytics/model-efficiency'>;
export type LatencyBand = Schemas['LatencyBand'];
export type LatencyDistributionResponse = Answer<'/api/v1/analytics/latency-distribution'>;
export type ChargebackReport = Schemas['ChargebackReport'];
export type ChargebackRow = Schemas['ChargebackRow'];

// ---- pricing ----

export type UnknownModel = Schemas['UnknownModel'];
export type UnknownModelsResponse = Answer<'/api/v1/pricing/unknown-models'>;
export type PriceOverride = Schemas['PriceOverride'];
export type NewPriceOverride = Schemas['NewPriceOverrideInput'];
export type OverridesResponse = Answer<'/api/v1/pricing/overrides'>;
export type OverrideCreated = Answer<'/api/v1/pricing/overrides', 'post'>;
export type OverrideDeleted = Answer<'/api/v1/pricing/overrides/{id}', 'delete'>;

// ---- budgets ----

export type Budget = Schemas['Budget'];
export type BudgetScope = Budget['scope'];
export type TierName = NonNullable<Budget['tier']>;
// A budget with its spend in the current period (GET /api/v1/budgets/status, the check).
export type BudgetStatus = Schemas['BudgetStatus'];
// A status without its budget, as listed under the budget itself (GET /api/v1/budgets).
export type BudgetStatusEntry = Schemas['BudgetStatusEntry'];
export type BudgetStatusesResponse = Answer<'/api/v1/budgets/status'>;
export type TierSettings = Schemas['TierSettings'];
export type BudgetsResponse = Answer<'/api/v1/budgets'>;
export type BudgetWithStatuses = BudgetsResponse['budgets'][number];
export type BudgetInput = Schemas['BudgetDefinitionInput'];
export type BudgetResponse = Answer<'/api/v1/budgets', 'post'>;
export type TiersResponse = Answer<'/api/v1/budgets/tiers'>;
// GET /api/v1/budgets/check: may this user make another call?
export type BudgetCheck = Schemas['BudgetCheck'];

// ---- spans, traces, scores ----

export type Usage = Schemas['Usage'];
export type Span = Schemas['Span'];
export type SpansResponse = Answer<'/api/v1/spans'>;
export type CostExplanation = Answer<'/api/v1/spans/{spanId}/cost'>;
export type TraceSummary = Schemas['TraceSummary'];
export type TracePage = Answer<'/api/v1/traces'>;
export type Score = Schemas['Score'];
export type ScoresResponse = Answer<'/api/v1/scores'>;
export type LogRecord = Schemas['Log'];
export type TraceDetail = Answer<'/api/v1/traces/{traceId}'>;

// ---- alerts ----

export type Alert = Schemas['Alert'];
export type AlertState = Alert['state'];
export type AlertsResponse = Answer<'/api/v1/alerts'>;
export type AlertEvent = Schemas['AlertEvent'];
export type AlertHistoryResponse = Answer<'/api/v1/alerts/history'>;
// A rule as the server answers with it and takes it back: durations as text ("5m", "1h30m").
export type Rule = Schemas['Rule'];
export type RuleView = Schemas['RuleView'];
// A rule as sent with POST, PUT and test-rule: the rule-file format.
export type RuleInput = Schemas['RuleDefinitionInput'];
// The measures a rule may use (docs/alerts.md), as the server names them.
export type RuleMeasure = NonNullable<Rule['query']['measure']>;
export type RulesResponse = Answer<'/api/v1/alerts/rules'>;
export type RuleResponse = Answer<'/api/v1/alerts/rules', 'post'>;
export type RuleTestResult = Answer<'/api/v1/alerts/test-rule', 'post'>;
export type Silence = Schemas['Silence'];
export type Matcher = Silence['matchers'][number];
export type SilenceInput = Schemas['SilenceDefinitionInput'];
export type SilencesResponse = Answer<'/api/v1/alerts/silences'>;
export type SilenceResponse = Answer<'/api/v1/alerts/silences', 'post'>;

// ---- automated responses (docs/actions.md) ----

export type Activation = Schemas['Activation'];
export type ConfiguredAction = Schemas['ConfiguredAction'];
export type ActionsResponse = Answer<'/api/v1/actions'>;

// ---- security and privacy (docs/privacy.md) ----

export type SecurityEvent = Schemas['SecurityEvent'];
export type SecurityEventType = SecurityEvent['type'];
export type SecurityEventsPage = Answer<'/api/v1/security/events'>;
export type SecuritySummary = Schemas['SecuritySummary'];
export type PrivacySettings = Schemas['PrivacySettings'];
export type PrivacyAnswer = Answer<'/api/v1/privacy'>;
export type PrivacyTestResult = Answer<'/api/v1/privacy/test', 'post'>;
export type PrivacyFinding = PrivacyTestResult['findings'][number];
export type PiiType = PrivacyFinding['type'];
export type RedactionMode = PrivacySettings['modes'][string];
export type GatewayInjectionPolicy = PrivacySettings['gatewayInjection'];
// What PUT /api/v1/privacy and the test box's `settings` take: any part of the settings.
export type PrivacySettingsInput = NonNullable<Body<'/api/v1/privacy/test'>['settings']>;

// ---- evaluators (docs/quality.md#evaluators) ----

export type Evaluator = Schemas['Evaluator'];
export type EvaluatorsResponse = Answer<'/api/v1/evaluators'>;
// What POST and PUT /api/v1/evaluators take.
export type EvaluatorBody = Body<'/api/v1/evaluators'>;
export type EvaluatorParams = NonNullable<EvaluatorBody['params']>;
export type EvaluationTrial = Schemas['EvaluationTrial'];
export type EvaluatorTryResult = Answer<'/api/v1/evaluators/try', 'post'>;

// ---- top issues and health (docs/quality.md#top-issues, #health-score) ----

export type TopIssues = Answer<'/api/v1/quality/top-issues'>;
export type ErrorIssue = Schemas['ErrorIssue'];
export type LowScoreIssue = Schemas['LowScoreIssue'];
export type Health = Answer<'/api/v1/quality/health'>;
export type HealthGroup = Schemas['HealthScoreGroup'];
export type RetrievalDrift = Answer<'/api/v1/quality/drift'>;

// ---- retention (I3) ----

export type RetentionAnswer = Answer<'/api/v1/project/retention'>;
export type RetentionRun = Answer<'/api/v1/project/retention/run', 'post'>;
export type RetentionChange = Body<'/api/v1/project/retention', 'put'>;
export type RetentionNote = Schemas['RetentionNote'];

// ---- erasure (I4) ----

export type ErasureJob = Schemas['ErasureJob'];
export type ErasureList = Answer<'/api/v1/erasure'>;
export type ErasureRequest = Body<'/api/v1/erasure', 'post'>;

// ---- project deletion (I4) ----

export type ProjectDeletion = Schemas['ProjectDeletion'];
export type ProjectList = Answer<'/api/v1/projects'>;

// ---- backup ----

export type BackupAnswer = Answer<'/api/v1/admin/backup', 'post'>;

// ---- prompt registry (docs/prompts.md#registry) ----

export type PromptList = Answer<'/api/v1/prompts'>;
export type PromptSummary = Schemas['PromptSummary'];
export type PromptVersion = Schemas['PromptVersion'];
export type PromptVersions = Answer<'/api/v1/prompts/{name}/versions'>;
export type PromptVersionInfo = Schemas['PromptVersionInfo'];
export type PromptLabel = Answer<'/api/v1/prompts/{name}/labels/{label}', 'put'>;

// ---- people: sign-in, who am I, members (docs/auth.md) ----

export type Role = Schemas['Membership']['role'];
export const ROLES: readonly Role[] = ['viewer', 'member', 'admin'];
// One ladder for keys and people: a key's scope or a person's role (viewer = read).
export type Grant = Schemas['Me']['grant'];
// GET /auth/config: what the sign-in screen offers.
export type AuthConfig = Schemas['AuthConfig'];
export type Membership = Schemas['Membership'];
// GET /api/v1/me: the caller, a person, a key or the keyless operator.
export type Me = Schemas['Me'];
// A person with a role in the project (GET /api/v1/users).
export type Member = Schemas['ManagedUser'];
// POST /api/v1/users: the person, and the one-time password of a new local account (shown once).
export type MemberCreated = Answer<'/api/v1/users', 'post'>;
