import { buildOpenApi } from '@wos/platform';
import { listEnvelopeSchema } from '@wos/contracts';
import { createEndpointSchema, listEndpointsQuerySchema, rotateSecretSchema, updateEndpointSchema, webhookEndpointDetailSchema, webhookEndpointSchema } from './endpoints/endpoints.dto';
import { deliveryAttemptSchema, listAttemptsQuerySchema, redeliverSchema, redeliverySchema, replaySchema } from './delivery/deliveries.dto';

export function webhooksOpenApi(): Record<string, unknown> {
  return buildOpenApi('Webhooks', [
    { method: 'get', path: '/webhook_endpoints', summary: 'List webhook endpoints', query: listEndpointsQuerySchema, response: listEnvelopeSchema(webhookEndpointSchema) },
    { method: 'post', path: '/webhook_endpoints', summary: 'Create a webhook endpoint', body: createEndpointSchema, response: webhookEndpointSchema, status: 201 },
    { method: 'get', path: '/webhook_endpoints/:id', summary: 'Get a webhook endpoint with its delivery health (extension)', response: webhookEndpointDetailSchema },
    { method: 'patch', path: '/webhook_endpoints/:id', summary: 'Update a webhook endpoint', body: updateEndpointSchema, response: webhookEndpointSchema },
    { method: 'delete', path: '/webhook_endpoints/:id', summary: 'Delete a webhook endpoint', status: 204 },
    { method: 'post', path: '/webhook_endpoints/:id/rotate_secret', summary: 'Rotate the signing secret with a grace period (extension)', body: rotateSecretSchema, response: webhookEndpointDetailSchema },
    { method: 'get', path: '/webhook_endpoints/:id/delivery_attempts', summary: 'List delivery attempts (extension)', query: listAttemptsQuerySchema, response: listEnvelopeSchema(deliveryAttemptSchema) },
    { method: 'post', path: '/webhook_endpoints/:id/redeliveries', summary: 'Redeliver one event (extension)', body: redeliverSchema, response: redeliverySchema, status: 202 },
    { method: 'post', path: '/webhook_endpoints/:id/replays', summary: 'Replay every event in a time range (extension)', body: replaySchema, response: redeliverySchema, status: 202 },
  ]);
}
