import { NodeSDK } from '@opentelemetry/sdk-node';
import { NoopSpanProcessor } from '@opentelemetry/sdk-trace';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { context, propagation, trace, SpanKind, SpanStatusCode, type Context } from '@opentelemetry/api';

const IGNORED_PATHS = new Set(['/health', '/ready', '/metrics']);
let sdk: NodeSDK | undefined;

/**
 * Starts the OpenTelemetry SDK. Must run before anything imports `http` or `undici`, which is
 * why every app's main.ts imports its instrument.ts first. Spans are exported only when
 * OTEL_EXPORTER_OTLP_ENDPOINT is set; W3C trace context is propagated either way.
 * OTEL_SDK_DISABLED=true turns the whole thing off.
 */
export function startTelemetry(serviceName: string, env: NodeJS.ProcessEnv = process.env): void {
  if (sdk || env.OTEL_SDK_DISABLED === 'true') return;
  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  sdk = new NodeSDK({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    traceExporter: endpoint ? new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, '')}/v1/traces` }) : undefined,
    // Without an exporter, spans still get real IDs (for logs and propagation) but go nowhere.
    spanProcessors: endpoint ? undefined : [new NoopSpanProcessor()],
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
