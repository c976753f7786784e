/** Rate limits, server errors and lost answers: retried within bounds, nothing created twice. */
import { closeHarness, world, type World } from '../support/fixture';
import { uuid } from '../support/workflows';

let w: World;
let clientUUID: string;
beforeEach(async () => {
	w = await world();
	const customerUUID = uuid();
	clientUUID = uuid();
	await w.act({ resource: 'customer', operation: 'create', customerUUID, name: 'Acme' });
	await w.act({ resource: 'client', operation: 'create', customerUUID, clientUUID, name: 'Northwind' });
	w.sandbox.control.resetStats();
});
afterEach(async () => {
	await w.close();
});
afterAll(closeHarness);

const balancePath = '/v1/getClientBalance/';
const balanceCalls = () => w.sandbox.control.log().filter((e) => e.path.startsWith(balancePath));

test('429 waits the Retry-After PortalDuct asked for, then succeeds', async () => {
	w.sandbox.control.injectFault({ path: balancePath, kind: 'status', status: 429, retryAfterSeconds: 1, count: 1 });
	const run = await w.act({ resource: 'client', operation: 'getBalance', clientUUID });
	expect(run.error).toBeUndefined();
	const calls = balanceCalls();
	expect(calls.map((c) => c.status)).toEqual([429, 200]);
	const gap = Date.parse(calls[1].at) - Date.parse(calls[0].at);
	expect(gap).toBeGreaterThanOrEqual(950);
});

test('a 503 and a dropped connection on a read are retried and recovered', async () => {
	w.sandbox.control.injectFault({ path: balancePath, kind: 'status', status: 503, count: 1 });
	w.sandbox.control.injectFault({ path: balancePath, kind: 'drop', count: 1 });
	const run = await w.act({ resource: 'client', operation: 'getBalance', clientUUID });
	expect(run.error).toBeUndefined();
	expect(run.json('PortalDuct')[0]).toMatchObject({ clientUUID });
	expect(balanceCalls().map((c) => c.status)).toEqual([503, null, 200]);
});

test('a read failing every time gives up after bounded tries with a clear error', async () => {
	w.sandbox.control.injectFault({ path: balancePath, kind: 'status', status: 500, count: 50 });
	const run = await w.act({ resource: 'client', operation: 'getBalance', clientUUID });
	expect(run.error?.message).toMatch(/PortalDuct had a server error \(HTTP 500\) \(after 4 tries\)/);
	expect(balanceCalls()).toHaveLength(4);
});

test('a create whose answer was lost is resent once, found landed (409), reported created, stored once', async () => {
	const customerUUID = uuid();
	w.sandbox.control.injectFault({ path: '/v1/addNewCustomer', kind: 'dropResponse', count: 1 });
	const run = await w.act({ resource: 'customer', operation: 'create', customerUUID, name: 'Lost Answer Ltd' });
	expect(run.error).toBeUndefined();
	expect(run.json('PortalDuct')[0]).toMatchObject({ customerUUID, name: 'Lost Answer Ltd', created: true, alreadyExisted: false });
	const sends = w.sandbox.control.log().filter((e) => e.path === '/v1/addNewCustomer');
	expect(sends.map((s) => s.status)).toEqual([null, 409]);
	expect([...w.sandbox.state.customers.keys()].filter((k) => k === customerUUID)).toHaveLength(1);
});

test('a create never goes out a third time', async () => {
	const customerUUID = uuid();
	w.sandbox.control.injectFault({ path: '/v1/addNewCustomer', kind: 'drop', count: 5 });
	const run = await w.act({ resource: 'customer', operation: 'create', customerUUID, name: 'Unlucky' });
	expect(run.error?.message).toMatch(/could not be reached/);
	expect(w.sandbox.control.log().filter((e) => e.path === '/v1/addNewCustomer')).toHaveLength(2);
});

test('a first-time 409 is an error that says the UUID exists, with a hint', async () => {
	const customerUUID = uuid();
	await w.act({ resource: 'customer', operation: 'create', customerUUID, name: 'Acme' });
	const run = await w.act({ resource: 'customer', operation: 'create', customerUUID, name: 'Acme again' });
	expect(run.error?.message).toMatch(new RegExp(`^Customer ${customerUUID} already exists in PortalDuct`));
	expect((run.error as { description?: string }).description).toMatch(/If Already Exists/);
});
