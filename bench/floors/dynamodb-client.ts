// The least a function that reads the table can load: the DynamoDB client, one
// command and environment credentials, exported so nothing is tree-shaken.
// bench/bundles.ts measures it as the floor under the verify trigger and the API.
export { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
export { lambdaClientConfig } from '../../src/lambda/aws-clients.ts';
