/**
 * Evaluates IAM requests with @cloud-copilot/iam-simulate (strict mode: the request's context is
 * exactly what is given) against a principal's identity policies and the resource's policy.
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import type { IamRequest } from './calls.js';
import type { NamedPolicy, PolicyDocument } from './template.js';

/** Who makes the calls: a role of an account in the organization. */
export interface SimulatedPrincipal {
  readonly roleArn: string;
  readonly accountId: string;
  readonly organizationId: string;
  readonly identityPolicies: readonly NamedPolicy[];
}

/** The decision for one request, with what the simulator said when it was no Allow. */
export interface Decision {
  readonly request: IamRequest;
  readonly result: string;
  readonly detail?: string;
}

/** Finds the resource policy that governs a resource ARN (topic, bucket, key), if any. */
export type ResourcePolicyOf = (resourceArn: string) => PolicyDocument | undefined;

/**
 * The SCPs above the principal's account, root first (each level needs its own Allow, as
 * `FullAWSAccess` gives it).
 */
export interface OrganizationLevel {
  readonly id: string;
  readonly policies: readonly NamedPolicy[];
}

/** Evaluates one request; `Allowed` or the simulator's other verdict (or its errors). */
export async function decide(
  request: IamRequest,
  principal: SimulatedPrincipal,
  resourcePolicyOf: ResourcePolicyOf,
  serviceControlPolicies: readonly OrganizationLevel[] = [],
): Promise<Decision> {
  const resourcePolicy = resourcePolicyOf(request.resource);
  const response = await runSimulation(
    {
      request: {
        principal: principal.roleArn,
        action: request.action,
        resource: { resource: request.resource, accountId: request.resourceAccount },
        contextVariables: {
          'aws:PrincipalArn': principal.roleArn,
          'aws:PrincipalAccount': principal.accountId,
          'aws:PrincipalOrgID': principal.organizationId,
          'aws:PrincipalType': 'AssumedRole',
          'aws:SecureTransport': 'true',
          ...(request.context as Record<string, string | string[]>),
        },
      },
      identityPolicies: principal.identityPolicies.map((policy) => ({
        name: policy.name,
        policy: policy.document,
      })),
      serviceControlPolicies: serviceControlPolicies.map((level) => ({
        orgIdentifier: level.id,
        policies: level.policies.map((policy) => ({ name: policy.name, policy: policy.document })),
      })),
      resourceControlPolicies: [],
      ...(resourcePolicy ? { resourcePolicy } : {}),
    },
    { simulationMode: 'Strict' },
  );
  if (response.resultType === 'error')
    return { request, result: 'Error', detail: JSON.stringify(response.errors) };
  return { request, result: response.overallResult };
}

/** Every request's decision; the ones not allowed first. */
export async function decideAll(
  requests: readonly IamRequest[],
  principal: SimulatedPrincipal,
  resourcePolicyOf: ResourcePolicyOf,
): Promise<Decision[]> {
  const decisions: Decision[] = [];
  for (const request of requests)
    decisions.push(await decide(request, principal, resourcePolicyOf));
  return decisions;
}

/** A line per refused request, for a failure message. */
export const refusals = (decisions: readonly Decision[]): string[] =>
  decisions
    .filter((decision) => decision.result !== 'Allowed')
    .map(
      ({ request, result, detail }) =>
        `${request.call}: ${request.action} on ${request.resource} → ${result}${detail ? ` ${detail}` : ''}`,
    );
