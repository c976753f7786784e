/**
 * The credential's hidden `expressionFields` probe (which lets the node read the credential once per
 * run) can never break the credential: in an n8n where the probe cannot be resolved (its sibling
 * lookup `$rawParameter["&baseUrl"]` throws an ExpressionError, which n8n does not swallow), the
 * credential still resolves, its Test button still answers, and an action still runs, reading the
 * credential per item.
 */
import { EXPRESSION_FIELDS, EXPRESSION_FIELDS_UNKNOWN } from '../../nodes/PortalDuct/transport/expression-fields';
import { closeHarness, readStoredCredential, world, type World } from '../support/fixture';
import { CREDENTIAL_ID } from '../support/workflows';

let w: World | undefined;
afterEach(async () => {
	if (w) w.harness.credentialsHelper.siblingLookupThrows = false;
	await w?.close();
	w = undefined;
});
afterAll(closeHarness);


/** The probe as it was before it caught its own failure: the lookup alone. */
const UNGUARDED_PROBE = '={{ ["baseUrl","email","password"].filter((name) => String($rawParameter["&" + name] ?? "").startsWith("=")).join(",") }}';

test('an n8n whose sibling lookup throws makes an unguarded probe fail the whole credential (the condition is real)', async () => {
	w = await world();
	w.harness.credentials.set(CREDENTIAL_ID, 'portalDuctApi', { ...w.storedCredential(), [EXPRESSION_FIELDS]: UNGUARDED_PROBE });
	w.harness.credentialsHelper.siblingLookupThrows = true;
	await expect(readStoredCredential(w)).rejects.toThrow(/sibling/i);
	w.harness.credentialsHelper.siblingLookupThrows = false;
	expect((await readStoredCredential(w))[EXPRESSION_FIELDS]).toBe('');
});

test('with the probe unresolvable, the credential resolves, its probe says "unknown", and its fields are intact', async () => {
	w = await world();
	w.harness.credentialsHelper.siblingLookupThrows = true;
	const resolved = await readStoredCredential(w);
	expect(resolved[EXPRESSION_FIELDS]).toBe(EXPRESSION_FIELDS_UNKNOWN);
	expect(resolved.baseUrl).toBe(w.sandbox.url);
	expect(resolved.email).toBe(w.sandbox.login.email);
	expect(resolved.password).toBe(w.sandbox.login.password);
});

test('with the probe unresolvable, the credential Test answers OK, and Error for a wrong password', async () => {
	w = await world();
	w.harness.credentialsHelper.siblingLookupThrows = true;
	const { url, login } = w.sandbox;
	const credential = (password: string) => ({
		id: CREDENTIAL_ID,
		name: 'PortalDuct',
		type: 'portalDuctApi',
		data: { baseUrl: url, email: login.email, password },
	});
	const good = await w.harness.testCredential(credential(login.password));
	expect(good).toEqual({ status: 'OK', message: 'Connection successful!' });
	const bad = await w.harness.testCredential(credential('wrong-password'));
	expect(bad.status).toBe('Error');
	expect(bad.message).toMatch(/refused the login/);
});

test('with the probe unresolvable, an action over 6 items succeeds, reading the credential per item, one login', async () => {
	w = await world();
	w.harness.credentialsHelper.siblingLookupThrows = true;
	const before = w.harness.credentialsHelper.reads;
	const run = await w.act({ resource: 'webhook', operation: 'get' }, { rows: Array.from({ length: 6 }, (_, n) => ({ n })) });
	expect(run.error).toBeUndefined();
	expect(run.json('PortalDuct')).toHaveLength(6);
	// One read per item; the login reads once more, to store the session.
	expect(w.harness.credentialsHelper.reads - before).toBeGreaterThanOrEqual(6);
	expect(w.sandbox.control.stats().logins).toBe(1);
	// The session was stored, as usual.
	expect(String(w.storedCredential().accessToken)).not.toBe('');
});
