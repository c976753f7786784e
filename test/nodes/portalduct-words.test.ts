/**
 * PortalDuct's own words reach the user (issue 19 item 3): an error answer in any common shape,
 * with its HTTP code or inside an HTTP 200, a refused login in a 200, a login answer without a
 * token, a gateway's HTML page: the error quotes what PortalDuct said (or what came instead), names
 * the request and keeps the HTTP code. Through n8n's engine against the sandbox's dialects.
 */
import type { ErrorShape, SandboxOptions } from '../tools/sandbox';
import { dialectSettings } from '../tools/sandbox/dialects';
import { closeHarness, secretsOf, world, type World } from '../support/fixture';
import { CREDENTIAL_ID, uuid } from '../support/workflows';

let w: World | undefined;
afterEach(async () => {
	await w?.close();
	w = undefined;
});
afterAll(closeHarness);

const httpCodeOf = (error: unknown) => (error as { httpCode?: string } | undefined)?.httpCode;
const clientRequests = (world: World) => world.sandbox.control.stats().requests['POST /v1/addNewCustomerClient'] ?? 0;

/** Client > Create under a customer PortalDuct does not have: the sandbox answers 404. */
async function orphanClient(options: SandboxOptions) {
	w = await world(options);
	const customerUUID = uuid();
	const run = await w.act({ resource: 'client', operation: 'create', customerUUID, clientUUID: uuid(), name: 'Orphan' });
	return { run, customerUUID, message: run.error?.message ?? '' };
}

describe.each<[ErrorShape, (customer: string) => string]>([
	['contract', (customer) => `"Customer ${customer} not found" (not_found)`],
	['errors-array', (customer) => `"Customer ${customer} not found" (not_found)`],
	['problem', (customer) => `"Customer ${customer} not found"`],
	['success-false', (customer) => `"Customer ${customer} not found"`],
	['text', (customer) => `"Customer ${customer} not found"`],
	['html', () => 'an HTML page titled "404 Not Found"'],
])('an unknown customer answered in the %s shape', (errorShape, words) => {
	test('quotes PortalDuct, names POST /v1/addNewCustomerClient and keeps HTTP 404', async () => {
		const { run, customerUUID, message } = await orphanClient({ errorShape });
		expect(message).toBe(
			`PortalDuct has no customer ${customerUUID} (create the customer before its clients): ${words(customerUUID)} (POST /v1/addNewCustomerClient, HTTP 404)`,
		);
		expect(httpCodeOf(run.error)).toBe('404');
	});
});

describe.each<[ErrorShape, string]>([
	['contract', 'an error body'],
	['errors-array', 'an error body'],
	['problem', '"status": 404'],
	['success-false', '"success": false'],
])('the %s shape inside an HTTP 200', (errorShape, marker) => {
	test('is a failure that quotes PortalDuct, keeps HTTP 200 and is sent once', async () => {
		const { run, customerUUID, message } = await orphanClient({ errorShape, errorsInHttp200: true });
		expect(message).toMatch(
			new RegExp(`^PortalDuct answered POST /v1/addNewCustomerClient with a failure: "Customer ${customerUUID} not found".* \\(HTTP 200 with ${marker.replace(/"/g, '"')}\\)$`),
		);
		expect(httpCodeOf(run.error)).toBe('200');
		// Not retried like a 5xx or a lost answer: PortalDuct answered, and said no.
		expect(clientRequests(w!)).toBe(1);
		// Nothing was created, and nothing is output as if it had been.
		expect(w!.sandbox.state.clients.size).toBe(0);
	});
});

test('a text or HTML error inside an HTTP 200 is not taken for an answer either', async () => {
	for (const errorShape of ['text', 'html'] as const) {
		const { run, customerUUID, message } = await orphanClient({ errorShape, errorsInHttp200: true });
		const came = errorShape === 'text' ? `text that is not JSON \\("Customer ${customerUUID} not found"\\)` : 'an HTML page titled "404 Not Found"';
		expect(message).toMatch(new RegExp(`^PortalDuct answered POST /v1/addNewCustomerClient with ${came}`));
		expect(httpCodeOf(run.error)).toBe('200');
		await w!.close();
		w = undefined;
	}
});

test('a gateway\'s HTML page on a read: its title quoted, the request named, HTTP 502 kept', async () => {
	w = await world();
	w.sandbox.control.injectFault({
		path: '/v1/getClientBalance/',
		kind: 'status',
		status: 502,
		count: 10,
		body: '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1><hr>nginx</body></html>',
		contentType: 'text/html',
	});
	const clientUUID = uuid();
	const run = await w.act({ resource: 'client', operation: 'getBalance', clientUUID });
	expect(run.error?.message).toBe(
		`PortalDuct had a server error (HTTP 502) (after 4 tries): an HTML page titled "502 Bad Gateway" (GET /v1/getClientBalance/${clientUUID})`,
	);
	expect(httpCodeOf(run.error)).toBe('502');
});

