/**
 * Headless Chromium from the system's packages (Debian: `chromium`), driven by playwright-core.
 * Every launch gets a fresh profile directory, removed on close.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM_PATH = process.env.PAINTER_CHROMIUM ?? '/usr/bin/chromium';

export const chromiumInstalled = (): boolean => existsSync(CHROMIUM_PATH);

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchChromium(viewport = { width: 1280, height: 900 }): Promise<Browser> {
  if (!chromiumInstalled()) {
    throw new Error(`Chromium is not installed at ${CHROMIUM_PATH}: apt-get install -y --no-install-recommends chromium (or set PAINTER_CHROMIUM)`);
  }
  const profile = mkdtempSync(join(tmpdir(), 'painter-chromium-'));
  // launchPersistentContext is how playwright takes a user data directory of our choosing.
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, headless: true, args: ARGS, viewport });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
