import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { csvField, csvHeader, csvLine, EXPORT_COLUMNS } from './export-csv';

describe('export CSV', () => {
  test('quotes only fields that need it, doubling quotes (RFC 4180)', () => {
    assert.equal(csvField('plain'), 'plain');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('two\nlines'), '"two\nlines"');
  });
  test('one line per event, in the header order, objects as JSON with sorted keys, then the chain position', () => {
    assert.equal(csvHeader(), `${EXPORT_COLUMNS.join(',')}\r\n`);
    const line = csvLine({
      id: 'audit_log_event_1',
      occurredAt: new Date('2026-12-01T00:00:00Z'),
      action: 'doc.viewed',
      version: null,
      actor: { id: 'u', type: 'user', metadata: { role: 'admin' } },
      targets: [{ id: 'd', type: 'document' }],
      context: { location: '1.1.1.1' },
      metadata: { z: 1, a: { y: true, b: 'x' } },
    }, 7);
    assert.equal(line, 'audit_log_event_1,2026-12-01T00:00:00.000Z,doc.viewed,,u,user,,"{""role"":""admin""}","[{""id"":""d"",""type"":""document""}]",1.1.1.1,,"{""a"":{""b"":""x"",""y"":true},""z"":1}",7\r\n');
  });
});
