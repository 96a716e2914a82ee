import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csvLine, EXPORT_HEADER, exportFileName, exportLine, RATE_LIMITS_HEADER, rateLimitLine } from './usage-csv';

test('the export has a header and one CRLF line per user with ISO instants', () => {
  assert.equal(csvLine(EXPORT_HEADER), 'user_id,first_active_at,last_active_at,reason\r\n');
  const line = exportLine({ userId: 'user_01A', firstActiveAt: new Date('2026-12-01T10:00:00Z'), lastActiveAt: new Date('2026-12-02T11:00:00Z'), reason: 'session.created' });
  assert.equal(line, 'user_01A,2026-12-01T10:00:00.000Z,2026-12-02T11:00:00.000Z,session.created\r\n');
});

test('fields with separators are quoted; the file name keeps only safe characters', () => {
  assert.equal(csvLine(['a,b', 'say "hi"', 'x\ny']), '"a,b","say ""hi""","x\ny"\r\n');
  assert.equal(exportFileName('environment_01"\r\nX', '2026-12'), 'usage-environment_01X-2026-12.csv');
});

test('the rate-limit report: one line per bucket, a name that could start a formula kept as text, its own file name', () => {
  assert.equal(csvLine(RATE_LIMITS_HEADER), 'bucket,requests,limited\r\n');
  assert.equal(rateLimitLine({ bucket: 'GET /organizations per environment', requests: 5, limited: 3 }), 'GET /organizations per environment,5,3\r\n');
  assert.equal(rateLimitLine({ bucket: '=HYPERLINK("x")', requests: 1, limited: 0 }), `"'=HYPERLINK(""x"")",1,0\r\n`);
  assert.equal(exportFileName('environment_01', '2026-12', 'rate_limits'), 'usage-rate-limits-environment_01-2026-12.csv');
});
