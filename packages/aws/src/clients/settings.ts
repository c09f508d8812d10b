import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';

/**
 * How to build SDK clients. Everything is optional: by default the SDK's standard chain
 * decides credentials, region and endpoint (`AWS_ENDPOINT_URL` works).
 */
export interface ClientSettings {
  readonly region?: string;
  readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Overrides the endpoint (tests point this at the emulator). */
  readonly endpoint?: string;
  /**
   * Attempts per call with the SDK's standard retry mode (throttling and 5xx back off and retry).
   * @default 3
   */
  readonly maxAttempts?: number;
}

/** The configuration every client of sg-guard is built with. */
export function clientConfig(settings: ClientSettings) {
  return {
    ...(settings.region ? { region: settings.region } : {}),
    ...(settings.credentials ? { credentials: settings.credentials } : {}),
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    retryMode: 'standard' as const,
    maxAttempts: settings.maxAttempts ?? 3,
  };
}
