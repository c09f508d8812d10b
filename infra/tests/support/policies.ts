import type { TemplateJson } from './synth.js';

/** One statement of a policy document found in a template. */
export interface FoundStatement {
  readonly template: string;
  readonly resource: string;
  readonly type: string;
  /** `identity` for IAM policies (what a principal may do), `resource` for resource policies. */
  readonly kind: 'identity' | 'resource';
  readonly statement: {
    Effect: string;
    Action?: string | string[];
    Principal?: unknown;
    Sid?: string;
  };
}

type Doc = { Statement?: FoundStatement['statement'] | FoundStatement['statement'][] };

/** Where each resource type keeps its policy documents. */
const DOCUMENTS: Record<
  string,
  (props: Record<string, unknown>) => [Doc, 'identity' | 'resource'][]
> = {
  'AWS::IAM::Policy': (p) => [[p.PolicyDocument as Doc, 'identity']],
  'AWS::IAM::ManagedPolicy': (p) => [[p.PolicyDocument as Doc, 'identity']],
  'AWS::IAM::Role': (p) =>
    ((p.Policies as { PolicyDocument: Doc }[] | undefined) ?? []).map((policy) => [
      policy.PolicyDocument,
      'identity',
    ]),
  'AWS::SNS::TopicPolicy': (p) => [[p.PolicyDocument as Doc, 'resource']],
  'AWS::SQS::QueuePolicy': (p) => [[p.PolicyDocument as Doc, 'resource']],
  'AWS::S3::BucketPolicy': (p) => [[p.PolicyDocument as Doc, 'resource']],
  'AWS::KMS::Key': (p) => [[p.KeyPolicy as Doc, 'resource']],
  'AWS::Events::EventBus': (p) => (p.Policy ? [[p.Policy as Doc, 'resource']] : []),
};

/** Every statement of every policy document in the given templates. */
export function statementsOf(templates: ReadonlyMap<string, TemplateJson>): FoundStatement[] {
  const found: FoundStatement[] = [];
  for (const [template, json] of templates) {
    for (const [resource, { Type, Properties }] of Object.entries(json.Resources)) {
      const documents = DOCUMENTS[Type]?.(Properties ?? {}) ?? [];
      for (const [document, kind] of documents) {
        const statements = [document.Statement ?? []].flat();
        for (const statement of statements) {
          found.push({ template, resource, type: Type, kind, statement });
        }
      }
    }
  }
  return found;
}

/** Whether an action names every action (`*`) or every action of a service (`s3:*`). */
export function isWildcardAction(action: string): boolean {
  return action === '*' || /^[a-z0-9-]+:\*$/i.test(action);
}

/** The actions of a statement, as a list. */
export function actionsOf(statement: FoundStatement['statement']): string[] {
  return [statement.Action ?? []].flat();
}
