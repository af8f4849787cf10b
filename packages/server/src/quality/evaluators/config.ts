import { z } from 'zod';
import { checkDefinition, evaluatorFields, MAX_EVALUATORS_PER_PROJECT, type ConfiguredEvaluator } from './schema.ts';

// The config file's `evaluators`: definitions like the API's, each for the project it names or,
// naming none, for every project. They are read-only through the API (origin: config).

// Every config evaluator may apply to one project: the per-project bound holds for them too.
const MAX_CONFIGURED_EVALUATORS = MAX_EVALUATORS_PER_PROJECT;

const configuredEvaluatorSchema = z
  .object({
    project: z
      .string({ error: 'must be a project id' })
      .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be a project id: 1-63 characters of a-z, 0-9, _ and -')
      .optional(),
    ...evaluatorFields,
  })
  .strict()
  .superRefine((entry, ctx) => checkDefinition(entry, ctx));

export const configuredEvaluatorsSchema = z
  .array(configuredEvaluatorSchema, { error: 'must be a list of evaluator definitions' })
  .max(MAX_CONFIGURED_EVALUATORS, `must list at most ${MAX_CONFIGURED_EVALUATORS} evaluators`)
  .superRefine((list, ctx) => {
    // Names tell scores apart within a project; one for every project clashes with any of that name.
    list.forEach((entry, i) => {
      const clash = list.findIndex((other, j) => j < i && other.name === entry.name && (other.project === undefined || entry.project === undefined || other.project === entry.project));
      if (clash >= 0) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `'${entry.name}' is also the name of evaluators[${clash}] in the same project` });
    });
  })
  .transform((list): ConfiguredEvaluator[] => list.map(({ project, ...definition }) => ({ project: project ?? null, definition })));
