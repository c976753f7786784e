/**
 * Real output of every PortalDuct action and of the PortalDuct Trigger, from the sandbox through
 * n8n-core's engine: the samples the output schemas (`__schema__/`) are checked against. Each
 * operation runs in the variants that change its fields (Own ID, Output per connection, Simplify,
 * Include Token, nothing registered, ...), so every field a schema names shows up in some item.
 */
import type { IDataObject } from 'n8n-workflow';

import type { WebhookServer } from '../harness';
import { deliverRawTo, ownTriggerWorkflow } from './deliveries';
import type { World } from './fixture';
import { uuid } from './workflows';

/** The items one operation output, keyed `<resource>/<operation>` as its schema's path is. */
export type Samples = Map<string, IDataObject[]>;

/** Runs one action and files its items under its resource/operation; a failed run fails the test. */
async function collect(w: World, samples: Samples, parameters: IDataObject): Promise<IDataObject[]> {
	const run = await w.act(parameters);
	if (run.error) throw new Error(`${parameters.resource} > ${parameters.operation} failed: ${run.error.message}`);
	const items = run.json('PortalDuct');
	const key = `${parameters.resource}/${parameters.operation}`;
	samples.set(key, [...(samples.get(key) ?? []), ...items]);
	return items;
}

/** Every action of the PortalDuct node, in each variant that shapes its output differently. */
export async function actionSamples(w: World): Promise<Samples> {
	const samples: Samples = new Map();
	const customerUUID = uuid();
	const clientUUID = uuid();
	await collect(w, samples, {
		resource: 'customer', operation: 'create', customerUUID, name: 'Acme',
		additionalFields: { email: 'ops@acme.example', metadata: '{"crmId":"A-1"}' },
	});
	await collect(w, samples, { resource: 'customer', operation: 'create', idFormat: 'ownId', customerOwnId: 'acme-42', name: 'Acme 42' });
	await collect(w, samples, { resource: 'customer', operation: 'create', customerUUID, name: 'Acme', ifExists: 'continue' });
	await collect(w, samples, {
		resource: 'client', operation: 'create', customerUUID, clientUUID, name: 'Northwind',
		additionalFields: { email: 'ap@northwind.example', metadata: '{"crmId":"N-1"}' },
	});
	await collect(w, samples, { resource: 'client', operation: 'create', idFormat: 'ownId', customerOwnId: 'acme-42', clientOwnId: 'northwind-7', name: 'Northwind 7' });
	await collect(w, samples, { resource: 'client', operation: 'create', customerUUID, clientUUID, name: 'Northwind', ifExists: 'continue' });

	for (const portalName of ['Ariba', 'Coupa']) {
		const { connection_uuid } = w.sandbox.control.createConnection({ clientUUID, portalName });
		w.sandbox.control.seedInvoices({ connection_uuid, count: 40 });
	}
	await collect(w, samples, { resource: 'client', operation: 'getBalance', clientUUID });
	const perConnection = await collect(w, samples, { resource: 'client', operation: 'getBalance', clientUUID, output: 'connections' });
	await collect(w, samples, { resource: 'client', operation: 'getBalance', idFormat: 'ownId', clientOwnId: 'northwind-7' });
	await collect(w, samples, { resource: 'client', operation: 'getBalance', idFormat: 'ownId', clientOwnId: 'northwind-7', output: 'connections' });
	for (const { connection_uuid } of perConnection) {
		await collect(w, samples, { resource: 'invoice', operation: 'getMany', connectionUuid: connection_uuid, returnAll: true });
		await collect(w, samples, { resource: 'invoice', operation: 'getMany', connectionUuid: connection_uuid, returnAll: true, simplify: true });
	}

	await collect(w, samples, { resource: 'webhook', operation: 'get' });
	await collect(w, samples, { resource: 'webhook', operation: 'remove' });
	await collect(w, samples, { resource: 'webhook', operation: 'register', url: 'http://127.0.0.1:9/portalduct-events' });
	await collect(w, samples, { resource: 'webhook', operation: 'register', url: 'http://127.0.0.1:9/portalduct-events', secret: 'a-signing-secret' });
	await collect(w, samples, { resource: 'webhook', operation: 'get' });
	await collect(w, samples, { resource: 'webhook', operation: 'remove' });

	await collect(w, samples, { resource: 'auth', operation: 'getToken' });
	const [withToken] = await collect(w, samples, { resource: 'auth', operation: 'getToken', includeToken: true });
	await collect(w, samples, { resource: 'auth', operation: 'refreshToken', refreshToken: withToken.refreshToken, includeToken: true });
	await collect(w, samples, { resource: 'auth', operation: 'refreshToken' });
	return samples;
}

/**
 * Items of the PortalDuct Trigger: the sandbox's own deliveries (a good and a wrong portal password:
 * pending, success, failure), with the delivery's headers (Options > Include Headers), and a body
 * that is not a JSON object (status other, the body under `body`).
 */
export async function triggerSamples(w: World): Promise<IDataObject[]> {
	const customerUUID = uuid();
	const clientUUID = uuid();
	await w.act({ resource: 'customer', operation: 'create', customerUUID, name: 'Acme' });
	await w.act({ resource: 'client', operation: 'create', customerUUID, clientUUID, name: 'Northwind' });
	const workflow = ownTriggerWorkflow({ includeHeaders: true }, ['pending', 'success', 'failure', 'other']);
	const server: WebhookServer = await w.harness.startWebhookServer({ workflow, nodeName: 'PortalDuct Trigger' });
	try {
		await server.hooks().activate();
		await w.sandbox.control.submitPortalCredentials({ clientUUID, portalName: 'Ariba', username: 'ap', password: 'correct horse' });
		await w.sandbox.control.submitPortalCredentials({ clientUUID, portalName: 'Coupa', username: 'ap', password: 'wrong-password' });
		await server.waitForExecutions(4);
		const answer = await deliverRawTo(w.sandbox, '["not", "an object"]');
		if (answer.status !== 200) throw new Error(`a delivery that is not a JSON object was answered ${answer.status}`);
		const runs = await server.waitForExecutions(5);
		await server.hooks().delete();
		return runs.map((run) => run.json('Handle')[0]);
	} finally {
		await server.close();
	}
}
