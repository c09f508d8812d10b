/**
 * The part of the AWS Security Finding Format (ASFF, schema 2018-10-08) that sg-guard writes,
 * as plain readonly types: the core imports no SDK, not even for types. `@sg-guard/aws` checks
 * at compile time that these shapes fit the SDK's `AwsSecurityFinding`.
 */

/** `SchemaVersion` of every finding. */
export const ASFF_SCHEMA_VERSION = '2018-10-08';

/** Limits of BatchImportFindings and of the ASFF fields sg-guard fills. */
export const ASFF_LIMITS = {
  /** Findings per BatchImportFindings request. */
  findingsPerImport: 100,
  id: 512,
  generatorId: 512,
  title: 256,
  description: 1024,
  recommendationText: 512,
  productFields: 50,
  productFieldKey: 128,
  productFieldValue: 2048,
  /** Inbound rules listed in `Details.AwsEc2SecurityGroup.IpPermissions` (sg-guard's own cap). */
  ipPermissions: 100,
} as const;

/** `Severity.Label`. */
export type AsffSeverityLabel = 'INFORMATIONAL' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';

/** `Compliance.Status`. */
export type AsffComplianceStatus = 'PASSED' | 'WARNING' | 'FAILED' | 'NOT_AVAILABLE';

/** `Workflow.Status`. */
export type AsffWorkflowStatus = 'NEW' | 'NOTIFIED' | 'RESOLVED' | 'SUPPRESSED';

/** `RecordState`. */
export type AsffRecordState = 'ACTIVE' | 'ARCHIVED';

/** An AWS partition: the first field of every ARN. */
export type AwsPartition =
  | 'aws'
  | 'aws-cn'
  | 'aws-us-gov'
  | 'aws-iso'
  | 'aws-iso-b'
  | 'aws-iso-e'
  | 'aws-iso-f';

/** `AwsEc2SecurityGroupIpPermission`: one inbound rule as ASFF describes it (no descriptions). */
export interface AsffIpPermission {
  readonly IpProtocol: string;
  readonly FromPort?: number;
  readonly ToPort?: number;
  readonly IpRanges?: readonly { readonly CidrIp: string }[];
  readonly Ipv6Ranges?: readonly { readonly CidrIpv6: string }[];
  readonly PrefixListIds?: readonly { readonly PrefixListId: string }[];
  readonly UserIdGroupPairs?: readonly {
    readonly GroupId: string;
    readonly UserId?: string;
    readonly VpcId?: string;
  }[];
}

/** `Resource.Partition`: Security Hub names only these partitions as ARNs do. */
export type AsffPartition = 'aws' | 'aws-cn' | 'aws-us-gov';

/** `Resources[0]`: the security group. */
export interface AsffSecurityGroupResource {
  readonly Type: 'AwsEc2SecurityGroup';
  /** The group's ARN. */
  readonly Id: string;
  /** Absent in the ISO partitions, which Security Hub spells differently from their ARNs. */
  readonly Partition?: AsffPartition;
  readonly Region: string;
  readonly Details: {
    readonly AwsEc2SecurityGroup: {
      readonly GroupId: string;
      readonly GroupName?: string;
      readonly VpcId?: string;
      readonly OwnerId: string;
      /** The exposing inbound rules, while they are open; absent once fixed. */
      readonly IpPermissions?: readonly AsffIpPermission[];
    };
  };
}

/**
 * One finding for BatchImportFindings: the `AwsSecurityFinding` fields sg-guard sets. Severity
 * and types are also given under `FindingProviderFields`, the only place a finding provider may
 * update them once the finding exists.
 */
export interface SecurityHubFinding {
  readonly SchemaVersion: typeof ASFF_SCHEMA_VERSION;
  readonly Id: string;
  readonly ProductArn: string;
  readonly ProductName: string;
  readonly CompanyName: string;
  readonly GeneratorId: string;
  readonly AwsAccountId: string;
  readonly Types: readonly string[];
  readonly FirstObservedAt: string;
  readonly LastObservedAt: string;
  readonly CreatedAt: string;
  readonly UpdatedAt: string;
  readonly Severity: { readonly Label: AsffSeverityLabel };
  readonly Title: string;
  readonly Description: string;
  readonly Remediation: { readonly Recommendation: { readonly Text: string } };
  readonly ProductFields: Readonly<Record<string, string>>;
  readonly Resources: readonly [AsffSecurityGroupResource];
  readonly Compliance: { readonly Status: AsffComplianceStatus };
  readonly Workflow: { readonly Status: AsffWorkflowStatus };
  readonly RecordState: AsffRecordState;
  readonly FindingProviderFields: {
    readonly Severity: { readonly Label: AsffSeverityLabel };
    readonly Types: readonly string[];
  };
}
