/**
 * The browser tier: Debian's Chromium driven by playwright-core (no browser download), one browser
 * per test file and a fresh context per test; screenshots of every page at desktop and phone width
 * into test-results/screenshots/; and an axe-core audit of the page as it is shown.
 *
 * @example
 *   const chromium = useChromium();
 *   it('…', async () => {
 *     const page = await chromium.page(portal.url);
 *     await page.goto('/signin');
 *     await checkPage(page, 'sign-in'); // axe, then test-results/screenshots/sign-in-{desktop,phone}.png
 *   });
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, vi } from 'vitest';

export const CHROMIUM = process.env.OPENPIM_CHROMIUM ?? '/usr/bin/chromium';

/** Quiet and quick in a container: no sandbox (tests may run as root, where Chromium refuses it), no GPU, nothing phoning home. */
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const DESKTOP = { width: 1280, height: 800 } as const;
export const PHONE = { width: 375, height: 800 } as const;

/** How long the UI may take to show what a test waits for (loopback; generous for a loaded CI machine). */
export const UI_TIMEOUT = 15_000;

/** A browser test's whole budget: a few page loads, axe audits and screenshots on a busy 2-core machine. */
export const BROWSER_TEST_TIMEOUT = 90_000;

export const SCREENSHOTS = resolve(import.meta.dirname, '../../test-results/screenshots');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}

export interface ChromiumFixture {
  readonly browser: Browser;
  /** A fresh context (its own cookies) at desktop size with `baseURL`, and a page in it. */
  page(baseURL: string, options?: BrowserContextOptions): Promise<Page>;
}

/**
 * One Chromium for the test file (launched in beforeAll, closed in afterAll); each test's contexts
 * are closed after it, and a test fails if one of its pages threw an uncaught exception. The file's
 * tests get BROWSER_TEST_TIMEOUT; when one fails, each of its pages is saved to test-results/failures/.
 */
export function useChromium(): ChromiumFixture {
  vi.setConfig({ testTimeout: BROWSER_TEST_TIMEOUT });
  let browser: Browser | undefined;
  let contexts: BrowserContext[] = [];
  const errors: Error[] = [];
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterEach(async (test) => {
    if (test.task.result?.state === 'fail') await keepFailure(contexts, test.task.name);
    await Promise.all(contexts.map((c) => c.close()));
    contexts = [];
    const thrown = errors.splice(0);
    expect(
      thrown.map((e) => e.stack ?? e.message),
      'uncaught exceptions in the page',
    ).toEqual([]);
  });
  afterAll(async () => {
    await browser?.close();
  });
  return {
    get browser() {
      if (!browser) throw new Error('Chromium is not launched yet (use it inside a test)');
      return browser;
    },
    async page(baseURL, options = {}) {
      if (!browser) throw new Error('Chromium is not launched yet (use it inside a test)');
      const context = await browser.newContext({ baseURL, viewport: DESKTOP, locale: 'en-GB', timezoneId: 'UTC', ...options });
      context.setDefaultTimeout(UI_TIMEOUT);
      contexts.push(context);
      const page = await context.newPage();
      page.on('pageerror', (e) => errors.push(e));
      return page;
    },
  };
}

/** What each open page showed when its test failed: test-results/failures/<test>-<n>.png. */
async function keepFailure(contexts: readonly BrowserContext[], test: string): Promise<void> {
  const dir = resolve(SCREENSHOTS, '../failures');
  await mkdir(dir, { recursive: true });
  const pages = contexts.flatMap((c) => c.pages());
  const name = test.replace(/[^a-z0-9]+/gi, '-').slice(0, 80);
  await Promise.all(pages.map((p, i) => p.screenshot({ path: join(dir, `${name}-${i + 1}.png`), fullPage: true }).catch(() => undefined)));
}

/**
 * Screenshots of the page as it is now at desktop (1280×800) and phone (375×800) width:
 * test-results/screenshots/<name>-desktop.png and <name>-phone.png. The viewport is put back after.
 */
