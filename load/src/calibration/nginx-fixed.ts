import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildServer } from './child-server';

/**
 * The nginx ceiling's configuration: the gateway's process and connection settings (worker_processes auto,
 * 4096 connections, default keep-alive), one location answering a fixed JSON body, no access log. Every path is
 * inside `dir`, so it runs as any user beside the stack's own nginx.
 */
export function fixedBodyConf(dir: string, port: number): string {
  return `worker_processes auto;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
daemon off;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/temp/client_body;
  proxy_temp_path ${dir}/temp/proxy;
  fastcgi_temp_path ${dir}/temp/fastcgi;
  uwsgi_temp_path ${dir}/temp/uwsgi;
  scgi_temp_path ${dir}/temp/scgi;
  server {
    listen 127.0.0.1:${port};
    default_type application/json;
    location / { return 200 '[]'; }
  }
}
`;
}

/** A port nobody listens on now (the system picks it; nginx binds it a moment later). */
async function sparePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function answers(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      if (Date.now() > deadline) throw new Error(`nginx did not answer on ${url} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/**
 * Starts a nginx of its own (NGINX_BIN, else nginx on the PATH; infra/local/install-tools.sh installs it) on a
 * spare port with a rendered configuration in a temporary folder, in the foreground so that it is our child.
 */
export async function startNginxFixedBody(): Promise<ChildServer> {
  const dir = mkdtempSync(join(tmpdir(), 'calibration-nginx-'));
  mkdirSync(join(dir, 'temp'));
  const port = await sparePort();
  writeFileSync(join(dir, 'nginx.conf'), fixedBodyConf(dir, port));
  const child = spawn(process.env.NGINX_BIN ?? 'nginx', ['-p', dir, '-c', join(dir, 'nginx.conf')], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, PATH: `${process.env.PATH ?? ''}:/usr/sbin:/usr/local/sbin` },
  });
  const failed = once(child, 'exit').then(([code]) => {
    throw new Error(`nginx exited with ${String(code)} during start (see ${dir}/error.log)`);
  });
  failed.catch(() => undefined);
  const spawned = once(child, 'spawn');
  const url = `http://127.0.0.1:${port}`;
  await Promise.race([spawned.then(() => answers(url, 5000)), failed]);
  return {
    url,
    pid: child.pid!,
    async stop() {
      if (child.exitCode === null) {
        const done = once(child, 'exit');
        child.kill('SIGQUIT'); // graceful: workers finish their requests
        await done;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
