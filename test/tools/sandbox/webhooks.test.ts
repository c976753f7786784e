import axios, { AxiosInstance } from 'axios';
import { createHmac } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { seedCustomerAndClient } from './fixtures';
import { PortalLoginChangeEvent, Sandbox, SandboxOptions, startSandbox } from './index';
import { WebhookReceiver, startWebhookReceiver } from './webhook-receiver';

let sandbox: Sandbox;
let api: AxiosInstance;
let auth: { Authorization: string };
const receivers: WebhookReceiver[] = [];

async function start(options: SandboxOptions = {}) {
	sandbox = await startSandbox({ connectionDecisionDelayMs: 50, deliveryRetryDelaysMs: [50, 100], ...options });
	api = axios.create({ baseURL: sandbox.url, validateStatus: () => true });
	const res = await api.post('/v1/login', sandbox.login);
	auth = { Authorization: `Bearer ${res.data.token}` };
}

async function receiver(statuses: number[] = [], path = '/hook'): Promise<WebhookReceiver> {
	const r = await startWebhookReceiver(path, statuses);
	receivers.push(r);
	return r;
}

afterEach(async () => {
	await sandbox?.close();
	await Promise.all(receivers.splice(0).map((r) => r.close()));
});

const registerHook = (body: Record<string, unknown>) => api.post('/v1/clientsPortalLoginChanges', body, { headers: auth });
const events = (r: WebhookReceiver) => r.received.map((d) => d.json as PortalLoginChangeEvent);

describe('/v1/clientsPortalLoginChanges registration', () => {
	beforeEach(() => start());

	it('POST 201 {webhookId, url}, GET 200 the same, DELETE 204, then GET and DELETE 404', async () => {
		const url = 'http://127.0.0.1:5678/webhook/abc/portalduct';
		const created = await registerHook({ url });
		expect(created.status).toBe(201);
		expect(created.data).toEqual({ webhookId: expect.stringMatching(/^[0-9a-f-]{36}$/), url });
		const got = await api.get('/v1/clientsPortalLoginChanges', { headers: auth });
		expect(got.status).toBe(200);
		expect(got.data).toEqual(created.data);
		const deleted = await api.delete('/v1/clientsPortalLoginChanges', { headers: auth });
		expect(deleted.status).toBe(204);
		expect(deleted.data).toBe('');
		const gone = await api.get('/v1/clientsPortalLoginChanges', { headers: auth });
		expect(gone.status).toBe(404);
		expect(gone.data.error).toBe('not_found');
		expect((await api.delete('/v1/clientsPortalLoginChanges', { headers: auth })).status).toBe(404);
		expect(sandbox.control.stats().registrations).toEqual({ created: 1, replaced: 0, deleted: 1 });
	});

	it('keeps the secret to itself: GET shows no secret, the control view says hasSecret', async () => {
		await registerHook({ url: 'http://localhost:5678/hook', secret: 's3cret' });
		const got = await api.get('/v1/clientsPortalLoginChanges', { headers: auth });
		expect(JSON.stringify(got.data)).not.toContain('s3cret');
		expect(sandbox.control.registration()).toEqual({
			webhookId: got.data.webhookId,
			url: 'http://localhost:5678/hook',
			hasSecret: true,
		});
	});

	it('replaces an existing registration with a new webhookId and counts it', async () => {
		const first = await registerHook({ url: 'http://127.0.0.1:1111/a' });
		const second = await registerHook({ url: 'http://127.0.0.1:2222/b' });
		expect(second.status).toBe(201);
		expect(second.data.webhookId).not.toBe(first.data.webhookId);
		expect((await api.get('/v1/clientsPortalLoginChanges', { headers: auth })).data.url).toBe('http://127.0.0.1:2222/b');
		expect(sandbox.control.stats().registrations).toEqual({ created: 2, replaced: 1, deleted: 0 });
	});

	it.each(['http://localhost:5678/h', 'http://127.0.0.2/h', 'http://[::1]:5678/h', 'https://127.0.0.1/h', 'http://n8n.localhost/h'])(
		'accepts the loopback URL %s',
		async (url) => {
			expect((await registerHook({ url })).status).toBe(201);
		},
	);

	it.each([
		[{}, /'url' is required/],
		[{ url: 42 }, /'url' must be a string/],
		[{ url: '/webhook/relative' }, /absolute/],
		[{ url: 'ftp://127.0.0.1/h' }, /http or https/],
		[{ url: 'http://example.com/hook' }, /not a loopback address.*allowAnyWebhookHost/],
		[{ url: 'http://10.0.0.5/hook' }, /not a loopback address/],
		[{ url: 'http://127.0.0.1/h', secret: '' }, /'secret'/],
		[{ url: 'http://127.0.0.1/h', secret: 5 }, /'secret'/],
	])('answers 400 to %j', async (body, message) => {
		const res = await registerHook(body);
		expect(res.status).toBe(400);
		expect(res.data.error).toBe('invalid_request');
		expect(res.data.message).toMatch(message);
		expect(sandbox.state.registration).toBeNull();
	});

	it('accepts any host when allowAnyWebhookHost is on', async () => {
		sandbox.control.updateSettings({ allowAnyWebhookHost: true });
		const res = await registerHook({ url: 'https://n8n.example.com/webhook/x' });
		expect(res.status).toBe(201);
	});

	it('needs a Bearer token for POST, GET and DELETE', async () => {
		expect((await api.post('/v1/clientsPortalLoginChanges', { url: 'http://127.0.0.1/h' })).status).toBe(401);
		expect((await api.get('/v1/clientsPortalLoginChanges')).status).toBe(401);
		expect((await api.delete('/v1/clientsPortalLoginChanges')).status).toBe(401);
	});
});

