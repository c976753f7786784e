import axios, { AxiosInstance } from 'axios';
import { randomUUID } from 'node:crypto';
import { fakeOnly } from '../../harness/fake-clock';
import { seedCustomerAndClient } from './fixtures';
import { Sandbox, SandboxOptions, startSandbox } from './index';
import { WebhookReceiver, startWebhookReceiver } from './webhook-receiver';

let sandbox: Sandbox;
let api: AxiosInstance;

async function start(options: SandboxOptions = {}) {
	sandbox = await startSandbox({ connectionDecisionDelayMs: 50, deliveryRetryDelaysMs: [50, 100], ...options });
	api = axios.create({ baseURL: sandbox.url, validateStatus: () => true });
}

afterEach(() => {
	jest.useRealTimers();
	return sandbox?.close();
});

async function token(): Promise<string> {
	return (await api.post('/v1/login', sandbox.login)).data.token;
}

/** Longer than any test runs: what waits this long waits for an event, not for the clock. */
const HOUR_MS = 3_600_000;

/**
 * Yields to the event loop until the condition holds. setImmediate, not setTimeout, so it works
 * while a test fakes setTimeout; the bound only turns a hang into a readable failure.
 */
async function until(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error('condition not reached in time');
		await new Promise((r) => setImmediate(r));
	}
}

