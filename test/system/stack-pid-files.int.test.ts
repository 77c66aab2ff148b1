import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/*
 * The plain-process stack's pid files are read while they are written: start.sh polls a supervisor that writes
 * its own pid at the same moment. A plain `>` truncates before it writes, and a read in between saw no pid, took
 * the supervisor for dead and failed the start ("trace-sink exited during start", before the sink had a log).
 * lib.sh's write_atomically renames a finished file over the old one: a reader sees one content or the other.
 */
const LIB = join(__dirname, '../../infra/local/lib.sh');

/**
 * Rewrites a file `writes` times with `writer` (a command evaluated in the script, so its `$file` is the pid file)
 * while reading it; prints "<empty reads> <reads>".
 */
const RACE = `
source "$LIB"
file="$DIR/some.pid"
write_atomically "$file" 12345
( for _ in $(seq 1 "$WRITES"); do eval "$WRITER"; done ) &
writer=$!
empty=0 reads=0
while kill -0 "$writer" 2>/dev/null; do
  value="$(cat "$file" 2>/dev/null)"
  reads=$((reads + 1))
  [ -n "$value" ] || empty=$((empty + 1))
done
echo "$empty $reads"
`;

function race(writer: string, writes: number): { empty: number; reads: number } {
  const dir = mkdtempSync(join(tmpdir(), 'pid-files-'));
  try {
    const run = spawnSync('bash', ['-c', RACE], {
      env: { ...process.env, LIB, DIR: dir, WRITES: String(writes), WRITER: writer },
      encoding: 'utf8',
    });
    const [empty = NaN, reads = NaN] = run.stdout.trim().split(' ').map(Number);
    return { empty, reads };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('Pid files of the plain-process stack', () => {
  test('When a pid file is rewritten with write_atomically while it is read, then no read finds it empty', () => {
    const { empty, reads } = race('write_atomically $file 12345', 500);

    expect(reads).toBeGreaterThan(0);
    expect(empty).toBe(0);
  });

  test('When it is rewritten with a plain redirection instead, then reads do find it empty (the race the stack had)', () => {
    const { empty } = race('echo 12345 >$file', 2000);

    expect(empty).toBeGreaterThan(0);
  });
});
