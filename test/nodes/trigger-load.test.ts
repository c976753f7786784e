/**
 * The trigger under load and with neighbours, through n8n-core's real WebhookContext with static
 * data loaded per call and written back whole, as n8n does: overlapping deliveries start no
 * duplicate, filtered events cost no static data write, the record does not depend on the URL a
 * process computes, one account never ends on a URL nobody serves, signatures cannot be dropped.
 */
import type { IDataObject } from 'n8n-workflow';

import type { WebhookServer, WorkflowJson } from '../harness';
import { closeHarness, world, type World } from '../support/fixture';
import { deliverTo, ownTriggerWorkflow, portalLoginChange } from '../support/deliveries';

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

async function listen(workflow: WorkflowJson, mode: 'trigger' | 'manual' = 'trigger'): Promise<WebhookServer> {
	const server = await w.harness.startWebhookServer({ workflow, nodeName: 'PortalDuct Trigger', mode, staticData: 'perCall' });
	servers.push(server);
	return server;
}

const event = (status = 'failure'): IDataObject => portalLoginChange(status, 'load test');

/** POSTs a delivery to the URL PortalDuct holds, signed with the registered secret unless `signed` is false. */
const deliver = (body: IDataObject, options?: { signed?: boolean; url?: string }) => deliverTo(w.sandbox, body, options);

const eventIdsRun = (server: WebhookServer) => server.executions.map((run) => run.json('Handle')[0].eventId as string);

describe('overlapping deliveries', () => {
	test('a burst of 10 distinct events at once, then each redelivered at once: 10 executions', async () => {
		const server = await listen(triggerWorkflow());
		await server.hooks().activate();
		const events = Array.from({ length: 10 }, () => event());
		const first = await Promise.all(events.map((e) => deliver(e)));
		expect(first.map((a) => [a.status, a.body.duplicate])).toEqual(events.map(() => [200, undefined]));
		const again = await Promise.all(events.map((e) => deliver(e)));
		expect(again.map((a) => [a.status, a.body.duplicate])).toEqual(events.map(() => [200, true]));
		await server.idle();
		expect(eventIdsRun(server).sort()).toEqual(events.map((e) => e.eventId).sort());
	});

	test('the same event twice at the same moment: 1 execution', async () => {
		const server = await listen(triggerWorkflow());
		await server.hooks().activate();
		const same = event();
		const answers = await Promise.all([deliver(same), deliver(same), deliver(same)]);
		expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
		expect(answers.filter((a) => a.body.duplicate)).toHaveLength(2);
		await server.idle();
		expect(eventIdsRun(server)).toEqual([same.eventId]);
	});

	test('events the status filter drops are acknowledged without a static data write of their own', async () => {
		const server = await listen(triggerWorkflow({}, ['failure']));
		await server.hooks().activate();
		const stored = () => JSON.stringify(server.hooks().staticData());
		// The first signed delivery marks the registration as signed (a write made once): done first.
		await deliver(event('failure'));
		await server.idle();
		const before = stored();
		const dropped = await deliver(event('success'));
		expect(dropped).toMatchObject({ status: 200, body: { received: true, ignored: 'status success is not selected' } });
		expect(stored()).toBe(before);
		await deliver(event('failure'));
		await server.idle();
		// An event that runs is remembered (saved with its execution).
		expect(stored()).not.toBe(before);
	});
});

test('the record is found whatever URL the process delivering computes (webhook process with another WEBHOOK_URL)', async () => {
	const workflow = triggerWorkflow();
	const main = await listen(workflow);
	await main.hooks().activate();
	const token = new URL(w.sandbox.state.registration!.url).searchParams.get('token');
	// A second server for the same workflow: another origin, as a webhook process with its own WEBHOOK_URL.
	const webhookProcess = await listen(workflow);
	expect(webhookProcess.webhookUrl).not.toBe(main.webhookUrl);
	const answer = await deliver(event(), { url: `${webhookProcess.webhookUrl}?token=${token}` });
	expect(answer.status).toBe(200);
	await webhookProcess.waitForExecutions(1);
	// The token check stays exact.
	const forged = await deliver(event(), { url: `${webhookProcess.webhookUrl}?token=${token}x` });
	expect(forged.status).toBe(401);
});

