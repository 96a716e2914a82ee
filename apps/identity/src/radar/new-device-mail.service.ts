import { Injectable, type OnModuleInit } from '@nestjs/common';
import { claimInbox } from '@wos/platform';
import type { RadarKnownDeviceWire } from '@wos/contracts';
import { PrismaService } from '../infra/prisma.service';
import { MailOutbox } from '../mail/mail-outbox.service';
import { UsersService } from '../users/users.service';
import { userAgentFamily } from './device-id';

const CONSUMER = 'identity.radar-new-device';

/**
 * The "new device" email: radar writes `radar.known_device.created` once per account and device
 * (its first successful sign-in from it); this mails the user unless it was the account's first
 * device. Idempotent: the inbox claim and the mail row commit in one transaction, so a redelivered
 * event mails nothing more, and a retried sign-in from the same device produces no new event.
 */
@Injectable()
export class NewDeviceMailService implements OnModuleInit {
  constructor(
    private readonly prisma: PrismaService,
    private readonly mail: MailOutbox,
    private readonly users: UsersService,
  ) {}

  onModuleInit(): void {
    // Sent only while the user still exists; the row's variables hold no secret.
    this.mail.registerResolver('new_device', async (env, userId) => ((await this.users.findById(env, userId)) ? { vars: {} } : { skip: 'user deleted' }));
  }

  /** 'mailed', or why not. */
  async notify(environmentId: string, eventId: string, d: RadarKnownDeviceWire): Promise<'mailed' | 'first_device' | 'no_user' | 'duplicate'> {
    if (d.first_for_account) return 'first_device';
    const user = d.user_id ? await this.users.findById(environmentId, d.user_id) : null;
    if (!user) return 'no_user';
    const mailed = await this.prisma.$transaction(async (tx) => {
      if (!(await claimInbox(tx, CONSUMER, eventId))) return false;
      await this.mail.enqueue(tx, {
        environmentId,
        template: 'new_device',
        entityId: user.id,
        recipient: user.email,
        vars: {
          email: user.email,
          device: d.user_agent ? userAgentFamily(d.user_agent) : 'an unknown device',
          ip_address: d.ip_address || 'an unknown address',
          location: d.country ?? 'an unknown place',
          signed_in_at: d.created_at,
        },
      });
      return true;
    });
    if (!mailed) return 'duplicate';
    void this.mail.kick();
    return 'mailed';
  }
}
