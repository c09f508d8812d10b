/**
 * The cold start's fresh-process floor: an ES module bundle of the three SDK clients the floor's
 * calls need and {@link bareFix}, nothing else. `run` makes the floor's five calls once, as a
 * fresh process's first remediation would (clients built at load, as the handler builds its own).
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

/** The floor's five calls on `groupId`. */
export async function run(groupId: string, topicArn: string, template: NoticeTemplate) {
  await bareFix(clients, groupId, topicArn, template, false);
}
