'use strict';
// sg-guard auto recorder (inline Lambda code, CommonJS). Where the account-region has no
// customer-managed AWS Config recorder, it creates one (with its delivery bucket and Config's
// service-linked role) that records security groups continuously; where one exists, it uses it
// only if it really records security groups (recording, not daily, with a delivery channel) and
// otherwise fails with the fix. On delete it removes only a recorder it created. The physical
// id records which case it was, so a recorder someone else owns (Control Tower, a landing zone)
// is never touched.
const NAME = 'sg-guard';
const CREATED = 'sg-guard-recorder:created';
const EXISTING = 'sg-guard-recorder:existing';
const SG = 'AWS::EC2::SecurityGroup';
// Config reads the bucket through the recorder's role; IAM and S3 policy changes take seconds to
// reach it, so these answers right after creating them mean "not yet", not "never".
const NOT_YET = {
  recorder: ['InvalidRoleException', 'InsufficientPermissionsException'],
  channel: ['InsufficientDeliveryPolicyException'],
};
const BACKOFF_MS = [2000, 4000, 8000, 16000, 32000, 60000];

const log = (message, detail) => console.log(JSON.stringify({ message, ...detail }));
const nameOf = (error) => error?.name ?? error?.Code ?? '';
const isDenied = (error) => /AccessDenied/.test(nameOf(error));

