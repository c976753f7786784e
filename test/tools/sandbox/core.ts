/** The parts of one sandbox instance that the HTTP routes and the programmatic control share. */
import { ConnectionFlow } from './connections';
import { DeliveryQueue } from './deliveries';
import { createState } from './state';
import { Timers } from './timers';
import type { SandboxSettings, SandboxState } from './types';

export interface SandboxCore {
	state: SandboxState;
	timers: Timers;
	deliveries: DeliveryQueue;
	connections: ConnectionFlow;
}

export function createCore(settings: SandboxSettings, email: string, password: string): SandboxCore {
	const state = createState(settings, email, password);
	const timers = new Timers();
	const deliveries = new DeliveryQueue(state, timers);
	const connections = new ConnectionFlow(state, timers, deliveries);
	return { state, timers, deliveries, connections };
}
