import { uniqueEmail, uniqueSku } from '@store/testing';
import { createProduct, createUser, startTestService, stockOf, type TestService } from './helpers';

let app: TestService;
beforeAll(async () => {
  app = await startTestService();
});
afterAll(() => app.stop());

describe('Users', () => {
  it('When a user is created, then it answers 201 with Location and can be read back', async () => {
    const email = uniqueEmail();
    const created = await app.api.post('/users', { name: 'Grace Hopper', email });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ user_id: expect.any(Number), name: 'Grace Hopper', email });
    expect(created.headers.get('location')).toBe(`/users/${created.body.user_id}`);
    const read = await app.api.get(`/users/${created.body.user_id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual({ id: created.body.user_id, name: 'Grace Hopper', email });
  });

  it('When the email is taken, then 409 EMAIL_TAKEN', async () => {
    const email = uniqueEmail();
    await app.api.post('/users', { name: 'First', email });
    const second = await app.api.post('/users', { name: 'Second', email: email.toUpperCase() });
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('EMAIL_TAKEN');
  });

  it.each([
    [{ name: '', email: uniqueEmail() }, 'name'],
    [{ name: 'x'.repeat(101), email: uniqueEmail() }, 'name'],
    [{ name: 'No Email' }, 'email'],
    [{ name: 'Bad Email', email: 'not-an-email' }, 'email'],
    [{ name: 42, email: uniqueEmail() }, 'name'],
  ])('When the body is %j, then 400 VALIDATION_FAILED names %s', async (body, field) => {
    const response = await app.api.post('/users', body);
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('VALIDATION_FAILED');
    expect(response.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: field })]));
  });

  it('When the seed users are read, then they are there', async () => {
    const response = await app.api.get('/users/1');
    expect(response.body).toEqual({ id: 1, name: 'Ada Lovelace', email: 'alovelace@example.com' });
  });

  it('When a user is unknown or the id is not an id, then 404 / 400 INVALID_ID', async () => {
    expect((await app.api.get('/users/2147483647')).status).toBe(404);
    for (const bad of ['abc', '0', '-1', '1.5', '2147483648', '01']) {
      const response = await app.api.get(`/users/${bad}`);
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('INVALID_ID');
    }
  });

  it('When an unknown user is deleted, then 404 with deleted false', async () => {
    const response = await app.api.delete('/users/2147483647');
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ deleted: false, error: expect.any(String), code: 'NOT_FOUND' });
  });
});

describe('Products and stock', () => {
  it('When a product is created, then it has a stock row at 0 and exact price', async () => {
    const sku = uniqueSku();
    const created = await app.api.post('/products', { name: 'Widget', sku, price: 19.9 });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ product_id: expect.any(Number), name: 'Widget', sku, price: 19.9 });
    const id = created.body.product_id as number;
    expect((await app.api.get(`/products/${id}`)).body).toEqual({ id, name: 'Widget', sku, price: 19.9 });
    expect(await stockOf(app.api, id)).toBe(0);
  });

  it.each([
    [{ name: 'P', sku: 'S', price: 0 }, 'price'],
    [{ name: 'P', sku: 'S', price: -1 }, 'price'],
    [{ name: 'P', sku: 'S', price: 1.001 }, 'price'],
    [{ name: 'P', sku: 'S', price: '10' }, 'price'],
    [{ name: 'P', sku: '', price: 10 }, 'sku'],
    [{ sku: 'S', price: 10 }, 'name'],
  ])('When the product body is %j, then 400 names %s', async (body, field) => {
    const response = await app.api.post('/products', body);
    expect(response.status).toBe(400);
    expect(response.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: field })]));
  });

  it('When a stock level is set, then it reads back; unknown product 422, bad quantity 400', async () => {
    const id = await createProduct(app.api, 3.5, 7);
    expect(await stockOf(app.api, id)).toBe(7);
    const reset = await app.api.post('/stocks', { product_id: id, quantity: 0 });
    expect(reset.status).toBe(201);
    expect(reset.body).toEqual({ product_id: id, quantity: 0 });
    const unknown = await app.api.post('/stocks', { product_id: 2147483647, quantity: 1 });
    expect(unknown.status).toBe(422);
    expect(unknown.body.code).toBe('UNKNOWN_PRODUCT');
    for (const quantity of [-1, 1.5, '3', null]) {
      const bad = await app.api.post('/stocks', { product_id: id, quantity });
      expect(bad.status).toBe(400);
    }
    expect(await stockOf(app.api, id)).toBe(0);
    expect((await app.api.get('/stocks/2147483647')).status).toBe(404);
  });

  it('When the overview is read, then every product is listed by id with snake_case keys', async () => {
    const id = await createProduct(app.api, 12.25, 4);
    const response = await app.api.get('/stocks/reports/overview-stocks');
    expect(response.status).toBe(200);
    expect(response.body[0]).toEqual({
      product_id: 1,
      name: 'Laptop ABC',
      sku: 'LP12567',
      unit_price: 1999.99,
      quantity: expect.any(Number),
    });
    const ids = (response.body as { product_id: number }[]).map((row) => row.product_id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(response.body).toContainEqual(
      expect.objectContaining({ product_id: id, unit_price: 12.25, quantity: 4 }),
    );
  });

  it('When a product is deleted, then it and its stock are gone; in orders it is 409 PRODUCT_IN_USE', async () => {
    const unused = await createProduct(app.api, 1, 1);
    expect((await app.api.delete(`/products/${unused}`)).body).toEqual({ deleted: true });
    expect((await app.api.get(`/products/${unused}`)).status).toBe(404);
    expect((await app.api.get(`/stocks/${unused}`)).status).toBe(404);

    const used = await createProduct(app.api, 1, 5);
    const user = await createUser(app.api);
    await app.api.post('/orders', { user_id: user.user_id, items: [{ product_id: used, quantity: 1 }] });
    const refused = await app.api.delete(`/products/${used}`);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('PRODUCT_IN_USE');
    expect((await app.api.get(`/products/${used}`)).status).toBe(200);
  });

  it('When GraphQL asks for a product and a stock level, then it answers; unknown ids give null', async () => {
    const id = await createProduct(app.api, 8.75, 11);
    const response = await app.api.post('/stocks/graphql-query', {
      query:
        'query ($id: ID!) { product(id: $id) { id name price quantity } stockLevel(productId: $id) missing: product(id: "999999999") { id } }',
      variables: { id: String(id) },
    });
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual({
      product: { id: String(id), name: expect.any(String), price: 8.75, quantity: 11 },
      stockLevel: 11,
      missing: null,
    });
    const missingQuery = await app.api.post('/stocks/graphql-query', { variables: {} });
    expect(missingQuery.status).toBe(400);
    const syntax = await app.api.post('/stocks/graphql-query', { query: '{ product(' });
    expect(syntax.status).toBe(200);
    expect(syntax.body.errors.length).toBeGreaterThan(0);
  });
});

describe('HTTP conventions', () => {
  it('When the body is not JSON, too large, or of another type, then 400 / 413 / 415 in the error shape', async () => {
    const malformed = await app.api.send('POST', '/users', {
      raw: '{"name": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toEqual(
      expect.objectContaining({ code: 'VALIDATION_FAILED', error: expect.any(String) }),
    );
    const text = await app.api.send('POST', '/users', {
      raw: 'name=x',
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.status).toBe(415);
    expect(text.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const huge = await app.api.post('/users', {
      name: 'x',
      email: uniqueEmail(),
      padding: 'y'.repeat(70 * 1024),
    });
    expect(huge.status).toBe(413);
    expect(huge.body.code).toBe('PAYLOAD_TOO_LARGE');
  });

  // No traceparent is asserted here: only the OTel SDK (absent in-process) sets one, from its server span.
  it('When any request is answered, then X-Request-Id is echoed with the service and instance', async () => {
    const response = await app.api.get('/users/1', { headers: { 'x-request-id': 'req-123' } });
    expect(response.headers.get('x-request-id')).toBe('req-123');
    expect(response.headers.get('x-service')).toBe('orders-write');
    expect(response.headers.get('x-instance')).toMatch(new RegExp(`:${app.service.port}$`));
  });

  it('When a route is unknown, then 404 JSON; health and metrics answer', async () => {
    const unknown = await app.api.get('/nope');
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('NOT_FOUND');
    expect((await app.api.get('/health-check')).body).toEqual({ status: 'ok' });
    expect((await app.api.get('/health/live')).status).toBe(200);
    const ready = await app.api.get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toEqual({ mysql: 'ok' });
    const metrics = await app.api.get('/metrics');
    expect(metrics.body).toContain('http_request_duration_seconds_bucket');
    expect(metrics.body).toMatch(/route="\/users\/:id"/);
  });
});
