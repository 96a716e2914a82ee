import {
  ErrorCode,
  OpenFeatureEventEmitter,
  ProviderEvents,
  StandardResolutionReasons,
  type EvaluationContext,
  type JsonValue,
  type Provider,
  type ResolutionDetails,
} from '@openfeature/server-sdk';
import type { FeatureFlagsRuntimeClient, FlagPollEntry, FlagPollResponse, WorkOS } from '@workos-inc/node';
import { FlagStream } from './flag-stream';
import { resolveBoolean } from './resolve';

export interface WorkOSProviderOptions {
  /** A configured official SDK client (its API key and base URL are used). */
  workos: WorkOS;
  /** Polling interval of the SDK's runtime client (its minimum is 5,000 ms; default 30,000). */
  pollingIntervalMs?: number;
  /**
   * Subscribe to the platform's server-sent-events stream (default true), so changes arrive in
   * well under a second; polling stays the fallback while the stream is down or absent.
   */
  stream?: boolean;
  /** How long initialize() waits for the first flags (default 10,000 ms). */
  readyTimeoutMs?: number;
  fetch?: typeof fetch;
}

/**
 * An OpenFeature server provider for WorkOS feature flags. Flags are boolean; evaluation is
 * local (no request per evaluation) over the newest data: the stream's payload while the stream
 * is connected, else the SDK runtime client's last poll. Context: `userId` (or `targetingKey`)
 * and `organizationId`.
 */
export class WorkOSFeatureFlagsProvider implements Provider {
  readonly metadata = { name: 'WorkOS feature flags' } as const;
  readonly runsOn = 'server' as const;
  readonly events = new OpenFeatureEventEmitter();
  private client?: FeatureFlagsRuntimeClient;
  private stream?: FlagStream;
  private streamed?: { payload: FlagPollResponse; version: string };
  private streaming = false;

  constructor(private readonly opts: WorkOSProviderOptions) {}

  async initialize(): Promise<void> {
    const { workos } = this.opts;
    this.client = workos.featureFlags.createRuntimeClient({ pollingIntervalMs: this.opts.pollingIntervalMs });
    this.client.on('change', (c) => {
      if (!this.streaming) this.events.emit(ProviderEvents.ConfigurationChanged, { flagsChanged: [c.key] });
    });
    this.client.on('failed', (err) => this.events.emit(ProviderEvents.Error, { message: err.message }));
    if (this.opts.stream !== false) {
      this.stream = new FlagStream({
        url: `${workos.baseURL}/sdk/feature-flags/stream`,
        apiKey: workos.key!,
        fetch: this.opts.fetch,
        // A (re)connected stream is trusted from its first payload on, never with an older one.
        onState: (connected) => {
          if (!connected) this.streaming = false;
        },
        onPayload: (payload, version) => {
          const changed = this.streamed ? changedKeys(this.streamed.payload, payload) : [];
          this.streamed = { payload, version };
          this.streaming = true;
          if (changed.length) this.events.emit(ProviderEvents.ConfigurationChanged, { flagsChanged: changed });
        },
      });
      this.stream.start();
    }
    await this.client.waitUntilReady({ timeoutMs: this.opts.readyTimeoutMs ?? 10_000 });
  }

  async onClose(): Promise<void> {
    this.stream?.close();
    this.client?.close();
  }

  /** Which source evaluations use right now (for diagnostics and tests). */
  get source(): 'stream' | 'poll' {
    return this.streaming ? 'stream' : 'poll';
  }

  async resolveBooleanEvaluation(flagKey: string, defaultValue: boolean, context: EvaluationContext): Promise<ResolutionDetails<boolean>> {
    if (!this.client) return { value: defaultValue, reason: StandardResolutionReasons.ERROR, errorCode: ErrorCode.PROVIDER_NOT_READY };
    const streamed = this.streaming ? this.streamed : undefined;
    // Own keys only: a slug such as `constructor` must not find Object.prototype's.
    const source = streamed ? streamed.payload : undefined;
    const entry: FlagPollEntry | undefined = source ? (Object.hasOwn(source, flagKey) ? source[flagKey] : undefined) : this.client.getFlag(flagKey);
    return resolveBoolean(entry, flagKey, defaultValue, context, streamed ? { source: 'stream', version: streamed.version } : { source: 'poll' });
  }

  resolveStringEvaluation(flagKey: string, defaultValue: string): Promise<ResolutionDetails<string>> {
    return Promise.resolve(typeMismatch(flagKey, defaultValue));
  }

  resolveNumberEvaluation(flagKey: string, defaultValue: number): Promise<ResolutionDetails<number>> {
    return Promise.resolve(typeMismatch(flagKey, defaultValue));
  }

  resolveObjectEvaluation<T extends JsonValue>(flagKey: string, defaultValue: T): Promise<ResolutionDetails<T>> {
    return Promise.resolve(typeMismatch(flagKey, defaultValue));
  }
}

function typeMismatch<T>(flagKey: string, defaultValue: T): ResolutionDetails<T> {
  return { value: defaultValue, reason: StandardResolutionReasons.ERROR, errorCode: ErrorCode.TYPE_MISMATCH, errorMessage: `WorkOS feature flags are boolean; ${flagKey} was asked for another type.` };
}

function changedKeys(before: FlagPollResponse, after: FlagPollResponse): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
}
