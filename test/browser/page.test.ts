/**
 * The web page in headless Chromium against the real server on a generated corpus: upload a
 * painting and see its nearest artists, explain bad uploads, verify a pair, read the model's ROC
 * curve, training curves and corpus map, browse, and watch a rebuild run. Screenshots of each
 * view go to test-artifacts/browser/.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromiumInstalled, launchChromium, type Browser } from '../support/chromium.js';
import { API_KEY, buildWebPage, startFixtureServer, type FixtureServer } from './fixture-server.js';

const ARTIFACTS = join('test-artifacts', 'browser');
const runBrowserTests = chromiumInstalled() || Boolean(process.env.CI);
if (!runBrowserTests) {
  console.warn('Browser tests skipped: Chromium is not installed at /usr/bin/chromium (apt-get install -y --no-install-recommends chromium). In CI they run.');
}

describe.runIf(runBrowserTests)('the web page in Chromium', () => {
  let server: FixtureServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  /** A fresh load of the page (not just a hash change), so no test sees another's state. */
  const open = async (section: string) => {
    await page.goto('about:blank');
    await page.goto(`${server.url}/#${section}`);
    await page.locator(`#${section}`).waitFor({ state: 'visible' });
  };

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    buildWebPage();
    [server, browser] = await Promise.all([startFixtureServer(), launchChromium()]);
    page = await browser.context.newPage();
    page.on('pageerror', (e) => pageErrors.push(`uncaught: ${e.message}`));
    page.on('console', (m) => {
      // Failed requests the page handles (the bad uploads below) are logged by Chromium; policy
      // violations and script errors are not expected.
      if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) pageErrors.push(m.text());
    });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  afterEach(() => {
    expect(pageErrors).toEqual([]);
  });

  it('shows the nearest artists of an uploaded painting, with supporting thumbnails, and the nearest paintings', async () => {
    await open('identify');
    await expect(page.title()).resolves.toBe('Painter similarity');
    await page.getByLabel('Painting to look up').setInputFiles(server.file(0));
    const artists = page.locator('.artist-match');
    await artists.first().waitFor();
    expect(await artists.count()).toBe(5);
    const first = artists.first();
    expect(await first.locator('h4').textContent()).toMatch(/\S/);
    expect(await first.locator('.card-distance').first().textContent()).toMatch(/^distance \d+\.\d\d$/);
    // The query is a corpus file: its own copy is the nearest painting, at distance 0.
    await expect(page.locator('#identify-results .grid .card-distance').first().textContent()).resolves.toBe('distance 0.00');
    expect(await page.locator('#identify-results .grid .card').count()).toBe(12);
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('#identify-results img')].every((i) => i.complete && i.naturalWidth > 0));
    expect(await page.locator('#identify-status').textContent()).toMatch(/5 nearest artists and 12 nearest paintings/);
    // Whether the painter is among the indexed artists at all, from the model's calibrated rule.
    const verdict = page.locator('#identify-results .open-set');
    expect(['indexed-artist', 'no-indexed-artist', 'uncertain']).toContain(await verdict.getAttribute('data-verdict'));
    expect(await verdict.textContent()).toMatch(/indexed artists|Cannot tell/);
    await shot('nearest-artists');
  });

  it('takes a dropped file as well', async () => {
    await open('identify');
    const bytes = readFileSync(server.file(7)).toString('base64');
    const name = server.file(7).split('/').pop()!;
    const transfer = await page.evaluateHandle(
      ({ bytes, name }) => {
        const data = Uint8Array.from(atob(bytes), (c) => c.charCodeAt(0));
        const t = new DataTransfer();
        t.items.add(new File([data], name, { type: name.endsWith('.png') ? 'image/png' : 'image/jpeg' }));
        return t;
      },
      { bytes, name },
    );
    await page.dispatchEvent('#identify-drop', 'drop', { dataTransfer: transfer });
    await page.waitForFunction((n) => document.querySelector('#identify-status')?.textContent?.includes(`nearest paintings of ${n}`), name);
    expect(await page.locator('.artist-match').count()).toBe(5);
  });

  it('explains bad uploads: a file that is not an image, and an image the server cannot read', async () => {
    await open('identify');
    const input = page.getByLabel('Painting to look up');
    const error = page.locator('#identify-error');
    await input.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a painting') });
    await error.waitFor({ state: 'visible' });
    expect(await error.textContent()).toMatch(/"notes\.txt" is not an image/);
    expect(await error.getAttribute('role')).toBe('alert');

    await input.setInputFiles({ name: 'broken.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('this is not really a JPEG') });
    await page.waitForFunction(() => /broken\.jpg/.test(document.querySelector('#identify-error')?.textContent ?? ''));
    expect(await error.textContent()).toMatch(/"broken\.jpg" could not be searched: .*not a readable image.*Choose a JPEG, PNG/);
    await shot('bad-upload');
  });

  it('decides "same painter?" for an upload and a corpus painting, on the distance distributions', async () => {
    await open('verify');
    await page.locator('#verify-a-file').setInputFiles(server.file(0));
    await page.getByLabel('or corpus painting id').first().waitFor();
    await page.locator('#verify-b-id').fill('2');
    await page.locator('#verify-b-id').dispatchEvent('change');
    await page.locator('#verify-b-preview').waitFor({ state: 'visible' });
    await page.getByRole('button', { name: 'Same painter?' }).click();
    const verdict = page.locator('.verdict');
    await verdict.waitFor();
    expect(await verdict.textContent()).toMatch(/^(Same painter|Different painters)$/);
    const facts = await page.locator('#verify-result .facts').textContent();
    expect(facts).toMatch(/Distance\d+\.\d\d/);
    // A cohort-normalised score and its threshold can be negative.
    expect(facts).toMatch(/Threshold-?\d+\.\d\d \(calibrated on evaluation \d+\)/);
    expect(facts).toMatch(/Confidence\d+\.\d%/);
    const chart = page.locator('#verify-chart');
    await chart.waitFor({ state: 'visible' });
    expect(await chart.getAttribute('aria-label')).toMatch(/same-artist pairs .* threshold -?\d+\.\d\d, this pair's distance -?\d+\.\d\d/);
    await shot('same-painter');
  });

  it('asks for the missing side of a pair instead of sending it', async () => {
    await open('verify');
    await page.getByRole('button', { name: 'Same painter?' }).click();
    const error = page.locator('#verify-error');
    await error.waitFor({ state: 'visible' });
    expect(await error.textContent()).toMatch(/Painting A is missing/);
  });

  it("shows the model's ROC curve with AUC and threshold, its training curves and the corpus map", async () => {
    await open('model');
    const rocNote = page.locator('#roc-note');
    await page.waitForFunction(() => /AUC \d\.\d{3}/.test(document.querySelector('#roc-note')?.textContent ?? ''));
    expect(await rocNote.textContent()).toMatch(/threshold \d+\.\d\d \(best accuracy/);
    expect(await page.locator('#roc-chart').getAttribute('aria-label')).toMatch(/^ROC curve, AUC \d\.\d{3}\. At the threshold/);
    expect(await page.locator('#training-chart').getAttribute('aria-label')).toMatch(/Training curves over 2 epochs/);

    await page.waitForFunction(() => /Map of 48 paintings by 8 artists/.test(document.querySelector('#map-note')?.textContent ?? ''));
    const map = page.locator('#map-chart');
    const tip = page.locator('#map-tip');
    await map.focus();
    await page.keyboard.press('ArrowRight');
    await tip.waitFor({ state: 'visible' });
    expect(await tip.locator('span').textContent()).toMatch(/ — /);
    // Hovering the same point shows the same painting.
    const pos = await tip.evaluate((el) => ({ left: parseFloat(el.style.left), top: parseFloat(el.style.top) }));
    const parent = await page.locator('#map-chart').evaluate((c: HTMLCanvasElement) => ({ left: c.offsetLeft, top: c.offsetTop }));
    const box = (await map.boundingBox())!;
    await page.keyboard.press('Escape');
    await tip.waitFor({ state: 'hidden' });
    await page.mouse.move(box.x + pos.left - parent.left, box.y + pos.top - parent.top);
    await tip.waitFor({ state: 'visible' });
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('#map-tip img');
      return img !== null && img.complete && img.naturalWidth > 0;
    });
    await shot('model');
  });

  it('browses artists and their paintings, and sends a painting to the pair form', async () => {
    await open('browse');
    const artists = page.locator('#artist-list button');
    await artists.first().waitFor();
    expect(await artists.count()).toBe(8);
    const name = (await artists.first().textContent())!;
    await artists.first().click();
    await page.waitForFunction((n) => document.querySelector('#paintings-heading')?.textContent === `Paintings by ${n}`, name);
    await page.waitForFunction((n) => {
      const cards = [...document.querySelectorAll('#painting-grid .card-artist')];
      return cards.length === 6 && cards.every((c) => c.textContent === n);
    }, name);
    await shot('browse');
    await page.locator('#painting-grid .card').first().getByRole('button', { name: /as painting B/ }).click();
    await page.locator('#verify').waitFor({ state: 'visible' });
    expect(await page.locator('#verify-b-id').inputValue()).toMatch(/^\d+$/);
  });

  it('starts a rebuild with an API key and follows it to the end', async () => {
    await open('status');
    await page.waitForFunction(() => /48/.test(document.querySelector('#index-status')?.textContent ?? ''));
    await page.getByText('Start a job (needs an API key)').click();
    await page.getByRole('button', { name: 'Rebuild the index' }).click();
    const error = page.locator('#status-error');
    await error.waitFor({ state: 'visible' });
    expect(await error.textContent()).toMatch(/Enter an API key/);

    await page.getByLabel('API key').fill(API_KEY);
    await page.getByRole('button', { name: 'Rebuild the index' }).click();
    await page.waitForFunction(() => document.querySelectorAll('#jobs-body tr[data-job-id]').length === 2);
    const newest = page.locator('#jobs-body tr').first();
    expect(await newest.locator('progress').count()).toBe(1);
    await page.waitForFunction(() => document.querySelector('#jobs-body tr')?.getAttribute('data-status') === 'succeeded', undefined, { timeout: 60_000 });
    expect(await newest.locator('.progress-text').textContent()).toMatch(/^\d+ \/ \d+$/);
    await page.waitForFunction(() => /job succeeded/.test(document.querySelector('#status-announcer')?.textContent ?? ''));
    await shot('index-and-jobs');
  });

  it('works from the keyboard and on a narrow screen', async () => {
    // Without a fragment, so that focus navigation starts at the top of the page.
    await page.goto(`${server.url}/`);
    await page.locator('#identify').waitFor({ state: 'visible' });
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.locator('nav a[href="#verify"]').focus();
    await page.keyboard.press('Enter');
    await page.locator('#verify').waitFor({ state: 'visible' });
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('verify-title');

    await page.setViewportSize({ width: 390, height: 844 });
    const overflowing: string[] = [];
    for (const section of ['identify', 'verify', 'model', 'browse', 'status']) {
      await open(section);
      // The page must not scroll sideways (the jobs table scrolls inside its own box); a failure
      // names the elements that stick out.
      const wide = await page.evaluate(() =>
        document.documentElement.scrollWidth <= window.innerWidth
          ? []
          : [...document.querySelectorAll<HTMLElement>('body *')]
              .filter((el) => el.offsetParent !== null && !el.closest('.table-wrap') && el.getBoundingClientRect().right > window.innerWidth + 1)
              .map((el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}.${el.className}`),
      );
      overflowing.push(...wide.map((w) => `${section}: ${w}`));
    }
    expect(overflowing).toEqual([]);
    await open('identify');
    await page.getByLabel('Painting to look up').setInputFiles(server.file(3));
    await page.locator('.artist-match').first().waitFor();
    await shot('narrow-screen');
    await page.setViewportSize({ width: 1280, height: 900 });
  });
});
