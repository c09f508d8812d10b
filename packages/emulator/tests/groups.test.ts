import {
  CreateVpcCommand,
  DeleteSecurityGroupCommand,
  DescribeSecurityGroupsCommand,
  GetManagedPrefixListEntriesCommand,
} from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import {
  createPrefixList,
  createSecurityGroup,
  defaultVpcId,
  describeInboundRules,
  emulatorEc2,
  formatRules,
  openSsh,
  resolveShapeRules,
  SSH_SHAPES,
  type SshShape,
} from '../src/index.js';
import { useMoto } from './support/moto.js';

const moto = useMoto();

/** What the shape asks for, one line per source, independent of openSsh's own translation. */
function requestedRules(shape: SshShape, refs: { sourceGroupId?: string; prefixListId?: string }) {
  const lines = shape.permissions.flatMap((permission) =>
    permission.sources.map((source) => ({
      protocol: permission.protocol,
      fromPort: permission.fromPort ?? -1,
      toPort: permission.toPort ?? -1,
      source,
    })),
  );
  return resolveShapeRules(formatRules(lines), refs);
}

describe('openSsh', () => {
  it.each(SSH_SHAPES)('opens $name: the group holds exactly the requested rules', async (shape) => {
    const ec2 = emulatorEc2(moto.endpoint);

    const opened = await openSsh(ec2, shape.name);

    expect(await describeInboundRules(ec2, opened.groupId)).toEqual(
      requestedRules(shape, opened.refs),
    );
    expect(opened.rules).toEqual(requestedRules(shape, opened.refs));
  });

  it('creates the peer group in the same VPC for a security-group source', async () => {
    const ec2 = emulatorEc2(moto.endpoint);
    const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.9.0.0/16' }));
    const vpcId = vpc.Vpc?.VpcId ?? '';

    const opened = await openSsh(ec2, 'security-group-source', { vpcId, groupName: 'app' });

    const peer = await ec2.send(
      new DescribeSecurityGroupsCommand({ GroupIds: [opened.refs.sourceGroupId ?? ''] }),
    );
    expect(peer.SecurityGroups?.[0]).toMatchObject({ GroupName: 'app-peer', VpcId: vpcId });
    expect(opened.vpcId).toBe(vpcId);
    expect(opened.rules).toEqual([`tcp 22 ${opened.refs.sourceGroupId}`]);
  });

  it('creates a prefix list holding the whole IPv4 space for the world prefix list shape', async () => {
    const ec2 = emulatorEc2(moto.endpoint);

    const opened = await openSsh(ec2, 'world-prefix-list');

    const entries = await ec2.send(
      new GetManagedPrefixListEntriesCommand({ PrefixListId: opened.refs.prefixListId }),
    );
    expect(entries.Entries?.map((entry) => entry.Cidr)).toEqual(['0.0.0.0/0']);
  });

  it('reuses the ids it is given instead of creating helpers', async () => {
    const ec2 = emulatorEc2(moto.endpoint);
    const prefixListId = await createPrefixList(ec2, { cidrs: ['0.0.0.0/1', '128.0.0.0/1'] });

    const opened = await openSsh(ec2, 'world-prefix-list', { refs: { prefixListId } });

    expect(opened.rules).toEqual([`tcp 22 ${prefixListId}`]);
  });

  it('tags the group and opens it in the default VPC unless told otherwise', async () => {
    const ec2 = emulatorEc2(moto.endpoint);

    const opened = await openSsh(ec2, 'tcp-22-world-v4', {
      tags: { 'sg-guard:exempt': 'bastion' },
    });

    const described = await ec2.send(
      new DescribeSecurityGroupsCommand({ GroupIds: [opened.groupId] }),
    );
    expect(described.SecurityGroups?.[0]?.Tags).toEqual([
      { Key: 'sg-guard:exempt', Value: 'bastion' },
    ]);
    expect(opened.vpcId).toBe(await defaultVpcId(ec2));
  });

  it('resolves what must survive each strategy with the real ids', async () => {
    const ec2 = emulatorEc2(moto.endpoint);

    const opened = await openSsh(ec2, 'security-group-source');

    expect(opened.expectedAfter('revoke')).toEqual([`tcp 22 ${opened.refs.sourceGroupId}`]);
    expect(opened.exposing).toEqual([]);
  });
});

describe('describeInboundRules', () => {
  it('leaves out the default egress rule', async () => {
    const ec2 = emulatorEc2(moto.endpoint);

    const { groupId } = await createSecurityGroup(ec2, { groupName: 'empty' });

    expect(await describeInboundRules(ec2, groupId)).toEqual([]);
  });

  it('finds no rules for a group that was deleted', async () => {
    const ec2 = emulatorEc2(moto.endpoint);
    const opened = await openSsh(ec2, 'tcp-22-world-v4');

    await ec2.send(new DeleteSecurityGroupCommand({ GroupId: opened.groupId }));

    expect(await describeInboundRules(ec2, opened.groupId)).toEqual([]);
  });
});
