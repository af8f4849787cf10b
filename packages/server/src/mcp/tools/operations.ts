import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { AlertState } from '../../alerts/types.ts';
import type { BudgetStatus } from '../../budgets/policy.ts';
import { qualityRange } from '../../query/quality-range.ts';
import { QUALITY_LIMITS } from '../../store/quality.ts';
import { jsonResult, registerReadTool, pageUrl, traceUrl, type McpCaller, type McpDeps } from '../deps.ts';

const ALERT_STATES = ['pending', 'firing', 'resolved'] as const satisfies readonly AlertState[];
const ACTIVE_STATES: AlertState[] = ['pending', 'firing'];
const DEFAULT_ISSUE_GROUPS = 10;
const subject = z.string().min(1).max(256);

const isoMs = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const isoUs = (us: number) => new Date(Math.trunc(us / 1000)).toISOString();

// A status with its budget's defining fields, the rest as the API gives them.
function budgetView(s: BudgetStatus) {
  const { budget, ...rest } = s;
  return { budgetId: budget.id, name: budget.name ?? null, scope: budget.scope, period: budget.period, ...rest };
}

export function registerOperationTools(server: McpServer, deps: McpDeps, caller: McpCaller): void {
  const project = caller.projectId;

  registerReadTool(
    server,
    caller,
    'list_alerts',
    {
      title: 'List alerts',
      description:
        'Alerts of the project (cost spikes, error rates, latency, budget burn, security), pending and firing by default, with the measured value, threshold and summary. Same as GET /api/v1/alerts.',
      inputSchema: {
        states: z.array(z.enum(ALERT_STATES)).min(1).max(ALERT_STATES.length).optional().describe('which states (default pending and firing)'),
      },
    },
    async ({ states = ACTIVE_STATES }) => {
      const alerts = deps.alerting.engine.list(project, { states });
      return jsonResult({
        url: pageUrl(caller, '/alerts'),
        alerts: alerts.map((a) => ({
          alertname: a.labels.alertname,
          severity: a.labels.severity,
          state: a.state,
          ruleId: a.ruleId,
          fingerprint: a.fingerprint,
          value: a.value,
          threshold: a.threshold,
          summary: a.annotations.summary ?? null,
          labels: a.labels,
          activeSince: isoMs(a.activeSinceMs),
          firedAt: isoMs(a.firedAtMs),
          resolvedAt: isoMs(a.resolvedAtMs),
          silenced: a.silencedBy.length > 0,
        })),
      });
    },
  );

  registerReadTool(
    server,
    caller,
    'check_budget',
    {
      title: 'Check budgets',
      description:
        'Budget status: spent, limit and remaining USD, percent used, burn rate and forecast for the period. ' +
        'With user, team or department: the budgets that apply to that caller and whether a spent hard budget blocks it (GET /api/v1/budgets/check). ' +
        'Without: every budget of the project (GET /api/v1/budgets/status).',
      inputSchema: {
        user: subject.optional().describe("a user id; its team and department are those of its last call unless given"),
        team: subject.optional().describe("a team, as calls name it in their team field: that team's budgets apply, with the project's"),
        department: subject.optional().describe("a department, as calls name it in their department field: that department's budgets apply, with the project's"),
      },
    },
    async ({ user, team, department }) => {
      const url = pageUrl(caller, '/budgets');
      if (user === undefined && team === undefined && department === undefined) {
        return jsonResult({ url, statuses: deps.budgets.statuses(project).map(budgetView) });
      }
      const check = deps.budgets.check(project, { user, team, department });
      return jsonResult({ ...check, url, budgets: check.budgets.map(budgetView), blockedBy: check.blockedBy === null ? null : budgetView(check.blockedBy) });
    },
  );

  registerReadTool(
    server,
    caller,
    'top_issues',
    {
      title: 'Top issues',
      description:
        'What goes wrong most: recurring errors grouped by fingerprint (error class and normalised message) and low scores grouped by feature and score name, ' +
        'each with counts, first and last seen, and example traces to open with get_trace. Same as GET /api/v1/quality/top-issues.',
      inputSchema: {
        from: z.string().max(64).optional().describe("start (inclusive): ISO 8601 time or a duration back from now such as '24h'; default 7 days before `to`"),
        to: z.string().max(64).optional().describe('end (exclusive); default now'),
        limit: z.number().int().min(1).max(QUALITY_LIMITS.maxGroups).optional().describe(`groups of each kind, default ${DEFAULT_ISSUE_GROUPS}, at most ${QUALITY_LIMITS.maxGroups}`),
        threshold: z.number().min(0).max(1).optional().describe('a numeric score below this is low (default 0.5)'),
      },
    },
    async ({ from, to, limit = DEFAULT_ISSUE_GROUPS, threshold = 0.5 }) => {
      const range = qualityRange({ from, to }, Date.now());
      const [errors, lowScores] = await Promise.all([deps.store.topErrors(project, range, limit), deps.store.lowScores(project, range, { threshold, limit })]);
      const withLinks = <T extends { firstSeenUs: number; lastSeenUs: number; traceIds: string[] }>({ firstSeenUs, lastSeenUs, ...g }: T) => ({
        ...g,
        firstSeen: isoUs(firstSeenUs),
        lastSeen: isoUs(lastSeenUs),
        traceUrls: g.traceIds.map((id) => traceUrl(caller, id)),
      });
      return jsonResult({ from: isoUs(range.fromUs), to: isoUs(range.toUs), threshold, url: pageUrl(caller, '/quality'), errors: errors.map(withLinks), lowScores: lowScores.map(withLinks) });
    },
  );
}
