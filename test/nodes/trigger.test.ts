/**
 * PortalDuct Trigger through n8n-core's real HookContext and WebhookContext, against the sandbox:
 * registration lifecycle, deliveries into workflow runs, authenticity, redeliveries.
 */
import { createHmac } from 'node:crypto';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import axios from 'axios';
import type { IDataObject } from 'n8n-workflow';

import type { WebhookServer, WorkflowJson } from '../harness';
import { closeHarness, world, type World } from '../support/fixture';
import { triggerWorkflow as makeTriggerWorkflow, uuid } from '../support/workflows';

const triggerWorkflow = (statuses?: string[]): WorkflowJson => makeTriggerWorkflow({ statuses });

let w: World;
let servers: WebhookServer[] = [];
let clientUUID: string;
beforeEach(async () => {
	w = await world({ connectionDecisionDelayMs: 50, deliveryRetryDelaysMs: [50, 100, 200] });
	const customerUUID = uuid();
	clientUUID = uuid();
	await w.act({ resource: 'customer', operation: 'create', customerUUID, name: 'Acme' });
	await w.act({ resource: 'client', operation: 'create', customerUUID, clientUUID, name: 'Northwind' });
});
afterEach(async () => {
	for (const s of servers) await s.close();
	servers = [];
	await w.close();
});
afterAll(closeHarness);

async function listen(workflow: WorkflowJson, mode: 'trigger' | 'manual' = 'trigger'): Promise<WebhookServer> {
	const server = await w.harness.startWebhookServer({ workflow, nodeName: 'PortalDuct Trigger', mode });
	servers.push(server);
	return server;
}

/** The node's record of what it registered at this server's URL (records are keyed by webhookId and mode). */
const record = (server: WebhookServer) =>
	Object.values(server.hooks().staticData().registrations as Record<string, IDataObject>).find((r) =>
		String(r.registeredUrl).startsWith(`${server.webhookUrl}?`),
	) as IDataObject;

describe('registration lifecycle', () => {
	test('activate registers this node\'s URL with a token; deactivate removes it', async () => {
		const server = await listen(triggerWorkflow());
		expect(await server.hooks().activate()).toBe(true);
		const registration = w.sandbox.control.registration();
		expect(registration?.url.startsWith(`${server.webhookUrl}?token=`)).toBe(true);
		expect(registration?.hasSecret).toBe(true);
		expect(await server.hooks().checkExists()).toBe(true);

		await server.hooks().delete();
		expect(w.sandbox.control.registration()).toBeNull();
	});

	test('activating again and again keeps exactly one registration', async () => {
		const server = await listen(triggerWorkflow());
		await server.hooks().activate();
		expect(await server.hooks().activate()).toBe(false);
		expect(await server.hooks().activate()).toBe(false);
		expect(w.sandbox.control.stats().registrations.created).toBe(1);
		expect(w.sandbox.control.registration()?.url.startsWith(server.webhookUrl)).toBe(true);
	});

	test('a registration removed behind n8n\'s back is created again; one replaced by another URL is not taken back', async () => {
		const server = await listen(triggerWorkflow());
		await server.hooks().activate();
		const token = record(server).token;
		await w.act({ resource: 'webhook', operation: 'remove' });
		expect(await server.hooks().activate()).toBe(true);
		expect(w.sandbox.control.registration()?.url.startsWith(`${server.webhookUrl}?token=${token}&signing=`)).toBe(true);

		// Replaced by another system's URL: not taken back without asking (trigger-listen.test.ts).
		await w.act({ resource: 'webhook', operation: 'register', url: 'http://127.0.0.1:9/elsewhere' });
		await expect(server.hooks().activate()).rejects.toThrow('to http://127.0.0.1:9/elsewhere, an address that is not a PortalDuct Trigger of this n8n');
	});

	test('a test listen while production is registered puts production back afterwards', async () => {
		const workflow = triggerWorkflow();
		const production = await listen(workflow, 'trigger');
		await production.hooks().activate();
		const productionUrl = w.sandbox.control.registration()!.url;

		// The editor's "listen for test event": same n8n, its /webhook-test/ URL.
		const editor = w.harness.hooks(workflow, 'PortalDuct Trigger', 'manual');
		expect(editor.webhookUrl).not.toBe(production.webhookUrl);
		expect(editor.webhookUrl).toContain('/webhook-test/');
		await editor.activate();
		expect(w.sandbox.control.registration()!.url.startsWith(editor.webhookUrl)).toBe(true);

		await editor.delete();
		expect(w.sandbox.control.registration()).toMatchObject({ url: productionUrl, hasSecret: true });
		// Production's own record survived the test listen, and it still receives.
		expect(await production.hooks().checkExists()).toBe(true);
	});

	test('activating production during a test listen does not later restore the finished test URL', async () => {
		const workflow = triggerWorkflow();
		const production = await listen(workflow, 'trigger');
		const editor = w.harness.hooks(workflow, 'PortalDuct Trigger', 'manual');
		await editor.activate();
		await production.hooks().activate();
		await editor.delete(); // the test listen ends: production's registration is not its to touch
		expect(w.sandbox.control.registration()!.url.startsWith(production.webhookUrl)).toBe(true);
		await production.hooks().delete();
		expect(w.sandbox.control.registration()).toBeNull();
	});

	test('deactivating leaves alone a registration that is no longer ours', async () => {
		const server = await listen(triggerWorkflow());
		await server.hooks().activate();
		await w.act({ resource: 'webhook', operation: 'register', url: 'http://127.0.0.1:9/someone-else' });
		await server.hooks().delete();
		expect(w.sandbox.control.registration()?.url).toBe('http://127.0.0.1:9/someone-else');
	});
});

