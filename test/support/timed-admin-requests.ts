import { expect } from 'vitest';
import { admin } from './admin-client.js';
import { envoyCheckRequest } from './envoy-check-request.js';
import type { TestApp } from './start-test-app.js';

/** One admin request: what was asked, the answer and how long it took. */
export interface Timed {
  readonly label: string;
  readonly status: number;
  readonly ms: number;
  readonly body: Record<string, unknown>;
}

async function timed(
  port: number,
  method: string,
  path: string,
  options: { token?: string; body?: unknown } = {},
): Promise<Timed> {
  const started = performance.now();
  const reply = await admin(port, method, path, options);
  return {
    label: `${method} ${path}`,
    status: reply.status,
    ms: performance.now() - started,
    body: reply.body,
  };
}

/** Sends unsigned checks one after another until stopped: checks flowing during the requests. */
export function keepChecking(app: TestApp): {
  stop(): Promise<{ slowestMs: number; answered: number }>;
} {
  let running = true;
  let slowestMs = 0;
  let answered = 0;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      await app.client.check(envoyCheckRequest({ method: 'GET', url: 'https://api.example.com/' }));
      slowestMs = Math.max(slowestMs, performance.now() - started);
      answered += 1;
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return { slowestMs, answered };
    },
  };
}

/** Timed admin requests, kept for the assertions. */
export class Requests {
  readonly replies: Timed[] = [];
  readonly port: number;

  constructor(port: number) {
    this.port = port;
  }

  async send(method: string, path: string, options: { token?: string; body?: unknown } = {}) {
    const reply = await timed(this.port, method, path, options);
    this.replies.push(reply);
    return reply;
  }

  /** Follows `next` from `query` until `enough` agents or the end; returns their ids. */
  async walk(query: string, enough = Number.POSITIVE_INFINITY): Promise<string[]> {
    const found: string[] = [];
    let path: string | undefined = `/v1/agents?${query}`;
    while (path !== undefined && found.length < enough) {
      const page = await this.send('GET', path);
      expect(page.status, page.label).toBe(200);
      found.push(...(page.body.agents as Array<{ id: string }>).map((agent) => agent.id));
      const next = page.body.next as string | undefined;
      path =
        next === undefined ? undefined : `/v1/agents?${query}&after=${encodeURIComponent(next)}`;
    }
    return found;
  }
}
