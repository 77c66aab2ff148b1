import { failuresOf, markdownReport, markdownTable, terminalTable, type DrillResult } from './results';
import { Witness } from './witness';

function drill(overrides: Partial<DrillResult> = {}): DrillResult {
  const witness = new Witness();
  witness.recordReport({ status: 200 });
  witness.enterWindow('fault');
  witness.recordOrder({ status: 503 });
  witness.recordReport({ status: 200 });
  witness.enterWindow('after');
  witness.recordReport({ status: 200 });
  return {
    id: 'mysql-outage',
    title: 'MySQL unreachable for a few seconds',
    note: 'cut for 4 s',
    startedAt: '2026-01-01T00:00:00.000Z',
    load: { users: 30, seconds: 18 },
    requests: witness.tallies(),
    recoverySeconds: 6.25,
    recoveryDetail: 'healthy after 6.3 s',
    idle: true,
    conservation: { lost: [], duplicated: [], unexpected: [], drift: [], counted: { acknowledged: 10 } },
    info: [],
    failures: [],
    passed: true,
    ...overrides,
  };
}

const lost = {
  kind: 'lost' as const,
  where: 'mysql',
  key: 'order:7',
  detail: 'order 7 acknowledged (201) but not in MySQL',
};

describe('results', () => {
  it('When a drill is clean and recovered, then nothing fails it', () => {
    expect(failuresOf(drill(), [])).toEqual([]);
  });

  it('When anything is lost, drifts, never recovers or a fault check fails, then each is a reason to fail', () => {
    const bad = drill({
      recoverySeconds: null,
      recoveryDetail: 'not recovered within 90 s',
      idle: false,
      conservation: {
        lost: [lost],
        duplicated: [],
        unexpected: [],
        drift: [{ ...lost, kind: 'drift' }],
        counted: {},
      },
    });
    expect(failuresOf(bad, ['2 writes answered 500'])).toEqual([
      '1 lost',
      '1 drift',
      'no recovery: not recovered within 90 s',
      'the pipeline never went idle',
      '2 writes answered 500',
    ]);
  });

  it('The table has one row per drill with requests, failures in the fault window, findings and recovery', () => {
    const table = markdownTable([drill(), drill({ id: 'redis-loss', passed: false, recoverySeconds: null })]);
    expect(table.split('\n')).toEqual([
      '| drill | requests | failed | failed in fault window | lost | duplicated | unexpected | drift | recovery | result |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
      '| mysql-outage | 4 | 1 | 1 of 2 | 0 | 0 | 0 | 0 | 6.3 s | PASS |',
      '| redis-loss | 4 | 1 | 1 of 2 | 0 | 0 | 0 | 0 | none | FAIL |',
    ]);
    expect(terminalTable([drill()]).split('\n')[2]).toMatch(
      /^mysql-outage +4 +1 +1 of 2 +0 +0 +0 +0 +6\.3 s +PASS$/,
    );
  });

  it('The report lists every finding under its drill', () => {
    const text = markdownReport({
      startedAt: 'a',
      finishedAt: 'b',
      profile: 'quick',
      commit: 'abc123',
      passed: false,
      drills: [
        drill({
          passed: false,
          failures: ['1 lost'],
          conservation: { lost: [lost], duplicated: [], unexpected: [], drift: [], counted: {} },
        }),
      ],
    });
    expect(text).toContain('# Chaos drills — FAILED');
    expect(text).toContain('## mysql-outage — FAIL');
    expect(text).toContain('- mysql: order 7 acknowledged (201) but not in MySQL');
    expect(text).toContain('| fault | orders | 1 | 1 | 503 ×1 |');
  });
});
