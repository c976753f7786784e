/**
 * The PortalDuct Trigger never loses an authentic delivery because of its content (issue 19 item
 * 1): other status words, snake_case names, a `data` / `payload` wrapper, no eventId, a body that
 * is not a JSON object. Real deliveries from the sandbox in its dialects (the sandbox plays the
 * Client) and signed POSTs, through n8n-core's HookContext and WebhookContext.
 */
import type { IDataObject } from 'n8n-workflow';

import type { WebhookServer, WorkflowJson } from '../harness';
import { deliverRawTo, deliverTo, ownTriggerWorkflow, portalLoginChange } from '../support/deliveries';
import { closeHarness, world, type World } from '../support/fixture';
import { uuid } from '../support/workflows';
import type { SandboxOptions } from '../tools/sandbox';
import { dialectSettings } from '../tools/sandbox/dialects';

let w: World;
let servers: WebhookServer[] = [];
let clientUUID: string;
let customerUUID: string;

async function start(options: SandboxOptions = {}): Promise<void> {
	w = await world({ connectionDecisionDelayMs: 20, deliveryRetryDelaysMs: [50, 100, 200], ...options });
	customerUUID = uuid();
	clientUUID = uuid();
	await w.act({ resource: 'customer', operation: 'create', customerUUID, name: 'Acme' });
	await w.act({ resource: 'client', operation: 'create', customerUUID, clientUUID, name: 'Northwind' });
}
afterEach(async () => {
	for (const s of servers) await s.close();
	servers = [];
	await w?.close();
});
afterAll(closeHarness);

/** A published trigger workflow (default Statuses unless given) on this world's sandbox. */
async function published(statuses?: string[]): Promise<WebhookServer> {
	const workflow: WorkflowJson = ownTriggerWorkflow({}, statuses);
	if (!statuses) delete (workflow.nodes[0].parameters as IDataObject).statuses; // the node's default
	const server = await w.harness.startWebhookServer({ workflow, nodeName: 'PortalDuct Trigger' });
	servers.push(server);
	expect(await server.hooks().activate()).toBe(true);
	return server;
}

/** The client enters a good portal password, then a wrong one: pending, success, pending, failure. */
async function goodThenWrong(): Promise<void> {
	await w.sandbox.control.submitPortalCredentials({ clientUUID, portalName: 'Ariba', username: 'ap', password: 'good' });
	await w.sandbox.control.waitForDeliveries(2);
	await w.sandbox.control.submitPortalCredentials({ clientUUID, portalName: 'Coupa', username: 'ap', password: 'wrong' });
	await w.sandbox.control.waitForDeliveries(4);
}

const items = (server: WebhookServer) => server.executions.map((run) => run.json('Handle')[0]);

describe('status words', () => {
	test('the sandbox\'s other words (in_progress, Active, Error) reach the workflow as pending, success, failure; the word sent stays', async () => {
		await start(dialectSettings('status-words'));
		const server = await published();
		await goodThenWrong();
		await server.waitForExecutions(4);
		await server.idle();
		expect(w.sandbox.control.deliveries().every((d) => d.outcome === 'delivered' && d.attempts.length === 1)).toBe(true);
		const got = items(server).map((i) => [i.status, i.statusSent]);
		expect(got).toEqual([
			['pending', 'in_progress'],
			['success', 'Active'],
			['pending', 'in_progress'],
			['failure', 'Error'],
		]);
		expect(items(server)[3]).toMatchObject({ retryRequired: true, portalName: 'Coupa', clientUUID });
	});

	test('several words per meaning, in any case and spelling; a word with no clear meaning is status other', async () => {
		await start();
		const server = await published();
		const words = {
			success: ['succeeded', 'SUCCESSFUL', 'Connected', 'active', 'OK', 'completed', 'Valid', 'authenticated'],
			failure: ['error', 'Failed', 'FAIL', 'login_failed', 'Invalid-Credentials', 'UNAUTHORIZED', 'locked', 'Expired', 'rejected', 'denied', 'bad credentials'],
			pending: ['In Progress', 'queued', 'PROCESSING', 'waiting', 'submitted', 'started', 'running'],
			other: ['paused', 'Zwischenstand', ''],
		};
		const sent = Object.entries(words).flatMap(([meaning, list]) => list.map((word) => ({ meaning, word })));
		const answers = [];
		for (const { word } of sent) answers.push((await deliverTo(w.sandbox, portalLoginChange(word))).status);
		expect(answers).toEqual(sent.map(() => 200));
		await server.waitForExecutions(sent.length);
		await server.idle();
		const byWord = new Map(items(server).map((i) => [i.statusSent ?? '', i.status]));
		for (const { meaning, word } of sent) expect([word, byWord.get(word)]).toEqual([word, meaning]);
		const paused = items(server).find((i) => i.statusSent === 'paused')!;
		expect(paused.summary).toBe(
			`Ariba connection of client ${String(paused.clientUUID)}: PortalDuct sent status "paused", which this trigger does not know as pending, success or failure: test delivery`,
		);
	});

	test('Statuses without Other (a workflow saved before it existed): an unclear word is acknowledged, not run', async () => {
		await start();
		const server = await published(['pending', 'success', 'failure']);
		const answer = await deliverTo(w.sandbox, portalLoginChange('paused'));
		expect(answer).toEqual({ status: 200, body: { received: true, ignored: 'status other is not selected' } });
		expect((await deliverTo(w.sandbox, portalLoginChange('FAILED'))).status).toBe(200);
		await server.waitForExecutions(1);
		await server.idle();
		expect(items(server).map((i) => i.status)).toEqual(['failure']);
	});
});