describe('deliveries', () => {
	const submit = (password: string, portalName = 'Ariba') =>
		w.sandbox.control.submitPortalCredentials({ clientUUID, portalName, username: 'ap', password });

	test('a good portal password: pending then success reach the workflow', async () => {
		const server = await listen(triggerWorkflow());
		await server.hooks().activate();
		const { connection_uuid } = await submit('correct horse');
		const runs = await server.waitForExecutions(2);
		const items = runs.map((run) => run.json('Notify')[0]);
		expect(items.map((i) => i.status)).toEqual(['pending', 'success']);
		for (const item of items) {
			expect(item).toMatchObject({ clientUUID, connection_uuid, portalName: 'Ariba', retryRequired: false, eventId: expect.any(String) });
		}
		expect(items[1].summary).toBe(`Ariba login succeeded for client ${clientUUID}`);
		expect(server.responses.every((r) => r.statusCode === 200)).toBe(true);
	});

	test('a wrong portal password: pending then failure with retryRequired', async () => {
		const server = await listen(triggerWorkflow());
		await server.hooks().activate();
		await submit('wrong-password', 'Coupa');
		const runs = await server.waitForExecutions(2);
		const [pending, failure] = runs.map((run) => run.json('Notify')[0]);
		expect(pending).toMatchObject({ status: 'pending', retryRequired: false });
		expect(failure).toMatchObject({ status: 'failure', retryRequired: true, portalName: 'Coupa' });
		expect(failure.summary).toBe(
			`Coupa login failed for client ${clientUUID}: the portal rejected the username or password. Ask the client to re-enter their portal credentials.`,
		);
		// What a next step needs comes first, so n8n's table view shows it without scrolling.
		expect(Object.keys(failure).slice(0, 6)).toEqual(['status', 'portalName', 'clientUUID', 'retryRequired', 'summary', 'message']);
	});

	test('the status filter drops what is not selected (and still acknowledges it)', async () => {
		const server = await listen(triggerWorkflow(['failure']));
		await server.hooks().activate();
		await submit('correct horse');
		await submit('wrong', 'Coupa');
		await w.sandbox.control.waitForDeliveries(4, 10_000);
		await server.waitForExecutions(1);
		// Every event is answered; a run one of them started would still be on its way: let it end.
		await server.idle();
		expect(server.executions.map((run) => run.json('Notify')[0].status)).toEqual(['failure']);
		expect(w.sandbox.control.deliveries().every((d) => d.outcome === 'delivered')).toBe(true);
	});

	test('a redelivered eventId is acknowledged and not emitted twice', async () => {
		const server = await listen(triggerWorkflow());
		await server.hooks().activate();
		await submit('correct horse');
		await server.waitForExecutions(2);
		const [first] = w.sandbox.control.deliveries();
		const answered = server.responses.length;
		await w.sandbox.control.redeliver(first.eventId);
		// The sandbox has the answer to the second attempt; a run it might have started ends before idle().
		await w.sandbox.control.waitForDeliveries((d) => d[0].attempts.length === 2 && d[0].outcome === 'delivered');
		await server.idle();
		expect(server.responses).toHaveLength(answered + 1);
		expect(server.responses.at(-1)).toMatchObject({ statusCode: 200, body: { received: true, duplicate: true } });
		expect(server.executions).toHaveLength(2);
	});

	test('a receiver 500 on the first try: PortalDuct retries, exactly one item', async () => {
		const server = await listen(triggerWorkflow(['success']));
		await server.hooks().activate();
		// A proxy that forwards the first delivery to n8n but tells PortalDuct it failed, as when n8n
		// ran the workflow and its answer was lost: the retry must not start a second run.
		let failed = false;
		const proxy = await startProxy(server.webhookUrl, (body) => {
			if (failed || !body.includes('"success"')) return false;
			failed = true;
			return true;
		});
		const registration = w.sandbox.state.registration!;
		registration.url = registration.url.replace(new URL(server.webhookUrl).origin, proxy.origin);
		try {
			await submit('correct horse');
			await w.sandbox.control.waitForDeliveries(2, 10_000);
			// The run the first (lost) answer started may still be going when the retry is answered.
			await server.idle();
			const success = w.sandbox.control.deliveries().find((d) => d.status === 'success')!;
			expect(success.attempts.map((a) => a.statusCode)).toEqual([500, 200]);
			expect(server.executions.filter((run) => run.json('Notify')[0]?.status === 'success')).toHaveLength(1);
		} finally {
			proxy.server.close();
		}
	});
});

