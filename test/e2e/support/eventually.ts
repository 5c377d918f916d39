import type { Locator } from 'playwright-core';

/**
 * Waiting on conditions instead of sleeping: the screens update from engine events that
 * arrive when they arrive. Generous defaults; a timeout says what was awaited, what the
 * element last read and what the screen showed, so a failure reads without a rerun.
 */

export const SCREEN_TIMEOUT_MS = 20_000;

export async function eventually<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = SCREEN_TIMEOUT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (let delay = 20; ; delay = Math.min(delay * 2, 250)) {
    try {
      const value = await probe();
      if (value !== undefined && value !== null && value !== false) return value;
      last = value;
    } catch (error) {
      last = error instanceof Error ? error.message : error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last look: ${String(last)})`);
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

/** What the page showed, for a failure message. */
async function screenText(locator: Locator): Promise<string> {
  try {
    const text = await locator.page().locator('body').innerText({ timeout: 1_000 });
    return text.replace(/\s+/g, ' ').slice(0, 400);
  } catch {
    return '(unreadable)';
  }
}

async function until(locator: Locator, what: string, read: (first: Locator) => Promise<string | null>, pattern: RegExp, timeoutMs: number): Promise<string> {
  let seen: string | null = null;
  try {
    return await eventually(
      `${String(locator)} ${what} to match ${pattern}`,
      async () => {
        seen = await read(locator.first());
        return seen !== null && pattern.test(seen) ? seen : undefined;
      },
      timeoutMs,
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}; it last read ${JSON.stringify(seen)}; the screen read: ${await screenText(locator)}`, { cause: error });
  }
}

/** The element's text once it matches `pattern`. */
export function textMatching(locator: Locator, pattern: RegExp, timeoutMs = SCREEN_TIMEOUT_MS): Promise<string> {
  return until(locator, 'text', (first) => first.textContent({ timeout: 1_000 }), pattern, timeoutMs);
}

/** An attribute's value once it matches. */
export function attributeMatching(locator: Locator, name: string, pattern: RegExp, timeoutMs = SCREEN_TIMEOUT_MS): Promise<string> {
  return until(locator, `[${name}]`, (first) => first.getAttribute(name, { timeout: 1_000 }), pattern, timeoutMs);
}

async function waitForState(locator: Locator, state: 'visible' | 'hidden', timeoutMs: number): Promise<void> {
  try {
    await locator.first().waitFor({ state, timeout: timeoutMs });
  } catch (error) {
    throw new Error(`${String(locator)} did not become ${state} within ${timeoutMs} ms; the screen read: ${await screenText(locator)}`, { cause: error });
  }
}

export function visible(locator: Locator, timeoutMs = SCREEN_TIMEOUT_MS): Promise<void> {
  return waitForState(locator, 'visible', timeoutMs);
}

export function gone(locator: Locator, timeoutMs = SCREEN_TIMEOUT_MS): Promise<void> {
  return waitForState(locator, 'hidden', timeoutMs);
}
