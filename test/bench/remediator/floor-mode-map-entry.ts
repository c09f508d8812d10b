/**
 * A diagnostic beside the cold start's fresh-process floor: {@link run} of `floor-entry.ts` plus
 * the one read the design adds to a cold container, the account's mode map object
 * (`s3:GetObject` of `modes/<accountId>.json`, in the bucket's region), made beside the rules'
 * describe with an S3 client imported on first use, as the handler makes it. The handler measured
 * against this tells what of its gap to the floor is the mode map's and what is its own.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { SNSClient } from '@aws-sdk/client-sns';
import { bareFix, type NoticeTemplate } from './floor-fix.js';

const clients = {
  ec2: new EC2Client({}),
  sns: new SNSClient({}),
  dynamodb: new DynamoDBClient({}),
};

/** Where the account's mode map object is. */
export interface ModeMapObject {
  readonly bucket: string;
  readonly region: string;
  readonly key: string;
}

async function readModeMap(object: ModeMapObject): Promise<string> {
  const { GetObjectCommand, S3Client } = await import('@aws-sdk/client-s3');
  const s3 = new S3Client({ region: object.region });
  const answer = await s3.send(new GetObjectCommand({ Bucket: object.bucket, Key: object.key }));
  return (await answer.Body?.transformToString()) ?? '';
}

/** The floor's five calls on `groupId`, and the mode map's GetObject beside the first. */
export async function run(
  groupId: string,
  topicArn: string,
  template: NoticeTemplate,
  modeMap: ModeMapObject,
) {
  await bareFix(clients, groupId, topicArn, template, false, () => readModeMap(modeMap));
}
