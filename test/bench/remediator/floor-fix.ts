/**
 * The floor of one remediation, made directly with the SDK: what any fix with a write-ahead
 * ledger must call. Used in process by the time to fix and bundled alone (ES modules,
 * tree-shaken, the remediator's settings) by the cold start's fresh-process floor, so it imports
 * nothing but the SDK and the ledger table's definition.
 */
import { randomUUID } from 'node:crypto';
import {
  type DynamoDBClient,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  type EC2Client,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { LEDGER_TABLE } from '@sg-guard/remediation-core/ledger-table';

/** The parts of a notice the floor's Publish copies (same size as the handler's mail). */
export interface NoticeTemplate {
  readonly subject: string;
  readonly message: string;
  readonly attributes: Readonly<Record<string, string>>;
}

/** The floor's clients: one of each, from the same factories and settings as the handler's. */
export interface FloorClients {
  readonly ec2: EC2Client;
  readonly sns: SNSClient;
  readonly dynamodb: DynamoDBClient;
}

/**
 * The floor: the fewest SDK calls that close the hole durably and tell the central inbox —
 * read the rules, write the intent (conditional, as a lease), revoke the world rule by its
 * content, publish, close the entry and keep the record in one transaction.
 */
export async function bareFix(
  clients: FloorClients,
  groupId: string,
  topicArn: string,
  template: NoticeTemplate,
  withGroupDescribe: boolean,
  /** Another read made beside the rules' describe (a diagnostic adds the mode map's). */
  alongside?: () => Promise<unknown>,
): Promise<void> {
  const describeRules = clients.ec2.send(
    new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }] }),
  );
  // The handler's own calls also read the group (name, VPC, tags), at the same time.
  const [described] = await Promise.all([
    describeRules,
    withGroupDescribe
      ? clients.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }))
      : undefined,
    alongside?.(),
  ]);
  const exposing = (described.SecurityGroupRules ?? []).filter(
    (rule) =>
      rule.IsEgress !== true &&
      rule.IpProtocol === 'tcp' &&
      rule.CidrIpv4 === '0.0.0.0/0' &&
      (rule.FromPort ?? 0) <= 22 &&
      22 <= (rule.ToPort ?? 65535),
  );
  if (exposing.length !== 1)
    throw new Error(`expected one exposing rule in ${groupId}, found ${exposing.length}`);
  const key = {
    [LEDGER_TABLE.partitionKey]: { S: LEDGER_TABLE.headPartition },
    [LEDGER_TABLE.sortKey]: { S: groupId },
  };
  const entry = template.message;
  await clients.dynamodb.send(
    new UpdateItemCommand({
      TableName: LEDGER_TABLE.name,
      Key: key,
      UpdateExpression: 'SET #state = :intent, #entry = :entry, #version = :one',
      ConditionExpression: 'attribute_not_exists(#state)',
      ExpressionAttributeNames: { '#state': 'state', '#entry': 'entry', '#version': 'version' },
      ExpressionAttributeValues: {
        ':intent': { S: 'intent' },
        ':entry': { S: entry },
        ':one': { N: '1' },
      },
    }),
  );
  await clients.ec2.send(
    new RevokeSecurityGroupIngressCommand({
      GroupId: groupId,
      IpPermissions: [
        { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
      ],
    }),
  );
  await clients.sns.send(
    new PublishCommand({
      TopicArn: topicArn,
      // A notice of the same size as the handler's (built once, outside the timing).
      Message: template.message,
      MessageStructure: 'json',
      Subject: template.subject,
      MessageAttributes: Object.fromEntries(
        Object.entries(template.attributes).map(([name, value]) => [
          name,
          { DataType: 'String', StringValue: value },
        ]),
      ),
    }),
  );
  const recordId = randomUUID();
  await clients.dynamodb.send(
    new TransactWriteItemsCommand({
      TransactItems: [
        {
          Update: {
            TableName: LEDGER_TABLE.name,
            Key: key,
            UpdateExpression: 'SET #state = :idle, #version = :two',
            ConditionExpression: '#version = :one',
            ExpressionAttributeNames: { '#state': 'state', '#version': 'version' },
            ExpressionAttributeValues: {
              ':idle': { S: 'idle' },
              ':one': { N: '1' },
              ':two': { N: '2' },
            },
          },
        },
        {
          Put: {
            TableName: LEDGER_TABLE.name,
            Item: {
              [LEDGER_TABLE.partitionKey]: { S: groupId },
              [LEDGER_TABLE.sortKey]: { S: `${LEDGER_TABLE.recordPrefix}${recordId}` },
              entry: { S: entry },
            },
          },
        },
      ],
    }),
  );
}
