/**
 * The PortalDuct Trigger where users meet it, through n8n-core's real HookContext and
 * WebhookContext with n8n's own rules (test listens on a copy whose static data starts empty,
 * production static data loaded per call and written back whole):
 * - a test listen leaves production exactly as it was (URL, token, secret), however it ends;
 * - activation never takes the account from a URL that is not this trigger's, and sends it nothing;
 * - a restart (a new n8n process over the same stored static data) forgets no delivered event.
 */
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import type { Harness, WebhookServer, WorkflowJson } from '../harness';
import { startWebhookReceiver } from '../tools/sandbox/webhook-receiver';
import { closeHarness, world, type World } from '../support/fixture';
import { deliverTo, ownTriggerWorkflow, portalLoginChange } from '../support/deliveries';
import { CREDENTIAL_ID } from '../support/workflows';

const triggerWorkflow = ownTriggerWorkflow;

let w: World;
let servers: WebhookServer[] = [];
beforeEach(async () => {
	w = await world();
});
afterEach(async () => {
	for (const server of servers) await server.close();
	servers = [];
	await w.close();
});
afterAll(closeHarness);

async function serve(
	workflow: WorkflowJson,
	mode: 'trigger' | 'manual' = 'trigger',
	harness: Harness = w.harness,
	port?: number,
): Promise<WebhookServer> {
	const server = await harness.startWebhookServer({ workflow, nodeName: 'PortalDuct Trigger', mode, staticData: 'perCall', port });
	servers.push(server);
	return server;
}

const event = (status = 'failure'): IDataObject => portalLoginChange(status, 'listen test');

/** POSTs a delivery to the URL PortalDuct holds, signed with the secret it holds (as PortalDuct does). */
const deliver = (body: IDataObject) => deliverTo(w.sandbox, body);

/** What PortalDuct holds: URL (with the token) and secret. */
const held = () => ({ url: w.sandbox.state.registration?.url, secret: w.sandbox.state.registration?.secret });

/** Production published, one signed delivery run: the state a test listen must leave untouched. */
async function publishedWithOneRun(workflow: WorkflowJson) {
	const production = await serve(workflow);
	await production.hooks().activate();
	expect((await deliver(event())).status).toBe(200);
	await production.waitForExecutions(1);
	return { production, before: held() };
}

/** After the listen: PortalDuct holds production exactly as before, and signed deliveries run there. */
async function productionAsBefore(production: WebhookServer, before: ReturnType<typeof held>) {
	expect(held()).toEqual(before);
	const ran = production.executions.length;
	const answers = [await deliver(event()), await deliver(event())];
	expect(answers.map((a) => a.status)).toEqual([200, 200]);
	await production.waitForExecutions(ran + 2);
	await production.idle();
	expect(production.executions).toHaveLength(ran + 2);
}

describe('a test listen leaves production exactly as it was', () => {
	test('the listen ends after one event', async () => {
		const workflow = triggerWorkflow();
		const { production, before } = await publishedWithOneRun(workflow);
		const editor = await serve(workflow, 'manual');
		await editor.hooks().activate();
		expect(held().url?.startsWith(`${editor.webhookUrl}?`)).toBe(true);
		// The listen's copy started empty: production's record was not there to read.
		expect(Object.keys(editor.hooks().staticData().registrations as IDataObject)).toEqual([
			`${workflow.nodes[0].webhookId}|test`,
		]);
		expect((await deliver(event('success'))).status).toBe(200);
		const [run] = await editor.waitForExecutions(1);
		expect(run.json('Handle')[0]).toMatchObject({ status: 'success' });
		await editor.hooks().delete(); // n8n ends the listen after one event
		await productionAsBefore(production, before);
	});

	test('the listen is stopped before any event ("Stop listening", or its timeout)', async () => {
		const workflow = triggerWorkflow();
		const { production, before } = await publishedWithOneRun(workflow);
		const editor = w.harness.hooks(workflow, 'PortalDuct Trigger', 'manual');
		await editor.activate();
		expect(held().url).not.toBe(before.url);
		await editor.delete();
		await productionAsBefore(production, before);
	});

	test('production without signing comes back without signing', async () => {
		const workflow = triggerWorkflow({ signDeliveries: false });
		const { production, before } = await publishedWithOneRun(workflow);
		expect(before.secret).toBeUndefined();
		const editor = w.harness.hooks(workflow, 'PortalDuct Trigger', 'manual');
		await editor.activate();
		await editor.delete();
		await productionAsBefore(production, before);
	});

	test('a listen that could not put production back is refused, and production keeps the account', async () => {
		const workflow = triggerWorkflow();
		const { production, before } = await publishedWithOneRun(workflow);
		// The PortalDuct password changed since production registered, and the credential with it
		// (a session is tied to the Password it was obtained with): production's secret is not derivable.
		const stored = w.storedCredential() as ICredentialDataDecryptedObject;
		const account = w.sandbox.state.account;
		const oldPassword = account.password;
		account.password = `${oldPassword}-new`;
		w.harness.credentials.set(CREDENTIAL_ID, 'portalDuctApi', { ...stored, password: account.password });
		const editor = w.harness.hooks(workflow, 'PortalDuct Trigger', 'manual');
		await expect(editor.activate()).rejects.toThrow(/could not put it back as it is/);
		account.password = oldPassword;
		w.harness.credentials.set(CREDENTIAL_ID, 'portalDuctApi', stored);
		await productionAsBefore(production, before);
	});
});

