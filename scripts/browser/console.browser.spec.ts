// The console in a real browser (headless Chromium through puppeteer-core): the dashboard draws every chart from
// data seeded through the gateway and shows complaint events as they happen; the partner-portal example lists only
// the partner's linked customers, page by page, with their open tickets. Screenshots go to .reports/screenshots/.
// Skipped, saying so, only when no Chromium binary is installed and BROWSER_TESTS_REQUIRED is not set (see chromium.ts).
import { freePort } from '@crm/testing';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { consoleOrigins, startConsoleServer, withConsoleOrigins } from '../../apps/console/tools/console-server';
import { startE2ePlatform } from '../e2e/e2e-platform';
import type { RunningPlatform } from '../platform/platform';
import { describeWithChromium, findChromium, HEADLESS_ARGS } from './chromium';
import { seedConsoleData, whenFiguresSettled, type ConsoleSeed } from './console-seed';

jest.setTimeout(240_000);

const chromium = findChromium();
const SCREENSHOTS = path.resolve(__dirname, '../../.reports/screenshots');
const DASHBOARD_CHARTS = ['kpi-newCustomers', 'kpi-conversionRate', 'kpi-satisfaction', 'kpi-sales', 'kpi-complaintRate', 'ageing', 'sla', 'complaint-trend', 'complaint-causes'];

/** Coloured pixels (not white, grey or black: axes, grid and labels are grey) on each chart's canvas, by chart id. */
function colouredPixels(page: Page): Promise<Record<string, number>> {
  return page.$$eval('figure[data-chart]', (figures) =>
    Object.fromEntries(
      figures.map((figure) => {
        const canvas = figure.querySelector('canvas');
        const context = canvas?.getContext('2d');
        if (!canvas || !context || canvas.width === 0) return [figure.getAttribute('data-chart'), 0];
        const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
        let coloured = 0;
        for (let i = 0; i < pixels.length; i += 4) {
          if (pixels[i + 3] > 200 && Math.max(pixels[i], pixels[i + 1], pixels[i + 2]) - Math.min(pixels[i], pixels[i + 1], pixels[i + 2]) > 80) coloured += 1;
        }
        return [figure.getAttribute('data-chart'), coloured];
      }),
    ),
  );
}

