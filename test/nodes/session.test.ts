/** The credential's session: one login per token lifetime, refresh mid-run, fallbacks, clear refusal. */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { fakeOnly } from '../harness/fake-clock';
import { closeHarness, secretsOf, world, type World } from '../support/fixture';
import { CREDENTIAL_ID, uuid } from '../support/workflows';

let w: World | undefined;
afterEach(async () => {
	jest.useRealTimers();
	await w?.close();
	w = undefined;
});
afterAll(closeHarness);

/**
 * A pass-through in front of the sandbox that calls `onRequest` as each request goes by, before
 * forwarding it: what the test does there happens at that exact point of a run.
 */
async function startPassThrough(target: string, onRequest: (method: string, path: string) => void): Promise<{ url: string; server: Server }> {
	const to = new URL(target);
	const server = createServer((req, res) => {
		onRequest(req.method ?? 'GET', req.url ?? '/');
		const forward = request(
			{ host: to.hostname, port: to.port, path: req.url, method: req.method, headers: req.headers, agent: false },
			(answer) => {
				res.writeHead(answer.statusCode ?? 502, answer.headers);
				answer.pipe(res);
			},
		);
		forward.on('error', () => res.destroy());
		req.pipe(forward);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const balanceRows = (clientUUID: string, n: number) => Array.from({ length: n }, () => ({ clientUUID }));

async function clientWithBalance(world: World): Promise<string> {
	const customerUUID = uuid();
	const clientUUID = uuid();
	await world.act({ resource: 'customer', operation: 'create', customerUUID, name: 'Acme' });
	await world.act({ resource: 'client', operation: 'create', customerUUID, clientUUID, name: 'Northwind' });
	return clientUUID;
}

test('1,000 items with a valid token cost exactly one login, and the next run none', async () => {
	w = await world();
	const clientUUID = await clientWithBalance(w);
	const run = await w.act(
		{ resource: 'client', operation: 'getBalance', clientUUID: '={{ $json.clientUUID }}' },
		{ rows: balanceRows(clientUUID, 1000) },
	);
	expect(run.error).toBeUndefined();
	expect(run.json('PortalDuct')).toHaveLength(1000);
	expect(w.sandbox.control.stats().logins).toBe(1);
	expect(w.storedCredential().accessToken).not.toBe('');

	await w.act({ resource: 'client', operation: 'getBalance', clientUUID });
	expect(w.sandbox.control.stats().logins).toBe(1);
});

test('a 1 s token over 1,000 items: every item succeeds through refreshes, logins stay bounded', async () => {
	// The sandbox and the node read expiry from Date.now() in this process. With the clock stopped,
	// a token lives until the test moves the clock a second on, which it does as every 250th balance
	// request goes by: the run outlives its token several times, on a fast machine as on a slow one,
	// and no token expires between a refresh and its use.
	fakeOnly('Date');
	w = await world({ tokenLifetimeSeconds: 1 });
	let balanceRequests = 0;
	const passThrough = await startPassThrough(w.sandbox.url, (method, path) => {
		if (method !== 'GET' || !path.startsWith('/v1/getClientBalance/')) return;
		if (++balanceRequests % 250 === 0) jest.setSystemTime(Date.now() + 1000);
	});
	try {
		w.harness.credentials.set(CREDENTIAL_ID, 'portalDuctApi', { ...w.storedCredential(), baseUrl: passThrough.url });
		const clientUUID = await clientWithBalance(w);
		const run = await w.act(
			{ resource: 'client', operation: 'getBalance', clientUUID: '={{ $json.clientUUID }}', options: { concurrency: 1 } },
			{ rows: balanceRows(clientUUID, 1000) },
		);
		expect(run.error).toBeUndefined();
		const out = run.json('PortalDuct');
		expect(out).toHaveLength(1000);
		expect(out.every((o) => o.clientUUID === clientUUID)).toBe(true);
		const stats = w.sandbox.control.stats();
		// One refresh per expiry: the run outlives its token, so it must have refreshed at least once.
		expect(stats.refreshes).toBeGreaterThanOrEqual(1);
		expect(stats.logins).toBe(1);
		expect(stats.refreshFailures).toBe(0);
	} finally {
		passThrough.server.closeAllConnections();
		passThrough.server.close();
	}
});

test('a refused refresh falls back to one login and the run succeeds', async () => {
	w = await world();
	const clientUUID = await clientWithBalance(w);
	w.sandbox.control.updateSettings({ refreshRefused: true });
	w.sandbox.control.rejectTokenOnce();
	const before = w.sandbox.control.stats();
	const run = await w.act({ resource: 'client', operation: 'getBalance', clientUUID });
	expect(run.error).toBeUndefined();
	const after = w.sandbox.control.stats();
	expect(after.refreshFailures - before.refreshFailures).toBe(1);
	expect(after.logins - before.logins).toBe(1);
});

test('a rejected token mid-run costs one refresh and no failed item', async () => {
	w = await world();
	const clientUUID = await clientWithBalance(w);
	w.sandbox.control.rejectTokenOnce();
	const before = w.sandbox.control.stats();
	const run = await w.act(
		{ resource: 'client', operation: 'getBalance', clientUUID: '={{ $json.clientUUID }}' },
		{ rows: balanceRows(clientUUID, 5) },
	);
	expect(run.error).toBeUndefined();
	expect(run.json('PortalDuct')).toHaveLength(5);
	const after = w.sandbox.control.stats();
	expect(after.refreshes - before.refreshes).toBe(1);
	expect(after.logins - before.logins).toBe(0);
});

test('a Base URL pasted with /v1 and a trailing slash still works', async () => {
	w = await world();
	w.harness.credentials.set(CREDENTIAL_ID, 'portalDuctApi', { ...w.storedCredential(), baseUrl: `${w.sandbox.url}/v1/` });
	const run = await w.act({ resource: 'webhook', operation: 'get' });
	expect(run.error).toBeUndefined();
	expect(w.sandbox.control.log().map((e) => e.path)).toEqual(['/v1/login', '/v1/clientsPortalLoginChanges']);
});

test('an unreachable Base URL is one worded error, tried once', async () => {
	w = await world();
	w.harness.credentials.set(CREDENTIAL_ID, 'portalDuctApi', { ...w.storedCredential(), baseUrl: 'http://127.0.0.1:9' });
	const run = await w.act({ resource: 'webhook', operation: 'get' });
	expect(run.error?.message).toBe(
		'PortalDuct login for demo@portalduct.test failed: PortalDuct could not be reached at http://127.0.0.1:9: nothing answers at the Base URL (connection refused).',
	);
	// A network failure, not a wrong password: the hint points at the Base URL and PortalDuct.
	expect((run.error as { description?: string } | undefined)?.description).toMatch(/^Check the Base URL of the PortalDuct credential and that PortalDuct is up/);
});

test('the other token response shapes PortalDuct might use are understood', async () => {
	for (const style of ['accessToken', 'access_token', 'data'] as const) {
		w = await world({ tokenResponseStyle: style });
		const run = await w.act({ resource: 'webhook', operation: 'get' });
		expect(run.error).toBeUndefined();
		expect(w.sandbox.control.stats().logins).toBe(1);
		await w.close();
		w = undefined;
	}
});

test('a wrong password is one clear error, one login attempt, no secret in it', async () => {
	w = await world();
	w.harness.credentials.set(CREDENTIAL_ID, 'portalDuctApi', {
		...w.storedCredential(),
		password: 'not-the-password-42',
	});
	const run = await w.act({ resource: 'webhook', operation: 'get' });
	expect(run.error).toBeDefined();
	const message = run.error!.message;
	expect(message).toMatch(/PortalDuct refused the login for demo@portalduct\.test/);
	expect(message).toMatch(/Check the Email and Password/);
	expect(w.sandbox.control.stats().loginFailures).toBe(1);
	expect(w.sandbox.control.stats().requestsTotal).toBe(1);
	const everything = JSON.stringify({ message, error: run.error, out: run.raw.data.resultData });
	for (const secret of ['not-the-password-42', ...secretsOf(w.sandbox)]) expect(everything).not.toContain(secret);
});