describe('a login refused inside an HTTP 200 (the refusal-in-200 dialect)', () => {
	const wrongPassword = async () => {
		w = await world(dialectSettings('refusal-in-200'));
		w.harness.credentials.set(CREDENTIAL_ID, 'portalDuctApi', { ...w.storedCredential(), password: 'not-the-password-42' });
		return w;
	};

	test('an action fails with PortalDuct\'s words and the credential hint, after one login attempt', async () => {
		const world = await wrongPassword();
		const run = await world.act({ resource: 'webhook', operation: 'get' });
		expect(run.error?.message).toBe(
			'PortalDuct refused the login for demo@portalduct.test (HTTP 200 with "success": false: "Email or password is wrong"). Check the Email and Password in the PortalDuct credential, and that the Base URL is the environment (sandbox or production) this account belongs to.',
		);
		expect((run.error as { description?: string }).description).toMatch(/^Check the PortalDuct credential: its Base URL/);
		expect(world.sandbox.control.stats().requestsTotal).toBe(1);
		expect(JSON.stringify(run.raw)).not.toContain('not-the-password-42');
	});

	test('the credential Test says the same', async () => {
		const world = await wrongPassword();
		const tested = await world.harness.testCredential({
			id: CREDENTIAL_ID,
			name: 'PortalDuct',
			type: 'portalDuctApi',
			data: { baseUrl: world.sandbox.url, email: world.sandbox.login.email, password: 'not-the-password-42' },
		});
		expect(tested.status).toBe('Error');
		expect(tested.message).toMatch(/^PortalDuct refused the login for demo@portalduct\.test \(HTTP 200 with "success": false: "Email or password is wrong"\)/);
	});

	test('the credential Test logs in as typed: a Password edited after a session was stored fails, the right one passes', async () => {
		w = await world(dialectSettings('refusal-in-200'));
		expect((await w.act({ resource: 'customer', operation: 'create', customerUUID: uuid(), name: 'Acme' })).error).toBeUndefined();
		expect(String(w.storedCredential().accessToken)).not.toBe('');
		// As the editor sends it: the stored session's hidden fields, the Password as just edited.
		const testWith = async (password: string) =>
			await w!.harness.testCredential({
				id: CREDENTIAL_ID,
				name: 'PortalDuct',
				type: 'portalDuctApi',
				data: { ...w!.storedCredential(), password },
			});
		w.sandbox.control.resetStats();
		const wrong = await testWith('not-the-password-42');
		expect(wrong.status).toBe('Error');
		// n8n runs no code of ours here (a session is stored): the credential's rule words it.
		expect(wrong.message).toMatch(/^PortalDuct refused the login: its answer \(HTTP 200\) says "success": false\. Check the Email and Password/);
		expect(wrong.message).not.toContain('not-the-password-42');
		expect(w.sandbox.control.stats()).toMatchObject({ loginFailures: 1 });
		// The right Password owns the stored session: renewed or reused, never refused.
		expect(await testWith(w.sandbox.login.password)).toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(w.sandbox.control.stats()).toMatchObject({ loginFailures: 1 });
	});

	test('with the right password it logs in; "no registration" inside a 200 cannot be told from a failure, and is quoted', async () => {
		w = await world(dialectSettings('refusal-in-200'));
		const run = await w.act({ resource: 'webhook', operation: 'get' });
		expect(run.error?.message).toBe(
			'PortalDuct answered GET /v1/clientsPortalLoginChanges with a failure: "No webhook is registered for portal login changes" (HTTP 200 with "success": false)',
		);
		expect(w.sandbox.control.stats().logins).toBe(1);
	});
});

test('a login answered 200 without a token names the fields it had, never their values', async () => {
	w = await world();
	w.sandbox.control.injectFault({
		path: '/v1/login',
		kind: 'status',
		status: 200,
		count: 1,
		body: JSON.stringify({ status: 'ok', session: { id: 'value-s-1' }, user: 'value-demo' }),
		contentType: 'application/json',
	});
	const run = await w.act({ resource: 'webhook', operation: 'get' });
	const message = run.error?.message ?? '';
	expect(message).toBe(
		'PortalDuct login for demo@portalduct.test failed: PortalDuct\'s answer to /v1/login was not understood: the answer had the fields status, session, user, and no token (a text in token, accessToken, access_token, also looked for under "data").',
	);
	expect(message).not.toMatch(/value-/);
	for (const secret of secretsOf(w.sandbox)) expect(JSON.stringify(run.raw)).not.toContain(secret);
});
