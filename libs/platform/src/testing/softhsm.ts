import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/* Where Debian's softhsm2 package puts the PKCS#11 module (tools/setup.sh installs it). */
const LIBRARIES = ['/usr/lib/softhsm/libsofthsm2.so', '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so', '/usr/local/lib/softhsm/libsofthsm2.so'];

/** The SoftHSM2 PKCS#11 module and the pkcs11js binding, or why a PKCS#11 test cannot run here. */
export function softHsmAvailability(): { library: string } | { missing: string } {
  const library = LIBRARIES.find((l) => existsSync(l));
  if (!library) return { missing: 'SoftHSM2 is not installed (apt-get install softhsm2; tools/setup.sh does it)' };
  try {
    createRequire(__filename)('pkcs11js');
  } catch {
    return { missing: 'the pkcs11js package is not built (npm install with its install script allowed)' };
  }
  return { library };
}

export interface SoftHsmKeySpec {
  label: string;
  /** false (the default) makes a key that can never leave the token, as a root key must be. */
  extractable?: boolean;
}

export interface SoftHsmToken {
  library: string;
  /** Point SOFTHSM2_CONF at this in every process that opens the token. */
  conf: string;
  label: string;
  pin: string;
  remove(): void;
}

type P11 = Record<string, number> & {
  PKCS11: new () => {
    load(path: string): void;
    C_Initialize(): void;
    C_Finalize(): void;
    C_GetSlotList(present: boolean): Buffer[];
    C_GetTokenInfo(slot: Buffer): { label: string };
    C_OpenSession(slot: Buffer, flags: number): Buffer;
    C_Login(session: Buffer, user: number, pin: string): void;
    C_GenerateKey(session: Buffer, mechanism: { mechanism: number }, template: { type: number; value: unknown }[]): Buffer;
    C_CloseSession(session: Buffer): void;
  };
};

/**
 * A fresh SoftHSM2 token in a temporary directory of its own (its own softhsm2.conf), initialised
 * with softhsm2-util and given AES-256 token keys generated inside it. Tests only.
 */
export function createSoftHsmToken(label: string, keys: SoftHsmKeySpec[], pin = '246810'): SoftHsmToken {
  const available = softHsmAvailability();
  if ('missing' in available) throw new Error(available.missing);
  const dir = mkdtempSync(join(tmpdir(), 'softhsm-'));
  const conf = join(dir, 'softhsm2.conf');
  mkdirSync(join(dir, 'tokens'));
  writeFileSync(conf, `directories.tokendir = ${join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`);
  const env = { ...process.env, SOFTHSM2_CONF: conf };
  execFileSync('softhsm2-util', ['--init-token', '--free', '--label', label, '--so-pin', `${pin}0`, '--pin', pin], { env, stdio: 'pipe' });

  // The module reads SOFTHSM2_CONF when it is initialised: set it for that moment only.
  const previous = process.env.SOFTHSM2_CONF;
  process.env.SOFTHSM2_CONF = conf;
  const p = createRequire(__filename)('pkcs11js') as P11;
  const m = new p.PKCS11();
  m.load(available.library);
  m.C_Initialize();
  try {
    const slot = m.C_GetSlotList(true).find((s) => m.C_GetTokenInfo(s).label.trim() === label)!;
    const session = m.C_OpenSession(slot, p.CKF_SERIAL_SESSION! | p.CKF_RW_SESSION!);
    m.C_Login(session, p.CKU_USER!, pin);
    for (const k of keys) {
      const extractable = k.extractable ?? false;
      m.C_GenerateKey(session, { mechanism: p.CKM_AES_KEY_GEN! }, [
        { type: p.CKA_CLASS!, value: p.CKO_SECRET_KEY },
        { type: p.CKA_KEY_TYPE!, value: p.CKK_AES },
        { type: p.CKA_VALUE_LEN!, value: 32 },
        { type: p.CKA_TOKEN!, value: true },
        { type: p.CKA_LABEL!, value: k.label },
        { type: p.CKA_ENCRYPT!, value: true },
        { type: p.CKA_DECRYPT!, value: true },
        { type: p.CKA_WRAP!, value: true },
        { type: p.CKA_EXTRACTABLE!, value: extractable },
        { type: p.CKA_SENSITIVE!, value: !extractable },
      ]);
    }
    m.C_CloseSession(session);
  } finally {
    m.C_Finalize();
    if (previous === undefined) delete process.env.SOFTHSM2_CONF;
    else process.env.SOFTHSM2_CONF = previous;
  }
  return { library: available.library, conf, label, pin, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
