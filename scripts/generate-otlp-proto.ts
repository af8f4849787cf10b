// Regenerates the protobufjs JSON descriptor that the OTLP decoder loads at start
// (packages/server/src/ingest/otlp/generated/otlp.json) from the vendored .proto files in
// packages/server/proto/. The same as `pbjs -t json`, without the CLI's dependencies.
//
//   node scripts/generate-otlp-proto.ts           write the descriptor
//   node scripts/generate-otlp-proto.ts --check   exit 1 if the descriptor is out of date
import { writeFileSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(repo, 'packages/server/package.json'));
const protobuf = require('protobufjs') as typeof import('protobufjs');

export const PROTO_ROOT = join(repo, 'packages/server/proto');
export const DESCRIPTOR_PATH = join(repo, 'packages/server/src/ingest/otlp/generated/otlp.json');

const ENTRY_FILES = [
  'opentelemetry/proto/collector/trace/v1/trace_service.proto',
  'opentelemetry/proto/collector/logs/v1/logs_service.proto',
  'opentelemetry/proto/collector/metrics/v1/metrics_service.proto',
  'google/rpc/status.proto',
  'google/rpc/error_details.proto',
];

export function generateDescriptor(): string {
  const root = new protobuf.Root();
  // Resolve imports against the vendored tree; google/protobuf/*.proto come from protobufjs's
  // bundled well-known types.
  root.resolvePath = (_origin, target) => (target.startsWith('google/protobuf/') ? target : join(PROTO_ROOT, target));
  root.loadSync(ENTRY_FILES, { keepCase: false });
  root.resolveAll();
  return `${JSON.stringify(root.toJSON({ keepComments: false }), null, 1)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const json = generateDescriptor();
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(DESCRIPTOR_PATH, 'utf8');
    } catch {
      // missing counts as out of date
    }
    if (current !== json) {
      console.error(`${DESCRIPTOR_PATH} is out of date: run node scripts/generate-otlp-proto.ts`);
      process.exit(1);
    }
    console.log('OTLP descriptor is up to date');
  } else {
    writeFileSync(DESCRIPTOR_PATH, json);
    console.log(`wrote ${DESCRIPTOR_PATH}`);
  }
}
