import { PROMPT_METADATA } from '../../../domain/prompt-identity.ts';
import { SPAN_KINDS, type Attribution, type SpanKind } from '../../../domain/span.ts';
import type { OtlpSpan } from '../types.ts';
import { safeJson, type AttrReader, type ContentAttributes } from './attributes.ts';
import { queryMetadata } from './content.ts';
import { promptIdentity, readPromptVariables } from './prompt.ts';
import type { Extraction, MapOptions } from './types.ts';

// Lookout's own attributes, written by the Lookout SDK (A7) and by anyone who wants to be
// explicit. They win over every other convention.
//   lookout.user.id, lookout.session.id, lookout.feature, lookout.team, lookout.department,
//   lookout.application, lookout.environment — on the span, or on the resource for the whole process;
//   lookout.prompt.name, lookout.prompt.version, lookout.prompt.variant (span or resource: a
//   deployment may be one variant), lookout.prompt.variables (a JSON object or map, or flattened
//   lookout.prompt.variables.<name>; prompt content);
//   lookout.tags (array, JSON array or comma-separated), lookout.metadata.<key>,
//   lookout.span.kind (one of the record kinds), lookout.request.id.
//
// Seed 004's retrieval and embedding attributes (the trace_retrieval / trace_embedding decorators)
// are read last, after every convention, as the Lookout SDK's traced helpers write them:
//   retrieval.index, retrieval.query, retrieval.result_count (seed: retrieval.num_results),
//   retrieval.top_score; embedding.model, embedding.dimensions, embedding.input_count
//   (seed: embedding.num_inputs), embedding.truncated. The same names with a `lookout.` prefix
//   are accepted too. They land in metadata under the unprefixed names.

export const LOOKOUT = 'lookout';
export const SEED_004 = 'seed004';

// The retrieval query a user typed (see ContentAttributes); kept as metadata `retrieval.query`
// only with full capture.
// The template variables and template a prompt was filled from are content too, under the names
// the SDK sends and the metadata keys every path stores them under (domain/prompt-identity.ts).
export const CONTENT_ATTRIBUTES: ContentAttributes = {
  names: ['retrieval.query', 'lookout.retrieval.query', PROMPT_METADATA.variables, PROMPT_METADATA.template],
  prefixes: [`${PROMPT_METADATA.variables}.`],
};

const DIMENSIONS: readonly [keyof Attribution, string][] = [
  ['userId', 'lookout.user.id'],
  ['sessionId', 'lookout.session.id'],
  ['feature', 'lookout.feature'],
  ['team', 'lookout.team'],
  ['department', 'lookout.department'],
  ['application', 'lookout.application'],
  ['environment', 'lookout.environment'],
];

export function extractLookout(r: AttrReader, resource: AttrReader, _span: OtlpSpan, _opts: MapOptions): Extraction | null {
  if (!r.hasPrefix('lookout.') && !resource.hasPrefix('lookout.')) return null;
  const ex: Extraction = { convention: LOOKOUT };
  const attribution: Partial<Attribution> = {};
  for (const [field, key] of DIMENSIONS) attribution[field] = r.str(key) ?? resource.str(key);
  ex.attribution = attribution;

  const kind = r.raw('lookout.span.kind');
  if (typeof kind === 'string' && (SPAN_KINDS as readonly string[]).includes(kind)) {
    r.consume('lookout.span.kind');
    ex.kind = kind as SpanKind;
  }
  ex.requestId = r.str('lookout.request.id');
  ex.prompt = promptIdentity({
    name: r.str(PROMPT_METADATA.name) ?? resource.str(PROMPT_METADATA.name),
    version: r.str(PROMPT_METADATA.version) ?? resource.str(PROMPT_METADATA.version),
    variant: r.str(PROMPT_METADATA.variant) ?? resource.str(PROMPT_METADATA.variant),
    variables: readPromptVariables(r, PROMPT_METADATA.variables),
  });
  const tags = r.strList('lookout.tags', true) ?? resource.strList('lookout.tags', true);
  if (tags !== undefined) ex.tags = tags;

  const userMetadata: Record<string, string> = {};
  for (const source of [resource, r]) {
    for (const key of source.withPrefix('lookout.metadata.')) {
      const v = source.raw(key);
      if (v === undefined || v === null) continue;
      source.consume(key);
      userMetadata[key.slice('lookout.metadata.'.length)] = typeof v === 'string' ? v : safeJson(v);
    }
  }
  ex.userMetadata = userMetadata;
  return ex;
}

function pick(r: AttrReader, name: string): string {
  return r.has(`lookout.${name}`) ? `lookout.${name}` : name;
}

const RETRIEVAL_KEYS = ['index', 'query', 'num_results', 'result_count', 'top_score'].flatMap((f) => [`retrieval.${f}`, `lookout.retrieval.${f}`]);
const EMBEDDING_KEYS = ['model', 'dimensions', 'input_count', 'num_inputs', 'truncated'].flatMap((f) => [`embedding.${f}`, `lookout.embedding.${f}`]);

export function extractSeed004(r: AttrReader, _span: OtlpSpan, opts: MapOptions): Extraction | null {
  const maybe = r.hasPrefix('retrieval.') || r.hasPrefix('embedding.') || r.hasPrefix('lookout.');
  if (!maybe) return null;
  const hasRetrieval = RETRIEVAL_KEYS.some((k) => r.has(k));
  const hasEmbedding = EMBEDDING_KEYS.some((k) => r.has(k));
  if (!hasRetrieval && !hasEmbedding) return null;
  const ex: Extraction = { convention: SEED_004 };
  const metadata: Record<string, string> = {};

  if (hasRetrieval) {
    ex.kindHint = 'retrieval';
    const index = r.str(pick(r, 'retrieval.index'));
    if (index !== undefined) metadata['retrieval.index'] = index;
    const query = r.content(pick(r, 'retrieval.query'));
    Object.assign(metadata, queryMetadata(query, opts.captureContent));
    ex.input = query;
    const count = r.tokens(pick(r, 'retrieval.result_count')) ?? r.tokens(pick(r, 'retrieval.num_results'));
    if (count !== undefined) metadata['retrieval.result_count'] = String(count);
    const top = r.num(pick(r, 'retrieval.top_score'));
    if (top !== undefined) metadata['retrieval.top_score'] = String(top);
  }
  if (hasEmbedding) {
    ex.kindHint ??= 'embedding';
    ex.requestModel = r.str(pick(r, 'embedding.model'));
    const dims = r.tokens(pick(r, 'embedding.dimensions'));
    if (dims !== undefined) metadata['embedding.dimensions'] = String(dims);
    const inputs = r.tokens(pick(r, 'embedding.input_count')) ?? r.tokens(pick(r, 'embedding.num_inputs'));
    if (inputs !== undefined) metadata['embedding.input_count'] = String(inputs);
    const truncated = r.bool(pick(r, 'embedding.truncated'));
    if (truncated !== undefined) metadata['embedding.truncated'] = String(truncated);
  }
  ex.metadata = metadata;
  return ex;
}
