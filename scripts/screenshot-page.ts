/**
 * `npm run screenshot`: the pictures of the web page in docs/. Starts the server on the demo
 * corpus in a temporary data directory (generated, trained and indexed: about a minute), then
 * photographs the page in headless Chromium: a painting's nearest artists, a "same painter?"
 * decision, and the model view.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { startServer } from '../server/start-server.js';
import { launchChromium } from '../test/support/chromium.js';

const out = 'docs';
const dir = mkdtempSync(join(tmpdir(), 'painter-screenshot-'));
execFileSync(process.execPath, ['scripts/build-web.mjs'], { stdio: 'inherit' });
mkdirSync(out, { recursive: true });

const cfg = loadConfig({}, { dataDir: join(dir, 'data'), port: 0, rateLimitPerMinute: 0 });
const server = await startServer(cfg, { host: '127.0.0.1' });
const browser = await launchChromium({ width: 1280, height: 860 });
try {
  const demo = join(cfg.dataDir, 'demo-corpus');
  const rows = readFileSync(join(demo, 'labels.csv'), 'utf8').trim().split('\n').slice(1);
  const file = (i: number) => join(demo, rows[i].split(',')[0]);
  const page = await browser.context.newPage();

  await page.goto(`${server.url}/#identify`);
  await page.locator('#identify-k').fill('3');
  await page.getByLabel('Painting to look up').setInputFiles(file(5));
  await page.locator('#identify-results .grid .card').first().waitFor();
  await page.waitForFunction(() => [...document.images].every((i) => i.complete));
  await page.screenshot({ path: join(out, 'page.png'), fullPage: true });

  await page.goto(`${server.url}/#verify`);
  await page.locator('#verify-a-file').setInputFiles(file(5));
  await page.locator('#verify-b-file').setInputFiles(file(6));
  await page.getByRole('button', { name: 'Same painter?' }).click();
  await page.locator('#verify-chart').waitFor({ state: 'visible' });
  await page.screenshot({ path: join(out, 'same-painter.png'), fullPage: true });

  await page.goto(`${server.url}/#model`);
  await page.waitForFunction(() => /Map of/.test(document.querySelector('#map-note')?.textContent ?? ''), undefined, { timeout: 120_000 });
  await page.locator('#map-chart').focus();
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => [...document.images].every((i) => i.complete));
  await page.screenshot({ path: join(out, 'model.png'), fullPage: true });
  console.log(`screenshots written to ${out}/: page.png, same-painter.png, model.png`);
} finally {
  await browser.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
