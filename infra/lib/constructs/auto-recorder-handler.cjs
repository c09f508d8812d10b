'use strict';
// sg-guard auto recorder (inline Lambda code, CommonJS, under 4 KB): creates an AWS Config
// recorder and delivery channel only where the account and region have none, and on delete
// removes only what it created. The physical id records which case it was, so a recorder
// someone else owns (Control Tower, a landing zone) is never touched.
const NAME = 'sg-guard';
const CREATED = 'sg-guard-recorder:created';
const EXISTING = 'sg-guard-recorder:existing';

function ignoreMissing(error) {
  if (!/^NoSuch/.test(error?.name ?? '')) throw error;
}

/** Builds the onEvent handler around a Config client and the SDK's command classes. */
exports.recorderHandler = (client, sdk) => {
  const send = (Command, input) => client.send(new Command(input));

  const remove = async () => {
    await send(sdk.StopConfigurationRecorderCommand, { ConfigurationRecorderName: NAME }).catch(
      ignoreMissing,
    );
    await send(sdk.DeleteDeliveryChannelCommand, { DeliveryChannelName: NAME }).catch(
      ignoreMissing,
    );
    await send(sdk.DeleteConfigurationRecorderCommand, { ConfigurationRecorderName: NAME }).catch(
      ignoreMissing,
    );
  };

  const ensure = async (props, previous) => {
    const described = await send(sdk.DescribeConfigurationRecordersCommand, {});
    const recorders = described.ConfigurationRecorders ?? [];
    // Ours (from an earlier create) is updated in place; a service-linked recorder serves its own
    // service and is not the one customer-managed recorder a region may have; anything else
    // belongs to someone else.
    const foreign = recorders.filter(
      (r) => !r.servicePrincipal && !(r.name === NAME && previous === CREATED),
    );
    if (foreign.length > 0) {
      return {
        PhysicalResourceId: EXISTING,
        Data: { Created: 'false', RecorderName: foreign[0].name },
      };
    }
    try {
      await send(sdk.PutConfigurationRecorderCommand, {
        ConfigurationRecorder: {
          name: NAME,
          roleARN: props.RoleArn,
          recordingGroup: {
            allSupported: false,
            includeGlobalResourceTypes: false,
            resourceTypes: ['AWS::EC2::SecurityGroup'],
          },
        },
      });
      await send(sdk.PutDeliveryChannelCommand, {
        DeliveryChannel: { name: NAME, s3BucketName: props.BucketName },
      });
      await send(sdk.StartConfigurationRecorderCommand, { ConfigurationRecorderName: NAME });
    } catch (error) {
      // A half-made recorder would make the next attempt believe someone else owns one.
      if (previous !== CREATED) await remove().catch(() => undefined);
      throw error;
    }
    return { PhysicalResourceId: CREATED, Data: { Created: 'true', RecorderName: NAME } };
  };

  return async (event) => {
    const props = event.ResourceProperties;
    if (event.RequestType === 'Create') return ensure(props, undefined);
    if (event.RequestType === 'Update') return ensure(props, event.PhysicalResourceId);
    if (event.PhysicalResourceId === CREATED) await remove();
    return { PhysicalResourceId: event.PhysicalResourceId };
  };
};

exports.handler = async (event) => {
  // The Node.js Lambda runtime ships the AWS SDK v3.
  const sdk = require('@aws-sdk/client-config-service');
  return exports.recorderHandler(new sdk.ConfigServiceClient({}), sdk)(event);
};
