import { describe, expect, it } from 'vitest';
import { makeSpan } from '../../testing/fixtures.ts';
import { presentObservation } from './present.ts';

describe('presentObservation', () => {
  it('reads the type and level under the OTLP attribute names older spans were stored with', () => {
    const span = makeSpan({ kind: 'other', status: 'ok', metadata: { 'langfuse.observation.type': 'event', 'langfuse.observation.level': 'warning' } });
    expect(presentObservation(span, null)).toMatchObject({ type: 'EVENT', level: 'WARNING' });
    const current = makeSpan({ kind: 'other', status: 'ok', metadata: { 'langfuse.observation_type': 'agent', 'langfuse.level': 'DEBUG' } });
    expect(presentObservation(current, null)).toMatchObject({ type: 'AGENT', level: 'DEBUG' });
  });
});
