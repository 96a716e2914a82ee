// node:test reporter that counts passed and failed tests (suites excluded) and writes
// "N passed, N failed" as its only output, for tools/test.sh to print last.
export default async function* countReporter(source) {
  let passed = 0;
  let failed = 0;
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    if (event.data.details?.type === 'suite') {
      // A suite that fails outside its tests (a failing before hook) still counts as a failure.
      if (event.type === 'test:fail' && event.data.details?.error?.failureType !== 'subtestsFailed') failed++;
      continue;
    }
    if (event.data.skip || event.data.todo) continue;
    if (event.type === 'test:pass') passed++;
    else failed++;
  }
  yield `${passed} passed, ${failed} failed\n`;
}
