/**
 * A tiny built n8n community package, written to a temp dir, that proves the harness without the
 * real PortalDuct nodes: a credential with a hidden expirable token + preAuthentication + generic
 * Bearer auth, a programmatic node calling httpRequestWithAuthentication, and a webhook trigger
 * with checkExists/create/delete and webhook(). Plain CommonJS, as `tsc` would emit it.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const PACKAGE_NAME = 'n8n-nodes-harness-selftest';
export const NODE_TYPE = `${PACKAGE_NAME}.selfTest`;
export const TRIGGER_TYPE = `${PACKAGE_NAME}.selfTestTrigger`;
export const CREDENTIAL_TYPE = 'selfTestApi';

const credential = `
class SelfTestApi {
	constructor() {
		this.name = 'selfTestApi';
		this.displayName = 'Self Test API';
		this.properties = [
			{ displayName: 'Session Token', name: 'sessionToken', type: 'hidden', typeOptions: { expirable: true, password: true }, default: '' },
			{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
			{ displayName: 'Username', name: 'username', type: 'string', default: '' },
			{ displayName: 'Password', name: 'password', type: 'string', typeOptions: { password: true }, default: '' },
		];
		this.authenticate = {
			type: 'generic',
			properties: { headers: { Authorization: '=Bearer {{$credentials.sessionToken}}' } },
		};
	}

	async preAuthentication(credentials) {
		const { token } = await this.helpers.httpRequest({
			method: 'POST',
			url: credentials.baseUrl + '/login',
			body: { username: credentials.username, password: credentials.password },
			json: true,
		});
		return { sessionToken: token };
	}
}
module.exports = { SelfTestApi };
`;

const node = `
class SelfTest {
	constructor() {
		this.description = {
			displayName: 'Self Test',
			name: 'selfTest',
			group: ['transform'],
			version: 1,
			description: 'Reads one item per input item from the self-test API',
			defaults: { name: 'Self Test' },
			inputs: ['main'],
			outputs: ['main'],
			credentials: [{ name: 'selfTestApi', required: true }],
			properties: [{ displayName: 'Collection', name: 'collection', type: 'string', default: 'items', required: true }],
		};
	}

	async execute() {
		const items = this.getInputData();
		const { baseUrl } = await this.getCredentials('selfTestApi');
		const out = [];
		for (let i = 0; i < items.length; i++) {
			try {
				const collection = this.getNodeParameter('collection', i);
				const response = await this.helpers.httpRequestWithAuthentication.call(this, 'selfTestApi', {
					method: 'GET',
					url: baseUrl + '/' + collection + '/' + encodeURIComponent(String(items[i].json.id)),
					json: true,
				});
				this.logger.info('selfTest item done', { itemIndex: i });
				out.push({ json: response, pairedItem: { item: i } });
			} catch (error) {
				if (this.continueOnFail()) {
					out.push({ json: { error: error.message }, pairedItem: { item: i } });
					continue;
				}
				throw error;
			}
		}
		return [out];
	}
}
module.exports = { SelfTest };
`;

const trigger = `
class SelfTestTrigger {
	constructor() {
		this.description = {
			displayName: 'Self Test Trigger',
			name: 'selfTestTrigger',
			group: ['trigger'],
			version: 1,
			description: 'Starts the workflow on deliveries from the self-test API',
			defaults: { name: 'Self Test Trigger' },
			inputs: [],
			outputs: ['main'],
			credentials: [{ name: 'selfTestApi', required: true }],
			webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' }],
			properties: [],
		};
		this.webhookMethods = {
			default: {
				async checkExists() {
					const data = this.getWorkflowStaticData('node');
					if (data.hookId === undefined) return false;
					const { baseUrl } = await this.getCredentials('selfTestApi');
					const hooks = await this.helpers.httpRequestWithAuthentication.call(this, 'selfTestApi', {
						method: 'GET', url: baseUrl + '/hooks', json: true,
					});
					if (hooks.some((hook) => hook.id === data.hookId && hook.url === this.getNodeWebhookUrl('default'))) return true;
					delete data.hookId;
					return false;
				},
				async create() {
					const { baseUrl } = await this.getCredentials('selfTestApi');
					const hook = await this.helpers.httpRequestWithAuthentication.call(this, 'selfTestApi', {
						method: 'POST', url: baseUrl + '/hooks', body: { url: this.getNodeWebhookUrl('default') }, json: true,
					});
					this.getWorkflowStaticData('node').hookId = hook.id;
					return true;
				},
				async delete() {
					const data = this.getWorkflowStaticData('node');
					if (data.hookId === undefined) return true;
					const { baseUrl } = await this.getCredentials('selfTestApi');
					await this.helpers.httpRequestWithAuthentication.call(this, 'selfTestApi', {
						method: 'DELETE', url: baseUrl + '/hooks/' + data.hookId, json: true,
					});
					delete data.hookId;
					return true;
				},
			},
		};
	}

	async webhook() {
		const body = this.getBodyData();
		if (body.explode) throw new Error('the trigger broke');
		if (body.reject) {
			this.getResponseObject().status(422).json({ accepted: false });
			return { noWebhookResponse: true };
		}
		this.logger.debug('selfTestTrigger delivery', { eventId: body.eventId });
		return {
			webhookResponse: { accepted: true },
			workflowData: [this.helpers.returnJsonArray([{ ...body, receivedVia: this.getNodeWebhookUrl('default') }])],
		};
	}
}
module.exports = { SelfTestTrigger };
`;

const files: Record<string, string> = {
	'package.json': JSON.stringify(
		{
			name: PACKAGE_NAME,
			version: '0.0.1',
			n8n: {
				n8nNodesApiVersion: 1,
				credentials: ['dist/credentials/SelfTestApi.credentials.js'],
				nodes: ['dist/nodes/SelfTest/SelfTest.node.js', 'dist/nodes/SelfTestTrigger/SelfTestTrigger.node.js'],
			},
		},
		null,
		2,
	),
	'dist/credentials/SelfTestApi.credentials.js': credential,
	'dist/nodes/SelfTest/SelfTest.node.js': node,
	'dist/nodes/SelfTestTrigger/SelfTestTrigger.node.js': trigger,
};

/** Writes the package to a fresh temp dir; returns it and a remover. */
export function writeThrowawayPackage(): { dir: string; remove(): void } {
	const dir = mkdtempSync(join(tmpdir(), 'n8n-harness-package-'));
	for (const [path, text] of Object.entries(files)) {
		mkdirSync(dirname(join(dir, path)), { recursive: true });
		writeFileSync(join(dir, path), text);
	}
	return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
