// The playground end to end, as a new user meets it: the real page (a vite
// build under `vite preview`) in Debian's Chromium, driven by playwright-core
// through what is on screen. Screenshots of each step go to test-results/e2e/.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import {
  readTarEntries,
  readZipEntries,
  type ArchiveEntry,
} from './archive-entries.ts';
import {
  collectPageErrors,
  createScreenshots,
  launchChromium,
} from './browser.ts';
import { startPlayground, type Playground } from './playground-server.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const results = path.join(root, 'test-results', 'e2e');
const examples = readExampleIndex();

// The guest boots in 3 to 20 s depending on the machine's load; builds wait
// on what the page shows, never on a fixed delay.
const PLAN_MS = 20_000;
const BUILD_MS = 120_000;

let playground: Playground;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let pageErrors: string[] = [];
const screenshot = createScreenshots(results);

before(async () => {
  playground = await startPlayground(root);
  browser = await launchChromium();
  context = await browser.newContext({
    acceptDownloads: true,
    viewport: { width: 1400, height: 1000 },
  });
  context.setDefaultTimeout(PLAN_MS);
  page = await context.newPage();
  pageErrors = collectPageErrors(page);
});

after(async () => {
  await browser?.close();
  await playground?.stop();
});

test('opens on the first example, with every example listed', async () => {
  await page.goto(playground.url);
  await page.getByRole('heading', { name: 'Examples' }).waitFor();

  const buttons = page.locator('example-list').getByRole('button');
  await buttons.first().waitFor();
  const titles = (await buttons.allTextContents()).map((t) => t.trim());
  assert.deepEqual(
    titles,
    examples.map((e) => e.title),
  );

  const current = page.locator('example-list button[aria-current="true"]');
  assert.equal(await current.getAttribute('data-id'), examples[0]!.id);
  await planBadge('ready to build').waitFor();
  assert.equal(new URL(page.url()).hash, `#example=${examples[0]!.id}`);
  await screenshot(page, 'opened');
});

