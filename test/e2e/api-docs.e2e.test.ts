import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { parse } from 'yaml';
import { httpClient } from '@store/testing';
import { answerValidator } from '../../tools/openapi/src/answer-validator';
import { listOperations, loadDocument } from '../../tools/openapi/src/document';
import { GATEWAY, STACK_DIR, WRITE_BURST } from './stack';

/*
 * The API contract as a person meets it through the gateway: the document at /docs/openapi.yaml, answers that
 * carry the gateway's own headers and errors (X-Gateway-Cache, 429 RATE_LIMITED) checked against it, and the /docs
 * page opened in a real headless Chromium (Debian's; the browser test is skipped, and says so, without it).
 */
const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = join(STACK_DIR, 'screenshots', 'api-docs.png');
const gateway = httpClient(GATEWAY);
const ownBucket = httpClient(GATEWAY, { localAddress: '127.0.0.3' });
const document = loadDocument();
const validator = answerValidator(document);
const operations = listOperations(document).map(({ method, path }) => `${method.toUpperCase()} ${path}`);

async function checked(method: 'GET' | 'POST', url: string, json?: unknown) {
  const answer = await gateway.send(method, url, json === undefined ? {} : { json });
  expect(validator.problems({ method, url, ...answer })).toEqual([]);
  return answer;
}

describe('The API contract through the gateway', () => {
  test('When /docs/openapi.yaml is fetched, then it is the repository document, as YAML', async () => {
    const response = await fetch(`${GATEWAY}/docs/openapi.yaml`);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/yaml');
    expect(parse(await response.text())).toEqual(document);
  });

  test('When /docs is requested, then it leads to the viewer page and its files, all from this origin', async () => {
    const redirect = await fetch(`${GATEWAY}/docs`, { redirect: 'manual' });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe('/docs/');
    const page = await fetch(`${GATEWAY}/docs/`);
    expect(page.headers.get('content-type')).toBe('text/html');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).not.toMatch(/https?:\/\//);
    const bundle = await fetch(`${GATEWAY}/docs/swagger-ui/swagger-ui-bundle.js`);
    expect([bundle.status, bundle.headers.get('content-type')]).toEqual([200, 'text/javascript']);
  });

  test('When reports pass the gateway cache, then the answers with its headers match the document', async () => {
    for (const report of ['highest-spenders', 'best-sellers']) {
      await checked('GET', `/orders/reports/${report}?limit=3`);
      const again = await checked('GET', `/orders/reports/${report}?limit=3`);
      expect(again.headers.get('x-gateway-cache')).toMatch(/^(HIT|MISS|EXPIRED|UPDATING|STALE)$/);
    }
  });

  test('When writes exceed the gateway limit, then its 429 RATE_LIMITED matches the document', async () => {
    const answers = await Promise.all(
      // From an address of its own: the burst fills no bucket the other files write through (127.0.0.1's).
      Array.from({ length: WRITE_BURST * 3 }, () => ownBucket.post('/users', {})),
    );
    const limited = answers.find((answer) => answer.status === 429);

    expect(limited).toBeDefined();
    expect(validator.problems({ method: 'POST', url: '/users', ...limited! })).toEqual([]);
  });
});

const withChromium = existsSync(CHROMIUM) ? describe : describe.skip;

withChromium(`The /docs page in headless Chromium (skipped when ${CHROMIUM} is not installed)`, () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });
  afterAll(async () => browser?.close());

  test('When a person opens /docs, then they see the API title and every operation, and can try one', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const elsewhere: string[] = [];
    const errors: string[] = [];
    page.on(
      'request',
      (request) => void (request.url().startsWith(GATEWAY) || elsewhere.push(request.url())),
    );
    page.on('console', (message) => void (message.type() === 'error' && errors.push(message.text())));
    page.on('pageerror', (error) => void errors.push(error.message));

    await page.goto(`${GATEWAY}/docs`);
    await page.locator('.opblock').first().waitFor();

    expect(await page.title()).toBe('Store Manager API');
    expect(await page.locator('.info .title').innerText()).toMatch(/Store Manager API[\s\S]*OAS 3\.1/);
    const listed = await page.locator('.opblock-summary').evaluateAll((summaries) =>
      summaries.map((summary) => {
        const method = summary.querySelector('.opblock-summary-method')?.textContent ?? '';
        const path = summary.querySelector('.opblock-summary-path')?.getAttribute('data-path') ?? '';
        return `${method} ${path}`;
      }),
    );
    expect(listed.sort()).toEqual([...operations].sort());

    const getProduct = page.locator('#operations-products-getProduct');
    await getProduct.locator('.opblock-summary').click();
    await getProduct.locator('.try-out__btn').click();
    await getProduct.locator('tr[data-param-name="id"] input').fill('1');
    await getProduct.locator('.execute').click();
    const live = getProduct.locator('.live-responses-table');
    await live.waitFor();
    expect(await live.locator('tr.response .response-col_status').innerText()).toMatch(/^200\b/);
    expect(await live.locator('.microlight').first().innerText()).toContain('"sku": "LP12567"');

    mkdirSync(join(STACK_DIR, 'screenshots'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(elsewhere).toEqual([]);
    expect(errors).toEqual([]);
  });
});
