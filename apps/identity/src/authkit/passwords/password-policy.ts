import type { MessageKey } from '../i18n/messages';
import { isBreachedPassword } from './breached-passwords';
import { passwordScore } from './password-strength';

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 256;
/** The lowest passwordScore a new password may have. */
export const MIN_PASSWORD_SCORE = 2;

/** Why a new password chosen on a hosted page is refused (a message key), or null. Authoritative. */
export function passwordProblem(password: string): MessageKey | null {
  if (password.length < MIN_PASSWORD_LENGTH) return 'password.error.short';
  if (password.length > MAX_PASSWORD_LENGTH) return 'password.error.long';
  if (isBreachedPassword(password)) return 'password.error.breached';
  if (passwordScore(password) < MIN_PASSWORD_SCORE) return 'password.error.weak';
  return null;
}
