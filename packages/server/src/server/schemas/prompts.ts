import { z } from 'zod';
import {
  CHAT_ROLES,
  labelProblem,
  LATEST_LABEL,
  MAX_CHAT_MESSAGES,
  MAX_COMMIT_MESSAGE_CHARS,
  MAX_MODEL_CHARS,
  MAX_PARAMETERS_BYTES,
  MAX_PARAMETERS_DEPTH,
  MAX_PROMPT_BYTES,
  nameProblem,
  nestsDeeperThan,
  PROMPT_LIMITS,
  PROMPT_TYPES,
  promptBytes,
  type PromptLabel,
  type PromptSummary,
  type PromptVersion,
  type PromptVersionInfo,
} from '../../domain/prompts.ts';
import type { Assert, Extends } from './check.ts';

// D7: the prompt registry as the API takes and gives it.

const promptName = z
  .string()
  .superRefine((name, ctx) => {
    const problem = nameProblem(name);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .describe('the prompt\'s name in the project: letters, digits, ".", "_" and "-", at most 128 characters');

// A label one sets: not `latest`, which always names the newest version.
const settableLabel = z.string().superRefine((label, ctx) => {
  const problem = labelProblem(label);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const chatMessageSchema = z.strictObject({
  role: z.enum(CHAT_ROLES, { error: `must be one of ${CHAT_ROLES.join(', ')}` }),
  content: z.string({ error: 'must be a string' }),
}, { error: (issue) => (issue.code === 'invalid_type' ? 'must be an object {role, content}' : undefined) }).meta({ id: 'PromptChatMessage' });

// A chat message at fault is named by its place: "prompt: message 2, role: must be one of …".
function promptUnionError(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code !== 'invalid_union') return undefined;
  if (!Array.isArray(issue.input)) return 'must be a string (a text prompt) or a list of {role, content} messages (a chat prompt)';
  const first = (issue.errors as z.core.$ZodIssue[][])[1]?.[0];
  if (!first) return undefined;
  const [index, ...field] = first.path;
  if (typeof index !== 'number') return first.message;
  return `message ${index}${field.length ? `, ${field.map(String).join('.')}` : ''}: ${first.message}`;
}

const promptBodySchema = z
  .union([z.string(), z.array(chatMessageSchema)], { error: promptUnionError })
  .describe('a text prompt (a string) or chat messages ({role, content}); {{variable}} marks a place the application fills in')
  .meta({ id: 'PromptBody' });

const parametersSchema = z.record(z.string(), z.unknown()).describe(`model parameters (temperature, max_tokens…) as a JSON object, at most ${MAX_PARAMETERS_BYTES} bytes`);

export const createPromptBodySchema = z
  .strictObject(
    {
      name: promptName,
      type: z.enum(PROMPT_TYPES, { error: `must be one of ${PROMPT_TYPES.join(', ')}` }).optional().describe('text or chat; by default, what `prompt` is'),
      prompt: promptBodySchema,
      model: z.string().min(1, 'must not be empty').max(MAX_MODEL_CHARS, `must be at most ${MAX_MODEL_CHARS} characters`).optional(),
      parameters: parametersSchema.optional(),
      message: z.string().max(MAX_COMMIT_MESSAGE_CHARS, `must be at most ${MAX_COMMIT_MESSAGE_CHARS} characters`).optional().describe('what changed in this version'),
      labels: z.array(settableLabel).max(PROMPT_LIMITS.labelsPerPrompt, `at most ${PROMPT_LIMITS.labelsPerPrompt} labels`).optional().describe('labels to point at the new version (production, staging…)'),
    },
    { error: (issue) => (issue.code === 'invalid_type' ? 'body: send a JSON object' : undefined) },
  )
  .superRefine((body, ctx) => {
    const isText = typeof body.prompt === 'string';
    if (body.type === 'text' && !isText) ctx.addIssue({ code: 'custom', path: ['prompt'], message: 'a text prompt is a string' });
    if (body.type === 'chat' && isText) ctx.addIssue({ code: 'custom', path: ['prompt'], message: 'a chat prompt is a list of {role, content} messages' });
    if (isText && body.prompt.length === 0) ctx.addIssue({ code: 'custom', path: ['prompt'], message: 'must not be empty' });
    if (!isText && body.prompt.length === 0) ctx.addIssue({ code: 'custom', path: ['prompt'], message: 'must hold at least one message' });
    if (!isText && body.prompt.length > MAX_CHAT_MESSAGES) ctx.addIssue({ code: 'custom', path: ['prompt'], message: `must hold at most ${MAX_CHAT_MESSAGES} messages` });
    const bytes = promptBytes(body.prompt);
    if (bytes > MAX_PROMPT_BYTES) ctx.addIssue({ code: 'custom', path: ['prompt'], message: `is ${bytes} bytes; at most ${MAX_PROMPT_BYTES} (256 KiB) are kept` });
    // The depth first, without recursion: JSON.stringify of a value nested thousands deep would
    // overflow the stack.
    if (body.parameters !== undefined) {
      if (nestsDeeperThan(body.parameters, MAX_PARAMETERS_DEPTH)) ctx.addIssue({ code: 'custom', path: ['parameters'], message: `nests deeper than ${MAX_PARAMETERS_DEPTH} levels` });
      else {
        const size = Buffer.byteLength(JSON.stringify(body.parameters), 'utf8');
        if (size > MAX_PARAMETERS_BYTES) ctx.addIssue({ code: 'custom', path: ['parameters'], message: `is ${size} bytes of JSON; at most ${MAX_PARAMETERS_BYTES}` });
      }
    }
    if (body.labels && new Set(body.labels).size !== body.labels.length) ctx.addIssue({ code: 'custom', path: ['labels'], message: 'names a label twice' });
  })
  .meta({ id: 'PromptVersionCreate' });

export const promptNameParams = z.strictObject({ name: promptName });
export const promptLabelParams = z.strictObject({
  name: promptName,
  label: settableLabel.describe(`a label; '${LATEST_LABEL}' cannot be set or removed`),
});

export const getPromptQuerySchema = z
  .strictObject({
    label: z
      .string()
      .superRefine((label, ctx) => {
        const problem = label === LATEST_LABEL ? null : labelProblem(label);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .optional()
      .describe(`the label to resolve (default production; '${LATEST_LABEL}' is the newest version)`),
    version: z.coerce.number({ error: 'must be a whole number' }).int('must be a whole number').min(1, 'must be at least 1').max(2 ** 31 - 1, 'is too large').optional().describe('a version number'),
  })
  .superRefine((q, ctx) => {
    if (q.label !== undefined && q.version !== undefined) ctx.addIssue({ code: 'custom', path: ['version'], message: 'give label or version, not both' });
  });

export const setLabelBodySchema = z.strictObject(
  { version: z.number({ error: 'must be a version number' }).int('must be a whole number').min(1, 'must be at least 1').max(2 ** 31 - 1, 'is too large') },
  { error: (issue) => (issue.code === 'invalid_type' ? 'body: send a JSON object' : undefined) },
);

const labelsList = z.array(z.string()).describe(`the labels pointing at this version, '${LATEST_LABEL}' last when it is the newest`);

export const promptVersionSchema = z
  .object({
    name: z.string(),
    version: z.number().int(),
    type: z.enum(PROMPT_TYPES),
    prompt: promptBodySchema,
    model: z.string().nullable(),
    parameters: z.record(z.string(), z.unknown()).nullable(),
    message: z.string().nullable(),
    createdAt: z.string(),
    createdBy: z.string().nullable().describe('who wrote it: the API key id, or the user id of a person signed in; null for the operator without a key'),
    labels: labelsList,
  })
  .meta({ id: 'PromptVersion' });

export const promptVersionInfoSchema = promptVersionSchema.omit({ prompt: true, parameters: true }).meta({ id: 'PromptVersionInfo' });

const labelMap = z.record(z.string(), z.number().int()).describe('label -> version');

export const promptListSchema = z
  .object({
    prompts: z.array(
      z
        .object({
          name: z.string(),
          type: z.enum(PROMPT_TYPES).describe("the newest version's type"),
          latestVersion: z.number().int(),
          versions: z.number().int(),
          labels: labelMap,
          createdAt: z.string(),
          updatedAt: z.string().describe('when a version was last written or a label last moved'),
        })
        .meta({ id: 'PromptSummary' }),
    ),
    limits: z.object({
      versionsPerPrompt: z.number().int(),
      promptsPerProject: z.number().int(),
      labelsPerPrompt: z.number().int(),
      promptBytes: z.number().int(),
      bytesPerProject: z.number().int().optional().describe("the bytes all versions of the project's prompts may hold together (text, parameters, model, message)"),
    }),
  })
  .meta({ id: 'PromptList' });

export const promptVersionListSchema = z
  .object({ name: z.string(), labels: labelMap, versions: z.array(promptVersionInfoSchema).describe('newest first') })
  .meta({ id: 'PromptVersions' });

export const promptLabelSchema = z
  .object({ name: z.string(), label: z.string(), version: z.number().int(), updatedAt: z.string(), updatedBy: z.string().nullable() })
  .meta({ id: 'PromptLabel' });

export type _Checks = [
  Assert<Extends<PromptVersion, z.output<typeof promptVersionSchema>>>,
  Assert<Extends<PromptVersionInfo, z.output<typeof promptVersionInfoSchema>>>,
  Assert<Extends<PromptSummary, z.output<typeof promptListSchema>['prompts'][number]>>,
  Assert<Extends<PromptLabel, z.output<typeof promptLabelSchema>>>,
];
