import { Inject, Injectable } from '@nestjs/common';
import { z } from 'zod';
import { DomainError, NotFoundError, RateLimitedError } from '@wos/platform';
import { APP_CONFIG, type AppConfig } from '../../config';
import { PasswordResetService } from '../../password-reset/password-reset.service';
import { AuthkitSettingsService } from '../branding/authkit-settings.service';
import type { MessageKey } from '../i18n/messages';
import { pageUrl } from '../pages/layout';
import { renderNotice } from '../pages/notice.page';
import { renderForgotPassword, renderResetPassword } from '../pages/password.page';
import { passwordProblem } from '../passwords/password-policy';
import type { FlowSession, Outcome } from './hosted-pages.service';

const forgotForm = z.object({ email: z.string().trim().toLowerCase().max(320).email() });
const TOKEN = /^[A-Za-z0-9_-]{16,256}$/;

/**
 * Password reset on the hosted pages: the request (the page reads the same whether or not the
 * address has an account) and the new password from the emailed link, which points at the
 * environment's custom domain when it has one. Resetting ends every session of the user
 * (PasswordResetService) and signs nobody in.
 */
@Injectable()
export class HostedRecoveryService {
  constructor(
    private readonly resets: PasswordResetService,
    private readonly settings: AuthkitSettingsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  showForgot(s: FlowSession, p: { email?: string; error?: MessageKey | null } = {}): Outcome {
    return { page: (ctx) => renderForgotPassword(ctx, p) };
  }

  async forgot(s: FlowSession, body: Record<string, unknown>): Promise<Outcome> {
    const form = forgotForm.safeParse(body);
    if (!form.success) return this.showForgot(s, { email: typeof body.email === 'string' ? body.email.slice(0, 320) : undefined, error: 'error.generic' });
    const env = s.flow.environmentId;
    const { customDomain } = await this.settings.forEnvironment(env);
    const origin = customDomain ? `https://${customDomain}` : this.config.PUBLIC_BASE_URL.replace(/\/$/, '');
    try {
      await this.resets.create(env, form.data.email, `${origin}${pageUrl(s.flow, 'reset-password')}`);
    } catch (err) {
      if (err instanceof RateLimitedError) return this.showForgot(s, { email: form.data.email, error: 'error.rate_limited' });
      if (!(err instanceof NotFoundError)) throw err;
    }
    return { page: (ctx) => renderNotice(ctx, { title: 'forgot.sent.title', body: 'forgot.sent.body', vars: { email: form.data.email }, link: s.flow.request ? [pageUrl(ctx, 'sign-in'), 'common.back_to_sign_in'] : null }) };
  }

  showReset(s: FlowSession, token: unknown, error: MessageKey | null = null, status = 200): Outcome {
    if (typeof token !== 'string' || !TOKEN.test(token)) return { page: (ctx) => renderNotice(ctx, { title: 'error.title', body: 'reset.error.token', alert: true }), status: 400 };
    return { page: (ctx) => renderResetPassword(ctx, { token, error }), status };
  }

  async reset(s: FlowSession, body: Record<string, unknown>): Promise<Outcome> {
    const token = body.token;
    const password = typeof body.password === 'string' ? body.password : '';
    if (typeof token !== 'string' || !TOKEN.test(token)) return this.showReset(s, token);
    const problem = passwordProblem(password);
    if (problem) return this.showReset(s, token, problem);
    try {
      await this.resets.reset(s.flow.environmentId, { token, new_password: password });
    } catch (err) {
      if (err instanceof DomainError && err.status < 500) return { page: (ctx) => renderNotice(ctx, { title: 'error.title', body: 'reset.error.token', alert: true }), status: 400 };
      throw err;
    }
    return { page: (ctx) => renderNotice(ctx, { title: 'reset.done.title', body: 'reset.done.body', link: s.flow.request ? [pageUrl(ctx, 'sign-in'), 'common.back_to_sign_in'] : null }) };
  }
}
