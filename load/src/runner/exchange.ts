import type { Dispatcher, Pool } from 'undici';

/** What the runner keeps of one answer: enough to classify it, nothing more. */
export interface Answer {
  status: number;
  /** 'array' mode: whether the body looked like a JSON array; 'json' mode: the body text; otherwise undefined. */
  looksLikeArray: boolean;
  text: string | undefined;
}

/** How much of the body to keep: its first and last non-blank bytes ('array'), all of it ('json'), or none. */
export type BodyMode = 'array' | 'json' | 'none';

const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const isBlank = (byte: number) => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;

/**
 * One request on undici's raw dispatch API: no stream, no body mixin, no per-chunk copies. A report body is only
 * checked for being a JSON array by its first and last non-blank bytes (the answers are rendered by one function
 * in reports-read; a truncated or error body fails this check), so report reads cost the generator next to
 * nothing; bodies that must be parsed ('json') are concatenated once.
 */
class AnswerHandler implements Dispatcher.DispatchHandler {
  private status = 0;
  private first = -1;
  private last = -1;
  private chunks: Buffer[] | undefined;

  constructor(
    private readonly mode: BodyMode,
    private readonly resolve: (answer: Answer) => void,
    private readonly reject: (error: Error) => void,
  ) {}

  /** Present so undici takes this for a handler of its current API (it checks for this method). */
  onRequestStart(): void {}

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number): void {
    this.status = statusCode;
    if (this.mode === 'json') this.chunks = [];
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.mode === 'json') this.chunks!.push(chunk);
    else if (this.mode === 'array') this.scan(chunk);
  }

  onResponseEnd(): void {
    this.resolve({
      status: this.status,
      looksLikeArray: this.first === OPEN_BRACKET && this.last === CLOSE_BRACKET,
      text: this.chunks && Buffer.concat(this.chunks).toString('utf8'),
    });
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.reject(error);
  }

  private scan(chunk: Buffer): void {
    let start = 0;
    if (this.first < 0) {
      while (start < chunk.length && isBlank(chunk[start]!)) start++;
      if (start < chunk.length) this.first = chunk[start]!;
    }
    let end = chunk.length - 1;
    while (end >= start && isBlank(chunk[end]!)) end--;
    if (end >= start) this.last = chunk[end]!;
  }
}

export function exchange(pool: Pool, options: Dispatcher.DispatchOptions, mode: BodyMode): Promise<Answer> {
  return new Promise<Answer>((resolve, reject) => {
    pool.dispatch(options, new AnswerHandler(mode, resolve, reject));
  });
}
