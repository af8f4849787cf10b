import { Readable } from 'node:stream';
import { brotliCompressSync, createGunzip, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { LookoutError } from '../../errors.ts';
import { decodeContentEncoding, inflateLimited, otlpEncodingOf, readBodyLimited } from './body.ts';
import { OtlpDecodeError } from './errors.ts';

const MiB = 1024 * 1024;

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

describe('otlpEncodingOf', () => {
  it('takes protobuf and JSON media types with parameters, in any case', () => {
    expect(otlpEncodingOf('application/x-protobuf')).toBe('protobuf');
    expect(otlpEncodingOf('application/protobuf')).toBe('protobuf');
    expect(otlpEncodingOf('Application/X-Protobuf; charset=binary')).toBe('protobuf');
    expect(otlpEncodingOf('application/json')).toBe('json');
    expect(otlpEncodingOf('application/json; charset=utf-8')).toBe('json');
    expect(otlpEncodingOf('application/json;charset="UTF-8"')).toBe('json');
  });

  it('answers 415 for anything else', () => {
    for (const type of [undefined, '', 'text/plain', 'application/xml', 'application/jsonx', 'application/grpc', 'application/json; charset=utf-16']) {
      let error: unknown;
      try {
        otlpEncodingOf(type);
      } catch (e) {
        error = e;
      }
      expect(error, String(type)).toBeInstanceOf(LookoutError);
      expect((error as LookoutError).status).toBe(415);
      expect((error as LookoutError).code).toBe('unsupported_media_type');
    }
  });
});

describe('decodeContentEncoding', () => {
  const payload = Buffer.from('{"resourceSpans":[]}'.repeat(100));

  it('undoes gzip, deflate (zlib and raw), br, and passes identity through', async () => {
    expect(await decodeContentEncoding(gzipSync(payload), 'gzip', MiB)).toEqual(payload);
    expect(await decodeContentEncoding(gzipSync(payload), ' GZIP ', MiB)).toEqual(payload);
    expect(await decodeContentEncoding(deflateSync(payload), 'deflate', MiB)).toEqual(payload);
    expect(await decodeContentEncoding(deflateRawSync(payload), 'deflate', MiB)).toEqual(payload);
    expect(await decodeContentEncoding(brotliCompressSync(payload), 'br', MiB)).toEqual(payload);
    expect(await decodeContentEncoding(payload, undefined, MiB)).toBe(payload);
    expect(await decodeContentEncoding(payload, 'identity', MiB)).toBe(payload);
  });

  it('answers 413 for an uncompressed body over the decompressed limit', async () => {
    const error = await rejection(decodeContentEncoding(payload, undefined, 100));
    expect((error as LookoutError).status).toBe(413);
  });

  it('answers 400 for corrupt or truncated gzip', async () => {
    const gz = gzipSync(payload);
    for (const body of [gz.subarray(0, gz.length - 10), Buffer.from('not gzip at all'), Buffer.alloc(0)]) {
      const error = await rejection(decodeContentEncoding(body, 'gzip', MiB));
      expect(error).toBeInstanceOf(OtlpDecodeError);
      expect((error as OtlpDecodeError).status).toBe(400);
    }
  });

  it('answers 415 for an unknown content coding', async () => {
    const error = await rejection(decodeContentEncoding(payload, 'snappy', MiB));
    expect((error as LookoutError).status).toBe(415);
    expect((error as LookoutError).message).toMatch(/use one of gzip, deflate, br/);
  });

  it('refuses a gzip bomb with 413 without inflating it', async () => {
    // 10 MB of zeros gzip to about 10 KB.
    const bomb = gzipSync(Buffer.alloc(10 * 1000 * 1000));
    expect(bomb.length).toBeLessThan(20 * 1024);
    const error = await rejection(decodeContentEncoding(bomb, 'gzip', MiB));
    expect(error).toBeInstanceOf(LookoutError);
    expect((error as LookoutError).status).toBe(413);
    expect((error as LookoutError).message).toMatch(/decompressed request body is larger than the limit of 1048576 bytes/);
  });

  it('stops inflating at the limit: a 2 GB bomb costs what the limit allows, not 2 GB', async () => {
    // 200 concatenated gzip members of 10 MB of zeros each: ~2 GB once inflated, ~2 MB on the wire.
    const member = gzipSync(Buffer.alloc(10 * 1000 * 1000), { level: 9 });
    const bomb = Buffer.concat(Array.from({ length: 200 }, () => member));
    const rssBefore = process.memoryUsage().rss;
    const error = await rejection(decodeContentEncoding(bomb, 'gzip', 4 * MiB));
    expect((error as LookoutError).status).toBe(413);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(200 * MiB);

    // The work done, counted on the decoder rather than timed: it read into the first member
    // only, and produced at most the limit and a few chunks (zlib emits 64 KiB at a time).
    const decoder = createGunzip({ chunkSize: 64 * 1024 });
    let inflatedBytes = 0;
    decoder.on('data', (chunk: Buffer) => {
      inflatedBytes += chunk.length;
    });
    const counted = await rejection(inflateLimited(bomb, decoder, 'gzip', 4 * MiB));
    expect((counted as LookoutError).status).toBe(413);
    // Let anything the decoder would still do after the refusal happen before counting.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(decoder.destroyed).toBe(true);
    expect(decoder.bytesWritten).toBeLessThanOrEqual(member.length);
    expect(inflatedBytes).toBeGreaterThan(4 * MiB);
    expect(inflatedBytes).toBeLessThanOrEqual(4 * MiB + 4 * 64 * 1024);
  });
});

describe('readBodyLimited', () => {
  it('reads a stream up to the limit and refuses past it', async () => {
    const chunks = () => Readable.from([Buffer.alloc(400, 1), Buffer.alloc(400, 2), 'abc']);
    expect((await readBodyLimited(chunks(), 1000)).length).toBe(803);
    const stream = chunks();
    const error = await rejection(readBodyLimited(stream, 500));
    expect((error as LookoutError).status).toBe(413);
    expect(stream.destroyed).toBe(true);
  });
});
