import type { NodeSDK } from '@opentelemetry/sdk-node';
import { context, isSpanContextValid, propagation, trace, SpanKind, SpanStatusCode, type Context, type SpanContext } from '@opentelemetry/api';

const IGNORED_PATHS = new Set(['/health', '/ready', '/metrics']);
let sdk: NodeSDK | undefined;

/**
 * Starts the OpenTelemetry SDK. Must run before anything imports `http`, which is why every
 * app's main.ts imports its instrument.ts first. Outgoing service calls carry the context
 * explicitly (injectTraceHeaders in the gateway's proxy): the undici instrumentation would add
 * a second `traceparent` to a request that already has one.
 * Tracing runs only when OTEL_EXPORTER_OTLP_ENDPOINT names a collector: the HTTP
 * instrumentation costs about a quarter of a service's CPU per request (docs/benchmarks.md),
 * which is not worth paying for spans that go nowhere. With it on, W3C trace context crosses
 * HTTP hops and Kafka (headers written with the outbox row), and logs carry trace IDs.
 * OTEL_SDK_DISABLED=true turns it off even with an endpoint. The SDK, exporter and
 * instrumentation are loaded only then: they hold about 35 MiB of each process's memory.
 */
export function startTelemetry(serviceName: string, env: NodeJS.ProcessEnv = process.env): void {
  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (sdk || !endpoint || env.OTEL_SDK_DISABLED === 'true') return;
  const { NodeSDK } = require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
  const { resourceFromAttributes } = require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  sdk = new NodeSDK({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    traceExporter: new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, '')}/v1/traces` }),
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => IGNORED_PATHS.has((req.url ?? '').split('?')[0] ?? ''),
      }),
    ],
  });
  sdk.start();
}

export async function stopTelemetry(): Promise<void> {
  await sdk?.shutdown();
  sdk = undefined;
}

/** Writes the active trace context into Kafka message headers (W3C `traceparent`/`tracestate`). */
export function injectTraceHeaders(headers: Record<string, string> = {}): Record<string, string> {
  propagation.inject(context.active(), headers);
  return headers;
}

/** Reads trace context from Kafka headers, as a parent for the consumer's span. */
export function extractTraceContext(headers: Record<string, Buffer | string | undefined> | undefined): Context {
  const carrier: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) if (v !== undefined) carrier[k] = v.toString();
  return propagation.extract(context.active(), carrier);
}

/**
 * Runs `fn` inside one consumer span for a batch of messages. A batch mixes many producers'
 * traces, so instead of one parent the span links to every message's trace context (the
 * OpenTelemetry convention for batch receives). A no-op when tracing is off.
 */
export async function withBatchConsumerSpan<T>(name: string, parents: Context[], fn: () => Promise<T>): Promise<T> {
  const links = parents
    .map((p) => trace.getSpanContext(p))
    .filter((c): c is SpanContext => !!c && isSpanContextValid(c))
    .map((context) => ({ context }));
  const attributes = { 'messaging.system': 'kafka', 'messaging.batch.message_count': parents.length };
  return trace.getTracer('wos-kafka').startActiveSpan(name, { kind: SpanKind.CONSUMER, links, attributes }, async (span) => {
    try {
      return await fn();
    } catch (err) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
      throw err;
    } finally {
      span.end();
    }
  });
}