describe('activation asks before it takes over', () => {
	test('a URL of another system: refused naming it, nothing sent to it; Replace Existing Registration takes over', async () => {
		const other = await startWebhookReceiver('/crm/hooks');
		try {
			// Another system's address, with credentials of its own: none of them may be shown.
			const foreign = `${other.url.replace('://', '://crm-user:crm-pass-S3cret@')}?token=not-for-your-eyes&code=FUNCTION-KEY-123`;
			await w.act({ resource: 'webhook', operation: 'register', url: foreign });
			const server = await serve(triggerWorkflow());
			const refusal = server.hooks().activate();
			await expect(refusal).rejects.toThrow(`PortalDuct already sends this account's portal login changes to ${other.url}, an address that is not a PortalDuct Trigger of this n8n. Unpublish (1.x: deactivate) what uses that address first, or turn on Options > Replace Existing Registration to take the account over.`);
			const shown = await server.hooks().activate().then(
				() => '',
				(e: Error) => JSON.stringify({ ...e, message: e.message, description: (e as { description?: string }).description }),
			);
			for (const secret of ['not-for-your-eyes', 'FUNCTION-KEY-123', 'crm-pass-S3cret', 'crm-user']) expect(shown).not.toContain(secret);
			expect(held().url).toBe(foreign);

			const taking = await serve(triggerWorkflow({ replaceExistingRegistration: true }));
			expect(await taking.hooks().activate()).toBe(true);
			expect(held().url?.startsWith(`${taking.webhookUrl}?token=`)).toBe(true);
			// Deactivated: the previous URL is not restored.
			await taking.hooks().delete();
			expect(w.sandbox.state.registration).toBeNull();
			expect(other.received).toEqual([]);
		} finally {
			await other.close();
		}
	});

	test('a second trigger workflow on the account is refused at once, naming the first one\'s URL without its token', async () => {
		const a = await serve(triggerWorkflow());
		await a.hooks().activate();
		const token = new URL(held().url!).searchParams.get('token')!;
		const b = await serve(triggerWorkflow());
		for (const mode of ['trigger', 'manual'] as const) {
			const hooks = mode === 'trigger' ? b.hooks() : w.harness.hooks(b.hooks().workflow, 'PortalDuct Trigger', 'manual');
			const error = await hooks.activate().then(
				() => undefined,
				(e: Error) => e,
			);
			expect(error?.message).toBe(`PortalDuct already sends this account's portal login changes to ${a.webhookUrl}, an address that is not a PortalDuct Trigger of this n8n. Unpublish (1.x: deactivate) what uses that address first, or turn on Options > Replace Existing Registration to take the account over.`);
			expect(JSON.stringify({ ...error, message: error?.message })).not.toContain(token);
		}
		expect(held().url?.startsWith(`${a.webhookUrl}?token=${token}`)).toBe(true);
		expect(a.responses).toEqual([]); // nothing was sent to A to find out what it is
	});

	test('this node\'s own leftover test listen URL is taken over by production without asking', async () => {
		const workflow = triggerWorkflow();
		const editor = w.harness.hooks(workflow, 'PortalDuct Trigger', 'manual');
		await editor.activate(); // n8n stopped before the listen ended: PortalDuct still holds the test URL
		const production = await serve(workflow);
		expect(await production.hooks().activate()).toBe(true);
		expect(held().url?.startsWith(`${production.webhookUrl}?token=`)).toBe(true);
	});
});

