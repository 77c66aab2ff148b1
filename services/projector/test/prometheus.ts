/**
 * The value of one series in a Prometheus text exposition: the sample named `name` whose labels include all of
 * `labels`. Throws when no sample matches, so a renamed metric fails the test instead of reading as 0.
 */
export function metricValue(exposition: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of exposition.split('\n')) {
    const sample = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!sample || sample[1] !== name) continue;
    const present = new Map(
      [...(sample[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([key, value]) => present.get(key) === value)) return Number(sample[3]);
  }
  throw new Error(`no sample ${name}${JSON.stringify(labels)} in the exposition`);
}
