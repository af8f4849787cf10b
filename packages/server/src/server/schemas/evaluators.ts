import { z } from 'zod';
import { EVALUATOR_KINDS, HEURISTIC_CRITERIA, JUDGE_CRITERIA } from '../../domain/quality.ts';
import { checkDefinition, evaluatorFields, evaluatorFilterSchema, heuristicParamsSchema } from '../../quality/evaluators/schema.ts';

// Evaluators as the API gives and takes them. The judge's API key is write-only: an answer says
// whether one is set, never what it is.

const objectBody = { error: (issue: { code: string }) => (issue.code === 'invalid_type' ? 'body: send a JSON object' : undefined) };

export const evaluatorIdParams = z.object({
  id: z.string().regex(/^[a-z0-9_.-]{1,80}$/, 'must be an evaluator id as the API gave it'),
});

export const evaluatorBodySchema = z.strictObject(evaluatorFields, objectBody).superRefine(checkDefinition);

const traceIdSchema = z
  .string({ error: 'must be a trace id: 32 hex characters' })
  .regex(/^[0-9a-fA-F]{32}$/, 'must be a trace id: 32 hex characters')
  .transform((v) => v.toLowerCase());

export const evaluatorTryBodySchema = z.strictObject({ traceId: traceIdSchema }, objectBody);

export const evaluatorTryUnsavedBodySchema = z.strictObject(
  {
    evaluator: z
      .strictObject(evaluatorFields, { error: (issue) => (issue.code === 'invalid_type' ? 'must be an evaluator definition (an object)' : undefined) })
      .superRefine(checkDefinition)
      .describe('a definition as POST /api/v1/evaluators takes it (not saved)'),
    traceId: traceIdSchema,
  },
  objectBody,
);

export const evaluatorSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(EVALUATOR_KINDS),
    criterion: z.enum([...HEURISTIC_CRITERIA, ...JUDGE_CRITERIA]),
    sampleRate: z.number(),
    filter: evaluatorFilterSchema,
    enabled: z.boolean(),
    params: heuristicParamsSchema,
    judge: z
      .object({
        baseUrl: z.string().optional(),
        model: z.string().optional(),
        apiKeySet: z.boolean().describe('whether the evaluator has an API key of its own (the key itself is never returned)'),
        template: z.object({ version: z.string(), system: z.string(), user: z.string() }).optional(),
      })
      .nullable(),
    origin: z.enum(['api', 'config']).describe('config: defined in the server\'s config file, read-only through the API'),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Evaluator' });

export const evaluatorListSchema = z.object({
  evaluators: z.array(evaluatorSchema),
  maxEvaluators: z.number().int().describe('how many evaluators a project may have, config file included'),
});

export const evaluationTrialSchema = z
  .object({
    evaluatorId: z.string(),
    traceId: z.string(),
    spanId: z.string().nullable().describe('the call scored (heuristics); null for a judgement of the whole trace'),
    outcome: z.enum(['scored', 'not_applicable', 'failed']),
    value: z.number().nullable().describe('0 to 1; 1 = passed'),
    reasoning: z.string().nullable().describe('why: what failed, or the judge\'s reasoning'),
    costUsd: z.number().nullable().describe('the judge call\'s cost; null for heuristics'),
    error: z.string().nullable(),
  })
  .meta({ id: 'EvaluationTrial' });

export const evaluatorTryAnswerSchema = z.object({
  traceId: z.string(),
  trials: z.array(evaluationTrialSchema).describe('heuristics: one per generation call of the trace; llm_judge: one for the trace'),
  truncated: z.boolean().describe('the trace has more generation calls than were tried'),
});