describe('field names and wrappers', () => {
	test('snake_case: the canonical fields filled from client_uuid, portal_name, ...; every field sent kept', async () => {
		await start(dialectSettings('snake-case'));
		const server = await published();
		await goodThenWrong();
		await server.waitForExecutions(4);
		const failure = items(server)[3];
		const delivery = w.sandbox.control.deliveries()[3];
		expect(failure).toMatchObject({
			status: 'failure',
			portalName: 'Coupa',
			clientUUID,
			customerUUID,
			connection_uuid: delivery.payload.connection_uuid,
			retryRequired: true,
			eventId: delivery.eventId,
			occurredAt: delivery.payload.occurredAt,
			message: delivery.payload.message,
			// as sent
			event_id: delivery.eventId,
			client_uuid: clientUUID,
			customer_uuid: customerUUID,
			portal_name: 'Coupa',
			retry_required: true,
			occurred_at: delivery.payload.occurredAt,
		});
		expect(failure.summary).toMatch(/^Coupa login failed for client /);
	});

	test.each(['data', 'payload'] as const)('fields under `%s`: read from the wrapper, which stays on the item as sent', async (wrapper) => {
		await start(dialectSettings(`wrapped-${wrapper}`));
		const server = await published();
		await goodThenWrong();
		await server.waitForExecutions(4);
		await server.idle();
		expect(items(server).map((i) => i.status)).toEqual(['pending', 'success', 'pending', 'failure']);
		const failure = items(server)[3];
		const delivery = w.sandbox.control.deliveries()[3];
		expect(failure).toMatchObject({ portalName: 'Coupa', clientUUID, retryRequired: true, eventId: delivery.eventId, event: 'clientPortalLoginChange' });
		const { eventId: _id, event: _event, ...wrapped } = delivery.payload;
		expect(failure[wrapper]).toEqual(wrapped);
	});

	test('snake_case under `payload` with other words: all three at once', async () => {
		await start({ fieldStyle: 'snake_case', deliveryWrapper: 'payload', deliveryStatusWords: { success: 'CONNECTED', failure: 'invalid_credentials' } });
		const server = await published();
		await goodThenWrong();
		await server.waitForExecutions(4);
		await server.idle();
		expect(items(server).map((i) => [i.status, i.statusSent, i.portalName, i.clientUUID])).toEqual([
			['pending', 'pending', 'Ariba', clientUUID],
			['success', 'CONNECTED', 'Ariba', clientUUID],
			['pending', 'pending', 'Coupa', clientUUID],
			['failure', 'invalid_credentials', 'Coupa', clientUUID],
		]);
	});
});

describe('deliveries without eventId', () => {
	test('no id at all: each event runs once; a redelivery (same body) is a duplicate; eventId is the body\'s hash', async () => {
		await start(dialectSettings('no-event-id'));
		const server = await published();
		await goodThenWrong();
		await server.waitForExecutions(4);
		await server.idle();
		const keys = items(server).map((i) => i.eventId as string);
		expect(keys.every((k) => /^sha256:[0-9a-f]{64}$/.test(k))).toBe(true);
		expect(new Set(keys).size).toBe(4);
		const answered = server.responses.length;
		const [first] = w.sandbox.control.deliveries();
		await w.sandbox.control.redeliver(first.eventId);
		await w.sandbox.control.waitForDeliveries((d) => d[0].attempts.length === 2 && d[0].outcome === 'delivered');
		await server.idle();
		expect(server.responses.slice(answered)).toMatchObject([{ statusCode: 200, body: { received: true, duplicate: true } }]);
		expect(server.executions).toHaveLength(4);
	});

	test('the id as `id`: deduplicated on it; the same body POSTed twice runs once', async () => {
		await start(dialectSettings('id-not-eventId'));
		const server = await published();
		await goodThenWrong();
		await server.waitForExecutions(4);
		expect(items(server).map((i) => i.eventId)).toEqual(w.sandbox.control.deliveries().map((d) => d.eventId));
		const { eventId, ...rest } = portalLoginChange('failure');
		const body = { id: eventId, ...rest };
		expect((await deliverTo(w.sandbox, body)).body).toEqual({ received: true });
		expect((await deliverTo(w.sandbox, body)).body).toEqual({ received: true, duplicate: true });
		await server.waitForExecutions(5);
		await server.idle();
		expect(server.executions).toHaveLength(5);
	});
});

describe('bodies that are not a JSON object', () => {
	test('an array, an empty body, a JSON string: answered 2xx and run as status other with the body kept', async () => {
		await start();
		const server = await published();
		const answers = [
			await deliverRawTo(w.sandbox, '[{"status":"failure"}]'),
			await deliverRawTo(w.sandbox, ''),
			await deliverRawTo(w.sandbox, '"login failed"'),
		];
		expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
		await server.waitForExecutions(3);
		await server.idle();
		const got = items(server);
		expect(got.map((i) => i.status)).toEqual(['other', 'other', 'other']);
		expect(got[0].body).toEqual([{ status: 'failure' }]);
		expect(got[2].body).toBe('login failed');
		for (const item of got) expect(item.summary).toMatch(/PortalDuct sent no status/);
	});

	test('a wrong token or signature is still refused (401), whatever the body', async () => {
		await start();
		const server = await published();
		const url = new URL(w.sandbox.state.registration!.url);
		url.searchParams.set('token', 'wrong');
		const answers = [
			await deliverRawTo(w.sandbox, '[]', { url: url.toString() }),
			await deliverRawTo(w.sandbox, JSON.stringify(portalLoginChange('Active')), { url: url.toString() }),
		];
		expect(answers.map((a) => a.status)).toEqual([401, 401]);
		await server.idle();
		expect(server.executions).toHaveLength(0);
	});
});
