import { DomainError } from '@wos/platform';

/**
 * SEAM (merge point): the sign-up page's waitlist policy calls `join`. Identity's waitlist
 * service is being built on another branch; at merge, bind WAITLIST to it in AuthkitModule
 * (`{ provide: WAITLIST, useExisting: WaitlistService }`). Until then the waitlist page refuses,
 * saying the waitlist is unavailable, and records nothing.
 */
export interface WaitlistPort {
  join(environmentId: string, email: string): Promise<void>;
}

export const WAITLIST = Symbol('WAITLIST');

export class WaitlistUnavailableError extends DomainError {
  constructor() {
    super(503, 'waitlist_unavailable', 'The waitlist is not available.');
  }
}

export class UnavailableWaitlist implements WaitlistPort {
  join(): Promise<void> {
    return Promise.reject(new WaitlistUnavailableError());
  }
}
