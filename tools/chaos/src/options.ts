import { resolve, join } from 'node:path';
import { parseArgs } from 'node:util';

export const USAGE = `npm run chaos [-- options]   fault drills under load, each judged by the conservation checker

  --quick           the reduced run (CI): each fault once under a short, light load (about 4 minutes)
  --only <ids>      only these drills (comma-separated ids; see below)
  --out <dir>       where results.json and results.md go (default: results/chaos-<time>/)

Drills: orders-write-crash-after-commit, orders-write-crash-mid-batch, projector-kill-mid-batch,
duplicate-and-poison-messages, mysql-outage, rabbitmq-restart, redis-loss.
The stack runs on ports 21001-21999 (gateway 21080) with its own Redis and RabbitMQ node, stopped at the end.
Exit code 1 when any drill fails (anything lost or duplicated, any drift, no recovery).`;

/** How hard and how long each drill pushes. */
export interface Profile {
  name: 'quick' | 'full';
  /** Closed-model users of the read-write scenario (think time 1–3 s each). */
  users: number;
  /** Length of the load in each drill, the fault included. */
  loadSeconds: number;
  /** Load before the fault is injected. */
  warmupSeconds: number;
  /** One deletion of an acknowledged order every this long. */
  deleteEveryMs: number;
  mysqlOutageSeconds: number;
  recoveryTimeoutSeconds: number;
  idleTimeoutSeconds: number;
}

export const PROFILES: Record<Profile['name'], Profile> = {
  quick: {
    name: 'quick',
    users: 30,
    loadSeconds: 18,
    warmupSeconds: 5,
    deleteEveryMs: 500,
    mysqlOutageSeconds: 4,
    recoveryTimeoutSeconds: 90,
    idleTimeoutSeconds: 60,
  },
  full: {
    name: 'full',
    users: 100,
    loadSeconds: 60,
    warmupSeconds: 15,
    deleteEveryMs: 250,
    mysqlOutageSeconds: 8,
    recoveryTimeoutSeconds: 120,
    idleTimeoutSeconds: 120,
  },
};

export interface ChaosOptions {
  profile: Profile;
  only: string[] | undefined;
  out: string;
}

export class UsageError extends Error {
  constructor(
    message: string,
    /** 0 for --help, 2 for a wrong option. */
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

export function readOptions(
  argv: string[],
  root: string,
  knownDrills: readonly string[],
  env = process.env,
): ChaosOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        quick: { type: 'boolean' },
        only: { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean' },
      },
    }));
  } catch (error) {
    throw new UsageError(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
  }
  if (values.help) throw new UsageError(USAGE, 0);
  const only = values.only
    ?.split(',')
    .map((id) => id.trim())
    .filter(Boolean);
  const unknown = only?.filter((id) => !knownDrills.includes(id)) ?? [];
  if (unknown.length) throw new UsageError(`unknown drill(s): ${unknown.join(', ')}\n\n${USAGE}`);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  return {
    profile: PROFILES[values.quick ? 'quick' : 'full'],
    only,
    out: values.out
      ? resolve(env.INIT_CWD ?? process.cwd(), values.out)
      : join(root, 'results', `chaos-${stamp}`),
  };
}
