#!/usr/bin/env bash
# Refreshes the vendored .proto files under packages/server/proto/ from npm packages that ship
# them (the npm registry is the only network these machines reach), then regenerates the
# derived protobufjs descriptor (scripts/generate-otlp-proto.ts).
#
#   opentelemetry/proto/**  from dd-trace, which vendors opentelemetry-proto v1.7.0 with its
#                           imports flattened ("common.proto"); we restore the upstream layout
#                           and import paths so the files match the upstream tag.
#   google/rpc/*.proto      from google-proto-files (googleapis common protos), unchanged.
#
# Pin the versions here; README.md in packages/server/proto/ records what is vendored.
set -euo pipefail
cd "$(dirname "$0")/.."

DD_TRACE_VERSION="${DD_TRACE_VERSION:-6.21.0}"
GOOGLE_PROTO_FILES_VERSION="${GOOGLE_PROTO_FILES_VERSION:-6.0.1}"
PROTO_DIR=packages/server/proto

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

(cd "$tmp" && npm pack --silent "dd-trace@${DD_TRACE_VERSION}" "google-proto-files@${GOOGLE_PROTO_FILES_VERSION}" >/dev/null)
mkdir -p "$tmp/dd" "$tmp/gpf"
tar xzf "$tmp/dd-trace-${DD_TRACE_VERSION}.tgz" -C "$tmp/dd"
tar xzf "$tmp/google-proto-files-${GOOGLE_PROTO_FILES_VERSION}.tgz" -C "$tmp/gpf"

src="$tmp/dd/package/packages/dd-trace/src/opentelemetry/otlp"
# file in dd-trace -> path upstream
declare -A layout=(
  [common.proto]=opentelemetry/proto/common/v1/common.proto
  [resource.proto]=opentelemetry/proto/resource/v1/resource.proto
  [trace.proto]=opentelemetry/proto/trace/v1/trace.proto
  [logs.proto]=opentelemetry/proto/logs/v1/logs.proto
  [metrics.proto]=opentelemetry/proto/metrics/v1/metrics.proto
  [trace_service.proto]=opentelemetry/proto/collector/trace/v1/trace_service.proto
  [logs_service.proto]=opentelemetry/proto/collector/logs/v1/logs_service.proto
  [metrics_service.proto]=opentelemetry/proto/collector/metrics/v1/metrics_service.proto
)

rm -rf "$PROTO_DIR/opentelemetry" "$PROTO_DIR/google"
for file in "${!layout[@]}"; do
  dest="$PROTO_DIR/${layout[$file]}"
  mkdir -p "$(dirname "$dest")"
  # Drop dd-trace's "// Vendored from: ..." first line; point imports back at upstream paths.
  sed -e '1{/^\/\/ Vendored from/d}' \
    -e "s#^import \"common.proto\";#import \"${layout[common.proto]}\";#" \
    -e "s#^import \"resource.proto\";#import \"${layout[resource.proto]}\";#" \
    -e "s#^import \"trace.proto\";#import \"${layout[trace.proto]}\";#" \
    -e "s#^import \"logs.proto\";#import \"${layout[logs.proto]}\";#" \
    -e "s#^import \"metrics.proto\";#import \"${layout[metrics.proto]}\";#" \
    "$src/$file" >"$dest"
done
head -1 "$src/trace.proto" | grep -q 'v1.7.0' || echo "note: dd-trace now vendors $(head -1 "$src/trace.proto"); update packages/server/proto/README.md" >&2

mkdir -p "$PROTO_DIR/google/rpc"
cp "$tmp/gpf/package/google/rpc/status.proto" "$tmp/gpf/package/google/rpc/error_details.proto" "$PROTO_DIR/google/rpc/"

node scripts/generate-otlp-proto.ts