describe('startSandbox and close', () => {
	it('listens on a free loopback port and hands out its URL and login', async () => {
		await start();
		expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
		expect(sandbox.login).toEqual({ email: 'demo@portalduct.test', password: 'sandbox-password' });
		const other = await startSandbox({ email: 'me@example.test', password: 'pw' });
		try {
			expect(other.url).not.toBe(sandbox.url);
			const otherApi = axios.create({ baseURL: other.url, validateStatus: () => true });
			expect((await otherApi.post('/v1/login', { email: 'me@example.test', password: 'pw' })).status).toBe(200);
			expect((await otherApi.post('/v1/login', sandbox.login)).status).toBe(401);
		} finally {
			await other.close();
		}
	});

	it('refuses bad options at start', async () => {
		await expect(startSandbox({ latencyMs: -1 })).rejects.toThrow(/latencyMs/);
		await expect(startSandbox({ tokenResponseStyle: 'jwt' as never })).rejects.toThrow(/tokenResponseStyle/);
	});

	it('close() stops the server, is idempotent, and cancels pending decisions', async () => {
		// An hour: only close() can end the decision and the wait, however slow the machine.
		await start({ connectionDecisionDelayMs: HOUR_MS });
		const { clientUUID } = seedCustomerAndClient(sandbox);
		await sandbox.control.submitPortalCredentials({ clientUUID, portalName: 'Ariba', username: 'u', password: 'p' });
		const waiting = sandbox.control.waitForDeliveries((d) => d.length === 2, HOUR_MS);
		await Promise.all([sandbox.close(), sandbox.close()]);
		await expect(waiting).rejects.toThrow(/closed/);
		await expect(axios.get(`${sandbox.url}/_sandbox/stats`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
	});
});

describe('stats and log', () => {
	beforeEach(() => start());

	it('counts /v1 and /collector requests by method and route pattern, not /_sandbox', async () => {
		const t = await token();
		const { clientUUID } = seedCustomerAndClient(sandbox);
		const headers = { Authorization: `Bearer ${t}` };
		await api.get(`/v1/getClientBalance/${clientUUID}`, { headers });
		await api.get(`/v1/getClientBalance/${randomUUID()}`, { headers });
		await api.get('/v1/getClientBalance/x'); // 401
		await api.get('/v1/nothingHere');
		await api.get(`/collector?clientUUID=${clientUUID}`);
		await api.get('/_sandbox/stats');
		await api.get('/_sandbox/log');
		const stats = sandbox.control.stats();
		expect(stats).toEqual({
			logins: 1,
			loginFailures: 0,
			refreshes: 0,
			refreshFailures: 0,
			requestsTotal: 6,
			requests: {
				'POST /v1/login': 1,
				'GET /v1/getClientBalance/:clientUUID': 3,
				'GET (unmatched)': 1,
				'GET /collector': 1,
			},
			unauthorized: 1,
			foreignTokens: 0,
			rateLimited: 0,
			concurrencyRejected: 0,
			inFlight: 0,
			inFlightMax: 1,
			deliveries: { attempts: 0, succeeded: 0, failed: 0, retried: 0 },
			registrations: { created: 0, replaced: 0, deleted: 0 },
		});
	});

	it('logs /v1 requests with method, path, query, route and status, never bodies', async () => {
		await api.post('/v1/login', sandbox.login);
		await api.post('/v1/login', { email: sandbox.login.email, password: 'hunter2-wrong' });
		const t = await token();
		await api.get(`/v1/getClientInvoices/${randomUUID()}?page=2&pageSize=10`, { headers: { Authorization: `Bearer ${t}` } });
		await api.get('/collector');
		const log = sandbox.control.log();
		expect(log.map((e) => [e.method, e.route, e.status])).toEqual([
			['POST', '/v1/login', 200],
			['POST', '/v1/login', 401],
			['POST', '/v1/login', 200],
			['GET', '/v1/getClientInvoices/:connection_uuid', 404],
		]);
		expect(log[3].query).toEqual({ page: '2', pageSize: '10' });
		expect(log[3].path).toMatch(/^\/v1\/getClientInvoices\/[0-9a-f-]{36}$/);
		expect(Number.isNaN(Date.parse(log[0].at))).toBe(false);
		expect(JSON.stringify(log)).not.toMatch(/sandbox-password|hunter2/);
	});

	it('resetStats clears counters and log but not data', async () => {
		await token();
		const { clientUUID } = seedCustomerAndClient(sandbox);
		sandbox.control.resetStats();
		expect(sandbox.control.stats()).toMatchObject({ logins: 0, requestsTotal: 0, requests: {} });
		expect(sandbox.control.log()).toEqual([]);
		expect(sandbox.state.clients.has(clientUUID)).toBe(true);
		await token();
		expect(sandbox.control.stats()).toMatchObject({ logins: 1, requestsTotal: 1 });
	});
});

describe('settings', () => {
	beforeEach(() => start());

	it('getSettings returns every setting; updateSettings patches and returns them', () => {
		expect(sandbox.control.getSettings()).toEqual({
			tokenLifetimeSeconds: 900,
			latencyMs: 0,
			connectionDecisionDelayMs: 50,
			deliveryTimeoutMs: 5000,
			deliveryRetryDelaysMs: [50, 100],
			allowAnyWebhookHost: false,
			invoicesOnSuccess: 5,
			tokenResponseStyle: 'token',
			invoicesResponseStyle: 'paged',
			refreshRefused: false,
			invoicesIgnorePage: false,
			invoicesMaxPageSize: 100,
			invoicesReportPageSize: true,
			invoicesReportTotal: true,
			refreshEndpoint: true,
			rateLimitPerSecond: 0,
			maxInFlight: 0,
			singleSession: false,
			deliveryStatusWords: {},
			fieldStyle: 'camelCase',
			deliveryWrapper: 'none',
			deliveryEventId: 'eventId',
			registrationGetDelete: 0,
			errorShape: 'contract',
			errorsInHttp200: false,
			invoicesContinuation: 'none',
			tokenFormat: 'opaque',
			tokenLifetimeInAnswer: true,
		});
		const updated = sandbox.control.updateSettings({ latencyMs: 5, refreshRefused: true });
		expect(updated).toMatchObject({ latencyMs: 5, refreshRefused: true, tokenLifetimeSeconds: 900 });
		// A copy: mutating it changes nothing.
		updated.deliveryRetryDelaysMs.push(1);
		expect(sandbox.control.getSettings().deliveryRetryDelaysMs).toEqual([50, 100]);
	});

	it.each([
		[{ latencyMs: -5 }, /latencyMs/],
		[{ tokenLifetimeSeconds: 0 }, /tokenLifetimeSeconds/],
		[{ deliveryRetryDelaysMs: [10, 'x'] }, /deliveryRetryDelaysMs/],
		[{ allowAnyWebhookHost: 'yes' }, /allowAnyWebhookHost/],
		[{ invoicesOnSuccess: 1.5 }, /invoicesOnSuccess/],
		[{ invoicesResponseStyle: 'cursor' }, /invoicesResponseStyle/],
		[{ tokenLifeTime: 5 }, /Unknown setting 'tokenLifeTime'/],
	])('refuses %j with 400 and changes nothing', (patch, message) => {
		expect(() => sandbox.control.updateSettings(patch as never)).toThrow(message);
		expect(sandbox.control.getSettings().latencyMs).toBe(0);
	});

	it('latencyMs delays /v1 requests but not control requests', async () => {
		// The latency is a sandbox timer; on the test's clock (a fake setTimeout) it passes when the
		// test says so, not when a busy machine gets round to it.
		fakeOnly('setTimeout', 'clearTimeout');
		sandbox.control.updateSettings({ latencyMs: 300 });
		let answered = false;
		const login = api.post('/v1/login', sandbox.login).finally(() => {
			answered = true;
		});
		await until(() => sandbox.control.stats().requestsTotal === 1);
		jest.advanceTimersByTime(299);
		// A control request is answered while the /v1 request is still held (unanswered, not yet handled)...
		expect((await api.get('/_sandbox/stats')).status).toBe(200);
		expect(answered).toBe(false);
		expect(sandbox.control.log()).toEqual([]);
		// ...which goes on once the whole latency has passed.
		jest.advanceTimersByTime(1);
		expect((await login).status).toBe(200);
	});
});

describe('control over HTTP matches the programmatic control', () => {
	let hook: WebhookReceiver;
	beforeEach(async () => {
		await start();
		hook = await startWebhookReceiver();
	});
	afterEach(() => hook.close());

	it('GET /_sandbox lists the endpoints; unknown control routes are 404, wrong methods 405', async () => {
		const index = await api.get('/_sandbox');
		expect(index.status).toBe(200);
		expect(index.data.endpoints).toEqual(expect.arrayContaining(['GET    /_sandbox/stats', 'POST   /_sandbox/faults']));
		expect((await api.get('/_sandbox/nope')).status).toBe(404);
		expect((await api.delete('/_sandbox/stats')).status).toBe(405);
		expect((await api.get('/v1/_sandbox/stats')).status).toBe(404);
	});

	it('stats, log and reset', async () => {
		await token();
		const stats = await api.get('/_sandbox/stats');
		expect(stats.status).toBe(200);
		expect(stats.data).toEqual(sandbox.control.stats());
		expect(stats.data.logins).toBe(1);
		expect((await api.get('/_sandbox/log')).data).toEqual(sandbox.control.log());
		const reset = await api.post('/_sandbox/stats/reset');
		expect(reset.status).toBe(200);
		expect(reset.data.logins).toBe(0);
		expect(sandbox.control.log()).toEqual([]);
	});

	it('GET and PATCH settings, 400 on a bad patch', async () => {
		expect((await api.get('/_sandbox/settings')).data).toEqual(sandbox.control.getSettings());
		const patched = await api.patch('/_sandbox/settings', { tokenResponseStyle: 'data', invoicesOnSuccess: 2 });
		expect(patched.status).toBe(200);
		expect(patched.data).toMatchObject({ tokenResponseStyle: 'data', invoicesOnSuccess: 2 });
		expect(sandbox.control.getSettings().tokenResponseStyle).toBe('data');
		const bad = await api.patch('/_sandbox/settings', { latencyMs: 'slow' });
		expect(bad.status).toBe(400);
		expect(bad.data).toEqual({ error: 'invalid_request', message: expect.stringContaining('latencyMs') });
		expect((await api.patch('/_sandbox/settings', 'nope', { headers: { 'Content-Type': 'application/json' }, transformRequest: [(d) => d] })).status).toBe(400);
	});

	it('faults: POST 201, GET lists, DELETE clears; 400 on a bad spec', async () => {
		const created = await api.post('/_sandbox/faults', { path: '/v1/login', count: 2, kind: 'status', status: 503 });
		expect(created.status).toBe(201);
		expect(created.data).toMatchObject({ id: expect.any(String), path: '/v1/login', count: 2, remaining: 2, kind: 'status', status: 503 });
		expect((await api.post('/v1/login', sandbox.login)).status).toBe(503);
		expect((await api.get('/_sandbox/faults')).data).toEqual([expect.objectContaining({ remaining: 1 })]);
		expect((await api.delete('/_sandbox/faults')).data).toEqual({ cleared: 1 });
		expect((await api.post('/v1/login', sandbox.login)).status).toBe(200);
		expect((await api.post('/_sandbox/faults', { path: '/v1/login', kind: 'drop' })).status).toBe(400);
	});

	it('reject-token-once and revoke-tokens', async () => {
		const t = await token();
		const { clientUUID } = seedCustomerAndClient(sandbox);
		const call = () => api.get(`/v1/getClientBalance/${clientUUID}`, { headers: { Authorization: `Bearer ${t}` } });
		expect((await api.post('/_sandbox/reject-token-once')).status).toBe(200);
		expect((await call()).status).toBe(401);
		expect((await call()).status).toBe(200);
		expect((await api.post('/_sandbox/revoke-tokens')).status).toBe(200);
		expect((await call()).status).toBe(401);
		expect((await call()).status).toBe(401);
	});

	it('portal-credentials: 201 and the same flow; 404 unknown client; 400 missing fields', async () => {
		const { clientUUID, customerUUID } = seedCustomerAndClient(sandbox);
		const t = await token();
		await api.post('/v1/clientsPortalLoginChanges', { url: hook.url }, { headers: { Authorization: `Bearer ${t}` } });
		const res = await api.post('/_sandbox/portal-credentials', { clientUUID, portalName: 'Tradeshift', username: 'u', password: 'p' });
		expect(res.status).toBe(201);
		expect(res.data).toEqual({ connection_uuid: expect.any(String), clientUUID, customerUUID, portalName: 'Tradeshift', status: 'pending' });
		await sandbox.control.waitForDeliveries(2);
		expect(hook.received.map((d) => (d.json as { status: string }).status)).toEqual(['pending', 'success']);

		const unknown = await api.post('/_sandbox/portal-credentials', { clientUUID: randomUUID(), portalName: 'Ariba', username: 'u', password: 'p' });
		expect(unknown.status).toBe(404);
		expect(unknown.data.error).toBe('not_found');
		for (const field of ['clientUUID', 'portalName', 'username', 'password']) {
			const body: Record<string, string> = { clientUUID, portalName: 'Ariba', username: 'u', password: 'p' };
			delete body[field];
			const missing = await api.post('/_sandbox/portal-credentials', body);
			expect(missing.status).toBe(400);
			expect(missing.data.message).toContain(`'${field}'`);
		}
	});

	it('connections and invoices seeding, then deliveries, registration and redeliver', async () => {
		const { clientUUID } = seedCustomerAndClient(sandbox);
		const conn = await api.post('/_sandbox/connections', { clientUUID, portalName: 'SPS Commerce' });
		expect(conn.status).toBe(201);
		expect(conn.data).toMatchObject({ clientUUID, portalName: 'SPS Commerce', status: 'success' });
		expect(sandbox.control.deliveries()).toEqual([]); // no events for seeded connections
		expect((await api.post('/_sandbox/connections', { clientUUID, portalName: 'sps commerce' })).status).toBe(409);
		expect((await api.post('/_sandbox/connections', { clientUUID: randomUUID(), portalName: 'Ariba' })).status).toBe(404);
		expect((await api.post('/_sandbox/connections', { clientUUID, portalName: 'Ariba', status: 'weird' })).status).toBe(400);

		const seeded = await api.post('/_sandbox/invoices', { connection_uuid: conn.data.connection_uuid, count: 12 });
		expect(seeded.status).toBe(201);
		expect(seeded.data).toEqual({ connection_uuid: conn.data.connection_uuid, total: 12 });
		expect((await api.post('/_sandbox/invoices', { connection_uuid: randomUUID(), count: 1 })).status).toBe(404);

		expect((await api.get('/_sandbox/registration')).data).toBeNull();
		const t = await token();
		await api.post('/v1/clientsPortalLoginChanges', { url: hook.url, secret: 'x' }, { headers: { Authorization: `Bearer ${t}` } });
		const registration = await api.get('/_sandbox/registration');
		expect(registration.data).toEqual(sandbox.control.registration());
		expect(registration.data).toMatchObject({ url: hook.url, hasSecret: true });

		await sandbox.control.submitPortalCredentials({ clientUUID, portalName: 'Ariba', username: 'u', password: 'p' });
		await sandbox.control.waitForDeliveries(2);
		const deliveries = await api.get('/_sandbox/deliveries');
		expect(deliveries.data).toEqual(sandbox.control.deliveries());
		expect(deliveries.data.map((d: { outcome: string }) => d.outcome)).toEqual(['delivered', 'delivered']);

		const eventId = deliveries.data[0].eventId;
		const redelivered = await api.post(`/_sandbox/redeliver/${eventId}`);
		expect(redelivered.status).toBe(202);
		expect(redelivered.data.eventId).toBe(eventId);
		await sandbox.control.waitForDeliveries(2);
		expect(hook.received.map((d) => (d.json as { eventId: string }).eventId)).toEqual([eventId, deliveries.data[1].eventId, eventId]);
		expect((await api.post(`/_sandbox/redeliver/${randomUUID()}`)).status).toBe(404);

		const state = await api.get('/_sandbox/state');
		expect(state.data.connections).toEqual(
			expect.arrayContaining([expect.objectContaining({ portalName: 'SPS Commerce', invoices: 12 })]),
		);
	});
});
