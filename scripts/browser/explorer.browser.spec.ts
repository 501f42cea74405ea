// The gateway's GraphQL explorer in a real browser (headless Chromium through puppeteer-core), against the whole
// platform: the page at GET /graphql loads only the gateway's own files, a pasted dev token lets it run a query and
// see the answer, and a complaint subscription over graphql-ws receives the event a mutation raises.
// Screenshots go to .reports/screenshots/. Skipped, saying so, only when no Chromium binary is installed and
// BROWSER_TESTS_REQUIRED is not set (see chromium.ts).
import { tokenFor } from '@crm/testing';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { buildExplorerWhenStale } from '../../apps/explorer/tools/build';
import { startE2ePlatform } from '../e2e/e2e-platform';
import { call, callWhenKnown } from '../platform/demo-data';
import type { RunningPlatform } from '../platform/platform';
import { describeWithChromium, findChromium, HEADLESS_ARGS } from './chromium';

jest.setTimeout(240_000);

const chromium = findChromium();
const SCREENSHOTS = path.resolve(__dirname, '../../.reports/screenshots');
const USER_ERRORS = 'userErrors { field code message }';

/** The text GraphiQL shows in its response pane (Monaco draws only the lines in view; the answers here are short). */
// (A string runs in the page: this file is typed without the DOM library.)
const responseText = (page: Page) => page.evaluate(`document.querySelector('.graphiql-response').innerText.replace(/\\s+/g, ' ')`) as Promise<string>;

/** Waits until GraphiQL's response pane shows `text`. */
const responseShows = (page: Page, text: string, timeout: number) =>
  page.waitForFunction(`document.querySelector('.graphiql-response')?.textContent?.includes(${JSON.stringify(text)})`, { timeout });

/** What a user pasting does: a paste event carrying the text, at the focused element. */
async function paste(page: Page, text: string): Promise<void> {
  await page.evaluate(`{
    const data = new DataTransfer();
    data.setData('text/plain', ${JSON.stringify(text)});
    document.activeElement.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }`);
}

/** Replace what the operation editor holds: select all, paste (Monaco takes it as one edit, no auto-closed brackets). */
async function pasteOperation(page: Page, operation: string): Promise<void> {
  await page.click('.graphiql-query-editor .monaco-editor .view-lines');
  await page.keyboard.down('Control');
  await page.keyboard.press('KeyA');
  await page.keyboard.up('Control');
  await paste(page, operation);
  await page.waitForFunction(`document.querySelector('.graphiql-query-editor')?.textContent?.replace(/\\s+/g, ' ').includes(${JSON.stringify(operation.slice(0, 20))})`);
}

