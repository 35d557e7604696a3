import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import OpenAI from "openai";
import { PROVIDER_KEY_MARKER } from "./secret-scan";

// The official SDKs pointed at the gateway exactly as the README tells users to: only the base
// URL and one header change. `base` is a gateway origin such as http://127.0.0.1:41234.

// Each holds PROVIDER_KEY_MARKER, which the secret scan looks for in every log line and row.
export const PROVIDER_KEYS = {
  openai: `sk-${PROVIDER_KEY_MARKER}-openai-123`,
  anthropic: `sk-ant-${PROVIDER_KEY_MARKER}-anthropic-456`,
  google: `goog-${PROVIDER_KEY_MARKER}-google-789`,
} as const;

/** providerKey null sends no X-Provider-API-Key at all. */
export function openaiClient(base: string, gatewayKey: string, providerKey: string | null = PROVIDER_KEYS.openai) {
  return new OpenAI({
    apiKey: gatewayKey,
    baseURL: `${base}/v1/openai`,
    defaultHeaders: providerKey ? { "X-Provider-API-Key": providerKey } : {},
    maxRetries: 0,
  });
}

export function anthropicClient(base: string, gatewayKey: string) {
  return new Anthropic({
    authToken: gatewayKey,
    apiKey: null,
    baseURL: `${base}/v1/anthropic`,
    defaultHeaders: { "X-Provider-API-Key": PROVIDER_KEYS.anthropic },
    maxRetries: 0,
  });
}

export function geminiClient(base: string, gatewayKey: string) {
  return new GoogleGenAI({
    apiKey: gatewayKey,
    httpOptions: { baseUrl: `${base}/v1/google`, headers: { "X-Provider-API-Key": PROVIDER_KEYS.google } },
  });
}
