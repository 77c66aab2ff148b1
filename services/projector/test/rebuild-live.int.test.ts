import { openUseCases } from '../src/app';
import { createMysqlPool } from '../src/data-access/mysql-pool';
import { httpClient } from '@store/testing';
import { createProduct, createUser, deleteOrder, line, placeOrder, scores, silentLogger } from './helpers';
import { useRunningProjector } from './running-projector';

jest.setTimeout(60_000);

describe('rebuild while order events keep arriving (real MariaDB, Redis and RabbitMQ)', () => {
  const t = useRunningProjector({ REBUILD_BATCH_SIZE: '5' });
  const { config } = t;
  const pool = createMysqlPool(config);
  let user: { id: number; name: string };
  let products: { id: number; name: string }[];

  beforeAll(async () => {
    user = await createUser(pool);
    products = [await createProduct(pool, 1_250), await createProduct(pool, 99)];
  });

  afterAll(() => pool.end());

  const order = (quantities: [number, number]) =>
    placeOrder(pool, user, [
      { ...line(products[0]!.id, quantities[0], 1_250), name: products[0]!.name },
      { ...line(products[1]!.id, quantities[1], 99), name: products[1]!.name },
    ]);

  /** What the relay does: the outbox row is committed first, then the event is published. */
  const deliver = async (event: Awaited<ReturnType<typeof order>>) => {
    const acked = t.projector.consumer.waitFor('ack', (info) => info.messageId === event.event_id, 30_000);
    t.broker.publish(config.PROJECTOR_QUEUE, event);
    return acked;
  };

  test('When a rebuild runs while orders are placed and deleted, then nothing is lost or doubled', async () => {
    const before = await Promise.all([order([1, 2]), order([2, 1]), order([1, 1]), order([3, 1])]);
    await Promise.all(before.map(deliver));
    const pending: Promise<unknown>[] = [];
    let round = 0;

    const result = await t.projector.rebuild(async () => {
      round += 1;
      if (round > 4) return;
      // mid-replay: a new order, a deletion of an old one, and a redelivery of an already applied event
      const created = await order([round, 1]);
      pending.push(deliver(created));
      pending.push(deliver(await deleteOrder(pool, before[round - 1]!)));
      pending.push(deliver(before[0]));
      await pending.at(-3);
    });
    await Promise.all(pending);

    expect(round).toBeGreaterThan(4);
    expect(result.toVersion).toBe(result.fromVersion + 1);
    const report = await t.projector.reconcile({ userIds: [user.id], productIds: products.map((p) => p.id) });
    expect(report).toMatchObject({ mismatches: 0, users: [], products: [] });
    const keys = t.projector.stores.projection.keys(result.toVersion);
    // all four early orders deleted; the four placed during the rebuild remain: units 1+2+3+4 and 4×1
    expect(await scores(t.redis, keys.spenders, [user.id])).toEqual([10 * 1_250 + 4 * 99]);
    expect(
      await scores(
        t.redis,
        keys.bestSellers,
        products.map((p) => p.id),
      ),
    ).toEqual([10, 4]);
  });

  test('When the admin routes are called, then rebuild switches version and reconcile reports zero drift', async () => {
    const client = httpClient(t.projector.url);
    const before = await t.projector.stores.projection.readVersions();

    const rebuilt = await client.post('/admin/rebuild');
    const checked = await client.get(
      `/admin/reconcile?user_ids=${user.id}&product_ids=${products.map((p) => p.id).join(',')}`,
    );
    const full = await client.get('/admin/reconcile');
    const metrics = await client.get<string>('/metrics');

    expect(rebuilt.status).toBe(200);
    expect(rebuilt.body).toMatchObject({ fromVersion: before.live, toVersion: before.live + 1 });
    expect(checked.status).toBe(200);
    expect(checked.body).toMatchObject({ mismatches: 0 });
    expect(full.status).toBe(200);
    expect(metrics.body).toMatch(new RegExp(`projection_drift\\{[^}]*\\} ${full.body.mismatches}\\b`));
    expect((await client.get('/admin/reconcile?user_ids=abc')).status).toBe(400);
  });

  /** A rebuild of `useCases` that stops after its first replayed batch until `release` is called. */
  const heldRebuild = (rebuild: typeof t.projector.rebuild, reason: 'missing' | 'requested') => {
    let release!: () => void;
    let reachedBatch!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const inProgress = new Promise<void>((resolve) => (reachedBatch = resolve));
    const done = rebuild(
      async () => {
        reachedBatch();
        await held;
      },
      { reason },
    );
    return { done, inProgress, release };
  };

  test('When a rebuild is asked for while the self-heal rebuild runs, then it answers with that rebuild, joined, not 503', async () => {
    await order([1, 1]); // the log is not empty, so the replay reaches a batch and holds there
    const client = httpClient(t.projector.url);
    const before = await t.projector.stores.projection.readVersions();
    // what the self-heal check calls when it finds the projection lost
    const selfHeal = heldRebuild(t.projector.rebuild, 'missing');
    await selfHeal.inProgress;
    expect((await t.projector.stores.projection.readVersions()).rebuildLocked).toBe(true);

    const bothJoined = t.untilLogged('a rebuild runs here: joining it', 2);
    const asked = client.post('/admin/rebuild');
    const cliCall = t.projector.rebuild();
    await bothJoined; // released only once both have joined: neither can start a rebuild of its own
    selfHeal.release();
    const [healed, answer, fromCli] = await Promise.all([selfHeal.done, asked, cliCall]);

    expect(healed).toMatchObject({ fromVersion: before.live, toVersion: before.live + 1 });
    expect(healed.joined).toBeUndefined();
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ ...healed, joined: true });
    expect(fromCli).toEqual({ ...healed, joined: true });
    expect((await t.projector.stores.projection.readVersions()).live).toBe(before.live + 1);
  });

  test('When another process holds the rebuild, then an operator rebuild waits for it and then runs its own', async () => {
    await order([2, 1]);
    const other = await openUseCases(t.config, silentLogger()); // a second projector process, or the CLI
    try {
      const before = await t.projector.stores.projection.readVersions();
      const theirs = heldRebuild(other.rebuild, 'requested');
      await theirs.inProgress;

      const refused = t.untilLogged('a rebuild runs in another process: waiting for it');
      const ours = t.projector.rebuild();
      await refused; // ours found theirs running and waits: released before, ours could simply have run
      theirs.release();
      const [first, second] = await Promise.all([theirs.done, ours]);

      expect(first).toMatchObject({ fromVersion: before.live, toVersion: before.live + 1 });
      expect(second).toMatchObject({ fromVersion: before.live + 1, toVersion: before.live + 2 });
      expect(second.joined).toBeUndefined();
      expect(second.replayed).toBe(first.replayed);
    } finally {
      await other.stores.close();
    }
  });
});
