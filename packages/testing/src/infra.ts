import { connect } from 'node:net';

export interface Dependency {
  name: string;
  host: string;
  port: number;
}

/** The real services the integration tests talk to; overridable like the services' own config. */
export const DEPENDENCIES: Dependency[] = [
  {
    name: 'MariaDB/MySQL',
    host: process.env.MYSQL_HOST ?? '127.0.0.1',
    port: Number(process.env.MYSQL_PORT ?? 3306),
  },
  {
    name: 'Redis',
    host: process.env.REDIS_HOST ?? '127.0.0.1',
    port: Number(process.env.REDIS_PORT ?? 6379),
  },
  {
    name: 'RabbitMQ',
    host: process.env.AMQP_HOST ?? '127.0.0.1',
    port: Number(process.env.AMQP_PORT ?? 5672),
  },
];

export function isReachable({ host, port }: Dependency, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export async function unreachable(dependencies = DEPENDENCIES): Promise<Dependency[]> {
  const reachable = await Promise.all(dependencies.map((dependency) => isReachable(dependency)));
  return dependencies.filter((_dependency, index) => !reachable[index]);
}

/** The integration tier's database: the run's own, named by its global set-up (MYSQL_DATABASE). */
export function testDatabase(): string {
  const name = process.env.MYSQL_DATABASE;
  if (!name)
    throw new Error('MYSQL_DATABASE is unset: integration tests run under the int tier global set-up');
  return name;
}
