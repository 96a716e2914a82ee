import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Algorithm, hash, verify } from '@node-rs/argon2';
import { verify as bcryptVerify } from '@node-rs/bcrypt';
import { safeEqual, ValidationError } from '@wos/platform';
import { APP_CONFIG, type AppConfig } from '../config';

/** Hash formats a user may be imported with (`password_hash_type`). */
export type ImportedHashType = 'argon2' | 'bcrypt' | 'ssha';
export const SUPPORTED_HASH_TYPES: readonly string[] = ['argon2', 'bcrypt', 'ssha'];

/**
 * Highest work an imported hash may ask for. One sign-in against an uncapped hash (bcrypt cost 31,
 * argon2 m=4 GiB) would stall or exhaust the shared service for every tenant.
 */
export const IMPORT_LIMITS = { bcryptCost: 14, argon2MemoryKib: 65_536, argon2TimeCost: 10, argon2Parallelism: 4 } as const;

const ARGON2_PHC = /^\$argon2(id|i|d)\$v=\d+\$m=(\d+),t=(\d+),p=(\d+)\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/;
const BCRYPT = /^\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}$/;

/**
 * Password hashing. New passwords are argon2id with OWASP parameters (m=19 MiB, t=2, p=1).
 * Imported hashes are kept as given (argon2 PHC strings, bcrypt `$2a$/$2b$/$2y$` strings, `{SSHA}`
 * strings) within IMPORT_LIMITS, verified in their own format, and replaced by the platform's
 * argon2id after the next successful sign-in (`needsRehash`). Invariants: every verification
 * runs off the event loop (argon2 and bcrypt are native and run on libuv's pool); a hash over the
 * limits never runs, even one stored before they existed; a sign-in against a user without a
 * usable hash still costs one argon2 verification, so timing does not tell whether the email exists.
 */
@Injectable()
export class PasswordsService {
  private readonly options;
  private readonly currentPrefix: string;
  private dummyHash?: Promise<string>;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.options = { algorithm: Algorithm.Argon2id, memoryCost: config.ARGON2_MEMORY_KIB, timeCost: config.ARGON2_TIME_COST, parallelism: 1 };
    this.currentPrefix = `$argon2id$v=19$m=${config.ARGON2_MEMORY_KIB},t=${config.ARGON2_TIME_COST},p=1$`;
  }

  hash(password: string): Promise<string> {
    return hash(password, this.options);
  }

  /** True when `stored` is not the platform's current argon2id: rehash it after a successful sign-in. */
  needsRehash(stored: string): boolean {
    return !stored.startsWith(this.currentPrefix);
  }

  /** Validates an imported hash and returns what to store. */
  importHash(passwordHash: string, type: string): string {
    if (type === 'argon2') {
      const m = ARGON2_PHC.exec(passwordHash);
      if (!m) throw invalidHash('password_hash must be an argon2 PHC string.');
      const over = argon2OverLimit(Number(m[2]), Number(m[3]), Number(m[4]));
      if (over) throw costTooHigh(`password_hash asks for argon2 ${over}.`);
      return passwordHash;
    }
    if (type === 'bcrypt') {
      const m = BCRYPT.exec(passwordHash);
      if (!m || Number(m[1]) < 4) throw invalidHash('password_hash must be a bcrypt string ($2a$, $2b$ or $2y$).');
      if (Number(m[1]) > IMPORT_LIMITS.bcryptCost) throw costTooHigh(`password_hash asks for bcrypt cost ${Number(m[1])}; the most allowed is ${IMPORT_LIMITS.bcryptCost}.`);
      return passwordHash;
    }
    if (type === 'ssha') {
      const raw = passwordHash.startsWith('{SSHA}') ? Buffer.from(passwordHash.slice(6), 'base64') : Buffer.alloc(0);
      if (raw.length <= 20) throw invalidHash('password_hash must be a {SSHA} string.');
      return passwordHash;
    }
    throw new ValidationError([{ field: 'password_hash_type', code: 'password_hash_type_not_supported', message: `password_hash_type ${type} is not supported here; supported: ${SUPPORTED_HASH_TYPES.join(', ')}.` }]);
  }

  /** Constant work whatever the stored value: a missing or unusable hash is checked against a dummy one. */
  async verify(stored: string | null, password: string): Promise<boolean> {
    if (stored?.startsWith('{SSHA}')) return verifySsha(stored, password);
    if (stored && withinLimits(stored)) {
      if (stored.startsWith('$2')) return bcryptVerify(password, stored).catch(() => false);
      if (stored.startsWith('$argon2')) return verify(stored, password).catch(() => false);
    }
    this.dummyHash ??= this.hash('dummy password for timing equalisation');
    await verify(await this.dummyHash, password).catch(() => false);
    return false;
  }
}

/** Whether a stored bcrypt or argon2 hash may run at all (see IMPORT_LIMITS). */
function withinLimits(stored: string): boolean {
  const b = BCRYPT.exec(stored);
  if (b) return Number(b[1]) <= IMPORT_LIMITS.bcryptCost;
  const a = ARGON2_PHC.exec(stored);
  return a !== null && argon2OverLimit(Number(a[2]), Number(a[3]), Number(a[4])) === null;
}

function argon2OverLimit(m: number, t: number, p: number): string | null {
  if (m > IMPORT_LIMITS.argon2MemoryKib) return `m=${m} KiB; the most allowed is ${IMPORT_LIMITS.argon2MemoryKib} KiB (64 MiB)`;
  if (t > IMPORT_LIMITS.argon2TimeCost) return `t=${t}; the most allowed is ${IMPORT_LIMITS.argon2TimeCost}`;
  if (p > IMPORT_LIMITS.argon2Parallelism) return `p=${p}; the most allowed is ${IMPORT_LIMITS.argon2Parallelism}`;
  return null;
}

const invalidHash = (message: string) => new ValidationError([{ field: 'password_hash', code: 'password_hash_invalid', message }]);
const costTooHigh = (message: string) => new ValidationError([{ field: 'password_hash', code: 'password_hash_cost_too_high', message }]);

function verifySsha(stored: string, password: string): boolean {
  const raw = Buffer.from(stored.slice(6), 'base64');
  const digest = raw.subarray(0, 20);
  const salt = raw.subarray(20);
  const computed = createHash('sha1').update(password).update(salt).digest();
  return safeEqual(computed.toString('hex'), digest.toString('hex'));
}