export async function capture(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  const before = page.viewportSize() ?? DESKTOP;
  for (const [size, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    await page.setViewportSize(viewport);
    // Two frames for the page to follow the new width (media-query listeners re-render it, e.g. a
    // table becomes cards): measured at once, the full page keeps the other width's height.
    await page.evaluate('new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))');
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-${size}.png`), fullPage: true, animations: 'disabled', caret: 'hide' });
  }
  await page.setViewportSize(before);
}

let axeSource: Promise<string> | undefined;
const loadAxe = () => (axeSource ??= readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8'));

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly helpUrl: string;
  readonly nodes: readonly { readonly target: readonly unknown[]; readonly html: string; readonly failureSummary?: string }[];
}

export interface AxeResult {
  readonly violations: AxeViolation[];
  /** How many rules applied and passed. */
  readonly passed: number;
}

interface PageAnimation {
  readonly finished: Promise<unknown>;
  readonly effect: { getComputedTiming(): { endTime?: number | string } } | null;
}

/**
 * Waits (up to 2 s) for the page's running CSS transitions and animations that end to end: a button
 * that has just become enabled fades to its colours, and axe measuring contrast half-way through
 * reports a contrast the page never settles on.
 */
export async function settled(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const { document } = globalThis as unknown as { document: { getAnimations(): PageAnimation[] } };
    const ending = document.getAnimations().filter((a) => Number.isFinite(Number(a.effect?.getComputedTiming().endTime ?? Infinity)));
    await Promise.race([Promise.all(ending.map((a) => a.finished.catch(() => undefined))), new Promise((done) => setTimeout(done, 2_000))]);
  });
}

/** Runs axe-core (WCAG 2.0–2.2 A and AA rules, and best practices) on the page as shown, once it has settled. */
export async function runAxe(page: Page): Promise<AxeResult> {
  await settled(page);
  // Evaluated through the DevTools protocol, which the page's CSP (no inline script) does not govern.
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(await loadAxe());
  return page.evaluate(async () => {
    // In the page: axe-core's global (this project compiles against Node's types, without the DOM's).
    const { axe } = globalThis as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: AxeViolation[]; passes: unknown[] }> } };
    const result = await axe.run((globalThis as unknown as { document: unknown }).document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return {
      passed: result.passes.length,
      violations: result.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        helpUrl: v.helpUrl,
        nodes: v.nodes.map((n) => ({ target: n.target, html: n.html, failureSummary: n.failureSummary })),
      })),
    };
  });
}

/** What axe found, as a reader wants it in a failed test's output. */
export function describeViolations(violations: readonly AxeViolation[]): string {
  return violations
    .map(
      (v) =>
        `[${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})\n${v.nodes.map((n) => `    ${n.target.join(' ')}: ${n.html}\n      ${n.failureSummary?.replaceAll('\n', '\n      ') ?? ''}`).join('\n')}`,
    )
    .join('\n');
}

/**
 * Fluent UI's focus management (tabster) puts invisible focus sentinels (`<i tabindex="0"
 * aria-hidden="true" data-tabster-dummy>`) around dialogs and menus; they pass focus on at once and
 * are never announced. axe reports them as aria-hidden-focus: a known false positive that
 * Microsoft's own Accessibility Insights suppresses the same way (microsoft/accessibility-insights-web#7605).
 * Only those nodes are dropped: any other aria-hidden-focus finding still counts.
 */
export function withoutKnownFalsePositives(violations: readonly AxeViolation[]): AxeViolation[] {
  return violations.flatMap((v) => {
    if (v.id !== 'aria-hidden-focus') return [v];
    const nodes = v.nodes.filter((n) => !/^<i [^>]*data-tabster-dummy=""[^>]*><\/i>$/.test(n.html));
    return nodes.length === 0 ? [] : [{ ...v, nodes }];
  });
}

export const AXE_RESULTS = resolve(SCREENSHOTS, '../axe');

/**
 * The page as shown has no `serious` or `critical` accessibility violation; lesser ones are logged.
 * Every audit is also kept in test-results/axe/<name>.json: the run's accessibility record.
 */
export async function expectAccessible(page: Page, name: string): Promise<void> {
  const result = await runAxe(page);
  const violations = withoutKnownFalsePositives(result.violations);
  await mkdir(AXE_RESULTS, { recursive: true });
  const nodes = (vs: readonly AxeViolation[]) => vs.reduce((n, v) => n + v.nodes.length, 0);
  const record = { page: name, url: page.url(), rulesPassed: result.passed, violations, tabsterSentinelsIgnored: nodes(result.violations) - nodes(violations) };
  await writeFile(join(AXE_RESULTS, `${name}.json`), `${JSON.stringify(record, null, 2)}\n`);
  const blocking = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const minor = violations.filter((v) => !blocking.includes(v));
  if (minor.length > 0) console.info(`axe (${name}): ${minor.length} minor or moderate finding(s)\n${describeViolations(minor)}`);
  expect(blocking, `axe on ${name}: serious or critical violations\n${describeViolations(blocking)}`).toEqual([]);
}

/** Screenshots and an accessibility audit of the page as it is now: what every page test does. */
export async function checkPage(page: Page, name: string): Promise<void> {
  await expectAccessible(page, name);
  await capture(page, name);
}
