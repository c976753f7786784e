/**
 * A PortalDuct that serves only what its guide names for the registration: POST (issue 19 item 2).
 * GET and DELETE answer 404 (an unknown route, which the contract also reads as "none"), 405 or
 * 501. Activation still registers, checkExists goes by what the node recorded, deactivation still
 * asks PortalDuct to remove the registration and completes, a test listen puts the published
 * trigger back, and what could not be done is in n8n's log. Through n8n-core's HookContext and
 * WebhookContext against the sandbox's `registrationGetDelete` dialect.
 */
import type { IDataObject } from 'n8n-workflow';

import type { WebhookServer, WorkflowJson } from '../harness';
import type { LogLine } from '../harness/logging';
import { deliverTo, ownTriggerWorkflow, portalLoginChange } from '../support/deliveries';
import { closeHarness, world, type World } from '../support/fixture';

let w: World;
let servers: WebhookServer[] = [];
afterEach(async () => {
	for (const s of servers) await s.close();
	servers = [];
	await w?.close();
});
afterAll(closeHarness);

async function serve(workflow: WorkflowJson, mode: 'trigger' | 'manual' = 'trigger'): Promise<WebhookServer> {
	// perCall: n8n's own rules for static data (a test listen's copy starts empty).
	const server = await w.harness.startWebhookServer({ workflow, nodeName: 'PortalDuct Trigger', mode, staticData: 'perCall' });
	servers.push(server);
	return server;
}

/** The warnings n8n's log got while `act` ran. */
async function warningsOf(act: () => Promise<unknown>): Promise<string[]> {
	const from = w.harness.logs.length;
	await act();
	return w.harness.logs.slice(from).filter((line: LogLine) => line.level === 'warn').map((line) => line.message);
}

const held = () => ({ url: w.sandbox.state.registration?.url, secret: w.sandbox.state.registration?.secret });
const path = '/v1/clientsPortalLoginChanges';

describe.each([404, 405, 501] as const)('GET and DELETE answer %i', (status) => {
	beforeEach(async () => {
		w = await world({ registrationGetDelete: status });
	});

	test('activation registers, checkExists holds, deliveries run; deactivation asks DELETE, completes, and the log says what could not be done', async () => {
		const server = await serve(ownTriggerWorkflow());
		expect(await server.hooks().activate()).toBe(true);
		const registered = held();
		expect(registered.url?.startsWith(`${server.webhookUrl}?token=`)).toBe(true);
		expect(registered.secret).toEqual(expect.any(String));

		// n8n's start-up check: 405/501 go by the record (and say so); a 404 reads as "none" (the
		// contract), so n8n registers again, with the same URL, token and secret.
		const warnings = await warningsOf(async () => expect(await server.hooks().checkExists()).toBe(status !== 404));
		if (status === 404) {
			expect(await server.hooks().activate()).toBe(true);
			expect(held()).toEqual(registered);
			expect(warnings).toEqual([]);
		} else {
			expect(warnings).toEqual([
				expect.stringContaining(`PortalDuct answered ${status} to GET ${path}`),
			]);
			expect(warnings[0]).toContain('cannot be checked: going by what the trigger registered');
		}

		expect((await deliverTo(w.sandbox, portalLoginChange('failure'))).status).toBe(200);
		await server.waitForExecutions(1);

		const deleteRequests = () => w.sandbox.state.log.filter((e) => e.method === 'DELETE' && e.path === path).length;
		const said = await warningsOf(() => server.hooks().delete());
		expect(deleteRequests()).toBe(1);
		// PortalDuct still holds the URL; n8n forgot the token, so a delivery there is refused.
		expect(held()).toEqual(registered);
		const shown = new URL(registered.url!);
		const address = `${shown.origin}${shown.pathname}`;
		expect(said.at(-1)).toContain(
			status === 404
				? `PortalDuct answered 404 to GET and to DELETE ${path}`
				: `PortalDuct answered ${status} to DELETE ${path}`,
		);
		expect(said.at(-1)).toContain(`may keep sending portal login changes to ${address}, which refuses them (401, unknown token; or 404 from n8n)`);
		expect(said.join('\n')).not.toContain(shown.searchParams.get('token')!);
		expect((await deliverTo(w.sandbox, portalLoginChange('failure'))).status).toBe(401);
		expect(Object.keys(server.hooks().staticData().registrations as IDataObject)).toEqual([]);
	});

	test('a test listen while published takes the account and puts the published trigger back as it was', async () => {
		const workflow = ownTriggerWorkflow();
		const production = await serve(workflow);
		await production.hooks().activate();
		const before = held();

		const editor = await serve(workflow, 'manual');
		const said = await warningsOf(() => editor.hooks().activate());
		expect(held().url?.startsWith(`${editor.webhookUrl}?token=`)).toBe(true);
		if (status !== 404) {
			expect(said).toEqual([expect.stringContaining(`gets it back when the test ends`)]);
		}
		expect((await deliverTo(w.sandbox, portalLoginChange('success'))).status).toBe(200);
		await editor.waitForExecutions(1);
		await editor.hooks().delete();

		expect(held()).toEqual(before);
		expect((await deliverTo(w.sandbox, portalLoginChange('failure'))).status).toBe(200);
		await production.waitForExecutions(1);
	});

	test('a test listen of an unpublished workflow registers and says what it could not check', async () => {
		const editor = await serve(ownTriggerWorkflow(), 'manual');
		const said = await warningsOf(() => editor.hooks().activate());
		expect(held().url?.startsWith(`${editor.webhookUrl}?token=`)).toBe(true);
		if (status !== 404) {
			expect(said).toEqual([expect.stringContaining('This n8n process has no published registration of this workflow to put back')]);
		}
		await editor.hooks().delete();
	});
});

describe.each([405, 501] as const)('Webhook > Get and Remove when PortalDuct answers %i', (status) => {
	beforeEach(async () => {
		w = await world({ registrationGetDelete: status });
	});

	test('a clear error quoting PortalDuct\'s status; Register still works', async () => {
		expect((await w.act({ resource: 'webhook', operation: 'register', url: 'http://127.0.0.1:9/hook' })).error).toBeUndefined();
		const get = await w.act({ resource: 'webhook', operation: 'get' });
		expect(get.error?.message).toMatch(
			new RegExp(`^PortalDuct answered ${status} to GET ${path}: ".+"\\. GET of the webhook registration is not available on this PortalDuct`),
		);
		const remove = await w.act({ resource: 'webhook', operation: 'remove' });
		expect(remove.error?.message).toMatch(
			new RegExp(`^PortalDuct answered ${status} to DELETE ${path}: ".+"\\. DELETE of the webhook registration is not available on this PortalDuct`),
		);
		expect((remove.error as { description?: string }).description).toMatch(/keeps sending them to the registered URL/);
		expect(held().url).toBe('http://127.0.0.1:9/hook');
		// Answered at once: 405 and 501 are answers, not failures to retry.
		expect(w.sandbox.state.log.filter((e) => e.method === 'GET' && e.path === path)).toHaveLength(1);
	});
});
