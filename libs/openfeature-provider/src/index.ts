export { WorkOSFeatureFlagsProvider, type WorkOSProviderOptions } from './provider';
export { resolveBoolean, type FlagSource } from './resolve';
export { FlagStream, type FlagStreamOptions } from './flag-stream';
