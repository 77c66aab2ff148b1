import { readFileSync } from 'node:fs';

export interface UpstreamPolicy {
  upstream: string;
  policy: string;
  servers: number;
}

const POLICIES = ['least_conn', 'ip_hash', 'hash', 'random', 'least_time', 'ntlm'];

/**
 * The balancing policy of each `upstream` block of an nginx configuration (Q7): the policy directive inside the
 * block, or round-robin (nginx's default) when there is none. Comments are ignored.
 */
export function upstreamPolicies(conf: string): UpstreamPolicy[] {
  const text = conf.replace(/#[^\n]*/g, '');
  const policies: UpstreamPolicy[] = [];
  for (const match of text.matchAll(/upstream\s+([\w.-]+)\s*\{([^}]*)\}/g)) {
    const directives = match[2]!
      .split(';')
      .map((directive) => directive.trim())
      .filter(Boolean);
    const policy = directives
      .map((directive) => directive.split(/\s+/)[0]!)
      .find((d) => POLICIES.includes(d));
    policies.push({
      upstream: match[1]!,
      policy: policy ?? 'round-robin (default)',
      servers: directives.filter((directive) => directive.startsWith('server ')).length,
    });
  }
  return policies;
}

export function readUpstreamPolicies(path: string): UpstreamPolicy[] {
  try {
    return upstreamPolicies(readFileSync(path, 'utf8'));
  } catch {
    return [];
  }
}