describe('a test listen with Replace Existing Registration borrows the account, and gives it back', () => {
	test('a second workflow\'s test listen takes the account from the first (published) one, which gets it back as it was when the listen ends', async () => {
		const first = triggerWorkflow();
		const { production, before } = await publishedWithOneRun(first);
		const second = triggerWorkflow({ replaceExistingRegistration: true });
		const editor = await serve(second, 'manual');
		expect(await editor.hooks().activate()).toBe(true);
		expect(held().url?.startsWith(`${editor.webhookUrl}?`)).toBe(true);
		expect((await deliver(event('success'))).status).toBe(200);
		await editor.waitForExecutions(1);
		await editor.hooks().delete(); // the listen ends
		await productionAsBefore(production, before);
	});

	test('the same, stopped before any event', async () => {
		const { production, before } = await publishedWithOneRun(triggerWorkflow());
		const editor = w.harness.hooks(triggerWorkflow({ replaceExistingRegistration: true }), 'PortalDuct Trigger', 'manual');
		await editor.activate();
		await editor.delete();
		await productionAsBefore(production, before);
	});

	test('an address whose secret cannot be known here (another system) is not taken by a test listen; publishing still can', async () => {
		await w.act({ resource: 'webhook', operation: 'register', url: 'http://127.0.0.1:9/crm/hooks', secret: 'crm-secret' });
		const workflow = triggerWorkflow({ replaceExistingRegistration: true });
		const editor = w.harness.hooks(workflow, 'PortalDuct Trigger', 'manual');
		await expect(editor.activate()).rejects.toThrow(
			'A test listen cannot take the PortalDuct account from http://127.0.0.1:9/crm/hooks: it could not put that registration back as it is when the test ends',
		);
		expect(held()).toEqual({ url: 'http://127.0.0.1:9/crm/hooks', secret: 'crm-secret' });
		const production = await serve(workflow);
		expect(await production.hooks().activate()).toBe(true);
		expect(held().url?.startsWith(`${production.webhookUrl}?token=`)).toBe(true);
	});
});

describe('a restart forgets nothing the trigger saw', () => {
	/** A new n8n process: fresh modules (the trigger's process memory empty), the stored static data, the same port. */
	async function restart(workflow: WorkflowJson, before: WebhookServer): Promise<{ harness: Harness; server: WebhookServer }> {
		// What n8n's database holds: the published workflow's static data as last saved.
		const staticData = JSON.parse(JSON.stringify(before.hooks().workflow.staticData)) as IDataObject;
		delete staticData.__dataChanged;
		const port = Number(new URL(before.webhookUrl).port);
		await before.close();
		servers = servers.filter((s) => s !== before);
		let harness: Harness | undefined;
		await jest.isolateModulesAsync(async () => {
			const { createHarness } = (await import('../harness')) as typeof import('../harness');
			harness = await createHarness();
		});
		harness!.credentials.set(CREDENTIAL_ID, 'portalDuctApi', w.storedCredential() as ICredentialDataDecryptedObject);
		const server = await serve({ ...workflow, staticData }, 'trigger', harness, port);
		return { harness: harness!, server };
	}

	const redeliverAll = async (events: IDataObject[], server: WebhookServer) => {
		const again = await Promise.all(events.map(async (e) => await deliver(e)));
		expect(again.map((a) => a.status)).toEqual(events.map(() => 200));
		await server.idle();
		return server.executions.length;
	};

	test.each([
		['at once', async (events: IDataObject[]) => await Promise.all(events.map(async (e) => await deliver(e)))],
		[
			'one at a time, as PortalDuct sends them',
			async (events: IDataObject[]) => {
				for (const e of events) await deliver(e);
			},
		],
	])('5 bursts of 5 distinct events delivered %s, n8n restarted after each, all redelivered: no second execution', async (_how, send) => {
		const workflow = triggerWorkflow();
		let server = await serve(workflow);
		await server.hooks().activate();
		const harnesses: Harness[] = [];
		const rerun: number[] = [];
		try {
			for (let burst = 0; burst < 5; burst++) {
				const events = Array.from({ length: 5 }, () => event());
				await send(events);
				await server.waitForExecutions(5);
				await server.idle();
				const restarted = await restart(workflow, server);
				harnesses.push(restarted.harness);
				server = restarted.server;
				rerun.push(await redeliverAll(events, server));
			}
		} finally {
			for (const harness of harnesses) await harness.close();
		}
		expect(rerun).toEqual([0, 0, 0, 0, 0]);
	});
});
