// D7: the prompt registry's records and bounds. A prompt is named per project; its versions are
// numbered 1, 2, 3… and never change once written; labels (production, staging, any name of the
// pattern below) each point at one version and move; `latest` is the highest version, never stored.

export const PROMPT_TYPES = ['text', 'chat'] as const;
export type PromptType = (typeof PROMPT_TYPES)[number];

export const CHAT_ROLES = ['system', 'developer', 'user', 'assistant', 'tool'] as const;
export type ChatRole = (typeof CHAT_ROLES)[number];

export interface ChatMessage {
  role: ChatRole;
  content: string;
}

export type PromptBody = string | ChatMessage[];

// Names travel in URL paths and in `name@version` references (x-lookout-prompt), so neither '/'
// nor '@' is allowed.
export const MAX_PROMPT_NAME_CHARS = 128;
export const PROMPT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
export const MAX_LABEL_CHARS = 64;
export const LABEL_PATTERN = /^[a-z0-9][a-z0-9._-]*$/;
export const LATEST_LABEL = 'latest';
export const DEFAULT_LABEL = 'production';

// The prompt's text (or its messages' contents together), in UTF-8 bytes.
export const MAX_PROMPT_BYTES = 256 * 1024;
export const MAX_CHAT_MESSAGES = 500;
export const MAX_MODEL_CHARS = 200;
export const MAX_COMMIT_MESSAGE_CHARS = 2_000;
// Model parameters (temperature, max_tokens, response_format…) as JSON.
export const MAX_PARAMETERS_BYTES = 16 * 1024;
export const MAX_PARAMETERS_DEPTH = 6;

export interface PromptLimits {
  versionsPerPrompt: number;
  promptsPerProject: number;
  labelsPerPrompt: number;
  // The bytes every version of the project's prompts may hold together (versionBytes); no bound
  // when absent.
  bytesPerProject?: number;
}

export const PROMPT_LIMITS: PromptLimits = { versionsPerPrompt: 1_000, promptsPerProject: 1_000, labelsPerPrompt: 20, bytesPerProject: 64 * 1024 * 1024 };

// What a new version holds (checked by the caller).
export interface PromptVersionInput {
  type: PromptType;
  prompt: PromptBody;
  model: string | null;
  parameters: Record<string, unknown> | null;
  message: string | null;
  // The API key id that wrote it (null: the loopback operator without a key).
  createdBy: string | null;
}

export interface PromptVersion extends PromptVersionInput {
  name: string;
  version: number;
  createdAt: string;
  // The labels that point at this version now (`latest` included when it is the newest).
  labels: string[];
}

// A version without its prompt text, as the version list gives it.
export type PromptVersionInfo = Omit<PromptVersion, 'prompt' | 'parameters'>;

export interface PromptSummary {
  name: string;
  type: PromptType;
  latestVersion: number;
  versions: number;
  // label -> version
  labels: Record<string, number>;
  createdAt: string;
  updatedAt: string;
}

export interface PromptLabel {
  name: string;
  label: string;
  version: number;
  updatedAt: string;
  updatedBy: string | null;
}

// Which version a read asks for.
export type PromptRef = { version: number } | { label: string };

export function promptBytes(prompt: PromptBody): number {
  if (typeof prompt === 'string') return Buffer.byteLength(prompt, 'utf8');
  let n = 0;
  for (const m of prompt) n += Buffer.byteLength(m.content, 'utf8');
  return n;
}

export function nameProblem(name: string): string | null {
  if (name.length === 0) return 'must not be empty';
  if (name.length > MAX_PROMPT_NAME_CHARS) return `must be at most ${MAX_PROMPT_NAME_CHARS} characters`;
  if (!PROMPT_NAME_PATTERN.test(name)) return 'must start with a letter or digit and hold only letters, digits, ".", "_" and "-"';
  return null;
}

export function labelProblem(label: string): string | null {
  if (label.length === 0) return 'must not be empty';
  if (label.length > MAX_LABEL_CHARS) return `must be at most ${MAX_LABEL_CHARS} characters`;
  if (!LABEL_PATTERN.test(label)) return 'must start with a lowercase letter or digit and hold only lowercase letters, digits, ".", "_" and "-"';
  if (label === LATEST_LABEL) return `'${LATEST_LABEL}' always means the newest version and cannot be set`;
  return null;
}

// Whether a JSON value nests objects and arrays deeper than `max` levels. Walks without recursion
// and stops at the first level past `max`, so that a value nested 200,000 deep costs no more than
// one within the bound (and no stack).
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: { v: unknown; depth: number }[] = [{ v: value, depth: 0 }];
  while (stack.length) {
    const { v, depth } = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth + 1 > max) return true;
    for (const child of Object.values(v as Record<string, unknown>)) stack.push({ v: child, depth: depth + 1 });
  }
  return false;
}

// What a version holds in UTF-8 bytes as stored: its text, parameters, model and commit message.
// The per-project bound (PromptLimits.bytesPerProject) counts these.
export function versionBytes(v: Pick<PromptVersionInput, 'prompt' | 'parameters' | 'model' | 'message'>): number {
  const utf8 = (s: string | null) => (s === null ? 0 : Buffer.byteLength(s, 'utf8'));
  return utf8(encodePrompt(v.prompt)) + utf8(v.parameters === null ? null : JSON.stringify(v.parameters)) + utf8(v.model) + utf8(v.message);
}

// Labels pointing at `version`, sorted, with `latest` last when it is the newest.
export function labelsOf(version: number, labels: Record<string, number>, latestVersion: number): string[] {
  const out = Object.keys(labels).filter((l) => labels[l] === version).sort();
  if (version === latestVersion) out.push(LATEST_LABEL);
  return out;
}

// A prompt body as stored: JSON text of the string or the messages.
export function encodePrompt(prompt: PromptBody): string {
  return JSON.stringify(prompt);
}

export function decodePrompt(text: string): PromptBody {
  return JSON.parse(text) as PromptBody;
}
