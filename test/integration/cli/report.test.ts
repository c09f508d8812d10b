/**
 * `audit --format html` rendered the way a security engineer opens it: in Debian's headless
 * Chromium (never a downloaded browser), with scripts off and every network request recorded
 * and refused, over an organization built in moto.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { memoryIo } from '@sg-guard/cli';
import { MANAGEMENT_ACCOUNT_ID } from '@sg-guard/emulator';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildCliEstate, type CliEstate, callAsManagement, REGIONS, sgGuard } from './support.js';

const CHROMIUM = '/usr/bin/chromium';
const REPOSITORY = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

let estate: CliEstate;
let browser: Browser;
let work: string;
let html: string;

/** A deployed config that names the emulator's management account and deploys `enforce`. */
async function writeConfig(file: string): Promise<void> {
  const config = JSON.parse(await readFile(join(REPOSITORY, 'sg-guard.config.json'), 'utf8'));
  config.stackSetsAdmin = { accountId: MANAGEMENT_ACCOUNT_ID, delegatedAdmin: false };
  config.orgReaderRole = { location: 'management', accountId: MANAGEMENT_ACCOUNT_ID };
  config.targets.excludedAccounts = [];
  config.remediation.defaultMode = 'enforce';
  await writeFile(file, JSON.stringify(config));
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Debian's chromium is not installed (${CHROMIUM} is missing); the HTML report test needs it: ` +
        'apt-get update && apt-get install -y chromium (bash .ci/run installs it)',
    );
  }
  // The SDK's once-per-process notice that its 2027 releases need Node 22 is not a test result.
  vi.stubEnv('AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED', 'true');
  estate = await buildCliEstate();
  work = await mkdtemp(join(tmpdir(), 'sg-guard-report-'));
  const config = join(work, 'sg-guard.config.json');
  await writeConfig(config);
  const output = join(work, 'report.html');
  const { code, stdout } = await sgGuard(
    memoryIo(),
    'audit',
    '--org',
    '--regions',
    REGIONS.join(','),
    '--config',
    config,
    '--format',
    'html',
    '--output',
    output,
  );
  expect(code, stdout).toBe(0);
  html = await readFile(output, 'utf8');
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});
beforeEach(() => callAsManagement(estate.organization.endpoint));
afterAll(async () => {
  await browser?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

/**
 * Opens the report with scripts off and the page's own CSP bypassed (so an external reference
 * would really be requested); every request is recorded and refused.
 */
async function open(): Promise<{ page: Page; requests: string[]; close(): Promise<void> }> {
  const context = await browser.newContext({
    javaScriptEnabled: false,
    bypassCSP: true,
    viewport: { width: 1280, height: 900 },
  });
  const requests: string[] = [];
  await context.route('**/*', (route) => {
    requests.push(route.request().url());
    return route.abort();
  });
  context.on('request', (request) => {
    if (!requests.includes(request.url())) requests.push(request.url());
  });
  const page = await context.newPage();
  await page.setContent(html, { waitUntil: 'load' });
  return { page, requests, close: () => context.close() };
}

const idOf = (name: keyof CliEstate['credentials']) => estate.organization.accounts[name].accountId;

describe('audit --format html in Chromium', () => {
  it('makes no network request and needs no script', async () => {
    // Act
    const { page, requests, close } = await open();
    const elements = await page.$$eval('script, link, img, iframe, object, embed', (found) =>
      found.map((element) => element.tagName),
    );
    await close();

    // Assess
    expect(requests).toEqual([]);
    expect(elements).toEqual([]);
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  });

  it('shows the exposed groups of each account-region in the heatmap', async () => {
    // Prepare: what the estate opened, counted per account-region (0 where nothing is exposed).
    const expected: Record<string, string> = {};
    for (const accountId of [
      MANAGEMENT_ACCOUNT_ID,
      idOf('enforced'),
      idOf('notified'),
      idOf('retired'),
    ]) {
      for (const region of REGIONS) expected[`${accountId} ${region}`] = '0';
    }
    for (const group of estate.groups.filter((g) => g.shape.exposed)) {
      const key = `${group.accountId} ${group.region}`;
      expected[key] = String(Number(expected[key]) + 1);
    }

    // Act
    const { page, close } = await open();
    const cells = await page.$$eval('g.cell', (found) =>
      found.map((cell) => [
        `${cell.getAttribute('data-account')} ${cell.getAttribute('data-region')}`,
        cell.querySelector('text')?.textContent ?? '',
        cell.getAttribute('data-exposed') ?? '',
      ]),
    );
    await close();

    // Assess: the number drawn in each cell and its data agree with the estate.
    expect(Object.fromEntries(cells.map(([key, text]) => [key, text]))).toEqual(expected);
    expect(Object.fromEntries(cells.map(([key, , data]) => [key, data]))).toEqual(expected);
    expect(Object.values(expected).filter((n) => n !== '0')).toHaveLength(6);
  });

  it("lists every exposed group with its plan and each account's mode", async () => {
    // Act
    const { page, close } = await open();
    const groups = await page.$$eval('article.group', (found) =>
      found.map((article) => ({
        groupId: article.getAttribute('data-group'),
        outcome: article.querySelector('.outcome')?.textContent ?? '',
        plan: [...article.querySelectorAll('ul.plan li')].map((li) => li.textContent ?? ''),
      })),
    );
    const modes = await page.$$eval('tr.account', (rows) =>
      rows.map((row) => [
        row.getAttribute('data-account'),
        row.querySelector('td.mode')?.getAttribute('data-mode'),
      ]),
    );
    await close();

    // Assess
    const exposed = estate.groups.filter((g) => g.shape.exposed);
    expect(groups.map((g) => g.groupId).sort()).toEqual(exposed.map((g) => g.groupId).sort());
    for (const group of groups) {
      expect(group.plan.some((step) => step.startsWith('− revoke '))).toBe(true);
    }
    const allPorts = groups.find(
      (g) => g.groupId === exposed.find((e) => e.shape.name === 'tcp-all-ports-world')?.groupId,
    );
    expect(allPorts?.plan).toEqual(
      expect.arrayContaining([
        '+ authorize tcp 0-21 from 0.0.0.0/0',
        '+ authorize tcp 23-65535 from 0.0.0.0/0',
      ]),
    );
    expect(Object.fromEntries(modes)).toEqual({
      [MANAGEMENT_ACCOUNT_ID]: 'enforce',
      [idOf('enforced')]: 'enforce',
      [idOf('notified')]: 'notify',
      [idOf('retired')]: 'off',
    });
    const notified = groups.filter((g) => g.outcome.startsWith('notify'));
    expect(notified).toHaveLength(2);
  });

  it('marks the management account as not protected by the StackSet, with the way to cover it', async () => {
    // Act
    const { page, close } = await open();
    const protection = await page.$$eval('tr.account', (rows) =>
      rows.map((row) => [row.getAttribute('data-account'), row.cells[3]?.textContent ?? '']),
    );
    const header = await page.textContent('header');
    await close();

    // Assess
    const byAccount = Object.fromEntries(protection);
    expect(byAccount[MANAGEMENT_ACCOUNT_ID]).toContain('never gets a StackSet stack instance');
    expect(byAccount[MANAGEMENT_ACCOUNT_ID]).toContain(
      `sg-guard fix --accounts ${MANAGEMENT_ACCOUNT_ID}`,
    );
    expect(byAccount[idOf('enforced')]).toBe('member stack (StackSet)');
    expect(header).toMatch(/Generated \d{4}-\d\d-\d\dT/);
    expect(header).toContain('Scanned 8 account-region(s) in 4 account(s)');
    expect(header).toContain('default mode enforce');
  });

  it('renders to a non-trivial screenshot', async () => {
    // Prepare
    const { page, close } = await open();
    const blank = await browser.newPage({ viewport: { width: 1280, height: 900 } });

    // Act
    const shot = await page.screenshot({ fullPage: true });
    const map = await page.locator('svg.heatmap').boundingBox();
    const empty = await blank.screenshot();
    await blank.close();
    await close();

    // Assess: a PNG much richer than a blank page of the same width, with a drawn heatmap.
    expect(shot.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(shot.length).toBeGreaterThan(30_000);
    expect(shot.length).toBeGreaterThan(5 * empty.length);
    expect(map?.width).toBeGreaterThan(400);
    expect(map?.height).toBeGreaterThan(100);
    await writeFile(join(work, 'report.png'), shot);
    // The screenshot in the docs is made by this test: SG_GUARD_UPDATE_DOCS=1 refreshes it.
    if (process.env.SG_GUARD_UPDATE_DOCS === '1') {
      await writeFile(join(REPOSITORY, 'docs', 'report.png'), shot);
    }
  });
});
