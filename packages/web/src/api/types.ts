// The shapes of the Lookout HTTP API as the web UI reads and sends them (docs/api.md,
// docs/analytics.md, docs/budgets.md, docs/alerts.md, docs/actions.md). Every page takes its wire
// types from here and from nowhere else, so this one module can be swapped for types generated from
// the server's OpenAPI document.

// Every answer that is not 2xx: { error: { code, message } } (docs/api.md).
export interface ApiErrorBody {
  error?: { code?: string; message?: string };
}

// ---- project and keys ----

export type KeyScope = 'ingest' | 'read' | 'admin';

export interface Project {
  project: { id: string; name: string; createdAt: string; contentCapture: 'full' | 'metadata' | 'off' };
  scope: KeyScope;
}

export interface ApiKeyInfo {
  id: string;
  projectId: string;
  prefix: string;
  scope: KeyScope;
  name: string | null;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt?: string | null;
}

export interface KeysResponse {
  keys: ApiKeyInfo[];
}

// POST /api/v1/keys: the key itself is shown once.
export type CreatedKey = ApiKeyInfo & { key: string };

export interface KeyRevoked {
  revoked: string;
}

// ---- /api/v1/analytics/query ----

export type Row = Record<string, string | number | null>;

export interface QueryResult {
  fromMs: number;
  toMs: number;
  bucket: 'minute' | 'hour' | 'day' | 'week' | 'month' | null;
  columns: { name: string; kind: string; unit?: string }[];
  rows: Row[];
  truncated: boolean;
}

// ---- other analytics ----

export interface DailyRow {
  date: string;
  costUsd: number;
  requests: number;
  totalTokens: number;
  unknownCostRequests: number;
}

export interface DailyResponse {
  days: DailyRow[];
}

export interface Forecast {
  asOf: string;
  lookbackDays: number;
  series: { date: string; costUsd: number; movingAverage7dUsd: number; trendUsd: number }[];
  daysWithData: number;
  movingAverage7dUsd: number;
  trend: { slopeUsdPerDay: number; interceptUsd: number; r2: number | null; todayUsd: number };
  monthToDateUsd: number;
  remainingDaysInMonth: number;
  projectedMonthEndUsd: { movingAverage: number; trend: number };
  projectedNext7DaysUsd: { movingAverage: number; trend: number };
  projectedAnnualUsd: { movingAverage: number; trend: number };
  confidence: 'low' | 'medium' | 'high';
}

export interface TopSpender {
  key: string | null;
  requests: number;
  costUsd: number;
  costPerRequestUsd: number | null;
  totalTokens: number;
  unknownCostRequests: number;
  sharePct: number;
}

export interface TopSpendersResponse {
  by: string;
  rows: TopSpender[];
}

export interface ModelEfficiency {
  model: string | null;
  provider: string | null;
  requests: number;
  costUsd: number;
  totalTokens: number;
  tokensPerRequest: number | null;
  costPerRequestUsd: number | null;
  usdPerMtok: number | null;
  latencyAvgMs: number | null;
  unknownCostRequests: number;
}

export interface ModelEfficiencyResponse {
  models: ModelEfficiency[];
}

export interface LatencyBand {
  fromMs: number;
  toMs: number | null;
  requests: number;
}

export interface LatencyDistributionResponse {
  bands: LatencyBand[];
}

export interface ChargebackReport {
  month: string;
  by: string[];
  rows: (Record<string, string | number> & { requests: number; costUsd: number; sharePct: number; totalTokens: number; unknownCostRequests: number })[];
  totals: { requests: number; costUsd: number };
}

// ---- pricing ----

export interface UnknownModel {
  provider: string | null;
  model: string | null;
  calls: number;
  totalTokens: number;
  firstSeen: string;
  lastSeen: string;
}

export interface UnknownModelsResponse {
  models: UnknownModel[];
  hint?: string;
}

