// The browser test: the portal as scripts/start.sh runs it (on ports of its own), real reports
// uploaded through the public API, performance data scraped from the demo service, and the demo
// service's DevOps tab opened in Debian's Chromium as a guest. The cards must show what was
// uploaded and measured, and axe-core must find no WCAG 2.1 A/AA violation inside them.
// On failure: a screenshot, the page's HTML and the portal's log under e2e/out/ (git-ignored).
import AxeBuilder from '@axe-core/playwright';
import { chromium } from 'playwright-core';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  junitCounts,
  lcovTotals,
  percent,
  sarifResultCount,
  showsValue,
} from './expected.mjs';
import { DEMO_ENTITY, root, startPortal, waitFor } from './portal.mjs';

const OUT = join(import.meta.dirname, 'out');
const FIXTURES = join(
  root,
  'plugins/devops-backend/src/reports/parsers/__fixtures__/real',
);
/** Jest 30's LCOV and jest-junit reports of one run (see the fixtures' README). */
const LCOV = join(FIXTURES, 'jest-lcov.info');
const JUNIT = join(FIXTURES, 'jest-junit.xml');
/** ESLint's security rules over the demo service, as SARIF (see the fixtures' README). */
const SARIF = join(FIXTURES, 'sarif/eslint-security-demo-service.sarif');
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
// Start-up compiles the backend and the frontend: minutes on a busy 2-core machine.
const STARTUP_TIMEOUT_MS = 12 * 60_000;
const PAGE_TIMEOUT_MS = 4 * 60_000;
const entityPath = `${DEMO_ENTITY.kind}/${DEMO_ENTITY.namespace}/${DEMO_ENTITY.name}`;
const entityRef = `${DEMO_ENTITY.kind}:${DEMO_ENTITY.namespace}/${DEMO_ENTITY.name}`;
/** The entity page's path in the app: /catalog/:namespace/:kind/:name. */
const entityPage = `/catalog/${DEMO_ENTITY.namespace}/${DEMO_ENTITY.kind}/${DEMO_ENTITY.name}`;

const started = Date.now();
const log = message =>
  console.log(
    `[e2e] ${((Date.now() - started) / 1000).toFixed(0)} s: ${message}`,
  );

let portal;
let context;
let page;
let userDataDir;
const commit = randomBytes(20).toString('hex');
/** The performance summaries the page received, in order. */
const cardSummaries = [];
/** Every latest sample the test read from the API, by time. */
const apiSamples = new Map();
let pollingApi = false;

/** Reads the latest sample from the API every second while the browser is open. */
async function pollApiSamples() {
  while (pollingApi) {
    const summary = await readPerformance().catch(() => null);
    if (summary?.current) apiSamples.set(summary.current.at, summary.current);
    await sleep(1000);
  }
}

async function api(path, init = {}) {
  const res = await fetch(`${portal.backendUrl}/api${path}`, {
    ...init,
    headers: { Authorization: `Bearer ${portal.token}`, ...init.headers },
  });
  return res;
}

async function upload(format, file, contentType) {
  const query = new URLSearchParams({
    entity: entityRef,
    format,
    name: 'unit',
    commit,
    branch: 'main',
  });
  const res = await api(`/devops/reports?${query}`, {
    method: 'POST',
    headers: { 'Content-Type': contentType },
    body: await readFile(file),
  });
  const text = await res.text();
  assert.equal(res.status, 201, `upload of ${file} (${format}): ${text}`);
}

async function readSecurity() {
  const res = await api(`/devops/entities/${entityPath}/security`);
  assert.equal(res.status, 200, await res.clone().text());
  return res.json();
}

async function readPerformance() {
  const res = await api(`/devops/entities/${entityPath}/performance`);
  assert.equal(res.status, 200, await res.clone().text());
  return res.json();
}

/** Saves a screenshot and the page's HTML under e2e/out/ and prints where they are. */
async function saveArtifacts(name) {
  const dir = join(
    OUT,
    `${new Date().toISOString().replace(/[:.]/g, '-')}-${name}`,
  );
  await mkdir(dir, { recursive: true });
  if (page && !page.isClosed()) {
    await page
      .screenshot({ path: join(dir, 'screenshot.png'), fullPage: true })
      .catch(error => log(`no screenshot: ${error.message}`));
    await writeFile(join(dir, 'page.html'), await page.content()).catch(
      () => {},
    );
  }
  console.error(
    `[e2e] failure artifacts: ${dir} (screenshot.png, page.html); the portal's log: ${join(
      OUT,
      'portal.log',
    )}`,
  );
}

/** Runs a step; on failure saves the artifacts before failing. */
async function step(name, fn) {
  try {
    return await fn();
  } catch (error) {
    await saveArtifacts(name);
    throw error;
  }
}

