import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { RadarKnownDeviceWire } from '@wos/contracts';
import { LOGGER, type ConsumedEvent, type Logger } from '@wos/platform';
import { NewDeviceMailService } from '../new-device-mail.service';

/** radar.events.v1: an account's first successful sign-in from a device becomes the "new device" email. */
@Controller()
export class RadarEventsConsumer {
  private readonly log: Logger;

  constructor(@Inject(LOGGER) logger: Logger, private readonly newDevice: NewDeviceMailService) {
    this.log = logger.child({ context: RadarEventsConsumer.name });
  }

  @EventPattern('radar.known_device.created')
  async knownDeviceCreated(@Payload() e: ConsumedEvent): Promise<void> {
    const d = e.envelope.data as unknown as RadarKnownDeviceWire;
    const result = await this.newDevice.notify(e.envelope.environment_id, e.envelope.id, d);
    if (result === 'mailed') this.log.info({ user_id: d.user_id, attempt_id: d.attempt_id }, 'new-device email queued');
  }
}
