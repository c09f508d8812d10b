/** Dummy credentials for the emulator; moto maps them to its default (management) account. */
export const EMULATOR_CREDENTIALS = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
} as const;

/** moto's default account: the organization's management account in every estate. */
export const MANAGEMENT_ACCOUNT_ID = '123456789012';
