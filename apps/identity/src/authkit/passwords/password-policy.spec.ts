import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { breachedPasswordCount, isBreachedPassword } from './breached-passwords';
import { passwordProblem } from './password-policy';
import { passwordScore } from './password-strength';

describe('hosted pages password policy', () => {
  test('the bundled breached list is loaded and matched case-insensitively', () => {
    assert.ok(breachedPasswordCount() >= 10_000, `${breachedPasswordCount()} entries`);
    assert.equal(isBreachedPassword('password123'), true);
    assert.equal(isBreachedPassword('PassWord123'), true);
    assert.equal(isBreachedPassword('violet Kestrel drifts 47 miles'), false);
  });

  test('length, breached list and strength, in that order', () => {
    assert.equal(passwordProblem('short'), 'password.error.short');
    assert.equal(passwordProblem('x'.repeat(257)), 'password.error.long');
    assert.equal(passwordProblem('qwertyuiop'), 'password.error.breached');
    assert.equal(passwordProblem('aaaaaaaaaaaaaa'), 'password.error.weak');
    assert.equal(passwordProblem('abcdefghijklmnop'), 'password.error.weak');
    assert.equal(passwordProblem('violet Kestrel drifts 47 miles'), null);
  });

  test('the score grows with length and variety, and runs count little', () => {
    assert.equal(passwordScore(''), 0);
    assert.ok(passwordScore('abcdefghij') < passwordScore('qzmvtrxkpw'));
    assert.equal(passwordScore('violet Kestrel drifts 47 miles'), 4);
    // The page inlines the function's source: it must run on its own.
    const inlined = new Function(`return (${passwordScore.toString()})`)() as typeof passwordScore;
    assert.equal(inlined('Saffron lanterns hum 93 times'), passwordScore('Saffron lanterns hum 93 times'));
  });
});