describeWithChromium('the console in a browser', chromium)('the console in a browser', () => {
  let platform: RunningPlatform;
  let consoleServer: Awaited<ReturnType<typeof startConsoleServer>>;
  let browser: Browser;
  let seed: ConsoleSeed;
  const corsBefore = process.env.CORS_ORIGINS;
  const period = String(new Date().getUTCFullYear());
  const pageErrors: string[] = [];

  const openPage = async (pathAndQuery: string): Promise<Page> => {
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 1600 });
    page.on('pageerror', (error) => pageErrors.push(`${pathAndQuery}: ${String(error)}`));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(`${pathAndQuery}: ${message.text()}`);
    });
    await page.goto(`${consoleServer.url}${pathAndQuery}`);
    return page;
  };

  beforeAll(async () => {
    // The console on an origin of its own, which the gateway lets in (as npm start does).
    const consolePort = await freePort();
    process.env.CORS_ORIGINS = withConsoleOrigins(undefined, consoleOrigins('127.0.0.1', consolePort));
    platform = await startE2ePlatform();
    consoleServer = await startConsoleServer({ graphqlUrl: platform.gateway.graphqlUrl, port: consolePort });
    seed = await seedConsoleData(platform.gateway.graphqlUrl);
    await whenFiguresSettled(platform.gateway.graphqlUrl, seed.tokens.generalManager, period);
    browser = await puppeteer.launch({ executablePath: chromium, headless: true, args: HEADLESS_ARGS });
    mkdirSync(SCREENSHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await consoleServer?.close();
    await platform?.stop();
    if (corsBefore === undefined) delete process.env.CORS_ORIGINS;
    else process.env.CORS_ORIGINS = corsBefore;
  });

  it('asks for a token first, and takes one from the sign-in box', async () => {
    const page = await openPage('/');
    await page.waitForSelector('form.sign-in textarea');
    await page.type('form.sign-in textarea', seed.tokens.generalManager);
    await page.click('form.sign-in button[type=submit]');
    await page.waitForSelector('section[data-view=kpi] figure[data-chart]');
    await page.close();
  });

  it("draws every chart from the general manager's figures, per department and per consultant", async () => {
    const page = await openPage(`/?token=${seed.tokens.generalManager}`);
    await page.waitForFunction(`${JSON.stringify(DASHBOARD_CHARTS)}.every((id) => document.querySelector('figure[data-chart="' + id + '"] canvas'))`, { timeout: 60_000 });
    // The token has left the address bar (and so the history).
    expect(page.url()).not.toContain('token=');
    const byDepartment = await colouredPixels(page);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-dashboard.png'), fullPage: true });
    for (const chart of DASHBOARD_CHARTS) expect([chart, byDepartment[chart]]).toEqual([chart, expect.any(Number)]);
    for (const chart of DASHBOARD_CHARTS) expect([chart, byDepartment[chart] > 200]).toEqual([chart, true]);

    await page.select('section[data-view=kpi] select', 'consultants');
    await page.waitForSelector('section[data-view=kpi] [data-level=consultants] figure[data-chart] canvas');
    const byConsultant = await colouredPixels(page);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-dashboard-consultants.png'), fullPage: true });
    for (const chart of DASHBOARD_CHARTS.filter((id) => id.startsWith('kpi-'))) expect([chart, byConsultant[chart] > 200]).toEqual([chart, true]);
    await page.close();
  });

  it('shows complaint events live over the subscription', async () => {
    const page = await openPage(`/?token=${seed.tokens.generalManager}`);
    await page.waitForSelector('section[data-view=complaint-events]');
    // graphql-ws connects when the view subscribes; raise complaints until one arrives (the first may beat the subscription).
    let arrived = false;
    for (let attempt = 0; attempt < 20 && !arrived; attempt += 1) {
      await seed.openComplaint(seed.unlinked[0], `Live complaint ${attempt}`);
      arrived = await page
        .waitForSelector('section[data-view=complaint-events] li[data-event-type]', { timeout: 1_500 })
        .then(() => true)
        .catch(() => false);
    }
    expect(arrived).toBe(true);
    const text = await page.$eval('section[data-view=complaint-events] ol', (list) => list.textContent ?? '');
    expect(text).toMatch(/Live complaint \d+/);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-complaint-events.png'), fullPage: true });
    await page.close();
  });

  it("lists only the partner's linked customers, page by page, with their open tickets", async () => {
    const page = await openPage(`/partner.html?token=${seed.tokens.partner}`);
    await page.waitForSelector('tr[data-customer]');
    let pages = 1;
    while (await page.$('section button')) {
      const shown = (await page.$$('tr[data-customer]')).length;
      await page.click('section button');
      await page.waitForFunction(`document.querySelectorAll('tr[data-customer]').length > ${shown}`);
      pages += 1;
    }
    const listed = await page.$$eval('tr[data-customer]', (rows) => rows.map((row) => row.getAttribute('data-customer')));
    expect(pages).toBe(2);
    expect(listed).toHaveLength(seed.linked.length);
    expect(new Set(listed)).toEqual(new Set(seed.linked));
    for (const id of seed.unlinked) expect(listed).not.toContain(id);
    expect(await page.$(`li[data-ticket="${seed.linkedTicket}"]`)).not.toBeNull();
    expect(await page.$eval('h2', (h) => h.textContent)).toContain(`of ${seed.linked.length}`);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'partner-portal.png'), fullPage: true });
    await page.close();
  });

  it('ran without a script error or a blocked request on any page', () => {
    expect(pageErrors).toEqual([]);
  });
});
