import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { unreachable } from './infra';

/**
 * Called once before the integration tier: the tests need real MariaDB, Redis and RabbitMQ. Anything not
 * reachable is started through the project's own script (local servers, where installed); if that cannot
 * help, the run stops with a message naming what is missing instead of a wall of connection errors.
 */
export async function ensureInfrastructure(): Promise<void> {
  let missing = await unreachable();
  if (missing.length === 0) return;
  const script = join(__dirname, '../../../infra/local/ensure-services.sh');
  if (existsSync(script)) {
    spawnSync('bash', [script], { stdio: 'inherit' });
    missing = await unreachable();
  }
  if (missing.length > 0) {
    const list = missing.map((d) => `${d.name} at ${d.host}:${d.port}`).join(', ');
    throw new Error(
      `integration tests need ${list}. Start them (bash infra/local/ensure-services.sh installs and starts ` +
        'MariaDB, Redis and RabbitMQ from Debian packages) or point MYSQL_*/REDIS_*/AMQP_* at running ones.',
    );
  }
}
