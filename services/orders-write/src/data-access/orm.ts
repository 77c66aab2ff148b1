import { MikroORM, type Options } from '@mikro-orm/mysql';
import { DefaultLogger, type LogContext, type LoggerOptions } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import type { MysqlSettings } from '@store/service-kit';
import { entities } from './entities';
import { Migration20261127000001Schema } from './migrations/Migration20261127000001Schema';
import { Migration20261127000002Seed } from './migrations/Migration20261127000002Seed';

export type { MikroORM } from '@mikro-orm/mysql';
export type { EntityManager } from '@mikro-orm/mysql';

export interface DatabaseOptions extends MysqlSettings {
  /** Called with every SQL statement the ORM sends (query counting for metrics and the N+1 experiment). */
  onQuery?: (sql: string) => void;
  /** Where MikroORM's own messages (migrator, discovery) go; the service passes its pino logger. */
  log?: (message: string) => void;
}

/** MikroORM's logger is the one place every statement passes through, so it is where statements are counted. */
class QueryHookLogger extends DefaultLogger {
  constructor(
    options: LoggerOptions,
    private readonly onQuery: (sql: string) => void,
  ) {
    super(options);
  }

  override logQuery(context: { query: string } & LogContext): void {
    this.onQuery(context.query);
    super.logQuery(context);
  }
}

export function ormOptions(options: DatabaseOptions): Options {
  const { onQuery } = options;
  return {
    entities,
    host: options.host,
    port: options.port,
    user: options.user,
    password: options.password,
    dbName: options.database,
    pool: { min: 0, max: options.poolMax },
    timezone: '+00:00',
    extensions: [Migrator],
    allowGlobalContext: false,
    discovery: { warnWhenNoEntities: false },
    logger: options.log ?? (() => undefined),
    loggerFactory: (loggerOptions) =>
      onQuery ? new QueryHookLogger(loggerOptions, onQuery) : new DefaultLogger(loggerOptions),
    migrations: {
      tableName: 'schema_migrations',
      transactional: false,
      // MikroORM 7 writes a schema snapshot (.snapshot-<database>.json) into the working folder after every
      // migrate; it only serves generating migrations by diffing, which this project writes by hand.
      snapshot: false,
      snapshotOnMigrate: false,
      migrationsList: [
        { name: 'Migration20261127000001Schema', class: Migration20261127000001Schema },
        { name: 'Migration20261127000002Seed', class: Migration20261127000002Seed },
      ],
    },
  };
}

export async function openDatabase(options: DatabaseOptions): Promise<MikroORM> {
  return MikroORM.init(ormOptions(options));
}

/**
 * Creates the database if needed and applies pending migrations. A MySQL named lock makes replicas that start
 * together migrate one after the other instead of racing on the same DDL.
 */
export async function migrate(orm: MikroORM): Promise<string[]> {
  await orm.schema.ensureDatabase();
  const lock = 'store_manager_migrations';
  // A named lock belongs to one session, so it is taken and released on the one connection a transaction holds.
  return orm.em.fork().transactional(async (session) => {
    const [taken] = await session.execute<{ got: number }[]>('select get_lock(?, 60) as got', [lock]);
    if (Number(taken?.got) !== 1) throw new Error('could not take the migration lock within 60 s');
    try {
      const applied = await orm.migrator.up();
      return applied.map((migration) => migration.name);
    } finally {
      await session.execute('select release_lock(?)', [lock]);
    }
  });
}
