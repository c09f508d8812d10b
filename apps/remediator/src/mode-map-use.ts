/**
 * The mode map's reader and its S3 client: a deferred chunk of their own, loaded before
 * `first-use.ts`, so a cold container's GetObject is sent while the rest is still loading (the
 * mode is what a cold remediation waits on longest: the group's describes went out before).
 */
export { createS3Client } from '@sg-guard/aws/clients/s3';
export { ModeMapPolicyReader } from '@sg-guard/aws/mode-map-reader';
