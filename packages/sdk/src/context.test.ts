import { describe, expect, it } from 'vitest';
import { currentContextAttributes, withContext } from './context.ts';

// How nested withContext calls combine the prompt a call is made from.

const promptAttributes = () => Object.fromEntries(Object.entries(currentContextAttributes()).filter(([k]) => k.startsWith('lookout.prompt.')));

describe('withContext prompt', () => {
  it('fills in an inner prompt field by field from the outer one of the same name', () => {
    const attrs = withContext({ prompt: { name: 'router', version: 2, variant: 'B', variables: { q: 'hi' } } }, () =>
      withContext({ prompt: { name: 'router', variables: { q: 'other' } } }, promptAttributes),
    );
    expect(attrs).toEqual({
      'lookout.prompt.name': 'router',
      'lookout.prompt.version': '2',
      'lookout.prompt.variant': 'B',
      'lookout.prompt.variables': '{"q":"other"}',
    });
  });

  it("does not give an inner prompt of another name the outer prompt's version or variables; the variant stays", () => {
    const attrs = withContext({ prompt: { name: 'router', version: 2, variant: 'B', variables: { q: 'hi' } } }, () =>
      withContext({ prompt: { name: 'answer' } }, promptAttributes),
    );
    expect(attrs).toEqual({ 'lookout.prompt.name': 'answer', 'lookout.prompt.variant': 'B' });
    const versioned = withContext({ prompt: { name: 'router', version: 2, variables: { q: 'hi' } } }, () =>
      withContext({ prompt: { name: 'answer', version: 7 } }, promptAttributes),
    );
    expect(versioned).toEqual({ 'lookout.prompt.name': 'answer', 'lookout.prompt.version': '7' });
    // Back outside, the outer prompt is whole again.
    const outer = withContext({ prompt: { name: 'router', version: 2 } }, () => {
      withContext({ prompt: { name: 'answer' } }, promptAttributes);
      return promptAttributes();
    });
    expect(outer).toEqual({ 'lookout.prompt.name': 'router', 'lookout.prompt.version': '2' });
  });
});
