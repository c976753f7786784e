/**
 * `--demo-data`: a customer, two clients, connections and invoices with fixed ids (same on every start).
 * Connection ids differ in their first 8 digits because invoice numbers are built from them.
 */
import type { Sandbox } from './types';

export const DEMO = {
	customerUUID: 'c0ffee00-0000-4000-8000-000000000001',
	clients: [
		{ clientUUID: 'c11e0000-0000-4000-8000-00000000000a', name: 'Globex Retail' },
		{ clientUUID: 'c11e0000-0000-4000-8000-00000000000b', name: 'Initech Wholesale' },
	],
	connections: [
		{ connection_uuid: 'c0a00001-0000-4000-8000-000000000001', client: 0, portalName: 'Ariba', status: 'success', invoices: 40 },
		{
			connection_uuid: 'c0a00002-0000-4000-8000-000000000002',
			client: 0,
			portalName: 'Walmart Retail Link',
			status: 'success',
			invoices: 12,
		},
		{ connection_uuid: 'c0a00003-0000-4000-8000-000000000003', client: 1, portalName: 'Coupa', status: 'failure', invoices: 0 },
	],
} as const;

export function seedDemoData(sandbox: Sandbox): typeof DEMO {
	const createdAt = new Date().toISOString();
	sandbox.state.customers.set(DEMO.customerUUID, {
		customerUUID: DEMO.customerUUID,
		name: 'Acme Supplies Inc.',
		email: 'ap@acme.example',
		createdAt,
	});
	for (const client of DEMO.clients) {
		sandbox.state.clients.set(client.clientUUID, { ...client, customerUUID: DEMO.customerUUID, createdAt });
	}
	for (const c of DEMO.connections) {
		sandbox.control.createConnection({
			clientUUID: DEMO.clients[c.client].clientUUID,
			portalName: c.portalName,
			status: c.status,
			connection_uuid: c.connection_uuid,
		});
		if (c.invoices > 0) sandbox.control.seedInvoices({ connection_uuid: c.connection_uuid, count: c.invoices });
	}
	return DEMO;
}
