/** Each invoice's changeKey changes exactly when its status, amount, currency or dates change. */
import { closeHarness, connectionWithInvoices, world, type World } from '../support/fixture';

let w: World;
afterAll(async () => {
	await w.close();
	await closeHarness();
});

test('changeKey is stable across runs and changes only for the invoices that changed', async () => {
	w = await world();
	const { connection: connection_uuid } = await connectionWithInvoices(w, 6, ['open']);
	const keys = async () => {
		const run = await w.act({ resource: 'invoice', operation: 'getMany', connectionUuid: connection_uuid, returnAll: true });
		return run.json('PortalDuct').map((invoice) => invoice.changeKey as string);
	};
	const first = await keys();
	expect(new Set(first).size).toBe(6);
	expect(first.every((key) => /^[0-9a-f]{32}$/.test(key))).toBe(true);
	expect(await keys()).toEqual(first);

	const invoices = w.sandbox.state.invoices.get(connection_uuid)!;
	invoices[1].status = 'paid';
	invoices[1].paidDate = '2024-02-01';
	invoices[3].amount += 1;
	invoices[4].dueDate = '2030-01-01';
	invoices[5].poNumber = 'PO-CHANGED'; // not a field accounting syncs on
	const second = await keys();
	expect(second.map((key, n) => key !== first[n])).toEqual([false, true, false, true, true, false]);
});