export interface PriceOverride {
  id: string;
  provider: string | null;
  model: string;
  effectiveFrom: string;
  effectiveTo: string | null;
  inputPerMtokUsd: number;
  outputPerMtokUsd: number;
  cacheReadPerMtokUsd?: number | null;
  cacheWritePerMtokUsd?: number | null;
  reasoningPerMtokUsd?: number | null;
  audioPerMtokUsd?: number | null;
  source?: 'file' | 'api';
}

export interface OverridesResponse {
  catalogVersion: string;
  overrides: PriceOverride[];
}

export interface OverrideCreated {
  override: PriceOverride;
  recosted: number;
}

export interface OverrideDeleted {
  deleted: string;
  recosted: number;
}

// ---- budgets ----

export type BudgetScope = 'project' | 'team' | 'department' | 'user';
export type TierName = 'free' | 'pro' | 'enterprise';

export interface Budget {
  id: string;
  name: string | null;
  scope: BudgetScope;
  subject: string | null; // the team, department or user; null for the project; '*' for each user
  period: 'daily' | 'monthly';
  limitUsd: number;
  warnAtPercent: number[];
  enforce: 'soft' | 'hard';
  createdAt: string;
  updatedAt: string;
  tier?: TierName; // set on the budgets a tier gives
}

// A budget with its spend in the current period (GET /api/v1/budgets/status, the check).
export interface BudgetStatus {
  budget: Budget;
  subject: string | null;
  spentUsd: number;
  limitUsd: number;
  remainingUsd: number;
  percent: number;
  periodStart: string;
  periodEnd: string;
  burnRateUsdPerHour: number;
  forecastUsd: number;
  warningLevel: number | null;
  exceeded: boolean;
  forecastExceeds: boolean;
}

export interface BudgetStatusesResponse {
  statuses: BudgetStatus[];
}

export interface TierSettings {
  limitsUsd: Record<TierName, number>;
  defaultTier: TierName | null;
  enforce: 'soft' | 'hard';
  warnAtPercent: number[];
}

export type BudgetWithStatuses = Budget & { statuses: BudgetStatus[] };

export interface BudgetsResponse {
  budgets: BudgetWithStatuses[];
  tiers: TierSettings;
}

export interface BudgetResponse {
  budget: Budget;
}

export interface TiersResponse {
  settings: TierSettings;
  assignments: { user: string; tier: TierName }[];
}

// GET /api/v1/budgets/check: may this user make another call?
export interface BudgetCheck {
  allowed: boolean;
  user: string | null;
  team: string | null;
  department: string | null;
  budgets: BudgetStatus[];
  blockedBy: BudgetStatus | null;
  warnings: string[];
}

// ---- spans, traces, scores ----

export interface Usage {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  reasoning: number;
  audio: number;
}

export interface Span {
  projectId: string;
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  kind: string;
  startUs: number;
  endUs: number;
  provider: string | null;
  requestModel: string | null;
  responseModel: string | null;
  usage: Usage;
  cost: { status: string; totalNanoUsd: number | null; priceRowId?: string | null; catalogVersion?: string | null };
  status: string;
  errorClass: string | null;
  errorMessage: string | null;
  finishReason: string | null;
  ttftMs: number | null;
  attribution: Record<string, string | null>;
  tags: string[];
  metadata: Record<string, string>;
  content: { input: string | null; output: string | null } | null;
  requestId: string | null;
}

export interface SpansResponse {
  total: number;
  spans: Span[];
}

export interface CostExplanation {
  status: string;
  totalUsd: number | null;
  priceRowId: string | null;
  catalogVersion: string | null;
  model: string | null;
  provider: string | null;
  lines: { bucket: string; tokens: number; text: string }[];
  summary: string;
  note: string | null;
}

export interface TraceSummary {
  traceId: string;
  name: string;
  startUs: number;
  durationMs: number;
  spans: number;
  calls: number;
  costUsd: number | null;
  unknownCostCalls: number;
  tokens: number;
  hasError: boolean;
  userId: string | null;
  sessionId: string | null;
  models: string[];
}

export interface TracePage {
  total: number | null; // null when asked with total=false
  offset: number;
  limit: number;
  traces: TraceSummary[];
}

