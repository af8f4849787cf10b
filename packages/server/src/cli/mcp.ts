import type { Command, Option } from 'commander';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { isJSONRPCRequest, isJSONRPCResultResponse, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { ApiTarget } from './http.ts';

// `lookout mcp`: the MCP server for clients that launch a command and talk over stdin/stdout.
// It relays every message to a running Lookout's POST /mcp rather than opening the data
// directory: the embedded store has one writer, the server, and the tools then answer from the
// same process, key and project scoping as the HTTP API.

// A JSON-RPC error for a request the server could not be asked (the client would wait forever).
const RELAY_FAILED = -32000;
const PARSE_ERROR = -32700;

// The answer to a line that is not a message: JSON-RPC gives it a null id, which the SDK's types
// leave out (they model the messages a peer can be sent after a successful parse).
function parseFailure(message: string): JSONRPCMessage {
  return { jsonrpc: '2.0', id: null, error: { code: PARSE_ERROR, message } } as unknown as JSONRPCMessage;
}

// A line that is not JSON, or JSON that is not a JSON-RPC message (the stdio transport's parse).
function parseFailureOf(err: unknown): string | null {
  if (err instanceof SyntaxError) return `Parse error: not JSON (${err.message})`;
  if (err instanceof Error && err.name === 'ZodError') return 'Parse error: not a JSON-RPC message';
  return null;
}

const isAbort = (err: unknown) => err instanceof Error && err.name === 'AbortError';

// The server's own words from an error answer ("Error POSTing to endpoint: {json}").
function reason(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const json = text.indexOf('{');
  if (json >= 0) {
    try {
      const body = JSON.parse(text.slice(json)) as { error?: { message?: unknown } };
      if (typeof body.error?.message === 'string') return body.error.message;
    } catch {
      // not the server's JSON: the whole text says more
    }
  }
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const detail = cause?.code ?? cause?.message;
  return detail ? `${text} (${detail})` : text;
}

export async function relayMcp(target: ApiTarget, log: (line: string) => void): Promise<void> {
  // Relative to the server's URL, so a server behind a path prefix (https://host/lookout) works.
  const url = new URL('mcp', target.url.endsWith('/') ? target.url : `${target.url}/`);
  const upstream = new StreamableHTTPClientTransport(url, { requestInit: { headers: target.key ? { authorization: `Bearer ${target.key}` } : {} } });
  const local = new StdioServerTransport();
  const initializeIds = new Set<string | number>();
  // Requests still being answered when the client closes stdin get their answers first.
  const inFlight = new Set<Promise<void>>();

  local.onmessage = (message: JSONRPCMessage) => {
    if (isJSONRPCRequest(message) && message.method === 'initialize') initializeIds.add(message.id);
    const sent = upstream.send(message).catch((err: unknown) => {
      // The transport has reported the failure through onerror already.
      const refused = (err as { cause?: { code?: string } }).cause?.code === 'ECONNREFUSED';
      const status = err instanceof StreamableHTTPError && err.code !== undefined && err.code > 0 ? err.code : null;
      const why =
        status !== null
          ? `Lookout at ${url.origin} answered HTTP ${status}: ${reason(err)}`
          : `Lookout at ${url.origin} did not answer: ${reason(err)}${refused ? '; start it with `lookout serve` or point LOOKOUT_URL at it' : ''}`;
      if (isJSONRPCRequest(message)) void local.send({ jsonrpc: '2.0', id: message.id, error: { code: RELAY_FAILED, message: why } });
    });
    inFlight.add(sent);
    void sent.finally(() => inFlight.delete(sent));
  };
  upstream.onmessage = (message: JSONRPCMessage) => {
    // The negotiated version goes on every later request, as the SDK's own client sends it.
    if (isJSONRPCResultResponse(message) && initializeIds.delete(message.id)) {
      const version = (message.result as { protocolVersion?: unknown }).protocolVersion;
      if (typeof version === 'string') upstream.setProtocolVersion(version);
    }
    void local.send(message);
  };
  // Closing aborts what the transport still has open (its event stream): no failure to report.
  let closing = false;
  upstream.onerror = (err) => {
    if (!(closing && isAbort(err))) log(`lookout mcp: ${reason(err)}`);
  };
  local.onerror = (err) => {
    const parse = parseFailureOf(err);
    // The client is told too: it could not match an answer to a line it sent.
    if (parse !== null) void local.send(parseFailure(parse));
    log(`lookout mcp: ${parse ?? reason(err)}`);
  };

  const closed = new Promise<void>((resolve) => {
    local.onclose = resolve;
    process.stdin.once('end', resolve);
  });
  await upstream.start();
  await local.start();
  await closed;
  await Promise.allSettled([...inFlight]);
  closing = true;
  await upstream.close();
}

export function registerMcpCommand(program: Command, options: { urlOption: () => Option; keyOption: () => Option }): void {
  program
    .command('mcp')
    .description('serve MCP over stdin/stdout for clients that launch a command, relaying to the /mcp endpoint of a running Lookout (LOOKOUT_URL, LOOKOUT_API_KEY)')
    .addOption(options.urlOption().env('LOOKOUT_URL'))
    .addOption(options.keyOption())
    .action(async (opts: { url: string; key?: string }) => {
      await relayMcp({ url: opts.url, key: opts.key }, (line) => process.stderr.write(`${line}\n`));
    });
}
