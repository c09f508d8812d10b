import { describe, expect, it } from 'vitest';
import { InvalidCidrError, InvalidRuleError } from '../../../src/errors.js';
import { groupFromConfigItem } from '../../../src/rules/normalize.js';
import configItem from '../../fixtures/config-item-security-group.json' with { type: 'json' };
import { prefixList, tcp, v4, v6 } from '../../fixtures/rule-builders.js';

const withPermissions = (ipPermissions: unknown[]) => ({
  resourceType: 'AWS::EC2::SecurityGroup',
  configuration: { groupId: 'sg-1', ipPermissions },
});

describe('groupFromConfigItem', () => {
  it('reads a camelCase configuration item, counting ipRanges and ipv4Ranges once', () => {
    // Act
    const snapshot = groupFromConfigItem(configItem);

    // Assess
    expect(snapshot).toEqual({
      groupId: 'sg-0123456789abcdef0',
      groupName: 'bastion-sg',
      vpcId: 'vpc-0a1b2c3d4e5f60718',
      ownerId: '111122223333',
      tags: { team: 'platform' },
      rules: [
        { ...tcp(22, 22, v4('10.0.0.0/8')), description: 'office' },
        tcp(22, 22, v4('0.0.0.0/0')),
        { protocol: '-1', fromPort: -1, toPort: -1, source: v6('::/0') },
        { protocol: '-1', fromPort: -1, toPort: -1, source: prefixList('pl-0a1b2c3d4e5f60718') },
        {
          protocol: '-1',
          fromPort: -1,
          toPort: -1,
          source: {
            kind: 'security-group',
            groupId: 'sg-0fedcba9876543210',
            userId: '111122223333',
          },
          description: 'app tier',
        },
        tcp(8000, 8100, v4('192.0.2.0/24')),
      ],
    });
  });

  it('reads ranges that only the legacy ipRanges string array holds', () => {
    // Prepare
    const item = withPermissions([
      { ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipRanges: ['0.0.0.0/1', '128.0.0.0/1'] },
    ]);

    // Act
    const { rules } = groupFromConfigItem(item);

    // Assess
    expect(rules).toEqual([tcp(22, 22, v4('0.0.0.0/1')), tcp(22, 22, v4('128.0.0.0/1'))]);
  });

  it('matches legacy and new IPv4 ranges by value, not by text', () => {
    // Prepare
    const item = withPermissions([
      {
        ipProtocol: 'tcp',
        fromPort: 22,
        ipv4Ranges: [{ cidrIp: '10.0.0.0/8' }],
        ipRanges: ['10.1.2.3/8'],
      },
    ]);

    // Act
    const { rules } = groupFromConfigItem(item);

    // Assess
    expect(rules).toEqual([tcp(22, 22, v4('10.0.0.0/8'))]);
  });

  it('reads a configuration given as a JSON string (GetResourceConfigHistory)', () => {
    // Prepare
    const item = { ...configItem, configuration: JSON.stringify(configItem.configuration) };

    // Act / Assess
    expect(groupFromConfigItem(item)).toEqual(groupFromConfigItem(configItem));
  });

  it('takes tags from the configuration when the item has none, and the owner from the account', () => {
    // Prepare
    const { tags: _tags, ...rest } = configItem;
    const { ownerId: _owner, ...configuration } = configItem.configuration;

    // Act
    const snapshot = groupFromConfigItem({ ...rest, configuration });

    // Assess
    expect(snapshot.tags).toEqual({ team: 'platform' });
    expect(snapshot.ownerId).toBe('111122223333');
  });

  it('reads a minimal item with no permissions', () => {
    expect(groupFromConfigItem({ configuration: { groupId: 'sg-1' } })).toEqual({
      groupId: 'sg-1',
      rules: [],
    });
  });

  it.each([
    [{ ...configItem, resourceType: 'AWS::EC2::Instance' }, /resourceType/],
    [
      { ...configItem, configurationItemStatus: 'ResourceDeleted', configuration: null },
      /deleted group/,
    ],
    [{ configuration: { ipPermissions: [] } }, /groupId/],
    [{ configuration: '{not json' }, /configuration string/],
    [withPermissions([{ fromPort: 22 }]), /ipProtocol/],
    [withPermissions([{ ipProtocol: 'tcp', fromPort: '22' }]), /fromPort/],
    [withPermissions([{ ipProtocol: 'tcp', ipv4Ranges: [{ cidr: '0.0.0.0/0' }] }]), /cidrIp/],
    ['not an item', /configuration item/],
  ])('rejects a bad item (%#)', (item, message) => {
    // Act
    const act = () => groupFromConfigItem(item);

    // Assess
    expect(act).toThrow(InvalidRuleError);
    expect(act).toThrow(message);
  });

  it('rejects a malformed CIDR in the legacy array', () => {
    expect(() =>
      groupFromConfigItem(withPermissions([{ ipProtocol: 'tcp', ipRanges: ['0.0.0.0'] }])),
    ).toThrow(InvalidCidrError);
  });
});
