// Debian's Chromium driven by playwright-core for end-to-end tests: headless,
// no browser download (CHROMIUM_PATH or /usr/bin/chromium), and screenshots
// of each step under test-results/e2e/.

import fs from 'node:fs';
import path from 'node:path';
import {
  chromium,
  type Browser,
  type Locator,
  type Page,
} from 'playwright-core';

import { chromiumArgs, chromiumPath } from '../chromium.mjs';

/** Launches the Chromium the browser tests use, headless. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath;
  if (!fs.existsSync(executablePath)) {
    throw new Error(
      `no Chromium at ${executablePath}: install Debian's chromium package ` +
        '(apt-get install chromium) or set CHROMIUM_PATH',
    );
  }
  return chromium.launch({
    executablePath,
    headless: true,
    args: chromiumArgs,
  });
}

/**
 * Creates a fresh screenshot folder and returns a function that fills it,
 * first scrolling `show` into view (the plan column scrolls on its own).
 */
export function createScreenshots(folder: string) {
  fs.rmSync(folder, { recursive: true, force: true });
  fs.mkdirSync(folder, { recursive: true });
  let count = 0;
  return async (page: Page, name: string, show?: Locator): Promise<string> => {
    count += 1;
    await show?.scrollIntoViewIfNeeded();
    const file = path.join(
      folder,
      `${String(count).padStart(2, '0')}-${name}.png`,
    );
    await page.screenshot({ path: file, fullPage: true });
    return file;
  };
}

/** Collects a page's uncaught errors, to be checked at the end. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.stack ?? error.message));
  return errors;
}
