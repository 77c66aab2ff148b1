import { appendFile, mkdir, readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';

const FILE_NAME = /^traces-(\d+)\.jsonl$/;
export const traceFileName = (index: number) => `traces-${index}.jsonl`;

/**
 * JSON lines in `traces-<n>.jsonl`, n growing: a new file is begun before a line would take the current one past
 * maxFileBytes, and only the newest maxFiles are kept. Appends are queued, so lines never interleave and each
 * `append` resolves once its line is on disk. A restarted sink continues after the files it finds.
 */
export class RotatingTraceFiles {
  private index = 1;
  private size = 0;
  private queue: Promise<void> = Promise.resolve();

  private constructor(
    private readonly dir: string,
    private readonly maxFileBytes: number,
    private readonly maxFiles: number,
  ) {}

  static async open(dir: string, maxFileBytes: number, maxFiles: number): Promise<RotatingTraceFiles> {
    await mkdir(dir, { recursive: true });
    const files = new RotatingTraceFiles(dir, maxFileBytes, maxFiles);
    const indexes = await files.indexes();
    const newest = indexes.at(-1);
    if (newest !== undefined) {
      files.index = newest;
      files.size = (await stat(join(dir, traceFileName(newest)))).size;
    }
    return files;
  }

  append(line: string): Promise<void> {
    const write = this.queue.then(() => this.write(`${line}\n`));
    this.queue = write.catch(() => undefined);
    return write;
  }

  /** Resolves when every append so far has settled. */
  flushed(): Promise<void> {
    return this.queue;
  }

  private async write(text: string): Promise<void> {
    const bytes = Buffer.byteLength(text);
    if (this.size > 0 && this.size + bytes > this.maxFileBytes) {
      this.index += 1;
      this.size = 0;
      await this.deleteOldest();
    }
    await appendFile(join(this.dir, traceFileName(this.index)), text);
    this.size += bytes;
  }

  private async deleteOldest(): Promise<void> {
    const older = (await this.indexes()).filter((index) => index < this.index);
    const excess = older.length - (this.maxFiles - 1);
    for (const index of older.slice(0, Math.max(0, excess))) {
      await unlink(join(this.dir, traceFileName(index))).catch(() => undefined);
    }
  }

  private async indexes(): Promise<number[]> {
    return (await readdir(this.dir))
      .map((name) => FILE_NAME.exec(name)?.[1])
      .filter((index): index is string => index !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
  }
}
