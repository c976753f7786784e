/** Test fixtures written straight into a sandbox's state (the /v1 calls have their own tests). */
import { randomUUID } from 'node:crypto';
import type { Sandbox } from './types';

export interface SeededClient {
	customerUUID: string;
	clientUUID: string;
}

export function seedCustomerAndClient(sandbox: Sandbox, clientName = 'Globex Retail'): SeededClient {
	const customerUUID = randomUUID();
	const clientUUID = randomUUID();
	const createdAt = new Date().toISOString();
	sandbox.state.customers.set(customerUUID, { customerUUID, name: 'Acme Supplies', createdAt });
	sandbox.state.clients.set(clientUUID, { clientUUID, customerUUID, name: clientName, createdAt });
	return { customerUUID, clientUUID };
}
