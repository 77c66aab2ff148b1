import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { createLogger } from '@store/observability';
import { createProduct, createUser, startTestService, type TestService } from './helpers';

/*
 * MySQL unreachable for a while (the chaos drill's outage, in small): every route that needs the database answers
 * 503 UNAVAILABLE, never 500, and works again once MySQL is back. The service reaches MariaDB through a TCP proxy
 * that the test cuts: open connections are reset and new ones refused, as when the server goes down.
 */
const PROXY_PORT = 21390; // the chaos tool's port range; listeners stay off the ephemeral range

class CuttableProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  async open(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = createConnection(
        Number(process.env.MYSQL_PORT ?? 3306),
        process.env.MYSQL_HOST ?? '127.0.0.1',
      );
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => this.server!.listen(PROXY_PORT, '127.0.0.1', resolve));
  }

  async cut(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server?.close(() => resolve()));
    for (const socket of this.sockets) socket.resetAndDestroy();
    await closed;
  }
}

describe('orders-write while MySQL is unreachable', () => {
  const proxy = new CuttableProxy();
  const logged: { msg: string; err?: { message?: string } }[] = [];
  let app: TestService;
  beforeAll(async () => {
    await proxy.open();
    const logger = createLogger(
      'orders-write-test',
      { level: 'warn' },
      { write: (line: string) => void logged.push(JSON.parse(line)) },
    );
    app = await startTestService({ MYSQL_PORT: String(PROXY_PORT) }, { logger });
  });
  afterAll(async () => {
    await app.stop();
    await proxy.cut();
  });

  it('When MySQL goes away, then writes and reads answer 503 UNAVAILABLE, and they work again once it is back', async () => {
    const user = await createUser(app.api);
    const productId = await createProduct(app.api, 3, 100);
    const order = { user_id: user.user_id, items: [{ product_id: productId, quantity: 1 }] };
    const placed = await app.api.post('/orders', order);
    expect(placed.status).toBe(201);
    const orderId = placed.body.order_id as number;

    await proxy.cut();
    const during = {
      place: await app.api.post('/orders', order),
      remove: await app.api.delete(`/orders/${orderId}`),
      read: await app.api.get(`/orders/${orderId}`),
      newUser: await app.api.post('/users', { name: 'Outage', email: `outage-${Date.now()}@example.com` }),
      ready: await app.api.get('/health/ready'),
    };

    for (const answer of [during.place, during.remove, during.read, during.newUser]) {
      expect({ status: answer.status, code: answer.body.code }).toEqual({ status: 503, code: 'UNAVAILABLE' });
      expect(JSON.stringify(answer.body)).not.toMatch(/ECONN|PROTOCOL_|select|insert/i);
    }
    expect(during.ready.status).toBe(503);
    // The group commit's 503 says only "try again" to the client: its cause must be in the log.
    const cause = logged.find((line) => line.msg === 'order batch answered 503');
    expect(cause?.err?.message).toMatch(/ECONNREFUSED|ECONNRESET|connect|closed/i);

    await proxy.open();
    expect((await app.api.delete(`/orders/${orderId}`)).status).toBe(200);
    expect((await app.api.post('/orders', order)).status).toBe(201);
  });
});
