import { lastMessageText, startFake, type FakeUpstream } from './fake-openai.ts';

// A fake upstream that speaks Anthropic's Messages API (JSON, and SSE when the request says
// `stream: true`) on loopback. Anthropic reports cache reads and cache writes OUTSIDE
// input_tokens, so each usage below has all four buckets distinct. A request with `tools` gets a
// tool_use block; models `fail-429`, `fail-500` and `overloaded-mid-stream` (an error event after
// the first delta, as the real API sends when it is overloaded) misbehave; `echo` answers with
// the text of the last message.
export const ANTHROPIC_MODEL = 'claude-sonnet-4-5-20250929';
export const MESSAGE_USAGE = { input_tokens: 100, cache_read_input_tokens: 2048, cache_creation_input_tokens: 512, output_tokens: 50 };
export const STREAM_MESSAGE_USAGE = { input_tokens: 30, cache_read_input_tokens: 1024, cache_creation_input_tokens: 0, output_tokens: 12 };

function anthropicError(type: string, message: string) {
  return JSON.stringify({ type: 'error', error: { type, message } });
}

export async function startFakeAnthropic(): Promise<FakeUpstream> {
  return startFake(
    (res) => {
      res.writeHead(400, { 'content-type': 'application/json', 'request-id': 'req_bad_json' });
      res.end(anthropicError('invalid_request_error', 'There was an issue with your request body: not valid JSON'));
    },
    (req, res, json) => {
      const path = (req.url ?? '').split('?')[0];
      if (req.method === 'POST' && path === '/v1/messages/count_tokens') {
        res.writeHead(200, { 'content-type': 'application/json', 'request-id': 'req_count' });
        res.end(JSON.stringify({ input_tokens: 42 }));
        return;
      }
      if (req.method !== 'POST' || path !== '/v1/messages') {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(anthropicError('not_found_error', `no route ${req.method} ${req.url}`));
        return;
      }
      if (json.model === 'fail-429') {
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '7', 'request-id': 'req_429' });
        res.end(anthropicError('rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit'));
        return;
      }
      if (json.model === 'fail-500') {
        res.writeHead(500, { 'content-type': 'application/json', 'request-id': 'req_500' });
        res.end(anthropicError('api_error', 'Internal server error'));
        return;
      }
      const tools = Array.isArray(json.tools) && json.tools.length > 0;
      const echoed = json.model === 'echo' ? lastMessageText(json) : null;
      const content: object[] = [{ type: 'text', text: echoed ?? 'It ships tomorrow.' }];
      if (tools) content.push({ type: 'tool_use', id: 'toolu_01', name: json.tools[0].name, input: { order_id: '42' } });
      const message = { id: 'msg_01', type: 'message', role: 'assistant', model: ANTHROPIC_MODEL, content, stop_reason: tools ? 'tool_use' : 'end_turn', stop_sequence: null, usage: MESSAGE_USAGE };
      if (!json.stream) {
        res.writeHead(200, { 'content-type': 'application/json', 'request-id': 'req_01' });
        res.end(JSON.stringify(message));
        return;
      }
      // As the real API does: input and cache counts arrive in message_start, the final output
      // count in message_delta.
      res.writeHead(200, { 'content-type': 'text/event-stream', 'request-id': 'req_02' });
      const events: object[] = [
        { type: 'message_start', message: { ...message, id: 'msg_02', content: [], stop_reason: null, usage: { ...STREAM_MESSAGE_USAGE, output_tokens: 1 } } },
        { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
        { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: echoed === null ? 'Refund ' : echoed.slice(0, echoed.length >> 1) } },
        ...(json.model === 'overloaded-mid-stream' ? [{ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }] : []),
        { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: echoed === null ? 'is on its way.' : echoed.slice(echoed.length >> 1) } },
        { type: 'content_block_stop', index: 0 },
        ...(tools
          ? [
              { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'toolu_02', name: json.tools[0].name, input: {} } },
              { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"order_id": ' } },
              { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '"42"}' } },
              { type: 'content_block_stop', index: 1 },
            ]
          : []),
        { type: 'message_delta', delta: { stop_reason: tools ? 'tool_use' : 'end_turn', stop_sequence: null }, usage: { output_tokens: STREAM_MESSAGE_USAGE.output_tokens } },
        { type: 'message_stop' },
      ];
      let i = 0;
      const next = () => {
        if (res.destroyed) return;
        if (i < events.length) {
          const event = events[i++] as { type: string };
          res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
          if (event.type === 'error') {
            res.end();
            return;
          }
          setTimeout(next, 10);
        } else {
          res.end();
        }
      };
      next();
    },
  );
}
