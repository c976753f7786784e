/** The credential's session: one login per token lifetime, refresh mid-run, fallbacks, clear refusal. */
import { closeHarness, secretsOf, world, type World } from '../support/fixture';
import { CREDENTIAL_ID, uuid } from '../support/workflows';

let w: World | undefined;
afterEach(async () => {
	await w?.close();
	w = undefined;
});
afterAll(closeHarness);

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
	// 3 ms per request, one at a time: the run lasts at least 3 s however fast the machine is, so
	// the token must expire during it (no race on how quickly the items go).
	w = await world({ tokenLifetimeSeconds: 1, latencyMs: 3 });
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
