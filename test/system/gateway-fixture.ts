import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '@store/testing';

/*
 * The repository's nginx.conf, rendered by the local stack's own script, in front of two stub upstreams that
 * answer every path and write down what reached them: what the gateway itself answers is then all that is
 * tested. Each test file takes its own ports, so files of the tier can run side by side.
 */
const REPO_ROOT = join(__dirname, '../..');

export interface GatewayPorts {
  gateway: number;
  status: number;
  ordersWrite: number;
  reportsRead: number;
}

export interface StubGateway {
  url: string;
  /** "METHOD path" of every request that reached an upstream, in order; tests splice it empty. */
  reached: string[];
  stop(): Promise<void>;
}

/** An upstream that answers 200 JSON for any path, with headers a careless service would send. */
function stub(port: number, reached: string[]): Promise<Server> {
  const server = createServer((req, res) => {
    reached.push(`${req.method} ${req.url}`);
    res.setHeader('content-type', 'application/json');
    res.setHeader('x-powered-by', 'Express');
    res.setHeader('x-content-type-options', 'nosniff');
    res.end(JSON.stringify({ path: req.url }));
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

const run = (command: string, args: string[], env: NodeJS.ProcessEnv = {}) => {
  const result = spawnSync(command, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
  return result.stdout.trim();
};

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts nginx with the rendered config (GATEWAY_* switches in `env`) before the two stubs; `upstreams: false`
 * starts no stub, so that no replica answers.
 */
export async function startStubGateway(
  ports: GatewayPorts,
  env: Record<string, string> = {},
  { upstreams = true } = {},
): Promise<StubGateway> {
  if (spawnSync('sh', ['-c', 'command -v nginx || test -x /usr/sbin/nginx']).status !== 0) {
    run('bash', ['infra/local/install-tools.sh']); // as the e2e tier does on a fresh machine
  }
  const reached: string[] = [];
  const stackDir = mkdtempSync(join(tmpdir(), 'gateway-stub-'));
  chmodSync(stackDir, 0o755); // nginx's workers (not root) write the report cache below it
  const stubs = upstreams
    ? [await stub(ports.ordersWrite, reached), await stub(ports.reportsRead, reached)]
    : [];
  const url = `http://127.0.0.1:${ports.gateway}`;
  let pid: number | undefined;
  const stop = async () => {
    if (pid !== undefined && isRunning(pid)) {
      process.kill(pid, 'SIGQUIT');
      const stopping = pid;
      await eventually('nginx to stop', () => Promise.resolve(isRunning(stopping) ? undefined : true));
    }
    await Promise.all(stubs.map((server) => new Promise((resolve) => server.close(resolve))));
    rmSync(stackDir, { recursive: true, force: true });
  };
  try {
    const nginxConf = run('bash', ['infra/local/render-nginx.sh'], {
      STACK_DIR: stackDir,
      GATEWAY_PORT: String(ports.gateway),
      GATEWAY_STATUS_PORT: String(ports.status),
      ORDERS_WRITE_BASE_PORT: String(ports.ordersWrite),
      REPORTS_READ_BASE_PORT: String(ports.reportsRead),
      ORDERS_WRITE_REPLICAS: '1',
      REPORTS_READ_REPLICAS: '1',
      ...env,
    });
    run('nginx', ['-p', join(stackDir, 'nginx'), '-c', nginxConf]);
    pid = Number(readFileSync(join(stackDir, 'pids', 'nginx.pid'), 'utf8'));
    await eventually('the gateway to answer', async () =>
      (await fetch(`${url}/health-check`).catch(() => undefined))?.ok ? true : undefined,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, reached, stop };
}
