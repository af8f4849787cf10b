import { describe, expect, it } from 'vitest';
import { GatewayPathError, normaliseRequestUrl } from './path.ts';
import { classifyEndpoint } from './providers.ts';

const P = '/proxy/openai/v1/';

describe('normaliseRequestUrl', () => {
  it.each([
    ['/proxy/openai/v1/chat/completions', '/proxy/openai/v1/chat/completions'],
    ['/proxy/openai/v1/chat/complet%69ons', '/proxy/openai/v1/chat/completions'],
    ['/proxy/openai/v1/chat/complet%69%6Fns', '/proxy/openai/v1/chat/completions'],
    ['/proxy/openai/v1/%63hat/completions', '/proxy/openai/v1/chat/completions'],
    ['/proxy/openai/v1/x/../chat/completions', '/proxy/openai/v1/chat/completions'],
    ['/proxy/openai/v1/./chat/./completions', '/proxy/openai/v1/chat/completions'],
    ['/proxy/openai/v1/chat//completions', '/proxy/openai/v1/chat/completions'],
    ['/proxy/openai/v1//chat///completions', '/proxy/openai/v1/chat/completions'],
    ['/proxy//openai/v1/chat/completions', '/proxy/openai/v1/chat/completions'],
    ['/proxy/openai/v1/chat/completions/', '/proxy/openai/v1/chat/completions/'],
    ['/proxy/openai/v1/chat/completions/.', '/proxy/openai/v1/chat/completions/'],
    ['/proxy/openai/v1/models/gpt-4o/..', '/proxy/openai/v1/models/'],
    ['/proxy/openai/v1/files/file-abc%7E1', '/proxy/openai/v1/files/file-abc~1'],
    // Reserved characters stay encoded (in upper case): decoding them could change the meaning.
    ['/proxy/openai/v1/files/a%3ab', '/proxy/openai/v1/files/a%3Ab'],
    ['/proxy/openai/v1/models/ft%3Agpt-4o-mini%3Aacme%3A%3Aabc', '/proxy/openai/v1/models/ft%3Agpt-4o-mini%3Aacme%3A%3Aabc'],
    ['/proxy/openai/v1/models/gpt-3.5-turbo', '/proxy/openai/v1/models/gpt-3.5-turbo'],
    ['/proxy/openai/v1/.well-known/x', '/proxy/openai/v1/.well-known/x'],
  ])('%s -> %s', (raw, path) => {
    expect(normaliseRequestUrl(raw)).toEqual({ path, query: '' });
  });

  it('keeps the query as sent and does not read it as path', () => {
    expect(normaliseRequestUrl('/proxy/anthropic/v1/messages?beta=true&x=a/../b')).toEqual({ path: '/proxy/anthropic/v1/messages', query: '?beta=true&x=a/../b' });
    expect(normaliseRequestUrl('/proxy/openai/v1/chat//completions?')).toEqual({ path: '/proxy/openai/v1/chat/completions', query: '?' });
    // The path ends at the first raw '?'; what follows, '%20' and '%25' included, is query only.
    expect(normaliseRequestUrl('/proxy/openai/v1/files?purpose=a%20b%25&x=.')).toEqual({ path: '/proxy/openai/v1/files', query: '?purpose=a%20b%25&x=.' });
  });

  it('keeps a trailing slash, which the classifier reads as the same endpoint', () => {
    const { path } = normaliseRequestUrl(`${P}chat/completions/`);
    expect(path).toBe(`${P}chat/completions/`);
    expect(classifyEndpoint('openai', 'POST', path.slice(P.length))).toMatchObject({ operation: 'chat', modelCall: true, budgeted: true });
  });

  it.each([
    ['/proxy/openai/v1/chat%2Fcompletions', /encoded slash \(%2F\)/],
    ['/proxy/openai/v1/chat%2fcompletions', /encoded slash/],
    ['/proxy/openai/v1/chat%5Ccompletions', /encoded backslash \(%5C\)/],
    ['/proxy/openai/v1/chat\\completions', /backslash in the path/],
    ['/proxy/openai/v1/chat/completions;v=1', /a ';' in the path is refused/],
    ['/proxy/openai/v1/x/%2E%2E/chat/completions', /encoded dot segment \('%2E%2E'\)/],
    ['/proxy/openai/v1/x/.%2e/chat/completions', /encoded dot segment/],
    ['/proxy/openai/v1/%2e/chat/completions', /encoded dot segment/],
    ['/proxy/openai/v1/chat/completions%00', /encoded control character \(%00\)/],
    ['/proxy/openai/v1/chat/completions%0a', /encoded control character \(%0A\)/],
    ['/proxy/openai/v1/chat/completions\u0000', /U\+0000/],
    ['/proxy/openai/v1/chat/complet%6', /malformed percent-encoding at '%6'/],
    ['/proxy/openai/v1/chat/complet%zzons', /malformed percent-encoding at '%zz'/],
    ['/proxy/openai/v1/é', /U\+00E9/],
    // Refused because some server on the way may read them as the model path they are not here.
    ['/proxy/openai/v1/chat/completions%20', /encoded space \(%20\)/],
    ['/proxy/openai/v1/chat/%20completions', /encoded space \(%20\)/],
    ['/proxy/openai/v1/files/a%20b', /encoded space \(%20\)/],
    ['/proxy/openai/v1/chat/completions%09', /encoded control character \(%09\)/],
    ['/proxy/openai/v1/chat/completions.', /segment ending in '\.' \('completions\.'\)/],
    ['/proxy/openai/v1/chat/completions./', /segment ending in '\.'/],
    ['/proxy/openai/v1/chat/completions%2E', /segment ending in '\.' \('completions%2E'\)/],
    ['/proxy/openai/v1/chat/completions...', /segment ending in '\.'/],
    ['/proxy/openai/v1/chat/complet%2569ons', /encoded percent sign \(%25\)/],
    ['/proxy/openai/v1/chat/completions%3Fx=1', /encoded '\?' \(%3F\)/],
    ['/proxy/openai/v1/chat/completions%3f', /encoded '\?' \(%3F\)/],
    ['/proxy/openai/v1/chat/completions%23x', /encoded '#' \(%23\)/],
    ['/proxy/openai/v1/chat/completions#x', /a '#' in the path/],
    ['/proxy/openai/v1/chat/completions%3Bv=1', /encoded ';' \(%3B\)/],
    ['/proxy/openai/v1/chat/completions+', /a '\+' in the path/],
    ['/proxy/openai/v1/chat/completions%2B', /encoded '\+' \(%2B\)/],
    ['/proxy/openai/v1/chat/completions%C2%A0', /encoded non-ASCII byte \(%C2\)/],
    ['/proxy/openai/v1/%EF%BD%83hat/completions', /encoded non-ASCII byte \(%EF\)/],
    ['/proxy/openai/v1/files/%C3%A9', /encoded non-ASCII byte \(%C3\)/],
    ['/../../etc/passwd', /climbs above the root/],
    ['http://evil.example/proxy/openai/v1/chat/completions', /must be a path starting with \//],
  ])('refuses %s', (raw, message) => {
    expect(() => normaliseRequestUrl(raw)).toThrow(GatewayPathError);
    expect(() => normaliseRequestUrl(raw)).toThrow(message);
  });

  it('classifies every spelling of a model call as the model call', () => {
    for (const raw of ['chat/complet%69ons', 'x/../chat/completions', 'chat//completions', './chat/completions', '%63hat/completions/', 'a/b/../../chat/completions', 'Chat/Completions', 'CHAT/COMPLET%49ONS']) {
      const { path } = normaliseRequestUrl(P + raw);
      expect(path.startsWith(P), raw).toBe(true);
      expect(classifyEndpoint('openai', 'POST', path.slice(P.length)), raw).toMatchObject({ operation: 'chat', modelCall: true });
    }
  });

  it('resolves a climb out of the provider prefix to a path outside it, for the route to refuse', () => {
    expect(normaliseRequestUrl('/proxy/openai/v1/../../anthropic/v1/messages').path).toBe('/proxy/anthropic/v1/messages');
    expect(normaliseRequestUrl('/proxy/openai/v1/../../../api/v1/keys').path).toBe('/api/v1/keys');
  });
});
