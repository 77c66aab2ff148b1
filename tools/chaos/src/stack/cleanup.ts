/*
 * Everything the run starts registers how to stop it here, at once, so that a failure anywhere, or ctrl-C, stops
 * all of it: the steps run in reverse order of registration, each bounded, each failure reported and passed by.
 */
export class Cleanup {
  private readonly steps: { name: string; run: () => Promise<unknown> }[] = [];
  private running: Promise<void> | undefined;

  constructor(private readonly log: (line: string) => void) {}

  add(name: string, run: () => Promise<unknown>): void {
    this.steps.push({ name, run });
  }

  /** Runs every step once, even when called again meanwhile (a second ctrl-C waits for the first). */
  runAll(timeoutMs = 60_000): Promise<void> {
    this.running ??= (async () => {
      for (const step of this.steps.splice(0).reverse()) {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<'timeout'>(
          (resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)),
        );
        try {
          const outcome = await Promise.race([step.run(), timeout]);
          if (outcome === 'timeout')
            this.log(`cleanup: ${step.name} did not finish within ${timeoutMs / 1000} s`);
        } catch (error) {
          this.log(`cleanup: ${step.name} failed: ${error instanceof Error ? error.message : String(error)}`);
        } finally {
          clearTimeout(timer);
        }
      }
    })();
    return this.running;
  }
}
