/** Every PortalDuct action on valid input, through n8n-core's engine against the sandbox. */
import { closeHarness, world, type World } from '../support/fixture';
import { uuid } from '../support/workflows';

let w: World;
beforeEach(async () => {
	w = await world();
});
afterEach(async () => {
	await w.close();
});
afterAll(closeHarness);

async function customer(): Promise<string> {
	const id = uuid();
	const run = await w.act({ resource: 'customer', operation: 'create', customerUUID: id, name: 'Acme' });
	expect(run.error).toBeUndefined();
	return id;
}

test('Customer > Create returns the customer PortalDuct stored', async () => {
	const id = uuid();
	const run = await w.act({
		resource: 'customer',
		operation: 'create',
		customerUUID: id.toUpperCase(),
		name: '  Acme Trade Finance ',
		additionalFields: { email: 'ops@acme.example', metadata: '{"crmId":"A-1"}' },
	});
	expect(run.error).toBeUndefined();
	const [out] = run.json('PortalDuct');
	expect(out).toMatchObject({
		// As the caller wrote it (their platform's id round-trips); PortalDuct's echo is lower case.
		customerUUID: id.toUpperCase(),
		name: 'Acme Trade Finance',
		email: 'ops@acme.example',
		metadata: { crmId: 'A-1' },
		created: true,
		alreadyExisted: false,
	});
	expect(typeof out.createdAt).toBe('string');
	expect(run.output('PortalDuct')[0].pairedItem).toEqual({ item: 0 });
	expect(w.sandbox.state.customers.get(id)?.name).toBe('Acme Trade Finance');
});

test('Client > Create files the client under its customer; If Already Exists = Continue makes a re-run safe', async () => {
	const customerUUID = await customer();
	const clientUUID = uuid();
	const params = { resource: 'client', operation: 'create', customerUUID, clientUUID, name: 'Northwind', ifExists: 'continue' };
	const first = await w.act(params);
	expect(first.json('PortalDuct')[0]).toMatchObject({ clientUUID, customerUUID, name: 'Northwind', created: true });
	const again = await w.act(params);
	expect(again.error).toBeUndefined();
	expect(again.json('PortalDuct')[0]).toMatchObject({ clientUUID, created: false, alreadyExisted: true });
	expect(w.sandbox.state.clients.size).toBe(1);
});

test('Client > Get Balance, per client and one item per portal connection', async () => {
	const customerUUID = await customer();
	const clientUUID = uuid();
	await w.act({ resource: 'client', operation: 'create', customerUUID, clientUUID, name: 'Northwind' });
	const ariba = w.sandbox.control.createConnection({ clientUUID, portalName: 'Ariba' });
	const coupa = w.sandbox.control.createConnection({ clientUUID, portalName: 'Coupa' });
	w.sandbox.control.seedInvoices({ connection_uuid: ariba.connection_uuid, count: 8 });
	w.sandbox.control.seedInvoices({ connection_uuid: coupa.connection_uuid, count: 3 });

	const whole = await w.act({ resource: 'client', operation: 'getBalance', clientUUID });
	const [balance] = whole.json('PortalDuct');
	expect(balance).toMatchObject({ clientUUID, currency: expect.any(String) });
	expect(balance.byPortal).toHaveLength(2);
	expect(typeof balance.totalOutstanding).toBe('number');

	const split = await w.act({ resource: 'client', operation: 'getBalance', clientUUID, output: 'connections' });
	const rows = split.json('PortalDuct');
	expect(rows.map((r) => r.connection_uuid).sort()).toEqual([ariba.connection_uuid, coupa.connection_uuid].sort());
	for (const row of rows) expect(row).toMatchObject({ clientUUID, portalName: expect.any(String), outstanding: expect.any(Number) });
	expect(split.output('PortalDuct').every((i) => (i.pairedItem as { item: number }).item === 0)).toBe(true);
});