/** The plugin card titled `title`: the card element around its heading, marked for axe. */
async function card(title) {
  // The card's title: a heading, or the title of Backstage's InfoCard (a span today).
  const exact = new RegExp(
    `^\\s*${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`,
  );
  const heading = page.locator(
    ':is(h1, h2, h3, h4, h5, h6, [role="heading"], .MuiCardHeader-title)',
    { hasText: exact },
  );
  await heading.first().waitFor({ timeout: PAGE_TIMEOUT_MS });
  const marker = title.toLowerCase().replace(/[^a-z]+/g, '-');
  const found = await heading.first().evaluate((element, value) => {
    let node = element;
    while (node && node !== document.body) {
      if (
        node.tagName === 'ARTICLE' ||
        /\bMuiCard-root\b/.test(node.className?.toString() ?? '')
      ) {
        node.setAttribute('data-e2e-card', value);
        return true;
      }
      node = node.parentElement;
    }
    return false;
  }, marker);
  assert.ok(found, `no card element around the heading "${title}"`);
  return page.locator(`[data-e2e-card="${marker}"]`);
}

/** Polls the card's visible text until `check` passes; fails with the text it last saw. */
async function expectCardText(locator, description, check, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  let text = '';
  for (;;) {
    text = await locator.innerText();
    if (check(text)) return text;
    if (Date.now() > deadline) {
      assert.fail(`${description}; the card shows:\n${text}`);
    }
    await sleep(500);
  }
}

/** The line after a figure's label in a card's text (labels may be shown in capitals). */
function figureAfter(text, label) {
  const lines = text
    .split('\n')
    .map(l => l.trim())
    .filter(Boolean);
  const index = lines.findIndex(l => l.toLowerCase() === label.toLowerCase());
  return index >= 0 ? lines.slice(index + 1, index + 3) : [];
}

