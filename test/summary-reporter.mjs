// A node:test reporter that ends the run with one line, "N passed, N failed", which CI reads.
// It is used beside the spec reporter, which prints the details.
export default async function* summaryReporter(source) {
  let passed = 0;
  let failed = 0;
  for await (const event of source) {
    // Only leaf tests count: a suite's own pass/fail event has `details.type === 'suite'`.
    if (event.type === 'test:pass' && event.data.details?.type !== 'suite') {
      if (!event.data.skip && !event.data.todo) passed += 1;
    } else if (event.type === 'test:fail' && event.data.details?.type !== 'suite') {
      failed += 1;
    }
  }
  yield `${passed} passed, ${failed} failed\n`;
}
