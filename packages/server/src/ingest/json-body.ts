import { LookoutError } from '../errors.ts';

// A request body read as JSON. Pure (no server state), so that an ingest worker thread reads a
// native batch with the same answers as the app's JSON parser.

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) throw new LookoutError('invalid_json', 'the body is empty; send a JSON document');
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw new LookoutError('invalid_utf8', 'the body is not valid UTF-8; JSON must be encoded as UTF-8');
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new LookoutError('invalid_json', `the body is not valid JSON: ${(err as Error).message}`);
  }
}