describe('webhook deliveries', () => {
	beforeEach(() => start());

	it('pending -> success: both events arrive in order with the contract payload and headers', async () => {
		const hook = await receiver();
		await registerHook({ url: hook.url });
		const { customerUUID, clientUUID } = seedCustomerAndClient(sandbox);
		const submitted = await sandbox.control.submitPortalCredentials({
			clientUUID,
			portalName: 'Ariba',
			username: 'ap@globex',
			password: 'correct horse',
		});
		expect(submitted).toEqual({
			connection_uuid: expect.any(String),
			clientUUID,
			customerUUID,
			portalName: 'Ariba',
			status: 'pending',
		});
		expect(sandbox.state.connections.get(submitted.connection_uuid)?.status).toBe('pending');
		await sandbox.control.waitForDeliveries(2);
		expect(hook.received).toHaveLength(2);
		const [pending, success] = events(hook);
		const common = {
			event: 'clientPortalLoginChange',
			customerUUID,
			clientUUID,
			connection_uuid: submitted.connection_uuid,
			portalName: 'Ariba',
		};
		expect(pending).toEqual({
			...common,
			eventId: expect.any(String),
			occurredAt: expect.any(String),
			status: 'pending',
			retryRequired: false,
			message: 'Waiting for the first login to Ariba',
		});
		expect(success).toEqual({
			...common,
			eventId: expect.any(String),
			occurredAt: expect.any(String),
			status: 'success',
			retryRequired: false,
			message: 'Login to Ariba succeeded',
		});
		expect(pending.eventId).not.toBe(success.eventId);
		expect(Date.parse(success.occurredAt)).toBeGreaterThanOrEqual(Date.parse(pending.occurredAt));
		for (const delivery of hook.received) {
			expect(delivery.headers['content-type']).toBe('application/json');
			expect(delivery.headers['user-agent']).toBe('PortalDuct-Sandbox/1');
			expect(delivery.headers['x-portalduct-signature']).toBeUndefined();
			expect(delivery.path).toBe('/hook');
		}
		expect(sandbox.state.connections.get(submitted.connection_uuid)?.status).toBe('success');
		// invoicesOnSuccess (default 5) were seeded before the success event went out.
		expect(sandbox.state.invoices.get(submitted.connection_uuid)).toHaveLength(5);
		expect(sandbox.control.deliveries().map((d) => [d.status, d.outcome, d.url])).toEqual([
			['pending', 'delivered', hook.url],
			['success', 'delivered', hook.url],
		]);
		expect(sandbox.control.stats().deliveries).toEqual({ attempts: 2, succeeded: 2, failed: 0, retried: 0 });
	});

	it('pending -> failure for a password containing "wrong", then the retry experience reuses the connection', async () => {
		const hook = await receiver();
		await registerHook({ url: hook.url });
		const { clientUUID } = seedCustomerAndClient(sandbox);
		const first = await sandbox.control.submitPortalCredentials({
			clientUUID,
			portalName: 'Coupa',
			username: 'u',
			password: 'my-WRONG-password',
		});
		await sandbox.control.waitForDeliveries(2);
		expect(events(hook).map((e) => [e.status, e.retryRequired, e.message])).toEqual([
			['pending', false, 'Waiting for the first login to Coupa'],
			['failure', true, 'Login to Coupa failed: the portal rejected the username or password'],
		]);
		expect(sandbox.state.connections.get(first.connection_uuid)?.status).toBe('failure');
		expect(sandbox.state.invoices.get(first.connection_uuid) ?? []).toHaveLength(0);

		const retry = await sandbox.control.submitPortalCredentials({ clientUUID, portalName: 'Coupa', username: 'u', password: 'fixed' });
		expect(retry.connection_uuid).toBe(first.connection_uuid);
		await sandbox.control.waitForDeliveries(4);
		expect(events(hook).slice(2).map((e) => [e.connection_uuid, e.status, e.message])).toEqual([
			[first.connection_uuid, 'pending', 'Waiting for the login to Coupa with the updated credentials'],
			[first.connection_uuid, 'success', 'Login to Coupa succeeded'],
		]);
		expect(sandbox.state.connections.size).toBe(1);
	});

	it('seeds invoicesOnSuccess invoices only on the first success', async () => {
		sandbox.control.updateSettings({ invoicesOnSuccess: 3 });
		const { clientUUID } = seedCustomerAndClient(sandbox);
		const input = { clientUUID, portalName: 'Ariba', username: 'u', password: 'p' };
		const { connection_uuid } = await sandbox.control.submitPortalCredentials(input);
		await sandbox.control.waitForDeliveries(2);
		await sandbox.control.submitPortalCredentials(input);
		await sandbox.control.waitForDeliveries(4);
		expect(sandbox.state.invoices.get(connection_uuid)).toHaveLength(3);
	});

	it('retries after a 500 from the receiver with the same eventId and body, then delivered', async () => {
		const hook = await receiver([500]);
		await registerHook({ url: hook.url });
		const { clientUUID } = seedCustomerAndClient(sandbox);
		await sandbox.control.submitPortalCredentials({ clientUUID, portalName: 'Ariba', username: 'u', password: 'p' });
		const deliveries = await sandbox.control.waitForDeliveries(2);
		expect(hook.received.map((d) => d.answered)).toEqual([500, 200, 200]);
		expect(hook.received[1].body).toBe(hook.received[0].body);
		expect(events(hook)[1].eventId).toBe(events(hook)[0].eventId);
		expect(events(hook)[2].status).toBe('success');
		expect(deliveries[0].outcome).toBe('delivered');
		expect(deliveries[0].attempts.map((a) => a.statusCode)).toEqual([500, 200]);
		expect(sandbox.control.stats().deliveries).toEqual({ attempts: 3, succeeded: 2, failed: 0, retried: 1 });
	});

	it('gives up after the last retry (outcome failed) and only then delivers the next event, in order', async () => {
		const hook = await receiver([503, 500, 502]);
		await registerHook({ url: hook.url });
		const { clientUUID } = seedCustomerAndClient(sandbox);
		await sandbox.control.submitPortalCredentials({ clientUUID, portalName: 'Ariba', username: 'u', password: 'p' });
		const deliveries = await sandbox.control.waitForDeliveries(2);
		expect(deliveries.map((d) => [d.status, d.outcome, d.attempts.length])).toEqual([
			['pending', 'failed', 3],
			['success', 'delivered', 1],
		]);
		expect(events(hook).map((e) => e.status)).toEqual(['pending', 'pending', 'pending', 'success']);
		expect(sandbox.control.stats().deliveries).toEqual({ attempts: 4, succeeded: 1, failed: 1, retried: 2 });
	});

	it('treats a receiver that does not answer within deliveryTimeoutMs as a failed attempt', async () => {
		sandbox.control.updateSettings({ deliveryTimeoutMs: 100, deliveryRetryDelaysMs: [] });
		const silent = http.createServer(() => undefined); // never answers
		await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
		try {
			await registerHook({ url: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/slow` });
			const { clientUUID } = seedCustomerAndClient(sandbox);
			await sandbox.control.submitPortalCredentials({ clientUUID, portalName: 'Ariba', username: 'u', password: 'p' });
			const deliveries = await sandbox.control.waitForDeliveries(2);
			expect(deliveries[0].outcome).toBe('failed');
			expect(deliveries[0].attempts).toEqual([{ at: expect.any(String), url: expect.any(String), error: expect.stringMatching(/timeout/) }]);
		} finally {
			await new Promise<void>((r) => {
				silent.close(() => r());
				silent.closeAllConnections();
			});
		}
	});

	it('retries a connection error (nothing listening) and records the error', async () => {
		const gone = await startWebhookReceiver();
		await gone.close();
		await registerHook({ url: gone.url });
		const { clientUUID } = seedCustomerAndClient(sandbox);
		await sandbox.control.submitPortalCredentials({ clientUUID, portalName: 'Ariba', username: 'u', password: 'p' });
		const [first] = await sandbox.control.waitForDeliveries(2);
		expect(first.outcome).toBe('failed');
		expect(first.attempts).toHaveLength(3);
		expect(first.attempts[0].error).toMatch(/ECONNREFUSED/);
	});

	it('signs with the registered secret: X-PortalDuct-Signature verifiable with HMAC-SHA256', async () => {
		const hook = await receiver();
		const secret = 'whsec_test_123';
		await registerHook({ url: hook.url, secret });
		const { clientUUID } = seedCustomerAndClient(sandbox);
		await sandbox.control.submitPortalCredentials({ clientUUID, portalName: 'Ariba', username: 'u', password: 'p' });
		await sandbox.control.waitForDeliveries(2);
		for (const delivery of hook.received) {
			const header = String(delivery.headers['x-portalduct-signature']);
			const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
			expect(match).not.toBeNull();
			const [, t, v1] = match!;
			expect(Math.abs(Number(t) - Date.now() / 1000)).toBeLessThan(10);
			expect(createHmac('sha256', secret).update(`${t}.${delivery.body}`).digest('hex')).toBe(v1);
			expect(createHmac('sha256', 'other-secret').update(`${t}.${delivery.body}`).digest('hex')).not.toBe(v1);
		}
	});

	it('delivers to the replacing registration only', async () => {
		const first = await receiver([], '/first');
		const second = await receiver([], '/second');
		await registerHook({ url: first.url });
		await registerHook({ url: second.url });
		const { clientUUID } = seedCustomerAndClient(sandbox);
		await sandbox.control.submitPortalCredentials({ clientUUID, portalName: 'Ariba', username: 'u', password: 'p' });
		await sandbox.control.waitForDeliveries(2);
		expect(second.received).toHaveLength(2);
		expect(first.received).toHaveLength(0);
	});

	it("records 'no-registration' when nothing is registered", async () => {
		const { clientUUID } = seedCustomerAndClient(sandbox);
		await sandbox.control.submitPortalCredentials({ clientUUID, portalName: 'Ariba', username: 'u', password: 'p' });
		const deliveries = await sandbox.control.waitForDeliveries(2);
		expect(deliveries.map((d) => [d.outcome, d.attempts.length, d.url])).toEqual([
			['no-registration', 0, null],
			['no-registration', 0, null],
		]);
		expect(sandbox.control.stats().deliveries.attempts).toBe(0);
	});

	it('refuses at send time to deliver to a non-loopback host once allowAnyWebhookHost is off', async () => {
		sandbox.control.updateSettings({ allowAnyWebhookHost: true, deliveryRetryDelaysMs: [] });
		await registerHook({ url: 'http://portalduct-receiver.invalid/hook' });
		sandbox.control.updateSettings({ allowAnyWebhookHost: false });
		const { clientUUID } = seedCustomerAndClient(sandbox);
		await sandbox.control.submitPortalCredentials({ clientUUID, portalName: 'Ariba', username: 'u', password: 'p' });
		const [first] = await sandbox.control.waitForDeliveries(2);
		expect(first.outcome).toBe('failed');
		expect(first.attempts[0].error).toMatch(/not a loopback host/);
	});

	it('redeliver sends the same event again (same eventId, same body)', async () => {
		const hook = await receiver();
		await registerHook({ url: hook.url });
		const { clientUUID } = seedCustomerAndClient(sandbox);
		await sandbox.control.submitPortalCredentials({ clientUUID, portalName: 'Ariba', username: 'u', password: 'wrong' });
		const [, failure] = await sandbox.control.waitForDeliveries(2);
		const again = await sandbox.control.redeliver(failure.eventId);
		expect(again.eventId).toBe(failure.eventId);
		await sandbox.control.waitForDeliveries(2);
		expect(hook.received).toHaveLength(3);
		expect(hook.received[2].body).toBe(hook.received[1].body);
		expect(sandbox.control.deliveries()[1].attempts).toHaveLength(2);
		await expect(sandbox.control.redeliver('no-such-event')).rejects.toMatchObject({ status: 404 });
	});

	it('keeps one FIFO for the account: events of several connections arrive in emission order', async () => {
		const hook = await receiver([500]);
		await registerHook({ url: hook.url });
		const a = seedCustomerAndClient(sandbox, 'A').clientUUID;
		const b = seedCustomerAndClient(sandbox, 'B').clientUUID;
		await sandbox.control.submitPortalCredentials({ clientUUID: a, portalName: 'Ariba', username: 'u', password: 'p' });
		await sandbox.control.submitPortalCredentials({ clientUUID: b, portalName: 'Coupa', username: 'u', password: 'wrong' });
		await sandbox.control.waitForDeliveries(4);
		const emitted = sandbox.state.events.map((e) => e.eventId);
		const arrived = events(hook).map((e) => e.eventId);
		// The first event was retried once (500); order is otherwise exactly the emission order.
		expect(arrived).toEqual([emitted[0], ...emitted]);
	});

	it('waitForDeliveries takes a predicate and rejects on timeout', async () => {
		const { clientUUID } = seedCustomerAndClient(sandbox);
		await sandbox.control.submitPortalCredentials({ clientUUID, portalName: 'Ariba', username: 'u', password: 'p' });
		const list = await sandbox.control.waitForDeliveries((d) => d.some((x) => x.status === 'success'));
		expect(list.map((d) => d.status)).toEqual(['pending', 'success']);
		await expect(sandbox.control.waitForDeliveries(5, 100)).rejects.toThrow(/timed out after 100 ms/);
	});
});
