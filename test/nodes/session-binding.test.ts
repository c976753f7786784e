/**
 * A session belongs to the Base URL, Email and Password it was obtained with: after the user points
 * the credential at another environment, nothing issued by the first one is sent to the second; after
 * the user changes the Password, the old session is not used (a wrong Password fails at once). And a
 * credential whose Base URL is an expression of the item sends each item where it resolves, each
 * environment keeping its own session.
 */
import type { ICredentialDataDecryptedObject, IDataObject, INode } from 'n8n-workflow';

import { startSandbox, type Sandbox } from '../tools/sandbox';
import { twoEnvironments } from '../support/environments';
import { closeHarness, world, type World } from '../support/fixture';
import { CREDENTIAL_ID } from '../support/workflows';

let w: World | undefined;
let other: Sandbox | undefined;
afterEach(async () => {
	await w?.close();
	await other?.close();
	w = undefined;
	other = undefined;
});
afterAll(closeHarness);

const paths = (sandbox: Sandbox) => sandbox.control.log().map((entry) => entry.path);

test('after the Base URL is edited to environment B, B first gets its own login and never A\'s tokens', async () => {
	w = await world();
	const a = w.sandbox;
	await w.act({ resource: 'webhook', operation: 'get' });
	expect(w.storedCredential().accessToken).not.toBe('');
	other = await startSandbox();
	const b = other;
	w.harness.credentials.set(CREDENTIAL_ID, 'portalDuctApi', { ...w.storedCredential(), baseUrl: b.url });

	const run = await w.act({ resource: 'webhook', operation: 'get' });
	expect(run.error).toBeUndefined();
	expect(paths(b)).toEqual(['/v1/login', '/v1/clientsPortalLoginChanges']);
	expect(b.control.log().map((entry) => entry.token)).toEqual(['none', 'valid']);
	expect(b.control.stats().foreignTokens).toBe(0);
	expect(b.control.stats().unauthorized).toBe(0);
	// And back to A: A's own session is still good, so no new login there either.
	const loginsAtA = a.control.stats().logins;
	w.harness.credentials.set(CREDENTIAL_ID, 'portalDuctApi', { ...w.storedCredential(), baseUrl: a.url });
	expect((await w.act({ resource: 'webhook', operation: 'get' })).error).toBeUndefined();
	expect(a.control.stats().foreignTokens).toBe(0);
	expect(a.control.stats().logins).toBe(loginsAtA);
});

test('after the Email is edited, the old session is not refreshed or sent: one login as the new email', async () => {
	w = await world();
	await w.act({ resource: 'webhook', operation: 'get' });
	w.sandbox.control.resetStats();
	w.harness.credentials.set(CREDENTIAL_ID, 'portalDuctApi', {
		...w.storedCredential(),
		email: ` ${w.sandbox.login.email.toUpperCase()} `,
	});
	// Same account (emails compare without case), yet a different owner string would be a new
	// session: only when the normalized owner differs must it log in. Here it must NOT.
	expect((await w.act({ resource: 'webhook', operation: 'get' })).error).toBeUndefined();
	expect(w.sandbox.control.stats().logins).toBe(0);

	w.sandbox.control.resetStats();
	w.harness.credentials.set(CREDENTIAL_ID, 'portalDuctApi', { ...w.storedCredential(), email: 'someone.else@portalduct.test' });
	const run = await w.act({ resource: 'webhook', operation: 'get' });
	expect(run.error?.message).toMatch(/PortalDuct refused the login for someone\.else@portalduct\.test/);
	expect(paths(w.sandbox)).toEqual(['/v1/login']);
	expect(w.sandbox.control.stats().refreshes + w.sandbox.control.stats().refreshFailures).toBe(0);
});

test('the credential sends no Bearer token to a Base URL or Email it was not obtained for (HTTP Request node path)', async () => {
	w = await world();
	await w.act({ resource: 'webhook', operation: 'get' });
	const stored = w.storedCredential();
	const authenticate = async (data: IDataObject) => {
		const node = w!.harness.workflow({ nodes: [], connections: {} });
		const options = await w!.harness.credentialsHelper.authenticate(
			data as never,
			'portalDuctApi',
			{ url: `${data.baseUrl}/v1/clientsPortalLoginChanges`, method: 'GET' },
			node,
			{ name: 'HTTP Request', type: 'n8n-nodes-base.httpRequest', typeVersion: 4, position: [0, 0], parameters: {} } as INode,
		);
		return (options.headers as IDataObject | undefined)?.Authorization;
	};
	expect(await authenticate(stored)).toBe(`Bearer ${stored.accessToken}`);
	expect(await authenticate({ ...stored, baseUrl: `${stored.baseUrl}/v1/` })).toBe(`Bearer ${stored.accessToken}`);
	// No Authorization header at all, not even an empty one.
	expect(await authenticate({ ...stored, baseUrl: 'http://127.0.0.1:9' })).toBeUndefined();
	expect(await authenticate({ ...stored, email: 'other@portalduct.test' })).toBeUndefined();
	expect(await authenticate({ ...stored, baseUrl: 'not a url' })).toBeUndefined();
});

