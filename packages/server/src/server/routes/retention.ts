import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { LookoutError } from '../../errors.ts';
import { auditChange } from '../audit-hook.ts';
import { cutoffsAt } from '../../lifecycle/retention-policy.ts';
import type { ProjectId } from '../../store/store.ts';
import { requireScope, type AppContext } from '../context.ts';
import { errorResponses } from '../openapi.ts';
import { retentionAnswerSchema, retentionBodySchema, retentionRunAnswerSchema } from '../schemas/retention.ts';

// I3: the project's retention tiers (docs/data-lifecycle.md#retention): read them, set the
// project's own, run the job for the project now.

export function registerRetentionRoutes(fastify: FastifyInstance, ctx: AppContext): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const job = ctx.retention;

  const answer = (project: ProjectId) => {
    const { isDefault, ...tiers } = job.policy.tiersOf(project);
    const cutoffs = cutoffsAt(Date.now(), tiers);
    const horizon = job.policy.horizonOf(project);
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    return {
      ...tiers,
      isDefault,
      defaults: job.policy.defaultTiers,
      cutoffs: { contentBefore: cutoffs.contentBefore.toISOString(), spansBefore: cutoffs.spansBefore.toISOString(), rollupsBefore: cutoffs.rollupsBefore.toISOString() },
      spansFrom: iso(horizon.spansFromMs),
      rollupsFrom: iso(horizon.rollupsFromMs),
      archive: { enabled: ctx.config.retention.archive.enabled },
      intervalMs: ctx.config.retention.intervalMs,
      enforced: job.enforced,
      lastRun: job.policy.lastRunOf(project),
    };
  };

  app.get(
    '/api/v1/project/retention',
    {
      config: { scope: 'read' },
      schema: { summary: "The project's retention tiers, which are defaults, and the job's last run", tags: ['retention'], response: { 200: retentionAnswerSchema, ...errorResponses } },
    },
    async (request) => answer(requireScope(request, 'read')),
  );

  app.put(
    '/api/v1/project/retention',
    {
      config: { scope: 'admin' },
      schema: {
        summary: "Sets the project's own retention tiers (a tier not given keeps its value; null goes back to the default)",
        description: 'The tiers must keep contentDays ≤ spansDays ≤ rollupsDays. Shorter tiers apply at the next run (POST /api/v1/project/retention/run runs now).',
        tags: ['retention'],
        body: retentionBodySchema,
        response: { 200: retentionAnswerSchema, ...errorResponses },
      },
    },
    async (request) => {
      const project = requireScope(request, 'admin');
      if (Object.keys(request.body).length === 0) throw new LookoutError('invalid_request', 'body: name at least one of contentDays, spansDays, rollupsDays');
      const before = job.policy.tiersOf(project);
      const tiers = await job.policy.setTiers(project, request.body);
      auditChange(request, { target: project, before, after: tiers });
      request.log.info({ event: 'retention_changed', project, tiers }, 'retention tiers changed');
      return answer(project);
    },
  );

  app.post(
    '/api/v1/project/retention/run',
    {
      config: { scope: 'admin' },
      schema: {
        summary: "Runs retention for the project now and answers what it removed",
        description: 'Waits for an erasure or project deletion in progress first: they take turns.',
        tags: ['retention'],
        response: { 200: retentionRunAnswerSchema, ...errorResponses },
      },
    },
    async (request) => {
      const project = requireScope(request, 'admin');
      const run = await job.runProject(project, 'manual');
      if (run.error !== null) throw new LookoutError('internal', `the retention run failed: ${run.error}`);
      auditChange(request, { target: project, details: { result: run } });
      return run;
    },
  );
}
