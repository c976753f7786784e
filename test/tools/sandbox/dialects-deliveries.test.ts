/**
 * The sandbox's delivery and registration dialects (dialects.ts, issue 19): deliveries with other
 * status words, snake_case names, a wrapper object, another id or none; registration answers in
 * snake_case; GET and DELETE of the registration not served (404, 405, 501). Over real HTTP.
 */
import axios, { type AxiosInstance } from 'axios';

import { dialectSettings } from './dialects';
import { seedCustomerAndClient } from './fixtures';
import { startSandbox, type Sandbox, type SandboxOptions } from './index';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver';

let sandbox: Sandbox;
let api: AxiosInstance;
let auth: { Authorization: string };
let receiver: WebhookReceiver;

async function start(options: SandboxOptions = {}) {
	sandbox = await startSandbox({ connectionDecisionDelayMs: 20, deliveryRetryDelaysMs: [20, 40], ...options });
	api = axios.create({ baseURL: sandbox.url, validateStatus: () => true });
	const res = await api.post('/v1/login', sandbox.login);
	auth = { Authorization: `Bearer ${res.data.token}` };
	receiver = await startWebhookReceiver('/hook');
}

afterEach(async () => {
	await sandbox?.close();
	await receiver?.close();
});

const webhookPath = '/v1/clientsPortalLoginChanges';

/** A good and a wrong portal password: pending, success, pending, failure. */
async function fourDeliveries(): Promise<Record<string, unknown>[]> {
	expect((await api.post(webhookPath, { url: receiver.url }, { headers: auth })).status).toBe(201);
	const { clientUUID } = seedCustomerAndClient(sandbox);
	await sandbox.control.submitPortalCredentials({ clientUUID, portalName: 'Ariba', username: 'ap', password: 'good' });
	await sandbox.control.waitForDeliveries(2);
	await sandbox.control.submitPortalCredentials({ clientUUID, portalName: 'Coupa', username: 'ap', password: 'wrong' });
	await sandbox.control.waitForDeliveries(4);
	return receiver.received.map((d) => d.json as Record<string, unknown>);
}

describe('delivery dialects', () => {
	test('contract: the body is the contract\'s, eventId first', async () => {
		await start();
		const [first] = await fourDeliveries();
		expect(Object.keys(first)).toEqual([
			'eventId', 'event', 'occurredAt', 'customerUUID', 'clientUUID', 'connection_uuid', 'portalName', 'status', 'retryRequired', 'message',
		]);
	});

	test('status-words: the dialect\'s words in place of pending / success / failure', async () => {
		await start(dialectSettings('status-words'));
		const bodies = await fourDeliveries();
		expect(bodies.map((b) => b.status)).toEqual(['in_progress', 'Active', 'in_progress', 'Error']);
		// The control API keeps the contract's meaning.
		expect(sandbox.control.deliveries().map((d) => d.status)).toEqual(['pending', 'success', 'pending', 'failure']);
	});

	test('snake-case: every field name in snake_case', async () => {
		await start(dialectSettings('snake-case'));
		const [first] = await fourDeliveries();
		expect(Object.keys(first)).toEqual([
			'event_id', 'event', 'occurred_at', 'customer_uuid', 'client_uuid', 'connection_uuid', 'portal_name', 'status', 'retry_required', 'message',
		]);
	});

	test.each(['data', 'payload'] as const)('wrapped-%s: the id and event at the top, the rest under the wrapper', async (wrapper) => {
		await start(dialectSettings(`wrapped-${wrapper}`));
		const [first] = await fourDeliveries();
		expect(Object.keys(first)).toEqual(['eventId', 'event', wrapper]);
		expect(first[wrapper]).toMatchObject({ status: 'pending', portalName: 'Ariba', retryRequired: false });
	});

	test('id-not-eventId and no-event-id: the id as `id`, or none; a redelivery sends the same bytes', async () => {
		await start(dialectSettings('id-not-eventId'));
		const [first] = await fourDeliveries();
		expect(first.id).toBe(sandbox.control.deliveries()[0].eventId);
		expect(first).not.toHaveProperty('eventId');
		await sandbox.close();
		await receiver.close();

		await start(dialectSettings('no-event-id'));
		await fourDeliveries();
		const bodies = receiver.received.map((d) => d.body);
		for (const body of bodies) expect(body).not.toMatch(/"(eventId|id|event_id)"/);
		await sandbox.control.redeliver(sandbox.control.deliveries()[3].eventId);
		await receiver.waitFor(5);
		expect(receiver.received[4].body).toBe(bodies[3]);
	});

	test('dialects combine: snake_case under `payload` with other words', async () => {
		await start({ fieldStyle: 'snake_case', deliveryWrapper: 'payload', deliveryStatusWords: { failure: 'LOGIN_FAILED' } });
		const bodies = await fourDeliveries();
		expect(bodies[3]).toMatchObject({ event_id: expect.any(String), payload: { status: 'LOGIN_FAILED', client_uuid: expect.any(String) } });
	});
});

describe('registration dialects', () => {
	test('snake-case: POST and GET answer webhook_id', async () => {
		await start(dialectSettings('snake-case'));
		const created = await api.post(webhookPath, { url: receiver.url }, { headers: auth });
		expect(created.data).toEqual({ webhook_id: expect.any(String), url: receiver.url });
		expect((await api.get(webhookPath, { headers: auth })).data).toEqual(created.data);
	});

	test.each([
		[405, 'method_not_allowed'],
		[501, 'not_implemented'],
		[404, 'not_found'],
	] as const)('POST only (%i): POST registers; GET and DELETE answer %i and change nothing', async (status, code) => {
		await start({ registrationGetDelete: status });
		expect((await api.post(webhookPath, { url: receiver.url }, { headers: auth })).status).toBe(201);
		const got = await api.get(webhookPath, { headers: auth });
		const deleted = await api.delete(webhookPath, { headers: auth });
		expect([got.status, deleted.status]).toEqual([status, status]);
		expect([got.data.error, deleted.data.error]).toEqual([code, code]);
		if (status === 405) expect(got.headers.allow).toBe('POST');
		expect(sandbox.control.registration()?.url).toBe(receiver.url);
		expect(sandbox.control.stats().registrations).toEqual({ created: 1, replaced: 0, deleted: 0 });
		// Still behind auth: the route exists, the token is checked first.
		expect((await api.get(webhookPath)).status).toBe(401);
	});

	test('post-only-registration is 405', () => {
		expect(dialectSettings('post-only-registration')).toEqual({ registrationGetDelete: 405 });
	});
});