test('Invoice > Get Many with a limit, simplified', async () => {
	const customerUUID = await customer();
	const clientUUID = uuid();
	await w.act({ resource: 'client', operation: 'create', customerUUID, clientUUID, name: 'Northwind' });
	const { connection_uuid } = w.sandbox.control.createConnection({ clientUUID, portalName: 'Ariba' });
	w.sandbox.control.seedInvoices({ connection_uuid, count: 30 });
	const run = await w.act({ resource: 'invoice', operation: 'getMany', connectionUuid: connection_uuid, limit: 7, simplify: true });
	const invoices = run.json('PortalDuct');
	expect(invoices).toHaveLength(7);
	expect(Object.keys(invoices[0]).sort()).toEqual(
		['amount', 'changeKey', 'connection_uuid', 'currency', 'dueDate', 'invoiceDate', 'invoiceNumber', 'poNumber', 'portalName', 'status'].concat(
			invoices[0].paidDate !== undefined ? ['paidDate'] : [],
		).sort(),
	);
	expect(invoices.every((i) => i.connection_uuid === connection_uuid)).toBe(true);
	const full = await w.act({ resource: 'invoice', operation: 'getMany', connectionUuid: connection_uuid, limit: 2 });
	expect(full.json('PortalDuct')[0]).toMatchObject({ invoiceId: expect.any(String), connection_uuid });
});

test('Portal Login Webhook > Register, Get, Remove', async () => {
	const url = 'http://127.0.0.1:9/portalduct-events';
	const registered = await w.act({ resource: 'webhook', operation: 'register', url, secret: 's3cret-value' });
	expect(registered.json('PortalDuct')[0]).toMatchObject({ registered: true, url, signed: true, webhookId: expect.any(String) });
	expect(JSON.stringify(registered.json('PortalDuct'))).not.toContain('s3cret-value');
	expect(w.sandbox.control.registration()).toMatchObject({ url, hasSecret: true });

	const got = await w.act({ resource: 'webhook', operation: 'get' });
	expect(got.json('PortalDuct')[0]).toMatchObject({ registered: true, url });

	// A URL that carries a token (a PortalDuct Trigger's, another system's key): sent as typed,
	// shown with its query values hidden, as Webhook > Get shows it.
	const withToken = 'http://user:pw@127.0.0.1:9/hook?token=abc123secret&signing=f5abccc526602caa';
	const again = await w.act({ resource: 'webhook', operation: 'register', url: withToken });
	expect(w.sandbox.control.registration()).toMatchObject({ url: withToken });
	expect(again.json('PortalDuct')[0]).toMatchObject({ registered: true, url: 'http://127.0.0.1:9/hook?token=%28hidden%29&signing=f5abccc526602caa', signed: false });
	expect(JSON.stringify(again.json('PortalDuct'))).not.toMatch(/abc123secret|user:pw/);
	const gotAgain = await w.act({ resource: 'webhook', operation: 'get' });
	expect(gotAgain.json('PortalDuct')[0].url).toBe(again.json('PortalDuct')[0].url);

	const removed = await w.act({ resource: 'webhook', operation: 'remove' });
	// n8n's shape for a delete, `deleted`, with `removed` kept for workflows that read it.
	expect(removed.json('PortalDuct')[0]).toEqual({ deleted: true, removed: true });
	expect(w.sandbox.control.registration()).toBeNull();

	const none = await w.act({ resource: 'webhook', operation: 'get' });
	expect(none.json('PortalDuct')[0]).toEqual({ registered: false });
	const removedAgain = await w.act({ resource: 'webhook', operation: 'remove' });
	expect(removedAgain.json('PortalDuct')[0]).toEqual({ deleted: false, removed: false, reason: 'No webhook was registered' });
	expect(w.sandbox.control.registration()).toBeNull();
});

