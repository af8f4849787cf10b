import { z } from 'zod';
import type { ProviderId } from '../../ingest/gateway/providers.ts';

// The gateway passes calls through: any body goes to the provider and its response comes back
// unchanged. Only the gateway's own errors are its: in the provider's error format, so that the
// official clients raise them as any provider error, with a code of docs/errors.md.

const GATEWAY_CODES = 'invalid_path, invalid_lookout_header, budget_exceeded, blocked_by_action, rate_limited_by_action, upstream_unreachable, upstream_timeout, upstream_invalid_response, or a catalog code';

const openAiErrorSchema = z
  .object({
    error: z.looseObject({
      message: z.string(),
      type: z.string(),
      param: z.string().nullable(),
      code: z.string().nullable().describe(`from the gateway: ${GATEWAY_CODES}`),
    }),
  })
  .meta({ id: 'OpenAiError', description: "an OpenAI error: the provider's own, or the gateway's (its message starts with 'Lookout')" });

const anthropicErrorSchema = z
  .object({
    type: z.literal('error'),
    error: z.looseObject({
      type: z.string(),
      message: z.string(),
      lookout_code: z.string().optional().describe(`set by the gateway: ${GATEWAY_CODES}`),
    }),
  })
  .meta({ id: 'AnthropicError', description: "an Anthropic error: the provider's own, or the gateway's (with lookout_code)" });

export const gatewayBodySchema = z.unknown().describe("any body the provider takes, forwarded unchanged");

const passThrough = (description: string) => ({
  description,
  content: {
    'application/json': { schema: z.unknown().describe("the provider's response body") },
    'text/event-stream': { schema: z.string().describe("a streamed response, forwarded as it arrives") },
  },
});

export function gatewayResponses(provider: ProviderId) {
  const error = provider === 'anthropic' ? anthropicErrorSchema : openAiErrorSchema;
  const failure = (description: string) => ({ description, content: { 'application/json': { schema: error } } });
  return {
    '2xx': passThrough("the provider's response, headers and body unchanged, with x-lookout-trace-id (and x-lookout-budget-warning near a budget)"),
    400: failure("the provider's 400, or the gateway's invalid_path or invalid_lookout_header"),
    401: failure("the provider's 401, or no valid Lookout key where one is required"),
    403: failure('blocked_by_action, a key that may not ingest, or the provider refusing the call'),
    404: failure('a path outside the provider prefixes, or the provider not knowing the path'),
    413: failure('the body is over gateway.maxBodyBytes'),
    429: failure("budget_exceeded or rate_limited_by_action (Retry-After), or the provider's own rate limit"),
    502: failure('upstream_unreachable or upstream_invalid_response'),
    503: failure('the server is stopping, or the provider is unavailable'),
    504: failure('upstream_timeout'),
    default: passThrough('any other status of the provider, passed through'),
  };
}
