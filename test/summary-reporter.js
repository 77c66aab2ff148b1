// Prints one plain closing line per Jest run ("tests: N passed, N failed, N skipped"), so CI logs and humans
// read the outcome of each tier the same way whatever the runner prints above it.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    process.stdout.write(
      `tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped\n`,
    );
  }
}

module.exports = SummaryReporter;
