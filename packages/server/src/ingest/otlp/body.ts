// The bytes of an OTLP/HTTP request: which encoding the Content-Type names, reading a body with
// a byte limit, and undoing Content-Encoding with a limit on the DECOMPRESSED size. Inflation
// streams and stops as soon as the output passes the limit, so a gzip bomb costs at most the
// limit plus one chunk of memory, never its full expansion.
import * as zlib from 'node:zlib';
import type { Transform } from 'node:stream';
import { LookoutError } from '../../errors.ts';
import type { OtlpEncoding } from './decode.ts';
import { OtlpDecodeError } from './errors.ts';

const PROTOBUF_MEDIA_TYPES = new Set(['application/x-protobuf', 'application/protobuf', 'application/vnd.google.protobuf']);
const JSON_MEDIA_TYPE = 'application/json';
const INFLATE_CHUNK_BYTES = 64 * 1024;

function quoted(value: string): string {
  return JSON.stringify(value.length > 100 ? `${value.slice(0, 100)}…` : value);
}

// application/x-protobuf (also application/protobuf) or application/json, with any parameters;
// anything else is 415. JSON must be UTF-8, as RFC 8259 requires.
export function otlpEncodingOf(contentType: string | undefined): OtlpEncoding {
  if (contentType === undefined || contentType.trim() === '') {
    throw new LookoutError('unsupported_media_type', 'Content-Type is missing; OTLP/HTTP takes application/x-protobuf or application/json');
  }
  const [mediaType, ...params] = contentType.split(';');
  const media = mediaType.trim().toLowerCase();
  if (PROTOBUF_MEDIA_TYPES.has(media)) return 'protobuf';
  if (media === JSON_MEDIA_TYPE) {
    for (const param of params) {
      const [name, value = ''] = param.split('=');
      if (name.trim().toLowerCase() !== 'charset') continue;
      const charset = value.trim().replace(/^"|"$/g, '').toLowerCase();
      if (charset !== 'utf-8' && charset !== 'utf8') {
        throw new LookoutError('unsupported_media_type', `charset ${quoted(charset)} is not supported; send OTLP/JSON as UTF-8`);
      }
    }
    return 'json';
  }
  throw new LookoutError(
    'unsupported_media_type',
    `Content-Type ${quoted(contentType)} is not supported; OTLP/HTTP takes application/x-protobuf or application/json`,
  );
}

export function bodyTooLarge(limitBytes: number, what = 'the request body'): LookoutError {
  return new LookoutError('body_too_large', `${what} is larger than the limit of ${limitBytes} bytes; send smaller batches`);
}

// Reads a request stream, refusing (413) as soon as it passes maxBodyBytes. Breaking out of the
// loop destroys the stream, so the rest is not buffered.
export async function readBodyLimited(stream: AsyncIterable<Uint8Array | string>, maxBodyBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    total += buf.length;
    if (total > maxBodyBytes) throw bodyTooLarge(maxBodyBytes);
    chunks.push(buf);
  }
  return Buffer.concat(chunks, total);
}

type DecoderFactory = (body: Buffer) => Transform;

const zstd = (zlib as { createZstdDecompress?: (options?: zlib.ZlibOptions) => Transform }).createZstdDecompress;

const DECODERS: Record<string, DecoderFactory> = {
  gzip: () => zlib.createGunzip({ chunkSize: INFLATE_CHUNK_BYTES }),
  'x-gzip': () => zlib.createGunzip({ chunkSize: INFLATE_CHUNK_BYTES }),
  // HTTP's "deflate" is the zlib format, but some clients send raw deflate: tell them apart by
  // the zlib header (RFC 1950: method 8, header checksum divisible by 31).
  deflate: (body) =>
    body.length >= 2 && (body[0] & 0x0f) === 8 && ((body[0] << 8) | body[1]) % 31 === 0
      ? zlib.createInflate({ chunkSize: INFLATE_CHUNK_BYTES })
      : zlib.createInflateRaw({ chunkSize: INFLATE_CHUNK_BYTES }),
  br: () => zlib.createBrotliDecompress({ chunkSize: INFLATE_CHUNK_BYTES }),
  ...(zstd ? { zstd: () => zstd({ chunkSize: INFLATE_CHUNK_BYTES }) } : {}),
};

export const SUPPORTED_CONTENT_ENCODINGS = ['gzip', 'deflate', 'br', ...(zstd ? ['zstd'] : []), 'identity'];

// Exported so tests can hand in a decoder and count the work it did.
export function inflateLimited(body: Buffer, decoder: Transform, coding: string, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let settled = false;
    const fail = (error: unknown): void => {
      if (settled) return;
      settled = true;
      decoder.destroy();
      reject(error);
    };
    decoder.on('data', (chunk: Buffer) => {
      if (settled) return;
      total += chunk.length;
      if (total > maxBytes) {
        fail(bodyTooLarge(maxBytes, 'the decompressed request body'));
        return;
      }
      chunks.push(chunk);
    });
    decoder.on('error', (error: Error) => fail(new OtlpDecodeError(`the body is not valid ${coding} data: ${error.message}`)));
    decoder.on('end', () => {
      if (settled) return;
      settled = true;
      resolve(Buffer.concat(chunks, total));
    });
    decoder.end(body);
  });
}

// Undoes Content-Encoding. The result is at most maxDecompressedBytes long, or this throws 413.
// Unknown codings are 415 (RFC 9110 §15.5.16); corrupt compressed data is 400.
export async function decodeContentEncoding(body: Buffer, contentEncoding: string | undefined, maxDecompressedBytes: number): Promise<Buffer> {
  const coding = (contentEncoding ?? '').trim().toLowerCase();
  if (coding === '' || coding === 'identity' || coding === 'none') {
    if (body.length > maxDecompressedBytes) throw bodyTooLarge(maxDecompressedBytes);
    return body;
  }
  const factory = Object.hasOwn(DECODERS, coding) ? DECODERS[coding] : undefined;
  if (factory === undefined) {
    throw new LookoutError(
      'unsupported_media_type',
      `Content-Encoding ${quoted(contentEncoding ?? '')} is not supported; use one of ${SUPPORTED_CONTENT_ENCODINGS.join(', ')}`,
    );
  }
  return inflateLimited(body, factory(body), coding, maxDecompressedBytes);
}
