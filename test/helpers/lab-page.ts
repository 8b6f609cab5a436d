/**
 * Reading a lab page the way a learner does, for the e2e tests: the DOM, and each terminal's text
 * from xterm's buffer (the widget exposes its terminals on window.__kalabTerminals in tests).
 */
import { expect } from 'vitest';
import type { Page } from 'playwright-core';

export type KalabWindow = Window & {
  __kalabTerminals?: Record<string, { buffer: { active: { length: number; getLine(i: number): { translateToString(trim?: boolean): string } | undefined } } }>;
};

/** The text of a node's terminal (scrollback and screen), lines joined with \n. */
export function terminalText(page: Page, node: string): Promise<string> {
  return page.evaluate((n) => {
    const term = (window as unknown as KalabWindow).__kalabTerminals?.[n];
    if (!term) return '';
    const buf = term.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < buf.length; i++) lines.push(buf.getLine(i)?.translateToString(true) ?? '');
    return lines.join('\n');
  }, node);
}

export async function waitForTerminal(page: Page, node: string, pattern: RegExp, timeout = 20_000): Promise<void> {
  await expect.poll(() => terminalText(page, node), { timeout, interval: 100, message: `${node}'s terminal shows ${pattern}` }).toMatch(pattern);
}

export async function showTab(page: Page, tab: string): Promise<void> {
  await page.locator(`[data-tab="${tab}"]`).click();
  if (tab.startsWith('term:')) await page.locator(`[data-terminal="${tab.slice(5)}"] .xterm`).click();
}

/** Type a line into the focused terminal, as a learner does, and press Enter. */
export async function typeLine(page: Page, line: string): Promise<void> {
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
}

export async function textOf(page: Page, selector: string): Promise<string> {
  return ((await page.locator(selector).first().textContent({ timeout: 1000 }).catch(() => '')) ?? '').trim();
}

export async function waitForText(page: Page, selector: string, expected: string | RegExp, timeout: number): Promise<void> {
  const check = expect.poll(() => textOf(page, selector), { timeout, interval: 100, message: `${selector} says ${expected}` });
  await (typeof expected === 'string' ? check.toBe(expected) : check.toMatch(expected));
}

export async function checkStep(page: Page, step: string, timeout = 60_000): Promise<string> {
  await page.locator(`[data-step="${step}"] [data-action="check"]`).click();
  await waitForText(page, `[data-step="${step}"] .kalab-step-status`, /^(passed|not yet)$/, timeout);
  const status = await textOf(page, `[data-step="${step}"] .kalab-step-status`);
  const verdict = await textOf(page, `[data-step="${step}"] .kalab-verdict`);
  expect(status, `step ${step}: ${verdict}`).toBe('passed');
  return verdict;
}
