import { expect } from 'vitest';

/** Polls `condition` every 10 ms for up to `timeoutMs` (background work such as a cache refresh). */
export async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  for (let i = 0; i < timeoutMs / 10 && !condition(); i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect(condition()).toBe(true);
}

/** Polls an asynchronous `condition` every 10 ms for up to `ms` (default 2 s). */
export async function waitUntil(condition: () => Promise<boolean>, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition()) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect(await condition()).toBe(true);
}
