import * as z from 'zod/mini';

/** `sg-` followed by 8 or 17 hex digits (old and new EC2 id formats). */
export const SECURITY_GROUP_ID_PATTERN = /^sg-[0-9a-f]{8,17}$/;

/** A 12-digit AWS account id. */
export const ACCOUNT_ID_PATTERN = /^\d{12}$/;

/** `eu-west-1`, `us-gov-west-1`, `cn-north-1`. */
export const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** Zod schema of a security group id. */
export const securityGroupIdSchema = z
  .string()
  .check(
    z.regex(SECURITY_GROUP_ID_PATTERN, 'expected a security group id like sg-0123456789abcdef0'),
  );

/** Zod schema of an AWS account id. */
export const accountIdSchema = z
  .string()
  .check(z.regex(ACCOUNT_ID_PATTERN, 'expected a 12-digit AWS account id'));

/** Zod schema of an AWS region name. */
export const regionSchema = z
  .string()
  .check(z.regex(REGION_PATTERN, 'expected an AWS region like eu-west-1'));