describe('the demo service DevOps tab', () => {
  before(async () => {
    await mkdir(OUT, { recursive: true });
    const logFile = join(OUT, 'portal.log');
    log(`starting the portal (log: ${logFile})`);
    portal = await startPortal({ logFile });
    await step('start-up', async () => {
      const opts = { timeoutMs: STARTUP_TIMEOUT_MS, alive: portal.alive };
      await waitFor(
        'the backend',
        async () => (await fetch(`${portal.backendUrl}/api/devops/health`)).ok,
        opts,
      );
      log(`backend up on ${portal.backendUrl}`);
      await waitFor(
        'the demo-service entity in the catalog',
        async () => (await api(`/catalog/entities/by-name/${entityPath}`)).ok,
        opts,
      );
      await upload('lcov', LCOV, 'text/plain');
      await upload('junit', JUNIT, 'application/xml');
      log('uploaded the jest LCOV and JUnit reports');
      await upload('sarif', SARIF, 'application/json');
      await waitFor(
        'the security summary of the uploaded SARIF scan, with compliance scores',
        async () => {
          const summary = await readSecurity();
          return summary.findings.scans.length > 0 &&
            summary.compliance.length > 0
            ? summary
            : null;
        },
        { ...opts, timeoutMs: 2 * 60_000 },
      );
      log('uploaded the ESLint SARIF scan; compliance evaluated');
      await waitFor(
        'a performance sample with latency and throughput (the scrape of the demo service)',
        async () => {
          const summary = await readPerformance();
          return summary.current?.p95Ms != null && summary.current?.throughput
            ? summary
            : null;
        },
        opts,
      );
      log('performance samples collected from the demo service');
      await waitFor(
        'the frontend',
        async () => (await fetch(portal.frontendUrl)).ok,
        opts,
      );
      log(`frontend up on ${portal.frontendUrl}`);

      userDataDir = await mkdtemp(join(tmpdir(), 'devops-e2e-chromium-'));
      context = await chromium.launchPersistentContext(userDataDir, {
        executablePath: CHROMIUM,
        headless: true,
        args: CHROMIUM_ARGS,
        viewport: { width: 1280, height: 900 },
      });
      page = context.pages()[0] ?? (await context.newPage());
      page.setDefaultTimeout(PAGE_TIMEOUT_MS);
      pollingApi = true;
      pollApiSamples();
      page.on('response', async response => {
        const url = new URL(response.url());
        if (
          url.pathname.toLowerCase() ===
            `/api/devops/entities/${entityPath}/performance` &&
          response.request().method() === 'GET' &&
          response.ok()
        ) {
          cardSummaries.push(await response.json().catch(() => ({})));
        }
      });
      await page.goto(`${portal.frontendUrl}${entityPage}/devops`, {
        waitUntil: 'domcontentloaded',
        timeout: PAGE_TIMEOUT_MS,
      });
      await page.getByRole('button', { name: 'Enter' }).click();
      log('signed in as guest');
      await card('Performance');
      await card('Security');
      await card('Coverage & tests');
      log('opened the DevOps tab');
    });
  });

  after(async () => {
    pollingApi = false;
    await context?.close().catch(() => {});
    if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
    await portal?.stop();
    log('portal stopped');
  });

  test('the Coverage & tests card shows the uploaded jest reports', () =>
    step('coverage-card', async () => {
      const coverage = lcovTotals(await readFile(LCOV, 'utf8'));
      const tests = junitCounts(await readFile(JUNIT, 'utf8'));
      const quality = await card('Coverage & tests');
      const text = await expectCardText(
        quality,
        'the Coverage & tests card never showed the uploaded coverage',
        t => /lines/i.test(t) && t.includes(commit.slice(0, 7)),
      );
      for (const [label, figure] of [
        ['Lines', coverage.lines],
        ['Branches', coverage.branches],
        ['Functions', coverage.functions],
      ]) {
        assert.deepEqual(
          figureAfter(text, label),
          [
            percent(figure.covered, figure.total),
            `${figure.covered} of ${figure.total}`,
          ],
          `${label} coverage of ${LCOV}`,
        );
      }
      for (const [label, count] of [
        ['Total', tests.total],
        ['Passed', tests.passed],
        ['Failed', tests.failed],
        ['Errored', tests.errored],
        ['Skipped', tests.skipped],
      ]) {
        assert.match(
          text,
          new RegExp(`\\b${label}: ${count}\\b`),
          `${label} tests of ${JUNIT}`,
        );
      }
      const executed = tests.total - tests.skipped;
      assert.match(
        text,
        new RegExp(
          `${percent(tests.passed, executed).replace('.', '\\.')}\\s+pass rate`,
        ),
        'pass rate: passed of executed tests',
      );
    }));

  test('the Performance card shows a sample the backend collected', () =>
    step('performance-card', async () => {
      const performance = await card('Performance');
      await expectCardText(
        performance,
        'the Performance card never showed a P95 latency',
        t => /\d\s*m?s$/m.test(figureAfter(t, 'P95 latency')[0] ?? ''),
      );
      // The card fetches a summary per time window and shows the selected window's; a new sample
      // arrives every few seconds and the card may fetch again: read its text between two looks
      // at the last summary it received for that window, and compare the text with that
      // summary's sample as the test itself read it from the API.
      const shownSummary = async () => {
        const window = await performance
          .locator('[aria-pressed="true"][value], [aria-checked="true"][value]')
          .first()
          .getAttribute('value', { timeout: 10_000 });
        return cardSummaries.filter(s => s.window === window).at(-1);
      };
      for (let attempt = 1; ; attempt++) {
        const at = (await shownSummary())?.current?.at;
        const text = await performance.innerText();
        if (!at || (await shownSummary())?.current?.at !== at) {
          assert.ok(
            attempt < 20,
            `no stable summary of the selected window among the ${cardSummaries.length} the page received`,
          );
          await sleep(500);
          continue;
        }
        const sample = await waitFor(
          `the card's sample (${at}) among those the test read from the API`,
          async () => apiSamples.get(at),
          { timeoutMs: 30_000 },
        );
        const checks = [
          ['P95 latency', sample.p95Ms, { ms: 1, s: 1000 }],
          ['Throughput', sample.throughput, { 'req/s': 1 }],
          ['Error rate', sample.errorRate, { '%': 0.01 }],
        ];
        for (const [label, value, units] of checks) {
          const [shown] = figureAfter(text, label);
          assert.ok(
            value !== null && showsValue(shown ?? '', value, units),
            `${label}: the card shows "${shown}", the backend's sample of ${at} has ${value}`,
          );
        }
        return;
      }
    }));

  test('the Security card shows the findings of the uploaded SARIF scan and the compliance scores', () =>
    step('security-card', async () => {
      const results = sarifResultCount(await readFile(SARIF, 'utf8'));
      const summary = await readSecurity();
      const open = Object.values(summary.findings.open).reduce(
        (a, b) => a + b,
        0,
      );
      // one finding per result, less any the backend recognised as the same finding
      assert.ok(
        open >= 1 && open <= results,
        `the backend has ${open} open findings for ${results} results in ${SARIF}`,
      );
      const security = await card('Security');
      await expectCardText(
        security,
        'the Security card never showed the uploaded scan',
        t => t.includes('ESLint') && t.includes(commit.slice(0, 7)),
      );
      for (const [severity, count] of Object.entries(summary.findings.open)) {
        const label = `${severity[0].toUpperCase()}${severity.slice(
          1,
        )} findings`;
        const text = await security
          .getByRole('group', { name: label })
          .innerText();
        assert.equal(
          text
            .split('\n')
            .map(l => l.trim())
            .filter(Boolean)[1],
          String(count),
          `${label}: the card shows "${text}", the backend counts ${count}`,
        );
      }
      const oldest = security.locator('[data-finding]');
      assert.ok(
        (await oldest.count()) >= 1,
        'no finding in the oldest findings',
      );
      assert.match(await oldest.first().innerText(), /ESLint/);

      // a score per framework, as the backend computed it; worded as evidence
      assert.match(await security.innerText(), /not\s+certification/);
      for (const framework of summary.compliance) {
        const shown = await security
          .getByRole('group', { name: `${framework.title} score` })
          .innerText();
        const expected =
          framework.score === null
            ? 'not evaluated'
            : percent(framework.score * 10, 1000);
        assert.ok(
          shown.includes(expected),
          `${framework.title}: the card shows "${shown}", the backend's score is ${framework.score}`,
        );
      }

      // detectors: monitored or "not monitored: <reason>", never "no threats" for the latter
      const detectors = security.getByRole('list', { name: 'Detectors' });
      const states = await detectors
        .locator('[data-monitoring]')
        .allInnerTexts();
      assert.equal(states.length, summary.threats.monitoring.length);
      for (const state of states) {
        assert.match(state, /^(monitored|not monitored): \S/);
      }

      // the drill-down of the first framework: its controls and their evidence
      const [first] = summary.compliance;
      await security
        .getByRole('button', { name: `${first.title} controls` })
        .click();
      const dialog = page.getByRole('dialog', {
        name: `${first.title} controls`,
      });
      await expectCardText(
        dialog,
        `the ${first.title} drill-down never showed its controls`,
        t => /controls? passed\./.test(t),
      );
      await dialog.getByRole('button', { name: 'Close' }).click();
      await dialog.waitFor({ state: 'detached' });
    }));

  /** axe-core's WCAG 2.1 A/AA violations inside the elements `selector` finds, one line each. */
  async function axeViolations(selector) {
    const results = await new AxeBuilder({ page })
      .include(selector)
      .withTags(WCAG_TAGS)
      .analyze();
    return results.violations.flatMap(v =>
      v.nodes.map(
        n =>
          `- ${v.id} (${v.impact}): ${v.help}\n  target: ${n.target.join(
            ' ',
          )}\n  ${(n.failureSummary ?? '').replace(/\n/g, '\n  ')}`,
      ),
    );
  }

  test('axe finds no WCAG 2.1 A/AA violation inside the plugin cards', () =>
    step('axe', async () => {
      await card('Coverage & tests');
      await card('Performance');
      await card('Security');
      const report = await axeViolations('[data-e2e-card]');
      assert.equal(
        report.length,
        0,
        `axe found ${report.length} violation(s) in the cards:\n${report.join(
          '\n',
        )}`,
      );
    }));

  test('axe finds no violation in the Security card at 1024 and 390 px, light and dark', () =>
    step('axe-security', async () => {
      const failures = [];
      try {
        for (const theme of ['light', 'dark']) {
          // the app reads the theme the user picked from localStorage when it starts
          await page.evaluate(
            t => window.localStorage.setItem('theme', t),
            theme,
          );
          await page.reload({ waitUntil: 'domcontentloaded' });
          // the guest session may or may not survive the reload: sign in again when asked
          const enter = page.getByRole('button', { name: 'Enter' });
          const title = page.locator('.MuiCardHeader-title', {
            hasText: /^\s*Security\s*$/,
          });
          await enter.or(title).first().waitFor({ timeout: PAGE_TIMEOUT_MS });
          if (await enter.isVisible()) {
            await enter.click();
          }
          for (const width of [1024, 390]) {
            await page.setViewportSize({ width, height: 900 });
            const security = await card('Security');
            const background = await security.evaluate(
              element => getComputedStyle(element).backgroundColor,
            );
            const [r, g, b] = background.match(/\d+/g).map(Number);
            assert.equal(
              r + g + b > 3 * 128 ? 'light' : 'dark',
              theme,
              `the Security card's background is ${background} in the ${theme} theme`,
            );
            await security.locator('[data-finding]').first().waitFor();
            // let the tables measure the card and switch to stacked rows where narrow
            await sleep(1000);
            const report = await axeViolations('[data-e2e-card="security"]');
            if (report.length > 0) {
              failures.push(`${theme}, ${width} px:\n${report.join('\n')}`);
            }
          }
        }
      } finally {
        await page.setViewportSize({ width: 1280, height: 900 });
        await page.evaluate(() => window.localStorage.removeItem('theme'));
      }
      assert.equal(
        failures.length,
        0,
        `axe found violations in the Security card:\n${failures.join('\n')}`,
      );
    }));
});
