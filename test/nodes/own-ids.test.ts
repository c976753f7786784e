/**
 * Your platform's own ids: a stable UUID version 5 under the package's one namespace, sent to
 * PortalDuct and output beside the id as you wrote it; re-running onboarding is a no-op.
 */
import { ownIdToUuid } from '../../nodes/PortalDuct/own-ids';
import { closeHarness, world, type World } from '../support/fixture';

let w: World | undefined;
afterEach(async () => {
	await w?.close();
	w = undefined;
});
afterAll(closeHarness);

test('derived UUIDs equal what an independent UUID v5 implementation computes', () => {
	// RFC 9562's own example (Appendix A.4): "www.example.com" in the DNS namespace.
	expect(ownIdToUuid('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
	// Computed with Python's uuid.uuid5(UUID('58d234b9-afc6-49bf-a242-14e02a24ebd3'), id), the namespace the README documents.
	expect(ownIdToUuid('48213')).toBe('62000ead-9354-5004-98f5-225c772a64e8');
	expect(ownIdToUuid('acme-42')).toBe('f216a036-2c5a-583d-8b78-ea58cd39ae6d');
	expect(ownIdToUuid('7')).toBe('a4d89315-0622-5ba4-b77b-e0d5c87b642b');
});

const ownIds = { idFormat: 'ownId', ifExists: 'continue' };

test('onboarding with platform ids: PortalDuct gets the derived UUIDs, the output has both; a re-run is a no-op', async () => {
	w = await world();
	const onboard = async () => {
		const customer = await w!.act({ resource: 'customer', operation: 'create', ...ownIds, customerOwnId: '={{ $json.crm }}', name: 'Acme' }, { rows: [{ crm: 48213 }] });
		const client = await w!.act({
			resource: 'client',
			operation: 'create',
			...ownIds,
			customerOwnId: '48213',
			clientOwnId: 'acme-42',
			name: 'Northwind',
		});
		return [customer.json('PortalDuct')[0], client.json('PortalDuct')[0]];
	};
	const [customer, client] = await onboard();
	expect(customer).toMatchObject({ customerUUID: '62000ead-9354-5004-98f5-225c772a64e8', customerOwnId: '48213', created: true });
	expect(client).toMatchObject({
		customerUUID: '62000ead-9354-5004-98f5-225c772a64e8',
		customerOwnId: '48213',
		clientUUID: 'f216a036-2c5a-583d-8b78-ea58cd39ae6d',
		clientOwnId: 'acme-42',
		created: true,
	});
	expect(w.sandbox.state.clients.get('f216a036-2c5a-583d-8b78-ea58cd39ae6d')?.customerUUID).toBe('62000ead-9354-5004-98f5-225c772a64e8');

	const [again, clientAgain] = await onboard();
	expect(again).toMatchObject({ customerOwnId: '48213', created: false, alreadyExisted: true });
	expect(clientAgain).toMatchObject({ clientOwnId: 'acme-42', created: false, alreadyExisted: true });
	expect(w.sandbox.state.customers.size).toBe(1);
	expect(w.sandbox.state.clients.size).toBe(1);

	const balance = await w.act({ resource: 'client', operation: 'getBalance', idFormat: 'ownId', clientOwnId: 'acme-42' });
	expect(balance.json('PortalDuct')[0]).toMatchObject({ clientUUID: 'f216a036-2c5a-583d-8b78-ea58cd39ae6d', clientOwnId: 'acme-42' });
});

test('an empty own id is refused before any request, naming the field', async () => {
	w = await world();
	w.sandbox.control.resetStats();
	const run = await w.act({ resource: 'customer', operation: 'create', idFormat: 'ownId', customerOwnId: '  ', name: 'Acme' });
	expect(run.error?.message).toBe('Item 1 (index 0): "Customer ID (Your Own)" must be an ID of your platform of 1 to 200 characters, such as 48213, but it is empty');
	expect(w.sandbox.control.stats().requestsTotal).toBe(0);
});