test('a Base URL that is an expression of the item: each item goes to its environment, one login each', async () => {
	w = await world();
	const { a, b } = await twoEnvironments(w);
	other = b;
	const rows = ['a', 'b', 'b', 'a', 'b', 'a'].map((env) => ({ env }));

	const run = await w.act({ resource: 'webhook', operation: 'get' }, { rows });
	expect(run.error).toBeUndefined();
	expect(run.json('PortalDuct').map((out) => out.webhookId)).toEqual(rows.map((row) => `in-${row.env}`));
	for (const sandbox of [a, b]) {
		expect(sandbox.control.stats().logins).toBe(1);
		expect(sandbox.control.stats().foreignTokens).toBe(0);
		expect(sandbox.control.stats().unauthorized).toBe(0);
		expect(sandbox.control.stats().requests['GET /v1/clientsPortalLoginChanges']).toBe(3);
	}
	// The stored Base URL is still the user's expression, not the value of the last item.
	expect(w.storedCredential().baseUrl).toMatch(/^=\{\{ \$json\.env/);

	// The next run needs no login in either environment.
	expect((await w.act({ resource: 'webhook', operation: 'get' }, { rows })).error).toBeUndefined();
	expect(a.control.stats().logins + b.control.stats().logins).toBe(2);
});

test('a refresh carries the expiring session\'s own Bearer token, as every call but login does [doc]', async () => {
	w = await world();
	await w.act({ resource: 'webhook', operation: 'get' });
	for (const record of w.sandbox.state.tokens.access.values()) record.issuedAt -= 24 * 3600 * 1000;
	w.sandbox.control.resetStats();
	expect((await w.act({ resource: 'webhook', operation: 'get' })).error).toBeUndefined();
	const refresh = w.sandbox.control.log().find((entry) => entry.path === '/v1/refreshToken');
	expect(refresh).toMatchObject({ status: 200, token: 'expired', refreshToken: 'valid' });
});

describe('after the Password is edited to a wrong one, the stored session is not used', () => {
	const editPassword = async () => {
		w = await world();
		expect((await w.act({ resource: 'webhook', operation: 'get' })).error).toBeUndefined();
		expect(w.storedCredential().accessToken).not.toBe('');
		w.harness.credentials.set(CREDENTIAL_ID, 'portalDuctApi', { ...w.storedCredential(), password: 'edited-wrong-password' });
		w.sandbox.control.resetStats();
		return w;
	};

	test('an action fails at once with the refused login; the old token is neither sent nor refreshed', async () => {
		const world = await editPassword();
		const run = await world.act({ resource: 'webhook', operation: 'get' });
		expect(run.error?.message).toMatch(/^PortalDuct refused the login for demo@portalduct\.test/);
		expect(paths(world.sandbox)).toEqual(['/v1/login']);
		expect(world.sandbox.control.stats()).toMatchObject({ loginFailures: 1, refreshes: 0 });
	});

	test('the credential Test fails at once too (it really logs in)', async () => {
		const world = await editPassword();
		const tested = await world.harness.testCredential({
			id: CREDENTIAL_ID,
			name: 'PortalDuct',
			type: 'portalDuctApi',
			data: world.storedCredential() as ICredentialDataDecryptedObject,
		});
		expect(tested.status).toBe('Error');
		expect(tested.message).toMatch(/^PortalDuct refused the login for demo@portalduct\.test \(HTTP 401/);
		// The Test's own login, then n8n's preAuthentication after that 401, whose error is shown.
		expect(world.sandbox.control.stats().loginFailures).toBe(2);
		// The old session's token went nowhere: the one request before the login carried none.
		expect(world.sandbox.control.log().filter((entry) => entry.token !== 'none')).toEqual([]);
	});

	test('the right Password again: the session obtained with it is good again, no login needed', async () => {
		const world = await editPassword();
		expect((await world.act({ resource: 'webhook', operation: 'get' })).error).toBeDefined();
		world.harness.credentials.set(CREDENTIAL_ID, 'portalDuctApi', { ...world.storedCredential(), password: world.sandbox.login.password });
		world.sandbox.control.resetStats();
		expect((await world.act({ resource: 'webhook', operation: 'get' })).error).toBeUndefined();
		expect(world.sandbox.control.stats()).toMatchObject({ logins: 0, loginFailures: 0, unauthorized: 0 });
	});
});