describeWithChromium('the explorer in a browser', chromium)('the GraphQL explorer in a browser', () => {
  let platform: RunningPlatform;
  let browser: Browser;
  let page: Page;
  let generalManager: string;
  let openComplaint: (matter: string) => Promise<string>;
  const pageErrors: string[] = [];
  const foreignRequests: string[] = [];

  beforeAll(async () => {
    await buildExplorerWhenStale();
    platform = await startE2ePlatform();
    const url = platform.gateway.graphqlUrl;
    generalManager = await tokenFor({ sub: 'gm-explorer', roles: ['general_manager'], name: 'Explorer Manager' });
    const agent = await tokenFor({ sub: 'agent-explorer', roles: ['service_agent'] });
    await call(url, `mutation($i: UpsertDepartmentInput!) { upsertDepartment(input: $i) { department { id } ${USER_ERRORS} } }`, { i: { id: 'D-EXPLORER', name: 'Explorer sales' } }, generalManager);
    await call(url, `mutation($i: UpsertConsultantInput!) { upsertConsultant(input: $i) { consultant { id } ${USER_ERRORS} } }`, { i: { id: 'c-explorer', name: 'Consultant Explorer', departmentId: 'D-EXPLORER' } }, generalManager);
    const made = await call(
      url,
      `mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } ${USER_ERRORS} } }`,
      { i: { name: 'Explorer Pumps Ltd', kind: 'ORGANISATION', listType: 'ENTERPRISE', ownerId: 'c-explorer' } },
      generalManager,
    );
    const customerId = made.createCustomer.customer.id as string;
    openComplaint = async (matter) =>
      (
        await callWhenKnown(
          url,
          `mutation($i: OpenTicketInput!) { openTicket(input: $i) { ticket { id } ${USER_ERRORS} } }`,
          { i: { customerId, type: 'COMPLAINT', channel: 'HOTLINE', severity: 'HIGH', matter, complainant: { name: 'Mr Zhao' } } },
          agent,
        )
      ).openTicket.ticket.id as string;

    browser = await puppeteer.launch({ executablePath: chromium, headless: true, args: HEADLESS_ARGS });
    mkdirSync(SCREENSHOTS, { recursive: true });
    page = await browser.newPage();
    await page.setViewport({ width: 1400, height: 900 });
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    // Which request failed, and what it answered (the console message names neither).
    page.on('response', (response) => {
      if (response.status() >= 400) void response.text().then((body) => pageErrors.push(`${response.status()} ${response.url()}: ${body.slice(0, 300)}`), () => undefined);
    });
    const gatewayOrigin = new URL(url).origin;
    page.on('request', (request) => {
      const requested = new URL(request.url());
      if (!['data:', 'blob:'].includes(requested.protocol) && requested.origin !== gatewayOrigin && requested.origin !== gatewayOrigin.replace(/^http/, 'ws')) foreignRequests.push(request.url());
    });
  });
  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('opens at the GraphQL URL and asks for a token', async () => {
    const response = await page.goto(platform.gateway.graphqlUrl);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.waitForSelector('.graphiql-container .graphiql-query-editor .monaco-editor');
    expect(await page.$eval('.explorer-token-state', (state) => state.getAttribute('data-signed-in'))).toBe('false');
  });

  it('runs a query with the pasted token and shows the answer', async () => {
    await page.click('#explorer-token');
    await paste(page, generalManager);
    expect(await page.evaluate(`document.getElementById('explorer-token').value`)).toBe(generalManager);
    expect(await page.$eval('.explorer-token-state', (state) => state.getAttribute('data-signed-in'))).toBe('true');
    // The default operation asks for the viewer: the answer names the token's user.
    await page.click('.graphiql-execute-button');
    await responseShows(page, 'gm-explorer', 30_000);
    const answer = await responseText(page);
    expect(answer).toContain('"viewer"');
    expect(answer).toContain('"general_manager"');
    expect(answer).not.toContain('UNAUTHENTICATED');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'explorer-query.png') });
    // With the token, GraphiQL has read the schema (introspection as this caller's role allows): the docs list its root types.
    await page.click('button[aria-label="Show Documentation Explorer"]');
    await page.waitForFunction(`/Root Types/.test(document.querySelector('.graphiql-doc-explorer')?.textContent ?? '')`, { timeout: 30_000 });
    expect(await page.$eval('.graphiql-doc-explorer', (docs) => docs.textContent)).toMatch(/subscription\s*:\s*Subscription/);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'explorer-docs.png') });
    await page.click('.graphiql-sidebar button[aria-label$="Documentation Explorer"]');
  });

  it('receives a complaint event over the subscription, raised by a mutation', async () => {
    await pasteOperation(page, 'subscription ExplorerComplaints {\n  complaintEvents {\n    type\n    ticket { id matter severity customer { name } }\n  }\n}\n');
    // GraphiQL picks the transport from the parsed operation: run once it has read the new one (it names the tab).
    await page.waitForFunction(`[...document.querySelectorAll('.graphiql-tab')].some((tab) => tab.textContent.includes('ExplorerComplaints'))`);
    await page.click('.graphiql-execute-button');
    // graphql-ws connects when GraphiQL subscribes; raise complaints until one arrives (the first may beat the subscription).
    let arrived: string | undefined;
    for (let attempt = 0; attempt < 20 && !arrived; attempt += 1) {
      const matter = `Explorer complaint ${attempt}`;
      const ticketId = await openComplaint(matter);
      arrived = await responseShows(page, ticketId, 1_500)
        .then(() => ticketId)
        .catch(() => undefined);
    }
    expect(arrived).toEqual(expect.any(String));
    const event = await responseText(page);
    expect(event).toContain('"complaintEvents"');
    expect(event).toMatch(/Explorer complaint \d+/);
    expect(event).toContain('Explorer Pumps Ltd');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'explorer-subscription.png') });
    // Stop the subscription (the button toggles while it runs).
    await page.click('.graphiql-execute-button');
  });

  it('ran without a script error, a blocked request or a request to anywhere but the gateway', () => {
    expect(pageErrors).toEqual([]);
    expect(foreignRequests).toEqual([]);
  });
});
