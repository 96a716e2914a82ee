import { Module } from '@nestjs/common';
import { AuthkitSettingsController } from './authkit-settings.controller';
import { AuthkitSettingsRepository } from './authkit-settings.repository';
import { AuthkitSettingsService } from './authkit-settings.service';

/**
 * Per-environment AuthKit settings (sign-up, MFA, branding, email). A module of its own, with no
 * imports, so both the hosted pages (AuthkitModule) and the mail outbox (MailModule) read one
 * service and one cache.
 */
@Module({ controllers: [AuthkitSettingsController], providers: [AuthkitSettingsRepository, AuthkitSettingsService], exports: [AuthkitSettingsService] })
export class AuthkitSettingsModule {}