test('builds cdi-env in the v86 guest, where its RUN prints FOO=injected', async () => {
  await chooseExample('cdi-env');
  await setPlatforms('linux/386');
  assert.deepEqual(await stageStates(), [['#0', 'built']]);
  const run = page
    .locator('stage-card li[data-kind="run"]')
    .filter({ hasText: '--device=vendor1.com/device' });
  await run.getByText('FOO=injected').first().waitFor();
  await screenshot(page, 'cdi-env-planned');

  const progress = await build('FOO=injected');
  assert.match(progress, /#\d+ \[2\/2\] RUN --device=vendor1\.com\/device/);
  assert.match(progress, /^#\d+ \d+\.\d+ FOO=injected$/m);
  assert.match(progress, /#\d+ DONE \d+\.\d+s/);
  assert.doesNotMatch(progress, /ERROR/);
  await page.getByText('Result for linux/386, as a local export').waitFor();
  await screenshot(page, 'cdi-env-built', page.locator('guest-console'));
});

test('builds only the stages build1 needs and downloads what RUN wrote', async () => {
  await chooseExample('multi-stage-builder-stages');
  const expected = [
    ['#0 builder', 'built'],
    ['#1 build1', 'built'],
    ['#2 build2', 'skipped'],
  ];
  await waitForStages(expected);
  await screenshot(page, 'multi-stage-docs-plan');

  // The docs' Dockerfile needs alpine and g++, which the page's offline
  // image store lacks: type in the example's busybox variant instead.
  const busybox = readExampleFile(
    'multi-stage-builder-stages',
    'Dockerfile.busybox',
  );
  await replaceDockerfile(busybox);
  await setPlatforms('linux/386');
  await waitForStages(expected);
  await planBadge('ready to build').waitFor();
  await screenshot(page, 'multi-stage-edited');

  const progress = await build('> /binary');
  assert.match(progress, /\[builder 2\/2\] RUN echo "toolchain ready"/);
  const run = '[build1 2/2] RUN head -n 1 source.cpp > /binary';
  assert.ok(progress.includes(run), `no "${run}" in:\n${progress}`);
  assert.doesNotMatch(progress, /build2/);
  assert.doesNotMatch(progress, /ERROR/);
  const tree = page.locator('result-tree');
  await tree.locator('li.leaf[data-path="/binary"]').waitFor();
  await screenshot(page, 'multi-stage-built', tree);

  const source = readExampleFile('multi-stage-builder-stages', 'source1.cpp');
  const firstLine = `${source.split('\n')[0]}\n`;
  const tar = await download('tar', 'multi-stage');
  const tarEntries = await readTarEntries(tar);
  assert.equal(fileText(tarEntries, 'binary'), firstLine);
  assert.equal(fileText(tarEntries, 'toolchain.txt'), 'toolchain ready\n');
  assert.equal(fileText(tarEntries, 'source.cpp'), source);
  const zipEntries = readZipEntries(await download('zip', 'multi-stage'));
  assert.equal(fileText(zipEntries, 'binary'), firstLine);
  assert.deepEqual(
    names(zipEntries)
      .filter((n) => !n.includes('/'))
      .sort(),
    names(tarEntries)
      .filter((n) => !n.includes('/'))
      .sort(),
  );
});

// Follows the previous test: the page holds the edited multi-stage example.
test('a copied address reopens the edited Dockerfile and options', async () => {
  const address = page.url();
  const hash = new URL(address).hash;
  assert.match(hash, /^#example=multi-stage-builder-stages&state=/);

  const other = await context.newPage();
  const errors = collectPageErrors(other);
  try {
    await other.goto(address);
    const editor = other.locator('dockerfile-editor .cm-content');
    await editor.getByText('FROM busybox:1.36 AS builder').waitFor();
    const platforms = await other.getByLabel('Platforms').inputValue();
    assert.equal(platforms, 'linux/386');
    await other
      .locator('plan-view h3')
      .filter({ hasText: 'linux/386' })
      .first()
      .waitFor();
    const current = other.locator('example-list button[aria-current="true"]');
    assert.equal(
      await current.getAttribute('data-id'),
      'multi-stage-builder-stages',
    );
    await screenshot(other, 'share-link-reopened');
    assert.deepEqual(errors, []);
  } finally {
    await other.close();
  }
});

test('builds wasi-hello without the guest and runs its entrypoint', async () => {
  await chooseExample('wasi-hello');
  await waitForStages([
    ['#0 wasi', 'built'],
    ['#1 wasi-run', 'built'],
  ]);
  await screenshot(page, 'wasi-planned');

  const progress = await build('/hello.wasm');
  assert.match(progress, /RUN \["\/hello\.wasm", "--write", "\/built.txt"\]/);
  assert.doesNotMatch(progress, /ERROR/);
  await page.getByText('Result for wasi/wasm, as a local export').waitFor();
  await page.locator('result-tree li.leaf[data-path="/built.txt"]').waitFor();

  const entries = readZipEntries(await download('zip', 'wasi-hello'));
  assert.deepEqual(names(entries).sort(), [
    'built.txt',
    'data.txt',
    'hello.wasm',
  ]);
  assert.equal(
    fileText(entries, 'built.txt'),
    'written by hello.wasm during the build\n',
  );
  assert.equal(
    fileText(entries, 'data.txt'),
    readExampleFile('wasi-hello', 'data.txt'),
  );

  const runPanel = page.locator('wasi-run-panel');
  await runPanel.getByRole('button', { name: 'Run' }).click();
  const stdout = runPanel.locator('pre.stdout');
  await stdout.waitFor();
  const text = await stdout.textContent();
  assert.match(text ?? '', /Hello, Slipway, from WebAssembly \(wasm32-wasi/);
  assert.match(text ?? '', /^ {2}built\.txt$/m);
  await screenshot(page, 'wasi-ran', stdout);
});

test('the page threw no uncaught errors', () => {
  assert.deepEqual(pageErrors, []);
});

/** Clicks an example in the list by its title and waits for it to load. */
async function chooseExample(id: string) {
  const title = examples.find((e) => e.id === id)?.title;
  assert.ok(title, `example ${id} is not in examples/index.json`);
  await page
    .locator('example-list')
    .getByRole('button', { name: title, exact: true })
    .click();
  await page
    .locator(`example-list button[data-id="${id}"][aria-current="true"]`)
    .waitFor();
  await page.waitForURL((url) => url.hash.startsWith(`#example=${id}`));
}

/** Types platforms into the build options and waits for their plan. */
async function setPlatforms(platforms: string) {
  await page.getByLabel('Platforms').fill(platforms);
  await page
    .locator('plan-view h3')
    .filter({ hasText: platforms })
    .first()
    .waitFor();
}

/** Replaces the Dockerfile editor's text as a paste would. */
async function replaceDockerfile(text: string) {
  const editor = page.locator('dockerfile-editor .cm-content');
  await editor.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.insertText(text);
  const from = text.split('\n').find((line) => line.startsWith('FROM'));
  await editor
    .getByText(from ?? text.trim())
    .first()
    .waitFor();
}

/**
 * Presses Build, waits for `shows` (or an error) in the progress and for the
 * button to come back, and returns the progress. The button is disabled from
 * the click until the build ends, so an earlier build's status is not read.
 */
async function build(shows: string): Promise<string> {
  const panel = page.locator('v86-build-panel');
  await panel.getByRole('button', { name: 'Build', exact: true }).click();
  const progress = panel.locator('pre.progress');
  const shown = new RegExp(`${escapeRegExp(shows)}|^ERROR`, 'm');
  await progress.filter({ hasText: shown }).waitFor({ timeout: BUILD_MS });
  await panel
    .locator('button.primary:not([disabled])')
    .waitFor({ timeout: BUILD_MS });

  const text = (await progress.textContent()) ?? '';
  const status = (await panel.locator('.status').textContent()) ?? '';
  assert.match(status, /^done in \d+\.\d s$/, `the build failed:\n${text}`);
  return text;
}

/** Clicks a download button of the result and saves the archive. */
async function download(format: 'tar' | 'zip', name: string) {
  const tree = page.locator('result-tree');
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    tree.getByRole('button', { name: `Download .${format}` }).click(),
  ]);
  assert.equal(file.suggestedFilename(), `slipway-result.${format}`);
  const saved = path.join(results, `${name}.${format}`);
  await file.saveAs(saved);
  return saved;
}

/** The plan summary's badge with this text. */
function planBadge(text: string): Locator {
  return page.locator('plan-view .summary .badge').filter({ hasText: text });
}

/** Waits until the stage cards show these names and states, in order. */
async function waitForStages(expected: string[][]) {
  const want = JSON.stringify(expected);
  const deadline = Date.now() + PLAN_MS;
  let seen = '';
  while (Date.now() < deadline) {
    seen = JSON.stringify(await stageStates());
    if (seen === want) return;
    await page.waitForTimeout(100);
  }
  assert.fail(`stage cards: expected ${want}, saw ${seen}`);
}

/**
 * Reads each stage card's name and its built or skipped badge; a card that
 * a new plan removed while it was read gives an empty list, read again.
 */
async function stageStates(): Promise<string[][]> {
  const cards = await page.locator('stage-card').all();
  const states: string[][] = [];
  const quick = { timeout: 1000 };
  try {
    for (const card of cards) {
      const name = (await card.locator('h3').textContent(quick))?.trim();
      const badge = card.locator('header .badge').first();
      states.push([name ?? '', (await badge.textContent(quick))?.trim() ?? '']);
    }
  } catch {
    return [];
  }
  return states;
}

function fileText(entries: ArchiveEntry[], name: string): string {
  const entry = entries.find((e) => e.name === name);
  assert.ok(entry, `no ${name} in the archive: ${names(entries).join(' ')}`);
  return entry.data.toString('utf8');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function names(entries: ArchiveEntry[]): string[] {
  return entries.map((e) => e.name);
}

function readExampleIndex(): { id: string; title: string }[] {
  const file = path.join(root, 'examples', 'index.json');
  return JSON.parse(fs.readFileSync(file, 'utf8')).examples;
}

function readExampleFile(id: string, name: string): string {
  return fs.readFileSync(path.join(root, 'examples', id, name), 'utf8');
}