test('Auth > Get Token outputs expiry, and the tokens only when asked', async () => {
	const plain = await w.act({ resource: 'auth', operation: 'getToken' });
	const [out] = plain.json('PortalDuct');
	expect(out).toMatchObject({ tokenType: 'Bearer', obtainedBy: 'login', expiresIn: 900, hasRefreshToken: true });
	expect(Date.parse(out.expiresAt as string)).toBeGreaterThan(Date.now());
	expect(out).not.toHaveProperty('token');
	expect(out).not.toHaveProperty('refreshToken');

	const withToken = await w.act({ resource: 'auth', operation: 'getToken', includeToken: true });
	const [shown] = withToken.json('PortalDuct');
	expect(w.sandbox.state.tokens.access.has(shown.token as string)).toBe(true);
	expect(w.sandbox.state.tokens.refresh.has(shown.refreshToken as string)).toBe(true);
});

test('Auth > Refresh Token trades a given refresh token once, and the credential\'s own when left empty', async () => {
	const [first] = (await w.act({ resource: 'auth', operation: 'getToken', includeToken: true })).json('PortalDuct');
	const refreshed = await w.act({ resource: 'auth', operation: 'refreshToken', refreshToken: first.refreshToken, includeToken: true });
	const [out] = refreshed.json('PortalDuct');
	expect(out).toMatchObject({ obtainedBy: 'refresh', tokenType: 'Bearer' });
	expect(out.token).not.toBe(first.token);

	const reused = await w.act({ resource: 'auth', operation: 'refreshToken', refreshToken: first.refreshToken });
	expect(reused.error?.message).toMatch(/refused the refresh token/);

	// The credential logs in on first use, then holds a refresh token of its own.
	await w.act({ resource: 'webhook', operation: 'get' });
	const own = await w.act({ resource: 'auth', operation: 'refreshToken' });
	expect(own.error).toBeUndefined();
	expect(own.json('PortalDuct')[0]).toMatchObject({ obtainedBy: 'refresh' });
	expect(w.sandbox.control.stats().refreshes).toBe(2);
});

test('the "Custom API Call" entry n8n adds points to the HTTP Request node', async () => {
	const run = await w.act({ resource: 'customer', operation: '__CUSTOM_API_CALL__' });
	expect(run.error?.message).toBe('Custom API calls are made with the HTTP Request node');
	expect((run.error as { description?: string }).description).toMatch(/Predefined Credential Type.*PortalDuct API/);
	expect(w.sandbox.control.stats().requestsTotal).toBe(0);
});

test('canvas subtitles read as the action, through n8n\'s expression engine', async () => {
	const subtitleOf = (type: string, parameters: Record<string, unknown>) => {
		const workflow = w.harness.workflow({
			name: 'subtitle',
			nodes: [{ id: 'n', name: 'N', type, typeVersion: 1, position: [0, 0], parameters }],
			connections: {},
		});
		const node = workflow.getNode('N')!;
		const { subtitle } = w.harness.nodeTypes.getByNameAndVersion(type, 1).description;
		return workflow.expression.getSimpleParameterValue(node, subtitle as string, 'internal', {});
	};
	expect(subtitleOf('n8n-nodes-portalduct.portalDuct', { resource: 'client', operation: 'getBalance' })).toBe('Get Balance: Client');
	expect(subtitleOf('n8n-nodes-portalduct.portalDuct', { resource: 'invoice', operation: 'getMany' })).toBe('Get Many: Invoice');
	expect(subtitleOf('n8n-nodes-portalduct.portalDuctTrigger', { statuses: ['pending', 'success', 'failure', 'other'] })).toBe('All portal login changes');
	// A workflow saved before Other existed, with the three: Other is not selected, and it says so.
	expect(subtitleOf('n8n-nodes-portalduct.portalDuctTrigger', { statuses: ['pending', 'success', 'failure'] })).toBe(
		'Portal login: pending, success, failure',
	);
	expect(subtitleOf('n8n-nodes-portalduct.portalDuctTrigger', { statuses: ['failure'] })).toBe('Portal login: failure');
});
