import { randomBytes } from 'node:crypto';
import { createConnection, type Connection } from 'mysql2/promise';
import { uniqueSuffix, testDatabase } from '@store/testing';
import { startReports } from './helpers';

/*
 * REPORTS_MYSQL_* sends the mysql source to another server (a read replica) with another account. Here the
 * "replica" is a second database on the same server, holding rows the primary does not have, read through an
 * account that may only SELECT there: the answer shows which connection was used.
 */
const primary = testDatabase();
const suffix = uniqueSuffix().replace(/-/g, '');
const replica = `rr_replica_${suffix}`;
const reader = `rr_reader_${suffix}`;
const readerPassword = randomBytes(12).toString('hex');
let admin: Connection;

beforeAll(async () => {
  admin = await createConnection({
    host: process.env.MYSQL_HOST ?? '127.0.0.1',
    port: Number(process.env.MYSQL_PORT ?? 3306),
    user: process.env.MYSQL_USER ?? 'root',
    password: process.env.MYSQL_PASSWORD ?? '',
  });
  await admin.query(`CREATE DATABASE \`${replica}\``);
  for (const table of ['users', 'products', 'orders', 'order_items']) {
    await admin.query(`CREATE TABLE \`${replica}\`.\`${table}\` LIKE \`${primary}\`.\`${table}\``);
  }
  await admin.query(
    `INSERT INTO \`${replica}\`.users (id, name, email) VALUES (1, 'Only On The Replica', ?)`,
    [`${suffix}@example.test`],
  );
  await admin.query(
    `INSERT INTO \`${replica}\`.orders (id, user_id, total_amount, created_at) VALUES (1, 1, 12.34, NOW(3))`,
  );
  await admin.query(`CREATE USER '${reader}'@'%' IDENTIFIED BY '${readerPassword}'`);
  await admin.query(`GRANT SELECT ON \`${replica}\`.* TO '${reader}'@'%'`);
});

afterAll(async () => {
  await admin.query(`DROP USER IF EXISTS '${reader}'@'%'`);
  await admin.query(`DROP DATABASE IF EXISTS \`${replica}\``);
  await admin.end();
});

describe('reports-read in mysql mode on a read replica', () => {
  test('When REPORTS_MYSQL_* name another database and account, then the mysql source reads through them', async () => {
    const reports = await startReports({
      REPORTS_SOURCE: 'mysql',
      REPORT_CACHE_TTL_SECONDS: '0',
      REPORTS_MYSQL_DATABASE: replica,
      REPORTS_MYSQL_USER: reader,
      REPORTS_MYSQL_PASSWORD: readerPassword,
    });
    try {
      const answer = await reports.http.get('/orders/reports/highest-spenders?limit=100');

      expect(answer.status).toBe(200);
      expect(answer.body).toEqual([{ user_id: 1, name: 'Only On The Replica', total_expense: 12.34 }]);
      expect((await reports.http.get('/health/ready')).status).toBe(200);
    } finally {
      await reports.server.stop();
    }
  });

  test('When the replica account is refused, then reports answer 503 and readiness names mysql, although the primary works', async () => {
    const reports = await startReports({
      REPORTS_SOURCE: 'mysql',
      REPORTS_MYSQL_DATABASE: replica,
      REPORTS_MYSQL_USER: reader,
      REPORTS_MYSQL_PASSWORD: 'not-the-password',
    });
    try {
      expect(await reports.http.get('/orders/reports/best-sellers')).toMatchObject({
        status: 503,
        body: { code: 'UNAVAILABLE' },
      });
      const ready = await reports.http.get('/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body.checks).toMatchObject({ mysql: expect.not.stringMatching(/^ok$/) });
    } finally {
      await reports.server.stop();
    }
  });
});
