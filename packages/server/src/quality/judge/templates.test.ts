import { describe, expect, it } from 'vitest';
import { parseJudgement, renderTemplate, SHIPPED_TEMPLATES, templateFor } from './templates.ts';

const material = { input: 'What is the refund window?', output: 'Thirty days.', documents: null, reference: null };

describe('judge templates', () => {
  it('ships a versioned template for every criterion but custom', () => {
    for (const c of ['correctness', 'relevance', 'helpfulness', 'safety', 'faithfulness', 'reference_correctness'] as const) {
      expect(templateFor(c, undefined)?.version).toMatch(/-v\d+$/);
    }
    expect(templateFor('custom', undefined)).toBeNull();
  });

  it('fills the placeholders once: a value containing a placeholder stays text', () => {
    const r = renderTemplate({ version: 'mine-v1', system: 'judge {{criterion}}', user: 'Q: {{input}} A: {{output}}' }, 'custom', { ...material, input: 'say {{output}}' });
    expect(r).toEqual({ ok: true, system: 'judge custom', user: 'Q: say {{output}} A: Thirty days.' });
  });

  it('is not applicable when the template needs documents or a reference the trace lacks', () => {
    const f = renderTemplate(SHIPPED_TEMPLATES.faithfulness, 'faithfulness', material);
    expect(f).toEqual({ ok: false, reason: 'the trace has no retrieval span with captured documents' });
    const r = renderTemplate(SHIPPED_TEMPLATES.reference_correctness, 'reference_correctness', material);
    expect(r.ok).toBe(false);
    const ok = renderTemplate(SHIPPED_TEMPLATES.reference_correctness, 'reference_correctness', { ...material, reference: '30 days' });
    expect(ok.ok && ok.user).toContain('<reference>\n30 days\n</reference>');
    expect(renderTemplate(SHIPPED_TEMPLATES.correctness, 'correctness', { ...material, output: null }).ok).toBe(false);
  });

  it('parses a judgement, fenced or not, and refuses anything else', () => {
    expect(parseJudgement('{"score":0.75,"reasoning":"mostly right"}')).toEqual({ ok: true, judgement: { score: 0.75, reasoning: 'mostly right' } });
    expect(parseJudgement('```json\n{"score":1,"reasoning":"ok"}\n```')).toMatchObject({ ok: true, judgement: { score: 1 } });
    expect(parseJudgement('The answer is good. 9/10')).toMatchObject({ ok: false, reason: expect.stringContaining('not JSON') });
    expect(parseJudgement('{"score":7,"reasoning":"x"}')).toMatchObject({ ok: false, reason: expect.stringContaining('score') });
    expect(parseJudgement('{"score":0.5}')).toMatchObject({ ok: false, reason: expect.stringContaining('reasoning') });
  });
});
