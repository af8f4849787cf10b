import { describe, expect, it } from 'vitest';
import { MAX_PROMPT_NAME_CHARS, MAX_PROMPT_VARIABLES_CHARS, PROMPT_METADATA, parsePromptReference, promptVariables } from '../../../domain/prompt-identity.ts';
import { ContentPolicy } from '../../content-policy.ts';
import { CONTENT, keptBelowFull, mapOtlpSpan } from './index.ts';
import { otlpSpan } from './testing.ts';

// The prompt a call was made from, from every convention that carries one, under the normalised
// keys (domain/prompt-identity.ts); the template variables and template only as content.

const FULL = { captureContent: true };
const BELOW_FULL = { captureContent: false };
const identity = (metadata: Record<string, string>) => ({
  name: metadata[PROMPT_METADATA.name],
  version: metadata[PROMPT_METADATA.version],
  variant: metadata[PROMPT_METADATA.variant],
  variables: metadata[PROMPT_METADATA.variables] === undefined ? undefined : JSON.parse(metadata[PROMPT_METADATA.variables]),
  template: metadata[PROMPT_METADATA.template],
});

describe('prompt identity from OTLP conventions', () => {
  it("reads Lookout's own attributes, the variant from the resource, and the variables as JSON or flattened", () => {
    const json = mapOtlpSpan(
      otlpSpan({
        attributes: {
          'gen_ai.operation.name': 'chat',
          'lookout.prompt.name': ' support-answer ',
          'lookout.prompt.version': 5,
          'lookout.prompt.variables': JSON.stringify({ customer: 'Ana', order: 42 }),
        },
        resource: { 'service.name': 'support', 'lookout.prompt.variant': 'B' },
      }),
      'p1',
      FULL,
    );
    expect(identity(json.metadata)).toEqual({ name: 'support-answer', version: '5', variant: 'B', variables: { customer: 'Ana', order: '42' }, template: undefined });
    const flat = mapOtlpSpan(
      otlpSpan({ attributes: { 'lookout.prompt.name': 'triage', 'lookout.prompt.variables.customer': 'Ana', 'lookout.prompt.variant': 'A' }, resource: { 'lookout.prompt.variant': 'B' } }),
      'p1',
      FULL,
    );
    expect(identity(flat.metadata)).toMatchObject({ name: 'triage', variant: 'A', variables: { customer: 'Ana' } });
    expect(flat.metadata['lookout.prompt.variables.customer']).toBeUndefined();
  });

  it('keeps name, version and variant below full capture, never the variables', () => {
    const rec = mapOtlpSpan(
      otlpSpan({ attributes: { 'lookout.prompt.name': 'triage', 'lookout.prompt.version': 'v2', 'lookout.prompt.variables': '{"customer":"Ana"}', 'lookout.prompt.variables.extra': 'x' } }),
      'p1',
      BELOW_FULL,
    );
    expect(identity(rec.metadata)).toEqual({ name: 'triage', version: 'v2', variant: undefined, variables: undefined, template: undefined });
    expect(JSON.stringify(rec.metadata)).not.toContain('Ana');
    expect(rec.metadata['lookout.attributes_withheld']).toBeUndefined(); // read as content, not withheld as unknown
  });

  it('reads OpenLLMetry managed prompts: key, version, flattened or JSON variables, template', () => {
    const rec = mapOtlpSpan(
      otlpSpan({
        name: 'openai.chat',
        attributes: {
          'llm.request.type': 'chat',
          'gen_ai.system': 'openai',
          'gen_ai.request.model': 'gpt-4o-mini',
          'traceloop.prompt.managed': true,
          'traceloop.prompt.key': 'joke-generator',
          'traceloop.prompt.version': 5,
          'traceloop.prompt.version_hash': 'a1b2c3',
          'traceloop.prompt.template': 'Tell me a {what} about {subject}',
          'traceloop.prompt.template_variables.what': 'joke',
          'traceloop.prompt.template_variables.subject': 'OpenTelemetry',
        },
      }),
      'p1',
      FULL,
    );
    expect(identity(rec.metadata)).toEqual({
      name: 'joke-generator',
      version: '5',
      variant: undefined,
      variables: { what: 'joke', subject: 'OpenTelemetry' },
      template: 'Tell me a {what} about {subject}',
    });
    expect(Object.keys(rec.metadata).filter((k) => k.startsWith('traceloop.prompt.'))).toEqual(['traceloop.prompt.managed', 'traceloop.prompt.version_hash']);
    const json = mapOtlpSpan(otlpSpan({ attributes: { 'llm.request.type': 'chat', 'traceloop.prompt.key': 'k', 'traceloop.prompt.template_variables': '{"a":"1"}' } }), 'p1', FULL);
    expect(identity(json.metadata).variables).toEqual({ a: '1' });
    const below = mapOtlpSpan(
      otlpSpan({ attributes: { 'llm.request.type': 'chat', 'traceloop.prompt.key': 'k', 'traceloop.prompt.template': 'T {x}', 'traceloop.prompt.template_variables.x': 'secret' } }),
      'p1',
      BELOW_FULL,
    );
    expect(identity(below.metadata)).toMatchObject({ name: 'k', variables: undefined, template: undefined });
    expect(JSON.stringify(below.metadata)).not.toContain('secret');
  });

  it('reads OpenInference prompt templates: version, variables and template', () => {
    const rec = mapOtlpSpan(
      otlpSpan({
        attributes: {
          'openinference.span.kind': 'LLM',
          'llm.model_name': 'gpt-4o',
          'llm.prompt_template.template': 'Summarise {text} for {audience}',
          'llm.prompt_template.version': 'v3.1',
          'llm.prompt_template.variables': JSON.stringify({ text: 'the report', audience: 'execs' }),
        },
      }),
      'p1',
      FULL,
    );
    expect(identity(rec.metadata)).toEqual({
      name: undefined,
      version: 'v3.1',
      variant: undefined,
      variables: { text: 'the report', audience: 'execs' },
      template: 'Summarise {text} for {audience}',
    });
    expect(rec.metadata['llm.prompt_template.variables']).toBeUndefined();
  });

  it('reads Langfuse prompt name and version into the normalised keys, keeping the Langfuse keys', () => {
    const rec = mapOtlpSpan(
      otlpSpan({ attributes: { 'langfuse.observation.type': 'generation', 'langfuse.observation.prompt.name': 'movie-critic', 'langfuse.observation.prompt.version': 7 } }),
      'p1',
      BELOW_FULL,
    );
    expect(identity(rec.metadata)).toMatchObject({ name: 'movie-critic', version: '7' });
    expect(rec.metadata).toMatchObject({ 'langfuse.prompt_name': 'movie-critic', 'langfuse.prompt_version': '7' });
  });

  it("takes each field from the most explicit convention (Lookout's over Langfuse's over OpenInference's over OpenLLMetry's) and over user metadata", () => {
    const rec = mapOtlpSpan(
      otlpSpan({
        attributes: {
          'lookout.prompt.variant': 'B',
          'lookout.metadata.lookout.prompt.name': 'from-user-metadata',
          'langfuse.observation.prompt.name': 'from-langfuse',
          'openinference.span.kind': 'LLM',
          'llm.prompt_template.version': 'from-openinference',
          'traceloop.prompt.key': 'from-traceloop',
          'traceloop.prompt.version': 'from-traceloop',
        },
      }),
      'p1',
      FULL,
    );
    expect(identity(rec.metadata)).toMatchObject({ name: 'from-langfuse', version: 'from-openinference', variant: 'B' });
  });

  it('bounds what it stores', () => {
    const rec = mapOtlpSpan(
      otlpSpan({ attributes: { 'lookout.prompt.name': `n${'x'.repeat(500)}`, 'lookout.prompt.variables': JSON.stringify({ big: 'y'.repeat(MAX_PROMPT_VARIABLES_CHARS), small: 'z' }) } }),
      'p1',
      FULL,
    );
    expect(rec.metadata[PROMPT_METADATA.name]).toHaveLength(MAX_PROMPT_NAME_CHARS);
    expect(JSON.parse(rec.metadata[PROMPT_METADATA.variables])).toEqual({ small: 'z' }); // what does not fit is left out
    expect(promptVariables({ a: null, b: { c: 1 } })).toEqual({ b: '{"c":1}' });
  });
});

