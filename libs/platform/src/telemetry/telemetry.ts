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

/** The trace context `ctx` as W3C headers (`traceparent`/`tracestate`); empty when tracing is off. */
export function traceHeadersOf(ctx: Context): Record<string, string> {
  const headers: Record<string, string> = {};
  propagation.inject(ctx, headers);
  return headers;
}

/**
 * Runs `fn` inside one consumer span for a batch of messages. A batch mixes many producers'
 * traces, so the batch span links to every message's trace context (the OpenTelemetry convention
 * for batch receives), and each distinct parent also gets a `process` span of its own, a child
 * in the producer's trace that lasts as long as the batch: a request's trace thus continues
 * through Kafka into every consumer. A no-op when tracing is off (nothing is extracted then).
 */
export async function withBatchConsumerSpan<T>(name: string, parents: Context[], fn: () => Promise<T>): Promise<T> {
  const valid = new Map<string, Context>();
  for (const p of parents) {
    const c = trace.getSpanContext(p);
    if (c && isSpanContextValid(c)) valid.set(c.spanId, p);
  }
  const links = [...valid.values()].map((p) => ({ context: trace.getSpanContext(p)! }));
  const attributes = { 'messaging.system': 'kafka', 'messaging.batch.message_count': parents.length };
  const tracer = trace.getTracer('wos-kafka');
  return tracer.startActiveSpan(name, { kind: SpanKind.CONSUMER, links, attributes }, async (span) => {
    const perParent = [...valid.values()].map((p) =>
      tracer.startSpan(name, { kind: SpanKind.CONSUMER, links: [{ context: span.spanContext() }], attributes: { 'messaging.system': 'kafka' } }, p),
    );
    try {
      return await fn();
    } catch (err) {
      for (const s of [span, ...perParent]) s.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
      throw err;
    } finally {
      for (const s of perParent) s.end();
      span.end();
    }
  });
}

/**
 * Runs `fn` inside a span whose parent is the trace context in `headers` (as traceHeadersOf
 * wrote it; a new trace when absent), e.g. a queued job continuing the trace that queued it.
 */
export async function withSpanFrom<T>(name: string, headers: Record<string, string> | undefined, kind: SpanKind, fn: () => Promise<T>): Promise<T> {
  const parent = headers ? propagation.extract(context.active(), headers) : context.active();
  return trace.getTracer('wos').startActiveSpan(name, { kind }, parent, async (span) => {
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