/** Builds the onEvent handler around SDK clients ({ config, s3, iam }) and command classes. */
exports.recorderHandler = (clients, sdk, options = {}) => {
  const sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  const send = async (client, Command, input) => (await client.send(new Command(input))) ?? {};
  const config = (Command, input = {}) => send(clients.config, Command, input);

  const retrying = async (what, retryable, call) => {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await call();
      } catch (error) {
        const wait = BACKOFF_MS[attempt];
        if (!retryable.includes(nameOf(error)) || wait === undefined) throw error;
        log(`${what}: ${nameOf(error)}, retrying`, { attempt: attempt + 1, waitMs: wait });
        await sleep(wait);
      }
    }
  };

  // Under an SCP that denies stopping or deleting recorders (AWS's example Config SCP), the
  // uninstall must still succeed: what could not be removed is logged and left recording.
  const tolerant = (what) => (error) => {
    if (/^NoSuch/.test(nameOf(error))) return;
    if (!isDenied(error)) throw error;
    log(`${what} denied; left in place (see docs/deploy.md, SCP exemption)`, {
      error: nameOf(error),
    });
  };
  const remove = async () => {
    const recorder = { ConfigurationRecorderName: NAME };
    await config(sdk.StopConfigurationRecorderCommand, recorder).catch(tolerant('stop recorder'));
    await config(sdk.DeleteDeliveryChannelCommand, { DeliveryChannelName: NAME }).catch(
      tolerant('delete delivery channel'),
    );
    await config(sdk.DeleteConfigurationRecorderCommand, recorder).catch(
      tolerant('delete recorder'),
    );
  };

  /** Why an existing recorder does not make the Config rule work, with the fix for each. */
  const problemsOf = async (recorder) => {
    const problems = [];
    const group = recorder.recordingGroup ?? { allSupported: true };
    const strategy =
      group.recordingStrategy?.useOnly ??
      (group.allSupported ? 'ALL_SUPPORTED_RESOURCE_TYPES' : 'INCLUSION_BY_RESOURCE_TYPES');
    const records =
      strategy === 'ALL_SUPPORTED_RESOURCE_TYPES' ||
      (strategy === 'EXCLUSION_BY_RESOURCE_TYPES'
        ? !(group.exclusionByResourceTypes?.resourceTypes ?? []).includes(SG)
        : (group.resourceTypes ?? []).includes(SG));
    if (!records) problems.push(`does not record ${SG}: add it to its recording group`);
    let frequency = recorder.recordingMode?.recordingFrequency ?? 'CONTINUOUS';
    for (const override of recorder.recordingMode?.recordingModeOverrides ?? []) {
      if ((override.resourceTypes ?? []).includes(SG)) frequency = override.recordingFrequency;
    }
    if (frequency !== 'CONTINUOUS') {
      problems.push(`records ${SG} ${frequency}: make its recording frequency CONTINUOUS`);
    }
    const { ConfigurationRecordersStatus: statuses = [] } = await config(
      sdk.DescribeConfigurationRecorderStatusCommand,
      { ConfigurationRecorderNames: [recorder.name] },
    );
    const status = statuses[0] ?? {};
    if (!status.recording) {
      problems.push(
        `is stopped: aws configservice start-configuration-recorder --configuration-recorder-name ${recorder.name}`,
      );
    } else if (status.lastStatus === 'Failure') {
      problems.push(
        `last failed (${status.lastErrorCode ?? 'unknown'}: ${status.lastErrorMessage ?? ''}): fix its role or delivery`,
      );
    }
    const { DeliveryChannels: channels = [] } = await config(sdk.DescribeDeliveryChannelsCommand);
    if (channels.length === 0) {
      problems.push('has no delivery channel: aws configservice put-delivery-channel');
    }
    return problems;
  };

  const useExisting = async (recorder) => {
    const controlTower = /^aws-controltower-/.test(recorder.name ?? '');
    const problems = await problemsOf(recorder);
    if (problems.length > 0) {
      const how = controlTower
        ? "It is Control Tower's recorder (config:Put* is denied to all but AWSControlTowerExecution): change it through Control Tower, then retry this stack instance."
        : 'Fix it, then retry this stack instance.';
      throw new Error(
        `sg-guard needs the Config recorder "${recorder.name}" of this account and region to record ${SG} continuously, and it ${problems.join('; it ')}. ${how}`,
      );
    }
    log('using the existing recorder', { recorder: recorder.name, controlTower });
    return {
      PhysicalResourceId: EXISTING,
      Data: {
        Created: 'false',
        RecorderName: recorder.name,
        ControlTower: String(controlTower),
      },
    };
  };

  const ensureServiceLinkedRole = () =>
    send(clients.iam, sdk.CreateServiceLinkedRoleCommand, {
      AWSServiceName: 'config.amazonaws.com',
    }).catch((error) => {
      // It is global and shared: another region, or another tool, made it first. IAM answers
      // the code InvalidInput, which SDK v3 names InvalidInputException.
      const invalidInput = /^InvalidInput(Exception)?$/.test(nameOf(error));
      if (!(invalidInput && /taken|exists/i.test(error.message))) throw error;
    });

  const ensureBucket = async (props) => {
    const bucket = props.BucketName;
    const arn = `arn:${props.Partition}:s3:::${bucket}`;
    const owner = { Bucket: bucket, ExpectedBucketOwner: props.AccountId };
    const source = { 'AWS:SourceAccount': props.AccountId };
    const config = { Service: 'config.amazonaws.com' };
    await send(clients.s3, sdk.CreateBucketCommand, {
      Bucket: bucket,
      ...(props.Region === 'us-east-1'
        ? {}
        : { CreateBucketConfiguration: { LocationConstraint: props.Region } }),
    }).catch((error) => {
      // A bucket of that name in another account fails here (BucketAlreadyExists): never deliver
      // configuration history to someone else's bucket.
      if (nameOf(error) !== 'BucketAlreadyOwnedByYou') throw error;
    });
    await send(clients.s3, sdk.PutPublicAccessBlockCommand, {
      ...owner,
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      },
    });
    await send(clients.s3, sdk.PutBucketEncryptionCommand, {
      ...owner,
      ServerSideEncryptionConfiguration: {
        Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
    });
    const statements = [
      {
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [arn, `${arn}/*`],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
      {
        Sid: 'AWSConfigBucketPermissionsCheck',
        Effect: 'Allow',
        Principal: config,
        Action: ['s3:GetBucketAcl', 's3:ListBucket'],
        Resource: arn,
        Condition: { StringEquals: source },
      },
      {
        Sid: 'AWSConfigBucketDelivery',
        Effect: 'Allow',
        Principal: config,
        Action: 's3:PutObject',
        Resource: `${arn}/AWSLogs/${props.AccountId}/Config/*`,
        Condition: { StringEquals: { ...source, 's3:x-amz-acl': 'bucket-owner-full-control' } },
      },
    ];
    await send(clients.s3, sdk.PutBucketPolicyCommand, {
      ...owner,
      Policy: JSON.stringify({ Version: '2012-10-17', Statement: statements }),
    });
  };

  const create = async (props) => {
    await ensureServiceLinkedRole();
    await ensureBucket(props);
    await retrying('put recorder', NOT_YET.recorder, () =>
      config(sdk.PutConfigurationRecorderCommand, {
        ConfigurationRecorder: {
          name: NAME,
          roleARN: props.RoleArn,
          recordingGroup: {
            allSupported: false,
            includeGlobalResourceTypes: false,
            resourceTypes: [SG],
          },
          recordingMode: { recordingFrequency: 'CONTINUOUS' },
        },
      }),
    );
    await retrying('put delivery channel', NOT_YET.channel, () =>
      config(sdk.PutDeliveryChannelCommand, {
        DeliveryChannel: { name: NAME, s3BucketName: props.BucketName },
      }),
    );
    await config(sdk.StartConfigurationRecorderCommand, { ConfigurationRecorderName: NAME });
  };

  const ensure = async (props, previous) => {
    const { ConfigurationRecorders: recorders = [] } = await config(
      sdk.DescribeConfigurationRecordersCommand,
    );
    // Ours (from an earlier create) is updated in place; a service-linked recorder serves its own
    // service and is not the one customer-managed recorder a region may have; anything else
    // belongs to someone else.
    const foreign = recorders.find(
      (r) => !r.servicePrincipal && !(r.name === NAME && previous === CREATED),
    );
    if (foreign) return useExisting(foreign);
    try {
      await create(props);
    } catch (error) {
      // A half-made recorder would make the next attempt believe someone else owns one.
      if (previous !== CREATED) await remove().catch(() => undefined);
      if (isDenied(error)) {
        throw new Error(
          `${nameOf(error)}: ${error.message}. If this account is enrolled in Control Tower, its mandatory control denies config:Put* to all but AWSControlTowerExecution: govern this region in Control Tower (its baseline creates the recorder sg-guard then uses) and retry this stack instance, or take the region out of targets.regions. Otherwise exempt the role sg-guard-config-recorder-* from the SCP that denies it.`,
        );
      }
      throw error;
    }
    log('created the recorder', { recorder: NAME, bucket: props.BucketName });
    return {
      PhysicalResourceId: CREATED,
      Data: { Created: 'true', RecorderName: NAME, ControlTower: 'false' },
    };
  };

  return async (event) => {
    const props = event.ResourceProperties;
    if (event.RequestType === 'Create') return ensure(props, undefined);
    if (event.RequestType === 'Update') return ensure(props, event.PhysicalResourceId);
    // The delivery bucket (configuration history) and Config's shared service-linked role stay.
    if (event.PhysicalResourceId === CREATED) await remove();
    return { PhysicalResourceId: event.PhysicalResourceId };
  };
};

exports.handler = async (event) => {
  // The Node.js Lambda runtime ships the AWS SDK v3.
  const sdk = {
    ...require('@aws-sdk/client-config-service'),
    ...require('@aws-sdk/client-s3'),
    ...require('@aws-sdk/client-iam'),
  };
  const clients = {
    config: new sdk.ConfigServiceClient({}),
    s3: new sdk.S3Client({}),
    iam: new sdk.IAMClient({}),
  };
  return exports.recorderHandler(clients, sdk)(event);
};
