import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MailTemplates } from './mail.templates';

describe('MailTemplates', () => {
  test('fills the built-in templates', () => {
    const t = new MailTemplates();
    const m = t.render('magic_auth', { email: 'a@b.co', code: '012345', expires_in_minutes: '10' });
    assert.equal(m.subject, 'Your sign-in code');
    assert.match(m.text, /012345/);
    assert.match(m.html, /<strong>012345<\/strong>/);
  });

  test('escapes variables in HTML and keeps subjects on one line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mail-tpl-'));
    writeFileSync(join(dir, 'invitation.subject.txt'), 'Join {{organization_id}}\n');
    writeFileSync(join(dir, 'invitation.html'), '<p>{{inviter}}</p>');
    const t = new MailTemplates(dir);
    const m = t.render('invitation', { email: 'x@y.co', url: 'http://u', organization_id: 'org\r\nBcc: evil@x.co', inviter: '<script>"', expires_at: 'soon' });
    assert.equal(m.subject, 'Join org Bcc: evil@x.co');
    assert.equal(m.html, '<p>&lt;script&gt;&quot;</p>');
    assert.match(m.text, /http:\/\/u/, 'a template without an override file keeps the built-in text');
  });
});
