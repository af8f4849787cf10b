// @lookout/sdk — OpenTelemetry-based tracing for LLM applications, understood by Lookout.
export { init, type InitOptions, type LookoutHandle, type SdkStats } from './core.ts';
export { withContext, currentContext, type LookoutContext, type PromptRef } from './context.ts';
export { wrapOpenAI } from './openai.ts';
export { wrapAnthropic } from './anthropic.ts';
export { traceRetrieval, traceEmbedding, traceTool, traced, currentTraceId, currentSpanId, type RetrievalOptions, type EmbeddingOptions } from './traced.ts';
export { score, flushScores, type ScoreInput } from './score.ts';
export { getPrompt, compilePrompt, clearPromptCache, PromptUnavailableError, type GetPromptOptions, type Prompt, type PromptContent, type PromptVariables, type ChatMessage, type ChatRole } from './prompts.ts';
export { checkBudget, type BudgetCheckInput, type BudgetCheckResult, type BudgetStatusInfo } from './budget.ts';
export { classifyError, type ErrorClass } from './instrument.ts';
// traced() takes a span kind: re-exported so an application needs no import of its own from the OTel API.
export { SpanKind } from '@opentelemetry/api';
