import type { HttpClient } from '@store/testing';

/*
 * Just enough of the Prometheus text format for assertions: `name{label="value",...} number` lines. Label values
 * of this service never hold quotes or commas, so no escaping is handled.
 */

export interface Scrape {
  /** Sum of the samples named `name` whose labels include `labels` (0 when there is none). */
  value(name: string, labels?: Record<string, string>): number;
}

const SAMPLE = /^([a-zA-Z_:][\w:]*)(?:\{([^}]*)\})?\s+(\S+)/;

export function parsePrometheusText(text: string): Scrape {
  const samples = text
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .flatMap((line) => {
      const match = SAMPLE.exec(line);
      if (!match) return [];
      const [, name = '', labelText = '', value = ''] = match;
      const labels = Object.fromEntries(
        [...labelText.matchAll(/(\w+)="([^"]*)"/g)].map(([, k, v]) => [k, v]),
      );
      return [{ name, labels, value: Number(value) }];
    });
  return {
    value: (name, wanted = {}) =>
      samples
        .filter((sample) => sample.name === name)
        .filter((sample) => Object.entries(wanted).every(([key, value]) => sample.labels[key] === value))
        .reduce((sum, sample) => sum + sample.value, 0),
  };
}

export async function scrape(api: HttpClient): Promise<Scrape> {
  const response = await api.get('/metrics');
  expect(response.status).toBe(200);
  return parsePrometheusText(response.body as string);
}
