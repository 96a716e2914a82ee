// node:test reporter for tools/test.sh. Its output ends with "N passed, N failed" (tests only,
// suites excluded); before that line, one "✖ file › test: error" line per failure, so the tail of
// a CI log names what failed even when the spec reporter's lines are far above.
import { relative } from 'node:path';

export default async function* countReporter(source) {
  let passed = 0;
  let failed = 0;
  const failures = [];
  const fail = (data) => {
    failed++;
    const file = data.file ? relative(process.cwd(), data.file) : '?';
    const cause = data.details?.error?.cause ?? data.details?.error;
    const message = String(cause?.message ?? cause ?? '').split('\n')[0].slice(0, 200);
    failures.push(`✖ ${file} › ${data.name}: ${message}`);
  };
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    if (event.data.details?.type === 'suite') {
      // A suite that fails outside its tests (a failing before hook) still counts as a failure.
      if (event.type === 'test:fail' && event.data.details?.error?.failureType !== 'subtestsFailed') fail(event.data);
      continue;
    }
    if (event.data.skip || event.data.todo) continue;
    if (event.type === 'test:pass') passed++;
    else fail(event.data);
  }
  for (const line of failures) yield `${line}\n`;
  yield `${passed} passed, ${failed} failed\n`;
}
