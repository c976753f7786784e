/**
 * Words that must not mislead: a missing refresh endpoint is not a refused token, an upper-case id
 * of the caller's platform round-trips as written, and an unknown customer is named as such.
 */
import { closeHarness, world, type World } from '../support/fixture';
import { uuid } from '../support/workflows';

let w: World | undefined;
afterEach(async () => {
	await w?.close();
	w = undefined;
});
afterAll(closeHarness);

async function sessionOf(world: World): Promise<string> {
	const login = await fetch(`${world.sandbox.url}/v1/login`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify(world.sandbox.login),
	});
	return ((await login.json()) as { refreshToken: string }).refreshToken;
}

test('Refresh Token where the API has no refresh endpoint says so, and that the credential logs in instead', async () => {
	w = await world({ refreshEndpoint: false });
	const refreshToken = await sessionOf(w);
	const run = await w.act({ resource: 'auth', operation: 'refreshToken', refreshToken });
	expect(run.error?.message).toBe(
		`Item 1 (index 0): PortalDuct has no refresh endpoint /v1/refreshToken at ${w.sandbox.url} (HTTP 404)`,
	);
	expect((run.error as { description?: string }).description).toMatch(/falls back to logging in/);
	expect(run.error?.message).not.toMatch(/refused/);
});

test('a refresh token PortalDuct refuses is still called refused', async () => {
	w = await world();
	const run = await w.act({ resource: 'auth', operation: 'refreshToken', refreshToken: 'spent-or-unknown' });
	expect(run.error?.message).toMatch(/^Item 1 \(index 0\): PortalDuct refused the refresh token \(HTTP 401 /);
});

test('without a refresh endpoint, an expired session costs one login and the item succeeds', async () => {
	w = await world({ refreshEndpoint: false });
	expect((await w.act({ resource: 'webhook', operation: 'get' })).error).toBeUndefined();
	w.sandbox.control.rejectTokenOnce();
	w.sandbox.control.resetStats();
	const run = await w.act({ resource: 'webhook', operation: 'get' });
	expect(run.error).toBeUndefined();
	expect(w.sandbox.control.stats().logins).toBe(1);
});

test('upper-case UUIDs are sent and output as the caller wrote them', async () => {
	w = await world();
	const customerUUID = uuid().toUpperCase();
	const clientUUID = uuid().toUpperCase();
	await w.act({ resource: 'customer', operation: 'create', customerUUID, name: 'Acme' });
	const created = await w.act({ resource: 'client', operation: 'create', customerUUID, clientUUID, name: 'Northwind' });
	expect(created.json('PortalDuct')[0]).toMatchObject({ customerUUID, clientUUID, created: true });

	w.sandbox.control.createConnection({ clientUUID: clientUUID.toLowerCase(), portalName: 'Ariba' });
	for (const output of ['client', 'connections']) {
		w.sandbox.control.resetStats();
		const run = await w.act({ resource: 'client', operation: 'getBalance', clientUUID, output });
		expect(run.error).toBeUndefined();
		expect(run.json('PortalDuct').map((item) => item.clientUUID)).toEqual([clientUUID]);
		expect(w.sandbox.control.log().map((entry) => entry.path)).toContain(`/v1/getClientBalance/${clientUUID}`);
	}
});

test('a client under an unknown customer names the customer that was not found', async () => {
	w = await world();
	const customerUUID = uuid();
	const run = await w.act({ resource: 'client', operation: 'create', customerUUID, clientUUID: uuid(), name: 'Orphan' });
	expect(run.error?.message).toMatch(new RegExp(`^PortalDuct has no customer ${customerUUID} `));
	expect(run.error?.message).not.toMatch(/has no client/);
});
