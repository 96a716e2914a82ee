import { DomainError } from '@wos/platform';
import type { WaitlistsService } from '../../waitlists/waitlists.service';

/** What the sign-up page's waitlist policy needs of the environment's waitlist (waitlists/). */
export interface WaitlistPort {
  /** Joins (again: the same entry); `user_exists` when the address already has an account. */
  join(environmentId: string, email: string): Promise<'joined' | 'user_exists'>;
}

export const WAITLIST = Symbol('WAITLIST');

export function waitlistPort(waitlists: WaitlistsService): WaitlistPort {
  return {
    async join(environmentId, email) {
      try {
        await waitlists.join(environmentId, email, { sendConfirmationEmail: true });
        return 'joined';
      } catch (err) {
        if (err instanceof DomainError && err.code === 'user_already_exists') return 'user_exists';
        throw err;
      }
    },
  };
}
