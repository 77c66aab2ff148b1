import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';

/*
 * The integration tier's database belongs to one run: `store_manager_test_<unix seconds>_<random>`, created and
 * migrated by the global set-up, dropped by the global teardown. A run therefore starts from the migrations'
 * seed and nothing else: no outbox rows left by earlier runs for a projector's self-heal rebuild to replay, no
 * rows a reconciliation could trip over, whatever ran on this machine before. Two runs side by side (two
 * checkouts) each have their own. A run that was killed leaves its database behind; the next run drops those
 * older than STALE_AFTER_S.
 */
const PREFIX = 'store_manager_test_';
const STALE_AFTER_S = 6 * 3600;
const NAME = /^store_manager_test_(\d+)_[0-9a-f]+$/;

export const newRunDatabaseName = (nowMs = Date.now()): string =>
  `${PREFIX}${Math.floor(nowMs / 1000)}_${randomBytes(3).toString('hex')}`;

export const isRunDatabase = (name: string): boolean => NAME.test(name);

export interface AdminSettings {
  host: string;
  port: number;
  user: string;
  password: string;
}

export function adminSettings(env: NodeJS.ProcessEnv = process.env): AdminSettings {
  return {
    host: env.MYSQL_HOST ?? '127.0.0.1',
    port: Number(env.MYSQL_PORT ?? 3306),
    user: env.MYSQL_USER ?? 'root',
    password: env.MYSQL_PASSWORD ?? '',
  };
}

async function withAdmin<T>(
  settings: AdminSettings,
  work: (admin: mysql.Connection) => Promise<T>,
): Promise<T> {
  const admin = await mysql.createConnection(settings);
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

/** Drops the run databases of killed runs (older than STALE_AFTER_S); returns their names. */
export async function dropStaleRunDatabases(settings: AdminSettings, nowMs = Date.now()): Promise<string[]> {
  return withAdmin(settings, async (admin) => {
    const [rows] = await admin.query<mysql.RowDataPacket[]>('SHOW DATABASES LIKE ?', [`${PREFIX}%`]);
    const stale = rows
      .map((row) => String(Object.values(row)[0]))
      .filter((name) => {
        const created = NAME.exec(name)?.[1];
        return created !== undefined && nowMs / 1000 - Number(created) > STALE_AFTER_S;
      });
    for (const name of stale) await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
    return stale;
  });
}

export async function dropRunDatabase(settings: AdminSettings, name: string): Promise<void> {
  if (!isRunDatabase(name)) throw new Error(`refusing to drop ${name}: not a run database of the test tier`);
  await withAdmin(settings, (admin) => admin.query(`DROP DATABASE IF EXISTS \`${name}\``));
}