describe('authenticity', () => {
	let server: WebhookServer;
	const event = () => ({
		eventId: uuid(),
		event: 'clientPortalLoginChange',
		occurredAt: new Date().toISOString(),
		customerUUID: uuid(),
		clientUUID,
		connection_uuid: uuid(),
		portalName: 'Ariba',
		status: 'failure',
		retryRequired: true,
		message: 'forged',
	});
	const post = (url: string, body: string, headers: Record<string, string> = {}) =>
		axios.post(url, body, { headers: { 'content-type': 'application/json', ...headers }, validateStatus: () => true });
	const sign = (secret: string, t: number, body: string) =>
		`t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;

	beforeEach(async () => {
		server = await listen(triggerWorkflow());
		await server.hooks().activate();
	});

	test('no token, a wrong token, a bad signature or a stale one: 401 and nothing runs', async () => {
		const { token, secret } = record(server) as { token: string; secret: string };
		const body = JSON.stringify(event());
		const now = Math.floor(Date.now() / 1000);
		const attempts = [
			await post(server.webhookUrl, body),
			await post(`${server.webhookUrl}?token=${'0'.repeat(token.length)}`, body),
			await post(`${server.webhookUrl}?token=${token}x`, body),
			await post(`${server.webhookUrl}?token=${token}`, body, { 'x-portalduct-signature': sign('not-the-secret', now, body) }),
			await post(`${server.webhookUrl}?token=${token}`, body, { 'x-portalduct-signature': sign(secret, now - 3600, body) }),
			await post(`${server.webhookUrl}?token=${token}`, body, { 'x-portalduct-signature': 'garbage' }),
		];
		expect(attempts.map((a) => a.status)).toEqual([401, 401, 401, 401, 401, 401]);
		expect(JSON.stringify(attempts.map((a) => a.data))).not.toContain(secret);
		// Answered is not finished: a run one of them wrongly started would come after its answer.
		await server.idle();
		expect(server.executions).toHaveLength(0);
	});

	test('the right token and a good signature are accepted', async () => {
		const { token, secret } = record(server) as { token: string; secret: string };
		const body = JSON.stringify(event());
		const ok = await post(`${server.webhookUrl}?token=${token}`, body, {
			'x-portalduct-signature': sign(secret, Math.floor(Date.now() / 1000), body),
		});
		expect(ok.status).toBe(200);
		const [run] = await server.waitForExecutions(1);
		expect(run.json('Notify')[0]).toMatchObject({ status: 'failure', retryRequired: true, message: 'forged' });
	});
});

/** Forwards to `target`; answers 500 instead of the real answer when `fail()` says so. */
async function startProxy(target: string, fail: (body: string) => boolean): Promise<{ origin: string; server: Server }> {
	const to = new URL(target);
	const server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		let sent = '';
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const forward = request(
				{ host: to.hostname, port: to.port, path: req.url, method: req.method, headers: req.headers },
				(answer) => {
					answer.resume();
					answer.on('end', () => {
						if (fail(sent)) res.writeHead(500).end('{"message":"lost"}');
						else res.writeHead(answer.statusCode ?? 502).end('{}');
					});
				},
			);
			const body = Buffer.concat(chunks);
			forward.end(body);
			sent = body.toString();
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

test('Include Headers adds the delivery headers to the item', async () => {
	const workflow = triggerWorkflow(['pending']);
	(workflow.nodes[0].parameters as IDataObject).options = { includeHeaders: true };
	const server = await listen(workflow);
	await server.hooks().activate();
	await w.sandbox.control.submitPortalCredentials({ clientUUID, portalName: 'Ariba', username: 'x', password: 'ok' });
	const [run] = await server.waitForExecutions(1);
	const headers = run.json('Notify')[0].headers as IDataObject;
	expect(headers['user-agent']).toMatch(/PortalDuct/);
	expect(headers['x-portalduct-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
});
