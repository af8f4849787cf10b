// What a judge is sent and what it answers, as the client reads it (client.ts) and the demo judge
// makes it (demo-judge.ts).

export interface ChatMessage {
  role: 'system' | 'user';
  content: string;
}

export interface JudgeUsage {
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
}

export interface JudgeAnswer {
  content: string;
  responseModel: string | null;
  finishReason: string | null;
  usage: JudgeUsage | null;
  requestId: string | null;
  // Answered by the built-in demo judge (demo-judge.ts), not by a model.
  demo?: boolean;
}
