/**
 * The API reference page in headless Chromium: Swagger UI loads from this server alone, renders
 * the operations of the OpenAPI document, and the same-origin Content-Security-Policy reports no
 * violation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumInstalled, launchChromium, type Browser } from '../support/chromium.js';
import { startTestServer, type TestServer } from '../server/helpers.js';

const run = chromiumInstalled() || Boolean(process.env.CI);
if (!run) console.warn('API reference browser test skipped: Chromium is not installed at /usr/bin/chromium. In CI it runs.');

describe.runIf(run)('the API reference page in Chromium', () => {
  let t: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    [t, browser] = await Promise.all([startTestServer(), launchChromium()]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('renders every tag of the document with no CSP violation and no request elsewhere', async () => {
    const page = await browser.context.newPage();
    const problems: string[] = [];
    const foreign: string[] = [];
    page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) problems.push(m.text());
    });
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
    });
    page.on('request', (r) => {
      if (!r.url().startsWith(t.base) && !r.url().startsWith('data:')) foreign.push(r.url());
    });
    await page.exposeFunction('reportViolation', (v: string) => problems.push(`CSP: ${v}`));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => (window as unknown as { reportViolation(v: string): void }).reportViolation(`${e.violatedDirective} ${e.blockedURI}`));
    });
    await page.goto(`${t.base}/api/docs`);
    await page.locator('.opblock-tag').first().waitFor({ state: 'visible', timeout: 30_000 });
    const tags = await page.locator('.opblock-tag').allInnerTexts();
    expect(tags.join(' ')).toMatch(/Search/);
    expect(tags.join(' ')).toMatch(/Jobs/);
    await expect(page.locator('.opblock-summary-path').filter({ hasText: '/api/artists/nearest' }).count()).resolves.toBeGreaterThan(0);
    await page.screenshot({ path: 'test-artifacts/browser/api-reference.png' });
    expect(problems).toEqual([]);
    expect(foreign).toEqual([]);
  });
});