describe('two workflows on one PortalDuct account', () => {
	test('B is refused while A is active, naming what holds the account; A keeps its registration', async () => {
		const a = await listen(triggerWorkflow());
		const b = await listen(triggerWorkflow());
		await a.hooks().activate();
		await expect(b.hooks().activate()).rejects.toThrow(
			`PortalDuct already sends this account's portal login changes to ${a.webhookUrl}, an address that is not a PortalDuct Trigger of this n8n. Unpublish (1.x: deactivate) what uses that address first, or turn on Options > Replace Existing Registration to take the account over.`,
		);
		expect(w.sandbox.state.registration!.url.startsWith(`${a.webhookUrl}?token=`)).toBe(true);
		// The message shows the holder's URL without its token.
		const token = new URL(w.sandbox.state.registration!.url).searchParams.get('token')!;
		await expect(b.hooks().activate()).rejects.not.toThrow(token);
	});

	test('A, then B after A is deactivated, then B deactivated: the account ends with no registration', async () => {
		const a = await listen(triggerWorkflow());
		const b = await listen(triggerWorkflow());
		await a.hooks().activate();
		await a.hooks().delete();
		expect(w.sandbox.state.registration).toBeNull();
		await b.hooks().activate();
		expect(w.sandbox.state.registration!.url.startsWith(`${b.webhookUrl}?token=`)).toBe(true);
		await b.hooks().delete();
		expect(w.sandbox.state.registration).toBeNull();
	});

	test('a registration nobody serves any more is refused too; Replace Existing Registration takes it over, never restored', async () => {
		const a = await listen(triggerWorkflow());
		await a.hooks().activate();
		// A's n8n went away without deactivating: PortalDuct still points at it.
		await a.close();
		servers = servers.filter((s) => s !== a);
		const b = await listen(triggerWorkflow());
		await expect(b.hooks().activate()).rejects.toThrow(`to ${a.webhookUrl}, an address that is not a PortalDuct Trigger of this n8n. Unpublish (1.x: deactivate) what uses that address first, or turn on Options > Replace Existing Registration to take the account over.`);
		const taking = await listen(triggerWorkflow({ replaceExistingRegistration: true }));
		await taking.hooks().activate();
		expect(w.sandbox.state.registration!.url.startsWith(`${taking.webhookUrl}?token=`)).toBe(true);
		await taking.hooks().delete();
		expect(w.sandbox.state.registration).toBeNull();
	});

	test('a test listen of B while A is active is refused too (it would cut A off)', async () => {
		const a = await listen(triggerWorkflow());
		await a.hooks().activate();
		const bTest = await listen(triggerWorkflow(), 'manual');
		await expect(bTest.hooks().activate()).rejects.toThrow(`to ${a.webhookUrl}, an address that is not a PortalDuct Trigger of this n8n. Unpublish (1.x: deactivate) what uses that address first, or turn on Options > Replace Existing Registration to take the account over.`);
	});

	test('a test listen of the same node puts production back afterwards, with its secret', async () => {
		const workflow = triggerWorkflow();
		const production = await listen(workflow, 'trigger');
		await production.hooks().activate();
		const registered = { ...w.sandbox.state.registration! };
		// The editor's "listen for test event": same n8n, its /webhook-test/ URL.
		const editor = w.harness.hooks(w.harness.workflow(workflow), 'PortalDuct Trigger', 'manual');
		await editor.activate();
		expect(w.sandbox.state.registration!.url.startsWith(`${editor.webhookUrl}?token=`)).toBe(true);
		await editor.delete();
		expect(w.sandbox.state.registration).toMatchObject({ url: registered.url, secret: registered.secret });
		expect(registered.secret).toEqual(expect.any(String));
	});
});

describe('signatures cannot be dropped', () => {
	test('after one signed delivery, an unsigned one with the right URL token is refused and runs nothing', async () => {
		const server = await listen(triggerWorkflow());
		await server.hooks().activate();
		expect((await deliver(event(), { signed: true })).status).toBe(200);
		const unsigned = await deliver(event(), { signed: false });
		expect(unsigned).toMatchObject({ status: 401, body: { received: false } });
		await server.idle();
		expect(server.executions).toHaveLength(1);
		// Remembered in static data too, for the next process.
		const records = Object.values(server.hooks().staticData().registrations as Record<string, IDataObject>);
		expect(records[0].signed).toBe(true);
	});

	test('a PortalDuct that never signs still works by default', async () => {
		const server = await listen(triggerWorkflow());
		await server.hooks().activate();
		for (let n = 0; n < 3; n++) expect((await deliver(event(), { signed: false })).status).toBe(200);
		await server.idle();
		expect(server.executions).toHaveLength(3);
	});

	test('Require Signatures refuses unsigned deliveries from the start', async () => {
		const server = await listen(triggerWorkflow({ requireSignatures: true }));
		await server.hooks().activate();
		expect((await deliver(event(), { signed: false })).status).toBe(401);
		expect((await deliver(event(), { signed: true })).status).toBe(200);
		await server.idle();
		expect(server.executions).toHaveLength(1);
	});
});

test('Webhook > Get shows a trigger\'s registered URL without its delivery token', async () => {
	const server = await listen(triggerWorkflow());
	await server.hooks().activate();
	const token = new URL(w.sandbox.state.registration!.url).searchParams.get('token')!;
	const run = await w.act({ resource: 'webhook', operation: 'get' });
	const [out] = run.json('PortalDuct');
	expect(String(out.url).startsWith(`${server.webhookUrl}?token=%28hidden%29&signing=`)).toBe(true);
	expect(JSON.stringify(run.raw.data.resultData)).not.toContain(token);
});
