/*
 * Just enough of the Prometheus text format for assertions on /metrics: `name{label="value",...} number` lines
 * and the `# TYPE` lines that say which metric families exist.
 */

export interface MetricsScrape {
  /**
   * Sum of the samples named `name` whose labels include `labels`; 0 when the family exists but has no such
   * sample yet (a labelled counter never incremented). Throws for a family the exposition does not have, so a
   * renamed metric fails the test instead of reading as 0.
   */
  value(name: string, labels?: Record<string, string>): number;
}

const SAMPLE = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /(\w+)="((?:[^"\\]|\\.)*)"/g;
const familyOf = (name: string) => name.replace(/_(bucket|sum|count)$/, '');

export function parseMetrics(exposition: string): MetricsScrape {
  const families = new Set<string>();
  const samples: { name: string; labels: Map<string, string>; value: number }[] = [];
  for (const line of exposition.split('\n')) {
    if (line.startsWith('# TYPE ')) families.add(line.split(' ')[2] ?? '');
    const match = line.startsWith('#') ? null : SAMPLE.exec(line);
    if (!match) continue;
    const labels = new Map([...(match[2] ?? '').matchAll(LABEL)].map(([, key, value]) => [key!, value!]));
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return {
    value: (name, wanted = {}) => {
      if (!families.has(name) && !families.has(familyOf(name))) {
        throw new Error(`no metric ${name} in the exposition`);
      }
      return samples
        .filter((sample) => sample.name === name)
        .filter((sample) => Object.entries(wanted).every(([key, value]) => sample.labels.get(key) === value))
        .reduce((sum, sample) => sum + sample.value, 0);
    },
  };
}
