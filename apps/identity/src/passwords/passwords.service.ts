import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Algorithm, hash, verify } from '@node-rs/argon2';
import bcrypt from 'bcryptjs';
import { safeEqual, ValidationError } from '@wos/platform';
import { APP_CONFIG, type AppConfig } from '../config';

/** Hash formats a user may be imported with (`password_hash_type`). */
export type ImportedHashType = 'argon2' | 'bcrypt' | 'ssha';
export const SUPPORTED_HASH_TYPES: readonly string[] = ['argon2', 'bcrypt', 'ssha'];

/**
 * Password hashing. New passwords are argon2id with OWASP parameters (m=19 MiB, t=2, p=1).
 * Imported hashes are kept as given (argon2 PHC strings, bcrypt `$2a$/$2b$/$2y$` strings, `{SSHA}`
 * strings) and verified in their own format. Invariant: a sign-in against a user without a usable hash still costs one argon2
 * verification, so response time does not tell whether the email exists.
 */
@Injectable()
export class PasswordsService {
  private readonly options;
  private dummyHash?: Promise<string>;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.options = { algorithm: Algorithm.Argon2id, memoryCost: config.ARGON2_MEMORY_KIB, timeCost: config.ARGON2_TIME_COST, parallelism: 1 };
  }

  hash(password: string): Promise<string> {
    return hash(password, this.options);
  }

  /** Validates an imported hash and returns what to store. */
  importHash(passwordHash: string, type: string): string {
    if (type === 'argon2') {
      if (!/^\$argon2(id|i|d)\$v=\d+\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/.test(passwordHash)) {
        throw new ValidationError([{ field: 'password_hash', code: 'password_hash_invalid', message: 'password_hash must be an argon2 PHC string.' }]);
      }
      return passwordHash;
    }
    if (type === 'bcrypt') {
      if (!/^\$2[aby]\$(0[4-9]|[12]\d|3[01])\$[./A-Za-z0-9]{53}$/.test(passwordHash)) {
        throw new ValidationError([{ field: 'password_hash', code: 'password_hash_invalid', message: 'password_hash must be a bcrypt string ($2a$, $2b$ or $2y$, cost 4-31).' }]);
      }
      return passwordHash;
    }
    if (type === 'ssha') {
      const raw = passwordHash.startsWith('{SSHA}') ? Buffer.from(passwordHash.slice(6), 'base64') : Buffer.alloc(0);
      if (raw.length <= 20) throw new ValidationError([{ field: 'password_hash', code: 'password_hash_invalid', message: 'password_hash must be a {SSHA} string.' }]);
      return passwordHash;
    }
    throw new ValidationError([{ field: 'password_hash_type', code: 'password_hash_type_not_supported', message: `password_hash_type ${type} is not supported here; supported: ${SUPPORTED_HASH_TYPES.join(', ')}.` }]);
  }

  /** Constant work whatever the stored value: a missing hash is checked against a dummy one. */
  async verify(stored: string | null, password: string): Promise<boolean> {
    if (stored?.startsWith('{SSHA}')) return verifySsha(stored, password);
    if (stored?.startsWith('$2')) return bcrypt.compare(password, stored).catch(() => false);
    if (stored?.startsWith('$argon2')) {
      try {
        return await verify(stored, password);
      } catch {
        return false;
      }
    }
    this.dummyHash ??= this.hash('dummy password for timing equalisation');
    await verify(await this.dummyHash, password).catch(() => false);
    return false;
  }
}

function verifySsha(stored: string, password: string): boolean {
  const raw = Buffer.from(stored.slice(6), 'base64');
  const digest = raw.subarray(0, 20);
  const salt = raw.subarray(20);
  const computed = createHash('sha1').update(password).update(salt).digest();
  return safeEqual(computed.toString('hex'), digest.toString('hex'));
}
