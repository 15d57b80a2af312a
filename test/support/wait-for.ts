import { expect } from 'vitest';

/** Polls `condition` every 10 ms for up to 2 s (background work such as a cache refresh). */
export async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect(condition()).toBe(true);
}
