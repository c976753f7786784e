/**
 * How often a node run reads the PortalDuct credential from n8n (each read is a database load and
 * a decrypt in real n8n): once per run when no field is an expression, once per item when one is
 * (each item may resolve to another environment), whatever the concurrency.
 */
import { EXPRESSION_FIELDS, EXPRESSION_FIELDS_PROBE } from '../../nodes/PortalDuct/transport/expression-fields';
import type { Sandbox } from '../tools/sandbox';
import { twoEnvironments } from '../support/environments';
import { closeHarness, readStoredCredential, world, type World } from '../support/fixture';
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

const getWebhook = { resource: 'webhook', operation: 'get' };
const rowsOf = (n: number) => Array.from({ length: n }, (_, i) => ({ n: i }));


/** Credential reads the harness saw during `fn`. */
async function readsDuring(world: World, fn: () => Promise<unknown>): Promise<number> {
	const before = world.harness.credentialsHelper.reads;
	await fn();
	return world.harness.credentialsHelper.reads - before;
}

test.each([
	['concurrency 1', { concurrency: 1 }],
	['the default concurrency', undefined],
	['concurrency 50', { concurrency: 50 }],
])('a credential without expressions is read once per run at %s, for 40 items', async (_label, options) => {
	w = await world();
	await w.act(getWebhook); // logs in: the renewal's own reads are not what is counted below
	const world_ = w;
	w.sandbox.control.resetStats();
	const reads = await readsDuring(w, async () => {
		const run = await world_.act({ ...getWebhook, ...(options ? { options } : {}) }, { rows: rowsOf(40) });
		expect(run.error).toBeUndefined();
		expect(run.json('PortalDuct')).toHaveLength(40);
	});
	expect(reads).toBe(1);
	expect(w.sandbox.control.stats().requests['GET /v1/clientsPortalLoginChanges']).toBe(40);
	expect(w.sandbox.control.stats().logins).toBe(0);
});

test('the probe field says which fields are expressions, and a login stores it back as the expression', async () => {
	w = await world();
	w.harness.credentials.set(CREDENTIAL_ID, 'portalDuctApi', { ...w.storedCredential(), accessToken: '' });
	expect((await w.act(getWebhook)).error).toBeUndefined();
	// Stored as the expression (or not at all, then the default applies): never a fixed answer.
	expect(w.storedCredential()[EXPRESSION_FIELDS] ?? EXPRESSION_FIELDS_PROBE).toBe(EXPRESSION_FIELDS_PROBE);
	const resolved = await readStoredCredential(w);
	expect(resolved[EXPRESSION_FIELDS]).toBe('');
	w.harness.credentials.set(CREDENTIAL_ID, 'portalDuctApi', {
		...w.storedCredential(),
		email: `={{ "${w.sandbox.login.email}" }}`,
		password: `={{ "${w.sandbox.login.password}" }}`,
	});
	const withExpressions = await readStoredCredential(w);
	expect(withExpressions[EXPRESSION_FIELDS]).toBe('email,password');
	expect(withExpressions.email).toBe(w.sandbox.login.email);
});

test('a Password that is an expression (even one of no item) makes every item read the credential, and all succeed', async () => {
	w = await world();
	w.harness.credentials.set(CREDENTIAL_ID, 'portalDuctApi', {
		...w.storedCredential(),
		password: `={{ "${w.sandbox.login.password}" }}`,
	});
	await w.act(getWebhook);
	const world_ = w;
	const reads = await readsDuring(w, async () => {
		const run = await world_.act(getWebhook, { rows: rowsOf(12) });
		expect(run.error).toBeUndefined();
		expect(run.json('PortalDuct')).toHaveLength(12);
	});
	expect(reads).toBe(12);
});

test('a Base URL that is an expression of the item at concurrency 10: one read per item, each item in its environment', async () => {
	w = await world();
	const { a, b } = await twoEnvironments(w);
	other = b;
	// Item 0 and the last item go to A: a check of the first and last item alone would miss B.
	const rows = ['a', 'b', 'a', 'b', 'b', 'a', 'b', 'a'].map((env) => ({ env }));
	const world_ = w;
	const reads = await readsDuring(w, async () => {
		const run = await world_.act({ ...getWebhook, options: { concurrency: 10 } }, { rows });
		expect(run.error).toBeUndefined();
		expect(run.json('PortalDuct').map((out) => out.webhookId)).toEqual(rows.map((row) => `in-${row.env}`));
	});
	expect(reads).toBe(rows.length);
	expect(a.control.stats().foreignTokens + b.control.stats().foreignTokens).toBe(0);
});
