import { Topic, type SamlCertificateRenewalRequiredWire, type SamlCertificateRenewedWire } from '@wos/contracts';
import { buildEvent, type OutboxMessage } from '@wos/platform';

/* Keyed like every connection.* event: by organization where there is one, else by connection. */

export function renewalRequiredEvent(data: SamlCertificateRenewalRequiredWire, environmentId: string): OutboxMessage {
  return { topic: Topic.sso, key: data.connection.organization_id ?? data.connection.id, event: buildEvent('connection.saml_certificate_renewal_required', data, environmentId) };
}

export function renewedEvent(data: SamlCertificateRenewedWire, environmentId: string): OutboxMessage {
  return { topic: Topic.sso, key: data.connection.organization_id ?? data.connection.id, event: buildEvent('connection.saml_certificate_renewed', data, environmentId) };
}
