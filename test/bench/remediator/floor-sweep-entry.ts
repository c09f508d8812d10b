/**
 * The sweep's floor: an ES module bundle of the EC2 client and the two paginated describes of a
 * whole account-region (`MaxResults` 1000, as `scanRegion` reads them), nothing else.
 */
import {
  EC2Client,
  paginateDescribeSecurityGroupRules,
  paginateDescribeSecurityGroups,
} from '@aws-sdk/client-ec2';

const ec2 = new EC2Client({});

/** Both describes, every page, at the same time; returns the groups and rules read. */
export async function run(): Promise<{ groups: number; rules: number }> {
  // Kept, as the sweep keeps them to assess: reading without holding would be cheaper than any sweep.
  const all = async <T>(pages: AsyncIterable<T>, field: (page: T) => unknown[] | undefined) => {
    const items: unknown[] = [];
    for await (const page of pages) items.push(...(field(page) ?? []));
    return items.length;
  };
  const [rules, groups] = await Promise.all([
    all(
      paginateDescribeSecurityGroupRules({ client: ec2, pageSize: 1000 }, { MaxResults: 1000 }),
      (p) => p.SecurityGroupRules,
    ),
    all(
      paginateDescribeSecurityGroups({ client: ec2, pageSize: 1000 }, { MaxResults: 1000 }),
      (p) => p.SecurityGroups,
    ),
  ]);
  return { groups, rules };
}
