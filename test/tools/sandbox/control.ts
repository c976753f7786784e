/** The programmatic control of a sandbox; routes-control.ts exposes the same over HTTP. */
import type { SandboxCore } from './core';
import { addFault } from './faults';
import { changeInvoice } from './invoice-changes';
import { seedInvoices } from './invoices';
import { registrationView } from './registration';
import { settingsSnapshot, validateSettingsPatch } from './settings';
import { emptyCounters, statsSnapshot } from './state';
import { revokeAllTokens } from './tokens';
import type { SandboxControl } from './types';

export function createControl(core: SandboxCore): SandboxControl {
	const { state, deliveries, connections } = core;
	return {
		stats: () => statsSnapshot(state.counters),
		log: () => state.log.map((entry) => ({ ...entry, query: { ...entry.query } })),
		resetStats: () => {
			// Counters and log only: data, tokens, faults and deliveries stay.
			// In place: other modules hold this object. inFlight is a gauge, not a counter: requests still in
			// flight will leave it, so it is kept, and the maximum since the reset starts from it.
			const { inFlight } = state.counters;
			Object.assign(state.counters, emptyCounters(), { inFlight, inFlightMax: inFlight });
			state.log.length = 0;
		},
		getSettings: () => settingsSnapshot(state.settings),
		updateSettings: (patch) => {
			Object.assign(state.settings, validateSettingsPatch(patch));
			return settingsSnapshot(state.settings);
		},
		injectFault: (fault) => ({ ...addFault(state, fault) }),
		faults: () => state.faults.map((fault) => ({ ...fault })),
		clearFaults: () => {
			state.faults.length = 0;
		},
		rejectTokenOnce: () => {
			state.tokens.rejectNext = true;
		},
		revokeTokens: () => revokeAllTokens(state),
		submitPortalCredentials: async (input) => connections.submitPortalCredentials(input),
		seedInvoices: (input) => seedInvoices(state, input),
		changeInvoice: (invoiceId, input) => changeInvoice(state, invoiceId, input),
		createConnection: (input) => ({ ...connections.createConnection(input) }),
		deliveries: () => deliveries.snapshot(),
		registration: () => registrationView(state),
		secrets: () => ({ password: state.account.password, tokens: [...state.tokens.issued] }),
		redeliver: async (eventId) => {
			deliveries.redeliver(eventId);
			return deliveries.snapshot().find((d) => d.eventId === eventId)!;
		},
		waitForDeliveries: (predicateOrCount, timeoutMs) => deliveries.waitFor(predicateOrCount, timeoutMs),
	};
}
