import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/*
 * Where the compose stack answers and the console credentials, as docker-compose.yml publishes them: the
 * environment first, then the repository's .env (the file compose itself read), then compose's defaults.
 */
export interface SmokeSettings {
  gatewayUrl: string;
  jaegerUrl: string;
  prometheusUrl: string;
  grafanaUrl: string;
  grafanaUser: string;
  grafanaPassword: string;
  rabbitmqUrl: string;
  rabbitmqUser: string;
  rabbitmqPassword: string;
  /** How long checks of data that arrives later (spans, scrapes) keep asking. */
  settleMs: number;
  /** The compose command, split into words (`docker compose`, or `docker-compose`). */
  compose: string[];
  runK6: boolean;
}

/** KEY=value lines of a .env file; comments, blanks and quotes as compose reads them. */
export function parseDotEnv(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!match) continue;
    const raw = match[2]!;
    values[match[1]!] = /^(['"]).*\1$/.test(raw) ? raw.slice(1, -1) : raw.replace(/\s+#.*$/, '');
  }
  return values;
}

export function readSettings(
  env: NodeJS.ProcessEnv,
  repoRoot: string,
  args: readonly string[] = [],
): SmokeSettings {
  const dotEnvPath = join(repoRoot, '.env');
  const dotEnv = existsSync(dotEnvPath) ? parseDotEnv(readFileSync(dotEnvPath, 'utf8')) : {};
  const value = (name: string, fallback: string) => env[name] || dotEnv[name] || fallback;
  return {
    gatewayUrl: value('GATEWAY_URL', `http://127.0.0.1:${value('GATEWAY_PORT', '8080')}`),
    jaegerUrl: value('JAEGER_URL', 'http://127.0.0.1:16686'),
    prometheusUrl: value('PROMETHEUS_URL', 'http://127.0.0.1:9090'),
    grafanaUrl: value('GRAFANA_URL', 'http://127.0.0.1:3000'),
    grafanaUser: 'admin',
    grafanaPassword: value('GRAFANA_ADMIN_PASSWORD', 'admin'),
    rabbitmqUrl: value('RABBITMQ_MANAGEMENT_URL', 'http://127.0.0.1:15672'),
    rabbitmqUser: value('RABBITMQ_DEFAULT_USER', 'store'),
    rabbitmqPassword: value('RABBITMQ_DEFAULT_PASS', ''),
    settleMs: Number(value('SMOKE_SETTLE_SECONDS', '90')) * 1000,
    compose: value('COMPOSE_COMMAND', 'docker compose').split(/\s+/),
    runK6: !args.includes('--no-k6'),
  };
}
