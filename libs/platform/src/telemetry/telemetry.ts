import { NodeSDK } from '@opentelemetry/sdk-node';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { context, propagation, trace, SpanKind, SpanStatusCode, type Context } from '@opentelemetry/api';

const IGNORED_PATHS = new Set(['/health', '/ready', '/metrics']);
let sdk: NodeSDK | undefined;

/**
 * Starts the OpenTelemetry SDK. Must run before anything imports `http` or `undici`, which is
 * why every app's main.ts imports its instrument.ts first.
 * Tracing runs only when OTEL_EXPORTER_OTLP_ENDPOINT names a collector: the HTTP
 * instrumentation costs about a quarter of a service's CPU per request (docs/benchmarks.md),
 * which is not worth paying for spans that go nowhere. With it on, W3C trace context crosses
 * HTTP hops and Kafka (headers written with the outbox row), and logs carry trace IDs.
 * OTEL_SDK_DISABLED=true turns it off even with an endpoint.
 */
export function startTelemetry(serviceName: string, env: NodeJS.ProcessEnv = process.env): void {
  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (sdk || !endpoint || env.OTEL_SDK_DISABLED === 'true') return;
  sdk = new NodeSDK({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    traceExporter: new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, '')}/v1/traces` }),
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => IGNORED_PATHS.has((req.url ?? '').split('?')[0] ?? ''),
      }),
      new UndiciInstrumentation(),
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

/** Runs `fn` inside a consumer span that continues the producer's trace. */
export async function withConsumerSpan<T>(name: string, parent: Context, fn: () => Promise<T>): Promise<T> {
  const tracer = trace.getTracer('wos-kafka');
  return tracer.startActiveSpan(name, { kind: SpanKind.CONSUMER }, parent, async (span) => {
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
