/**
 * The token's own lifetime (issue 19 item 5): when the login answer states no lifetime and the
 * token is a JWT with `exp`, the session ends then and is renewed before it, so PortalDuct never
 * has to refuse it. The clock is stopped and moved on by the test, as answers go by, so the run
 * outlives its token on any machine and no expiry falls between the node's check and the sandbox's.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { fakeOnly } from '../harness/fake-clock';
import { dialectSettings } from '../tools/sandbox/dialects';
import { closeHarness, world, type World } from '../support/fixture';
import { CREDENTIAL_ID, uuid } from '../support/workflows';

let w: World | undefined;
let passThrough: Server | undefined;
afterEach(async () => {
	jest.useRealTimers();
	passThrough?.closeAllConnections();
	passThrough?.close();
	passThrough = undefined;
	await w?.close();
	w = undefined;
});
afterAll(closeHarness);

/**
 * A pass-through in front of the sandbox that calls `onAnswer` when the sandbox's answer to a
 * request comes back, before handing it on: the sandbox has checked the token by then, and the
 * node sees the moved clock when it decides about its next request.
 */
async function startPassThrough(target: string, onAnswer: (method: string, path: string) => void): Promise<string> {
	const to = new URL(target);
	passThrough = createServer((req, res) => {
		const forward = request(
			{ host: to.hostname, port: to.port, path: req.url, method: req.method, headers: req.headers, agent: false },
			(answer) => {
				onAnswer(req.method ?? 'GET', req.url ?? '/');
				res.writeHead(answer.statusCode ?? 502, answer.headers);
				answer.pipe(res);
			},
		);
		forward.on('error', () => res.destroy());
		req.pipe(forward);
	});
	await new Promise<void>((resolve) => passThrough!.listen(0, '127.0.0.1', resolve));
	return `http://127.0.0.1:${(passThrough!.address() as AddressInfo).port}`;
}

const payloadOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));

test('a JWT without a lifetime in the answer is renewed before its exp: 60 items across expiries, zero 401s', async () => {
	fakeOnly('Date');
	w = await world({ ...dialectSettings('jwt-no-lifetime'), tokenLifetimeSeconds: 3 });
	let balances = 0;
	const url = await startPassThrough(w.sandbox.url, (method, path) => {
		// A second on after every 10th balance: the 60 items span 6 s, twice the token's 3 s.
		if (method === 'GET' && path.startsWith('/v1/getClientBalance/') && ++balances % 10 === 0) jest.setSystemTime(Date.now() + 1000);
	});
	w.harness.credentials.set(CREDENTIAL_ID, 'portalDuctApi', { ...w.storedCredential(), baseUrl: url });
	const customerUUID = uuid();
	const clientUUID = uuid();
	await w.act({ resource: 'customer', operation: 'create', customerUUID, name: 'Acme' });
	await w.act({ resource: 'client', operation: 'create', customerUUID, clientUUID, name: 'Northwind' });
	w.sandbox.control.resetStats();

	const run = await w.act(
		{ resource: 'client', operation: 'getBalance', clientUUID: '={{ $json.clientUUID }}', options: { concurrency: 1 } },
		{ rows: Array.from({ length: 60 }, () => ({ clientUUID })) },
	);
	expect(run.error).toBeUndefined();
	expect(run.json('PortalDuct')).toHaveLength(60);
	const stats = w.sandbox.control.stats();
	expect(stats.unauthorized).toBe(0);
	// Renewed on time: at least once per 3 s of the run's 6 s, by refresh (no second login).
	expect(stats.refreshes).toBeGreaterThanOrEqual(1);
	expect(stats.refreshFailures).toBe(0);
	expect(stats.logins).toBe(0);
	// What n8n stored: the newest JWT, with the time it is renewed at before its exp.
	const stored = w.storedCredential();
	const exp = payloadOf(String(stored.accessToken)).exp * 1000;
	expect(Date.parse(String(stored.sessionExpiry))).toBeLessThan(exp);
});

test('Auth > Get Token outputs the JWT\'s exp as expiresAt when the answer gives no lifetime', async () => {
	w = await world(dialectSettings('jwt-no-lifetime'));
	const run = await w.act({ resource: 'auth', operation: 'getToken', includeToken: true });
	expect(run.error).toBeUndefined();
	const [out] = run.json('PortalDuct');
	expect(out.expiresIn).toBeNull();
	expect(out.expiresAt).toBe(new Date(payloadOf(String(out.token)).exp * 1000).toISOString());
});

test('an opaque token without a lifetime is used until PortalDuct refuses it (one 401, one refresh)', async () => {
	w = await world({ tokenLifetimeInAnswer: false });
	expect((await w.act({ resource: 'webhook', operation: 'get' })).error).toBeUndefined();
	expect(w.storedCredential().sessionExpiry).toBe('');
	w.sandbox.control.rejectTokenOnce();
	w.sandbox.control.resetStats();
	expect((await w.act({ resource: 'webhook', operation: 'get' })).error).toBeUndefined();
	expect(w.sandbox.control.stats()).toMatchObject({ unauthorized: 1, refreshes: 1, logins: 0 });
});