export interface Score {
  id: string;
  spanId: string | null;
  name: string;
  dataType: string;
  numericValue: number | null;
  stringValue: string | null;
  comment: string | null;
  source: string;
  timestampUs: number;
}

export interface ScoresResponse {
  scores: Score[];
}

export interface LogRecord {
  id: string;
  spanId: string | null;
  timestampUs: number;
  severity: string;
  body: string;
  attributes: Record<string, string>;
}

export interface TraceDetail {
  traceId: string;
  spans: Span[];
  scores: Score[];
  logs: LogRecord[];
}

// ---- alerts ----

export type AlertState = 'pending' | 'firing' | 'resolved';

export interface Alert {
  fingerprint: string;
  ruleId: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: AlertState;
  value: number | null;
  threshold: number | null;
  activeSinceMs: number;
  firedAtMs: number | null;
  resolvedAtMs: number | null;
  lastEvaluatedMs: number;
  silencedBy: string[];
  inhibitedBy: string[];
}

export interface AlertsResponse {
  alerts: Alert[];
}

export interface AlertEvent {
  atMs: number;
  fingerprint: string;
  ruleId: string;
  labels: Record<string, string>;
  from: AlertState | null;
  to: AlertState;
  value: number | null;
}

export interface AlertHistoryResponse {
  events: AlertEvent[];
}

// A rule as the server holds it: durations in milliseconds.
export interface Rule {
  id: string;
  name: string;
  kind: string;
  query: { measure?: string; numerator?: string; denominator?: string; percentile?: number; filter: Record<string, string | string[]>; groupBy: string[] };
  window?: number;
  lookback?: number;
  op: string;
  threshold?: number;
  baseline?: { kind: string; days?: number; lookback?: number; factor?: number; zScore?: number };
  budget?: { scope: string; period: string };
  for: number;
  minSamples: number;
  cooldown: number;
  severity: string;
  category: string;
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  runbook?: string;
  enabled: boolean;
}

export interface RuleView {
  rule: Rule;
  source: 'pack' | 'file' | 'api';
  enabled: boolean;
  health: { lastEvaluatedMs: number | null; lastDurationMs: number | null; lastError: string | null; noData: boolean };
}

export interface RulesResponse {
  rules: RuleView[];
  loadErrors: { text: string }[];
}

export interface RuleResponse {
  rule: Rule;
}

export interface RuleTestResult {
  rule: Rule;
  noData: boolean;
  wouldFire: number;
  groups: { labels: Record<string, string>; value: number | null; active: boolean }[];
}

export interface Matcher {
  name: string;
  value: string;
  isRegex: boolean;
  isEqual: boolean;
}

export interface Silence {
  id: string;
  matchers: Matcher[];
  startsAtMs: number;
  endsAtMs: number;
  createdBy: string;
  comment: string;
  createdAtMs: number;
  active: boolean;
}

export interface SilencesResponse {
  silences: Silence[];
}

export interface SilenceResponse {
  silence: Silence;
}

// ---- automated responses (docs/actions.md) ----

export interface Activation {
  id: string;
  actionId: string;
  kind: string;
  params: Record<string, unknown>;
  triggeredBy: { fingerprint: string; ruleId: string; alertname: string; severity: string; labels: Record<string, string>; value: number | null; firedAtMs: number | null; summary: string | null };
  activatedAtMs: number;
  dryRun: boolean;
  revertOnResolve: boolean;
  state: 'active' | 'reverted';
  revertedAtMs: number | null;
  revertedBy: 'resolve' | 'api' | 'config' | null;
  alertResolvedAtMs: number | null;
}

export interface ConfiguredAction {
  id: string;
  kind: string;
  when: { alertname?: string; matchers: string[] };
  params: Record<string, unknown>;
  dryRun: boolean;
  revertOnResolve: boolean;
}

export interface ActionsResponse {
  active: Activation[];
  history: Activation[];
  configured: ConfiguredAction[];
}