describe('prompt identity and content rules', () => {
  it('declares the variables and template as content everywhere, the labels as not', () => {
    for (const key of [PROMPT_METADATA.variables, PROMPT_METADATA.template, 'lookout.prompt.variables.customer', 'traceloop.prompt.template_variables.what', 'llm.prompt_template.variables']) {
      expect(CONTENT.isContent(key), key).toBe(true);
    }
    for (const key of [PROMPT_METADATA.name, PROMPT_METADATA.version, PROMPT_METADATA.variant]) {
      expect(CONTENT.isContent(key), key).toBe(false);
      expect(keptBelowFull(key, 'support-answer'), key).toBe(true);
    }
  });

  it('the content policy drops the variables and template below full, and keeps the identity', () => {
    const policy = new ContentPolicy();
    policy.set('p1', 'metadata');
    const rec = mapOtlpSpan(
      otlpSpan({ attributes: { 'llm.request.type': 'chat', 'traceloop.prompt.key': 'k', 'traceloop.prompt.version': '2', 'traceloop.prompt.template': 'T {x}', 'traceloop.prompt.template_variables.x': 'secret' } }),
      'p1',
      FULL,
    );
    expect(rec.metadata[PROMPT_METADATA.variables]).toBe('{"x":"secret"}');
    policy.applyToSpan(rec);
    expect(identity(rec.metadata)).toEqual({ name: 'k', version: '2', variant: undefined, variables: undefined, template: undefined });
  });
});

describe('x-lookout-prompt references', () => {
  it('splits name@version at the last @, and refuses what names no prompt', () => {
    expect(parsePromptReference('support-answer@5')).toEqual({ name: 'support-answer', version: '5' });
    expect(parsePromptReference('@team/triage@v2')).toEqual({ name: '@team/triage', version: 'v2' });
    expect(parsePromptReference('triage')).toEqual({ name: 'triage' });
    expect(parsePromptReference('@5')).toMatch(/no prompt name/);
    expect(parsePromptReference('triage@')).toMatch(/no version/);
    expect(parsePromptReference(`${'n'.repeat(MAX_PROMPT_NAME_CHARS + 1)}@1`)).toMatch(/at most 200/);
    expect(parsePromptReference(`n@${'1'.repeat(65)}`)).toMatch(/at most 64/);
  });
});
