/**
 * The credential's "Test" button, run as n8n runs it for a credential type with a `test` request
 * (n8n source: packages/cli/src/services/credentials-tester.service.ts, `testCredentials` and
 * `runRequestTest`): the type's defaults and expressions resolved without an item, then the test
 * request through n8n-core's RoutingNode on a temporary node, which runs the credential's
 * preAuthentication and authenticate; an HTTP error is judged by the type's `responseCode` rules,
 * a 2xx answer by its `responseSuccessBody` rules (the first whose `key` holds `value` fails it).
 */
import { ExecuteContext, RoutingNode } from 'n8n-core';
import {
	Workflow,
	type ICredentialTestRequest,
	type ICredentialsDecrypted,
	type IDataObject,
	type INodeExecutionData,
	type INode,
	type INodeCredentialTestResult,
	type INodeType,
	type INodeTypes,
	type IRunExecutionData,
	type IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

import type { HarnessCredentialsHelper } from './credentials-helper';
import type { HarnessCredentialTypes } from './node-types';

export interface CredentialTestDeps {
	credentialsHelper: HarnessCredentialsHelper;
	credentialTypes: HarnessCredentialTypes;
	nodeTypes: INodeTypes;
	additionalData(workflow: Workflow): IWorkflowExecuteAdditionalData;
}

/** `{status: 'OK' | 'Error', message}` as n8n's REST `POST /rest/credentials/test` answers. */
export async function testCredential(
	deps: CredentialTestDeps,
	credentials: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const type = credentials.type;
	const test = deps.credentialTypes.getByName(type).test as ICredentialTestRequest | undefined;
	if (!test) return { status: 'Error', message: 'No testing function found for this credential.' };
	const noOp = deps.nodeTypes.getByNameAndVersion('n8n-nodes-base.noOp');
	const node: INode = {
		id: 'temp',
		name: 'Temp-Node',
		type: noOp.description.name,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		credentials: { [type]: { id: credentials.id, name: credentials.name } },
	};
	const testNodeType: INodeType = {
		description: {
			...noOp.description,
			credentials: [{ name: type, required: true }],
			properties: [{ displayName: 'Temp', name: 'temp', type: 'string', routing: { request: test.request }, default: '' }],
		},
	};
	const nodeTypes: INodeTypes = {
		getByName: () => testNodeType,
		getByNameAndVersion: () => testNodeType,
		getKnownTypes: () => ({}),
	};
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
	const additionalData = deps.additionalData(workflow);
	try {
		credentials.data = await deps.credentialsHelper.applyDefaultsAndOverwrites(additionalData, credentials.data ?? {}, type, 'internal');
	} catch (error) {
		return { status: 'Error', message: String((error as Error).message) };
	}
	const runExecutionData = { resultData: { runData: {} } } as IRunExecutionData;
	let answer: INodeExecutionData[][] | null | undefined;
	const context = new ExecuteContext(
		workflow,
		node,
		additionalData,
		'internal',
		runExecutionData,
		0,
		[],
		{ main: [[{ json: {} }]] },
		{ node, data: {}, source: null },
		[],
	);
	await workflow.expression.acquireIsolate();
	try {
		answer = await new RoutingNode(context, testNodeType, credentials).runNode();
	} catch (error) {
		const response = (error as { cause?: { response?: { status: number; statusText?: string } } }).cause?.response;
		if (response) {
			for (const rule of test.rules ?? []) {
				if (rule.type === 'responseCode' && rule.properties.value === response.status) {
					return { status: 'Error', message: rule.properties.message };
				}
			}
			if (response.status < 199 || response.status > 299) {
				return { status: 'Error', message: response.statusText || `Received HTTP status code: ${response.status}` };
			}
		}
		return { status: 'Error', message: String((error as Error).message) };
	} finally {
		await workflow.expression.releaseIsolate();
	}
	for (const rule of test.rules ?? []) {
		if (rule.type === 'responseSuccessBody' && readPath(answer?.[0]?.[0]?.json, rule.properties.key) === rule.properties.value) {
			return { status: 'Error', message: rule.properties.message };
		}
	}
	return { status: 'OK', message: 'Connection successful!' };
}

/** `a.b.c` of a JSON value, as lodash `get` reads a rule's key. */
function readPath(value: unknown, path: string): unknown {
	return path.split('.').reduce<unknown>((at, key) => (at && typeof at === 'object' ? (at as IDataObject)[key] : undefined), value);
}
