/**
 * Proves the engine harness on a throwaway package (written to a temp dir) against a real HTTP API:
 * real n8n-core, real HTTP, nothing mocked.
 */
import { request } from 'node:http';
import { randomUUID } from 'node:crypto';

import type { IDataObject } from 'n8n-workflow';

import { createHarness, type Harness, type WorkflowJson } from '.';
import { CREDENTIAL_TYPE, NODE_TYPE, TRIGGER_TYPE, writeThrowawayPackage } from './self-test/throwaway-package';
import { PASSWORD, USERNAME, startTestApi, type TestApi } from './self-test/test-api';

const CREDENTIAL_ID = 'cred-1';
const credentials = { selfTestApi: { id: CREDENTIAL_ID, name: 'Self test' } };

function actionWorkflow(options: { continueOnFail?: boolean; parameters?: IDataObject } = {}): WorkflowJson {
	return {
		name: 'action',
		nodes: [
			{ id: 'a', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: 'b',
				name: 'Self Test',
				type: NODE_TYPE,
				typeVersion: 1,
				position: [200, 0],
				parameters: options.parameters ?? {},
				credentials,
				...(options.continueOnFail ? { continueOnFail: true } : {}),
			},
			{ id: 'c', name: 'Sticky', type: 'n8n-nodes-base.stickyNote', typeVersion: 1, position: [0, -200], parameters: {} },
		],
		connections: { Start: { main: [[{ node: 'Self Test', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

function triggerWorkflow(): WorkflowJson {
	return {
		name: 'trigger',
		nodes: [
			{
				id: 't',
				name: 'Trigger',
				type: TRIGGER_TYPE,
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
				credentials,
				webhookId: randomUUID(),
			},
			{ id: 'n', name: 'NoOp', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [200, 0], parameters: {} },
		],
		connections: { Trigger: { main: [[{ node: 'NoOp', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

/** A POST on a fresh connection, as a webhook sender would make it. */
function post(url: string, body: unknown): Promise<{ status: number; text: string }> {
	return new Promise((resolve, reject) => {
		const req = request(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, agent: false }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (chunk: Buffer) => chunks.push(chunk));
			res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
		});
		req.on('error', reject);
		req.end(JSON.stringify(body));
	});
}

const items = (count: number) => Array.from({ length: count }, (_, i) => ({ json: { id: i } }));

let pkg: ReturnType<typeof writeThrowawayPackage>;
let harness: Harness;
let api: TestApi;

beforeAll(async () => {
	pkg = writeThrowawayPackage();
	harness = await createHarness({ packageDir: pkg.dir });
});

beforeEach(async () => {
	api = await startTestApi();
	harness.credentials.set(CREDENTIAL_ID, CREDENTIAL_TYPE, { baseUrl: api.url, username: USERNAME, password: PASSWORD });
});

afterEach(async () => {
	await api.close();
});

afterAll(async () => {
	await harness.close();
	pkg.remove();
});

test('loads the package like n8n does: types named <package>.<node>, plus the base stand-ins', () => {
	expect(harness.packageName).toBe('n8n-nodes-harness-selftest');
	expect(harness.nodeTypes.names()).toEqual(
		expect.arrayContaining([NODE_TYPE, TRIGGER_TYPE, 'n8n-nodes-base.manualTrigger', 'n8n-nodes-base.noOp']),
	);
	expect(harness.credentialTypes.getByName(CREDENTIAL_TYPE).displayName).toBe('Self Test API');
});

test('one login serves 200 items and a second run (the token is stored like n8n stores it)', async () => {
	const updatesBefore = harness.credentials.updates;
	const first = await harness.run(actionWorkflow(), { items: items(200) });

	expect(first.error).toBeUndefined();
	expect(first.json('Self Test')).toHaveLength(200);
	expect(first.json('Self Test')[199]).toEqual({ id: '199', name: 'item 199' });
	// pairedItem survives the engine
	expect(first.output('Self Test').map((item) => item.pairedItem)).toEqual(items(200).map((_, i) => ({ item: i })));
	expect(first.nodeExecutionOrder).toEqual(['Start', 'Self Test']);
	expect(api.logins).toBe(1);
	expect(harness.credentials.updates).toBe(updatesBefore + 1);
	expect(harness.credentials.get(CREDENTIAL_ID)?.sessionToken).toBe(api.issued[0]);

	const second = await harness.run(actionWorkflow(), { items: items(3) });
	expect(second.json('Self Test')).toHaveLength(3);
	expect(api.logins).toBe(1);
	expect(api.itemRequests).toBe(203);
	expect(api.unauthorized).toBe(0);
});

test('a stale token costs exactly one re-login and every item succeeds', async () => {
	await harness.run(actionWorkflow(), { items: items(2) });
	api.revokeTokens();

	const run = await harness.run(actionWorkflow(), { items: items(5) });

	expect(run.error).toBeUndefined();
	expect(run.json('Self Test').map((item) => item.id)).toEqual(['0', '1', '2', '3', '4']);
	expect(api.unauthorized).toBe(1);
	expect(api.logins).toBe(2);
	expect(harness.credentials.get(CREDENTIAL_ID)?.sessionToken).toBe(api.issued[1]);
});

test('a failing item becomes an error item with continueOnFail, and fails the run without it', async () => {
	const input = [{ json: { id: 1 } }, { json: { id: 'missing' } }, { json: { id: 3 } }];

	const kept = await harness.run(actionWorkflow({ continueOnFail: true }), { items: input });
	expect(kept.error).toBeUndefined();
	const out = kept.output('Self Test');
	expect(out).toHaveLength(3);
	expect(out[1].json.error).toBe('The resource you are requesting could not be found');
	expect(out[1].pairedItem).toEqual({ item: 1 });
	expect(out[2].json).toEqual({ id: '3', name: 'item 3' });

	const failed = await harness.run(actionWorkflow(), { items: input });
	expect(failed.error).toBeDefined();
	expect(failed.status).toBe('error');
	expect(failed.nodeError('Self Test')).toMatchObject({ name: 'NodeApiError', httpCode: '404' });
	expect(failed.output('Self Test')).toEqual([]);
});

test('a workflow with issues fails the run before any request, as n8n records it', async () => {
	const run = await harness.run(actionWorkflow({ parameters: { collection: '' } }));
	expect(run.status).toBe('error');
	expect(run.error?.name).toBe('WorkflowHasIssuesError');
	expect(run.runData).toEqual({});
	expect(api.itemRequests + api.logins).toBe(0);
});

test('a run can start at any node with given items', async () => {
	const run = await harness.run(actionWorkflow(), { startNode: 'Self Test', items: [{ json: { id: 'x' } }] });
	expect(run.json('Self Test')).toEqual([{ id: 'x', name: 'item x' }]);
	expect(run.output('Start')).toEqual([]);
});

test('webhook hooks register and deregister, and static data persists on the Workflow object', async () => {
	const json = triggerWorkflow();
	const webhookId = json.nodes[0].webhookId as string;
	const hooks = harness.hooks(json, 'Trigger', 'trigger');

	expect(hooks.webhookUrl).toBe(`http://127.0.0.1:5678/webhook/${webhookId}/webhook`);
	expect(harness.hooks(json, 'Trigger', 'manual').webhookUrl).toBe(
		`http://127.0.0.1:5678/webhook-test/${webhookId}/webhook`,
	);
	expect(await hooks.checkExists()).toBe(false);
	expect(await hooks.create()).toBe(true);
	expect([...api.hooks.values()].map((hook) => hook.url)).toEqual([hooks.webhookUrl]);

	// A new HookContext on the same Workflow object sees what create() stored.
	const again = harness.hooks(json, 'Trigger', 'trigger');
	expect(again.workflow).toBe(hooks.workflow);
	expect(again.staticData().hookId).toEqual(expect.any(String));
	expect(await again.checkExists()).toBe(true);
	expect(await again.activate()).toBe(false);

	expect(await again.delete()).toBe(true);
	expect(api.hooks.size).toBe(0);
	expect(hooks.staticData().hookId).toBeUndefined();
	expect(api.logins).toBe(1);
});

test('a POST to the webhook server runs the workflow with the delivered item', async () => {
	const json = triggerWorkflow();
	const server = await harness.startWebhookServer({ workflow: json, nodeName: 'Trigger' });
	try {
		const hooks = server.hooks();
		expect(hooks.webhookUrl).toBe(server.webhookUrl);
		expect(server.webhookUrl.startsWith(`${server.baseUrl}webhook/`)).toBe(true);
		expect(await hooks.activate()).toBe(true);
		expect([...api.hooks.values()][0].url).toBe(server.webhookUrl);

		const delivered = await post(server.webhookUrl, { eventId: 'e1', status: 'success' });
		const [run] = await server.waitForExecutions(1);

		// n8n answers an 'onReceived' webhook whose description sets no `responseData` with the
		// literal default 'firstEntryJson' (webhookResponse is ignored then): what real n8n does too.
		expect(delivered).toEqual({ status: 200, text: 'firstEntryJson' });
		expect(run.error).toBeUndefined();
		expect(run.raw.mode).toBe('webhook');
		expect(run.json('NoOp')).toEqual([{ eventId: 'e1', status: 'success', receivedVia: server.webhookUrl }]);

		// The node can answer by itself and start nothing.
		const refused = await post(server.webhookUrl, { reject: true });
		expect(refused).toEqual({ status: 422, text: JSON.stringify({ accepted: false }) });
		const unknown = await post(`${server.baseUrl}webhook/not-a-webhook`, {});
		expect(unknown.status).toBe(404);
		const broken = await post(server.webhookUrl, { explode: true });
		expect(broken).toEqual({
			status: 500,
			text: JSON.stringify({ code: 500, message: 'Workflow Webhook Error: Workflow could not be started!' }),
		});
		expect(server.errors.map((error) => error.message)).toEqual(['the trigger broke']);
		expect(server.responses.map((response) => response.statusCode)).toEqual([200, 422, 404, 500]);
		// A run starts after the answer: only once every request is handled is 'no other run' final.
		await server.idle();
		expect(server.executions).toHaveLength(1);

		expect(await hooks.delete()).toBe(true);
		expect(api.hooks.size).toBe(0);
	} finally {
		await server.close();
	}
});

test('test-mode webhook servers answer on /webhook-test/ and run in manual mode', async () => {
	const server = await harness.startWebhookServer({ workflow: triggerWorkflow(), nodeName: 'Trigger', mode: 'manual' });
	try {
		expect(server.webhookUrl).toContain('/webhook-test/');
		await post(server.webhookUrl, { eventId: 'e2' });
		const [run] = await server.waitForExecutions(1);
		expect(run.raw.mode).toBe('manual');
		expect(run.json('NoOp')[0]).toMatchObject({ eventId: 'e2' });
	} finally {
		await server.close();
	}
});

test('harness.logs holds what nodes and n8n-core logged, and no secret', async () => {
	const before = harness.logs.length;
	await harness.run(actionWorkflow({ continueOnFail: true }), {
		items: [{ json: { id: 1 } }, { json: { id: 'missing' } }],
	});

	const lines = harness.logs.slice(before);
	expect(lines).toEqual(
		expect.arrayContaining([
			{ level: 'info', message: 'selfTest item done', meta: expect.objectContaining({ itemIndex: 0 }) },
		]),
	);
	const text = JSON.stringify(harness.logs);
	expect(text).not.toContain(PASSWORD);
	for (const token of api.issued) expect(text).not.toContain(token);
});
