'use strict';
// The PortalDuct sandbox in a process of its own (so its CPU is not the measured client's), with
// the bench's seeding and state reads over IPC.   node sandbox-host.js <built sandbox module>
const { clientUuid, CUSTOMER, INVOICE_CLIENT, INVOICE_CONNECTION } = require('./ids');
const { serve } = require('./worker');

const [modulePath] = process.argv.slice(2);
const { startSandbox } = require(modulePath);

let sandbox;

serve({
	async start(options) {
		sandbox = await startSandbox({ port: 0, host: '127.0.0.1', ...options });
		return { url: sandbox.url, login: sandbox.login };
	},
	/** `clients` clients without connections (small balance answers), one connection with `invoices` invoices. */
	seed({ clients, invoices }) {
		const createdAt = new Date().toISOString();
		sandbox.state.customers.set(CUSTOMER, { customerUUID: CUSTOMER, name: 'Bench customer', createdAt });
		for (let n = 1; n <= clients; n++) {
			const id = clientUuid(n);
			sandbox.state.clients.set(id, { clientUUID: id, customerUUID: CUSTOMER, name: `Bench client ${n}`, createdAt });
		}
		sandbox.state.clients.set(INVOICE_CLIENT, { clientUUID: INVOICE_CLIENT, customerUUID: CUSTOMER, name: 'Bench invoices', createdAt });
		sandbox.control.createConnection({ clientUUID: INVOICE_CLIENT, portalName: 'Ariba', status: 'success', connection_uuid: INVOICE_CONNECTION });
		const seeded = sandbox.control.seedInvoices({ connection_uuid: INVOICE_CONNECTION, count: invoices });
		return { clientIds: Array.from({ length: clients }, (_, i) => clientUuid(i + 1)), connectionUuid: INVOICE_CONNECTION, invoices: seeded.total };
	},
	stats: () => sandbox.control.stats(),
	resetStats: () => sandbox.control.resetStats(),
	settings: (patch) => sandbox.control.updateSettings(patch),
	/** The registration as stored, secret included: the bench signs its own burst of deliveries. */
	registration: () => (sandbox.state.registration ? { ...sandbox.state.registration } : null),
	async exit() {
		await sandbox?.close();
	},
});
